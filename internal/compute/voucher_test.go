package compute_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestVouchers: the voucher rules of the compute_voucher program on both
// engines — one contract is funded once (even when two applications race),
// the subsidy is at most 30% of the contract and 200万 a firm a year, and
// redemption never takes the balance below zero.
func TestVouchers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
			t.Fatal(err)
		}
		centre, _ := registry.Create(ctx, db, registry.Organisation{Name: "沈阳人工智能算力中心", Kind: "compute"})
		other, _ := registry.Create(ctx, db, registry.Organisation{Name: "沈阳华为人工智能计算中心", Kind: "compute"})
		firm, _ := registry.Create(ctx, db, registry.Organisation{Name: "沈阳某大模型科技有限公司", Kind: "enterprise"})
		pub, _ := program.Latest(ctx, db, "compute_voucher")
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "cv", Name: "算力券", Opens: "2024-01-01", Closes: "2099-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		voucher := func(provider int64, no string, contract, asked float64) int64 {
			t.Helper()
			at := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
			recs := []program.Seeded{{CallID: call.ID, OrganisationID: firm.ID, Created: at,
				Data: map[string]any{"provider": float64(provider), "use_case": "大模型训练", "compute_scale": 10.0, "precision": "FP16", "contract_no": no,
					"contract_amount": contract, "amount_requested": asked, "contract": "sha256:c"}, Marks: []program.Mark{{Stage: "draft", At: at}}}}
			if err := db.InTx(ctx, func(tx *store.Tx) error { return program.Seed(ctx, tx, recs) }); err != nil {
				t.Fatal(err)
			}
			return recs[0].ID
		}
		owner := access.Principal{UserID: 1, Name: "firm", Roles: []access.Role{access.Org}, OrgID: firm.ID}
		mgr := access.Principal{UserID: 2, Name: "mgr", Roles: []access.Role{access.Manager}}
		move := func(p access.Principal, id int64, key string, amount *float64) error {
			_, err := program.MoveWith(ctx, db, p, id, key, program.MoveInput{Amount: amount})
			return err
		}
		amt := func(x float64) *float64 { return &x }
		field := func(err error) string {
			var pe *problem.Error
			if errors.As(err, &pe) {
				return pe.Key
			}
			return ""
		}

		a := voucher(centre.ID, "HT-2025-001", 4e6, 1.2e6)
		if err := move(owner, a, "apply", nil); err != nil {
			t.Fatal(err)
		}
		if err := move(mgr, a, "approve", amt(1.5e6)); field(err) != "project.rule_failed" {
			t.Errorf("approved 37.5%% of the contract: %v", err)
		}
		if err := move(mgr, a, "approve", amt(1.2e6)); err != nil {
			t.Fatal(err)
		}
		// The same contract of the same provider: refused, whoever asks.
		b := voucher(centre.ID, "HT-2025-001", 4e6, 1e6)
		if err := move(owner, b, "apply", nil); field(err) != "project.duplicate_value" {
			t.Errorf("a contract funded twice: %v", err)
		}
		// Another provider's contract with the same number is another contract.
		c := voucher(other.ID, "HT-2025-001", 4e6, 1e6)
		if err := move(owner, c, "apply", nil); err != nil {
			t.Errorf("another provider's contract: %v", err)
		}
		// 120万 + 100万 is over the firm's 200万 for the year.
		if err := move(mgr, c, "approve", amt(1e6)); field(err) != "project.rule_failed" {
			t.Errorf("the yearly cap was passed: %v", err)
		}
		if err := move(mgr, c, "reject", nil); err != nil {
			t.Fatal(err)
		}
		// A rejected application does not hold its contract.
		d := voucher(other.ID, "HT-2025-001", 4e6, 8e5)
		if err := move(owner, d, "apply", nil); err != nil {
			t.Errorf("a contract whose application was rejected: %v", err)
		}
		// Redemption: settle with the invoice, then at most the balance.
		if _, err := program.MoveWith(ctx, db, owner, a, "settle", program.MoveInput{Data: map[string]any{"invoice": "sha256:i"}}); err != nil {
			t.Fatal(err)
		}
		if err := move(mgr, a, "redeem", amt(1.3e6)); field(err) != "project.amount_over_approved" {
			t.Errorf("redeemed beyond the balance: %v", err)
		}
		if err := move(mgr, a, "redeem", amt(1.2e6)); err != nil {
			t.Fatal(err)
		}
		got, _ := program.GetProject(ctx, db, a)
		if got.Stage != "redeemed" || got.AmountApproved-got.AmountDisbursed != 0 {
			t.Errorf("after redemption: %s, balance %v", got.Stage, got.AmountApproved-got.AmountDisbursed)
		}

		// Two applications for one new contract at once: one passes.
		x, y := voucher(centre.ID, "HT-2025-009", 1e6, 2e5), voucher(centre.ID, "HT-2025-009", 1e6, 2e5)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, id := range []int64{x, y} {
			wg.Add(1)
			go func() { defer wg.Done(); errs[i] = move(owner, id, "apply", nil) }()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			}
		}
		if ok != 1 {
			t.Errorf("racing applications for one contract: %v", errs)
		}
	})
}
