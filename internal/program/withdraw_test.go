package program_test

import (
	"context"
	"errors"
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

// TestWithdrawAfterBids: a published challenge withdraws freely until a bid
// arrives; then only with a reason, which is kept in its history.
func TestWithdrawAfterBids(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
			t.Fatal(err)
		}
		owner, _ := registry.Create(ctx, db, registry.Organisation{Name: "沈阳芯源微电子设备股份有限公司", Kind: "enterprise"})
		bidder, _ := registry.Create(ctx, db, registry.Organisation{Name: "东北大学", Kind: "university"})
		pub, _ := program.Latest(ctx, db, "challenge")
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "c", Name: "榜单", Opens: "2024-01-01", Closes: "2099-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		at := time.Date(2025, 3, 3, 2, 0, 0, 0, time.UTC)
		seed := func(rs ...program.Seeded) []program.Seeded {
			if err := db.InTx(ctx, func(tx *store.Tx) error { return program.Seed(ctx, tx, rs) }); err != nil {
				t.Fatal(err)
			}
			return rs
		}
		chs := seed(program.Seeded{CallID: call.ID, OrganisationID: owner.ID, Title: "无人揭榜的榜单", Marks: []program.Mark{{Stage: "published", At: at}}},
			program.Seeded{CallID: call.ID, OrganisationID: owner.ID, Title: "已有揭榜的榜单", Marks: []program.Mark{{Stage: "published", At: at}}})
		seed(program.Seeded{CallID: call.ID, OrganisationID: bidder.ID, ParentID: chs[1].ID, ChildKind: "bids", TemplateKey: "challenge_bid",
			Data: map[string]any{"solution": "方案", "quoted_amount": 1e6}, Marks: []program.Mark{{Stage: "submitted", At: at.Add(time.Hour)}}})
		p := access.Principal{UserID: 1, Name: "owner", Roles: []access.Role{access.Org}, OrgID: owner.ID}
		if _, err := program.MoveWith(ctx, db, p, chs[0].ID, "withdraw", program.MoveInput{}); err != nil {
			t.Errorf("no bids, no reason: %v", err)
		}
		if _, err := program.MoveWith(ctx, db, p, chs[1].ID, "withdraw", program.MoveInput{Note: "  "}); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("withdrawn after a bid without a reason: %v", err)
		}
		if _, err := program.MoveWith(ctx, db, p, chs[1].ID, "withdraw", program.MoveInput{Note: "需求方技术路线调整"}); err != nil {
			t.Fatal(err)
		}
		h, _ := program.History(ctx, db, chs[1].ID)
		if last := h[len(h)-1]; last.To != "withdrawn" || last.Note != "需求方技术路线调整" {
			t.Errorf("history ends %+v", last)
		}
	})
}
