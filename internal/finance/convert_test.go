package finance_test

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/finance"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestConvertWorked: 500万 of public money, a first round at 20 yuan a
// share on a 2亿 pre-money value raising 5000万, with a 20% discount: the
// money converts at 16 yuan into 312,500 shares, 2.4390% of the company
// after the round (10,000,000 + 2,500,000 + 312,500 shares).
func TestConvertWorked(t *testing.T) {
	for _, c := range []struct {
		amount       float64
		r            finance.Round
		price        float64
		shares       float64
		stake        float64
		refusedField string
	}{
		{5e6, finance.Round{Date: "2025-05-20", PreMoney: 2e8, Price: 20, NewMoney: 5e7, Discount: 20}, 16, 312500, 2.439, ""},
		{5e6, finance.Round{Date: "2025-05-20", PreMoney: 2e8, Price: 20, NewMoney: 5e7}, 20, 250000, 1.9608, ""},
		{1e6, finance.Round{Date: "2025-05-20", PreMoney: 3e7, Price: 3, NewMoney: 1e7, Discount: 10}, 2.7, 370370, 2.7027, ""},
		{5e6, finance.Round{Date: "2025-05-20", PreMoney: 2e8, Price: 0, NewMoney: 5e7}, 0, 0, 0, "price"},
		{5e6, finance.Round{Date: "2025-05-20", PreMoney: 2e8, Price: 20, NewMoney: 5e7, Discount: 95}, 0, 0, 0, "discount"},
		{0, finance.Round{Date: "2025-05-20", PreMoney: 2e8, Price: 20, NewMoney: 5e7}, 0, 0, 0, "amount"},
		{5e6, finance.Round{Date: "20/05/2025", PreMoney: 2e8, Price: 20, NewMoney: 5e7}, 0, 0, 0, "round_date"},
	} {
		got, ps := finance.Convert(c.amount, c.r)
		if c.refusedField != "" {
			if len(ps) != 1 || ps[0].Field != c.refusedField {
				t.Errorf("%+v: %v, want %s refused", c.r, ps, c.refusedField)
			}
			continue
		}
		if len(ps) > 0 || math.Abs(got.ConversionPrice-c.price) > 1e-9 || got.Shares != c.shares || math.Abs(got.Stake-c.stake) > 1e-4 {
			t.Errorf("%v at %+v: %+v %v, want price %v, %v shares, %v%%", c.amount, c.r, got, ps, c.price, c.shares, c.stake)
		}
	}
}

// TestConvertLeg: a disbursed grant leg converts once, by a manager, with
// the equity share on the leg and the conversion kept; a loan leg does not.
func TestConvertLeg(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
			t.Fatal(err)
		}
		firm, _ := registry.Create(ctx, db, registry.Organisation{Name: "沈阳中科晶益科技有限公司", Kind: "enterprise"})
		bank, _ := registry.Create(ctx, db, registry.Organisation{Name: "沈阳科技支行", Kind: "bank"})
		caseT, _ := program.Latest(ctx, db, "finance_support_case")
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: caseT.ID, Key: "bt", Name: "拨投结合", Opens: "2024-01-01", Closes: "2099-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d.Add(10 * time.Hour) }
		recs := []program.Seeded{{CallID: call.ID, OrganisationID: firm.ID, Title: "拨投结合支持案例", Data: map[string]any{"phase": "概念验证", "amount_requested": 5e6,
			"instruments": []any{finance.GrantToEquity}, "conversion_terms": "首轮市场化融资时按八折转股"}, Marks: []program.Mark{{Stage: "executing", At: day("2024-09-01")}}, Approved: 5e6}}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return program.Seed(ctx, tx, recs) }); err != nil {
			t.Fatal(err)
		}
		legs := []program.Seeded{
			{CallID: call.ID, OrganisationID: firm.ID, ParentID: recs[0].ID, ChildKind: "legs", TemplateKey: "finance_leg", Data: map[string]any{"instrument": finance.GrantToEquity, "institution": float64(bank.ID), "amount_requested": 5e6, "agreement": "sha256:x"},
				Marks: []program.Mark{{Stage: "disbursed", At: day("2024-10-01")}}, Disbursed: 5e6},
			{CallID: call.ID, OrganisationID: firm.ID, ParentID: recs[0].ID, ChildKind: "legs", TemplateKey: "finance_leg", Data: map[string]any{"instrument": "贷款", "institution": float64(bank.ID), "amount_requested": 3e6, "agreement": "sha256:y"},
				Marks: []program.Mark{{Stage: "disbursed", At: day("2024-10-01")}}, Disbursed: 3e6},
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return program.Seed(ctx, tx, legs) }); err != nil {
			t.Fatal(err)
		}
		mgr := access.Principal{UserID: 1, Name: "mgr", Roles: []access.Role{access.Manager}}
		banker := access.Principal{UserID: 2, Name: "bank", Roles: []access.Role{access.Finance}, OrgID: bank.ID}
		round := finance.Round{Date: "2025-05-20", PreMoney: 2e8, Price: 20, NewMoney: 5e7, Discount: 20}
		if _, err := finance.ConvertLeg(ctx, db, mgr, legs[1].ID, round); !errors.Is(err, problem.ErrConflict) {
			t.Errorf("a loan converted: %v", err)
		}
		if _, err := finance.ConvertLeg(ctx, db, banker, legs[0].ID, round); !errors.Is(err, problem.ErrForbidden) {
			t.Errorf("a bank converted: %v", err)
		}
		c, err := finance.ConvertLeg(ctx, db, mgr, legs[0].ID, round)
		if err != nil {
			t.Fatal(err)
		}
		leg, _ := program.GetProject(ctx, db, legs[0].ID)
		if leg.Stage != "converted" || leg.Data["equity_share"] != c.Stake || c.Shares != 312500 {
			t.Errorf("leg %s %v, conversion %+v", leg.Stage, leg.Data["equity_share"], c)
		}
		if _, err := finance.ConvertLeg(ctx, db, mgr, legs[0].ID, round); !errors.Is(err, problem.ErrConflict) {
			t.Errorf("converted twice: %v", err)
		}
		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM finance_conversions`).Scan(&n); err != nil || n != 1 {
			t.Errorf("%d conversions kept (%v)", n, err)
		}
	})
}
