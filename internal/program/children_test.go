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

const parentTemplate = `key: t_challenge
name: 测试榜单
version: 1
form:
  - {key: title, label: 榜单名称, type: text, required: true}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: published, name: 榜单发布}
  - {key: closed, name: 揭榜截止, terminal: true}
transitions:
  - {key: publish, name: 发布, from: draft, to: published, by: ["role:manager"]}
  - {key: close, name: 截止, from: published, to: closed, by: ["role:manager"]}
children:
  - {key: bids, name: 揭榜申报, template: t_bid, open_in: [published], by: [other_org]}
`

const bidTemplate = `key: t_bid
name: 测试揭榜
version: 1
form:
  - {key: title, label: 方案名称, type: text, required: true}
  - {key: quoted_amount, label: 报价, type: money, min: 0}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: submitted, name: 已提交, terminal: true}
transitions:
  - {key: submit, name: 提交揭榜, from: draft, to: submitted, by: [owner], requires: [title], rule: "parent.stage == 'published'", deadline: call_end}
`

// TestChildren: a challenge takes bids from other organisations while it is
// published; its owner reads them, others read only their own; once it
// closes, bids can be neither added nor submitted.
func TestChildren(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var orgs [3]registry.Organisation
		for i, name := range []string{"发榜企业", "揭榜企业甲", "揭榜企业乙"} {
			o, err := registry.Create(ctx, db, registry.Organisation{Name: name, Kind: "enterprise"})
			if err != nil {
				t.Fatal(err)
			}
			orgs[i] = o
		}
		user := func(i int) access.Principal {
			return access.Principal{UserID: int64(10 + i), Name: orgs[i].Name, Roles: []access.Role{access.Org}, OrgID: orgs[i].ID}
		}
		manager := access.Principal{UserID: 99, Name: "manager", Roles: []access.Role{access.Manager}}
		pub, err := program.Publish(ctx, db, []byte(parentTemplate))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := program.Publish(ctx, db, []byte(bidTemplate)); err != nil {
			t.Fatal(err)
		}
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "tc-1", Name: "第一批榜单", Opens: "2020-01-01", Closes: "2099-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		ch, err := program.CreateProject(ctx, db, call.ID, orgs[0].ID, map[string]any{"title": "高纯氧化铝提纯技术"})
		if err != nil {
			t.Fatal(err)
		}
		bid := map[string]any{"title": "等离子提纯方案", "quoted_amount": 3e6}
		if _, err := program.AddChild(ctx, db, program.Files{}, user(1), ch.ID, "bids", bid, nil); !errors.Is(err, problem.ErrConflict) {
			t.Fatalf("a bid on a draft challenge: %v", err)
		}
		if _, err := program.Move(ctx, db, manager, ch.ID, "publish", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := program.AddChild(ctx, db, program.Files{}, user(0), ch.ID, "bids", bid, nil); !errors.Is(err, problem.ErrForbidden) {
			t.Fatalf("the owner bidding on its own challenge: %v", err)
		}
		if _, err := program.AddChild(ctx, db, program.Files{}, user(1), ch.ID, "bids", map[string]any{"quoted_amount": -1.0}, nil); !errors.Is(err, problem.ErrInvalid) {
			t.Fatalf("a negative quote: %v", err)
		}
		b1, err := program.AddChild(ctx, db, program.Files{}, user(1), ch.ID, "bids", bid, nil)
		if err != nil || b1.ParentID != ch.ID || b1.OrganisationID != orgs[1].ID || b1.Stage != "draft" {
			t.Fatalf("bid: %+v %v", b1, err)
		}
		b2, err := program.AddChild(ctx, db, program.Files{}, user(2), ch.ID, "bids", map[string]any{"title": "化学提纯方案"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Who sees what.
		for _, c := range []struct {
			who  int
			id   int64
			seen bool
		}{{0, b1.ID, true}, {0, b2.ID, true}, {1, ch.ID, true}, {2, ch.ID, true}, {1, b2.ID, false}, {2, b1.ID, false}} {
			_, err := program.ViewOf(ctx, db, user(c.who), c.id)
			if c.seen != (err == nil) {
				t.Errorf("%s viewing %d: %v", orgs[c.who].Name, c.id, err)
			}
		}
		ns, _ := program.Notices(ctx, db, 0, orgs[0].ID, 10)
		bids := 0
		for _, n := range ns {
			if n.Kind == "child_added" {
				bids++
			}
		}
		if bids != 2 {
			t.Errorf("the challenge's owner got %d notices of bids, want 2", bids)
		}
		if _, err := program.Move(ctx, db, user(1), b1.ID, "submit", ""); err != nil {
			t.Fatalf("submit a bid: %v", err)
		}
		// Closed: no new bids, no submissions.
		if _, err := program.Move(ctx, db, manager, ch.ID, "close", ""); err != nil {
			t.Fatal(err)
		}
		_, err = program.Move(ctx, db, user(2), b2.ID, "submit", "")
		var pe *problem.Error
		if !errors.As(err, &pe) || pe.Key != "project.children_closed" {
			t.Fatalf("submit after the challenge closed: %v", err)
		}
		if _, err := program.AddChild(ctx, db, program.Files{}, user(2), ch.ID, "bids", bid, nil); !errors.Is(err, problem.ErrConflict) {
			t.Fatalf("a bid after closing: %v", err)
		}
		kids, err := program.Projects(ctx, db, program.ProjectFilter{ParentID: ch.ID})
		if err != nil || len(kids) != 2 {
			t.Fatalf("children: %d %v", len(kids), err)
		}
	})
}

// TestShippedBidNamedAndPriced: a bid on a shipped challenge, whose form
// has no title, is named after the challenge and its bidder, keeps that
// name when it is saved again, lists its quote as its amount and its
// challenge where other records list their call.
func TestShippedBidNamedAndPriced(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
			t.Fatal(err)
		}
		owner, err := registry.Create(ctx, db, registry.Organisation{Name: "沈阳芯源微电子设备股份有限公司", Kind: "enterprise"})
		if err != nil {
			t.Fatal(err)
		}
		solver, err := registry.Create(ctx, db, registry.Organisation{Name: "东北大学", Kind: "university"})
		if err != nil {
			t.Fatal(err)
		}
		pub, err := program.Latest(ctx, db, "challenge")
		if err != nil {
			t.Fatal(err)
		}
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "ch-2025", Name: "2025年度揭榜挂帅", Opens: "2025-01-01", Closes: "2025-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		ch := []program.Seeded{{CallID: call.ID, OrganisationID: owner.ID, Title: "揭榜挂帅：涂胶显影设备精密温控模块",
			Data:  map[string]any{"field": "集成电路", "bounty": 3e6},
			Marks: []program.Mark{{Stage: "published", At: time.Now().Add(-time.Hour)}}}}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return program.Seed(ctx, tx, ch) }); err != nil {
			t.Fatal(err)
		}
		user := access.Principal{UserID: 7, Name: "neu", Roles: []access.Role{access.Org}, OrgID: solver.ID}
		bid, err := program.AddChild(ctx, db, program.Files{}, user, ch[0].ID, "bids", map[string]any{"solution": "温控方案", "quoted_amount": 2.8e6, "term_months": 18.0}, nil)
		if err != nil {
			t.Fatal(err)
		}
		const want = "揭榜挂帅：涂胶显影设备精密温控模块 · 东北大学"
		if bid.Title != want || bid.AmountRequested != 2.8e6 || bid.CallID != call.ID {
			t.Errorf("bid: %q, amount %v, call %d", bid.Title, bid.AmountRequested, bid.CallID)
		}
		saved, err := program.SaveData(ctx, db, program.Files{}, user, bid.ID, map[string]any{"solution": "温控方案（修订）", "quoted_amount": 2.6e6, "term_months": 18.0}, nil, bid.Version)
		if err != nil {
			t.Fatal(err)
		}
		got, err := program.GetProject(ctx, db, saved.ID)
		if err != nil || got.Title != want || got.AmountRequested != 2.6e6 {
			t.Errorf("saved bid: %q, amount %v (%v)", got.Title, got.AmountRequested, err)
		}
		rows, err := program.Projects(ctx, db, program.ProjectFilter{ParentID: ch[0].ID})
		if err != nil || len(rows) != 1 || rows[0].CallName != ch[0].Title || rows[0].AmountRequested != 2.6e6 {
			t.Errorf("listed: %+v (%v)", rows, err)
		}
		// a support case's leg is named for its instrument
		fc, err := program.Latest(ctx, db, "finance_support_case")
		if err != nil {
			t.Fatal(err)
		}
		fcall, err := program.OpenCall(ctx, db, program.Call{TemplateID: fc.ID, Key: "fc-2025", Name: "2025年度拨投贷担", Opens: "2025-01-01", Closes: "2025-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		cs := []program.Seeded{{CallID: fcall.ID, OrganisationID: owner.ID, Title: "涂胶显影设备中试项目", Data: map[string]any{"phase": "中试"},
			Marks: []program.Mark{{Stage: "approved", At: time.Now().Add(-time.Hour)}}}}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return program.Seed(ctx, tx, cs) }); err != nil {
			t.Fatal(err)
		}
		manager := access.Principal{UserID: 9, Name: "manager", Roles: []access.Role{access.Manager}}
		leg, err := program.AddChild(ctx, db, program.Files{}, manager, cs[0].ID, "legs", map[string]any{"instrument": "贷款", "institution": float64(solver.ID), "amount_requested": 2e6}, nil)
		if err != nil || leg.Title != "涂胶显影设备中试项目 · 贷款" || leg.AmountRequested != 2e6 || leg.OrganisationID != owner.ID {
			t.Errorf("leg: %q, amount %v, organisation %d (%v)", leg.Title, leg.AmountRequested, leg.OrganisationID, err)
		}
	})
}
