package match_test

import (
	"context"
	"errors"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/match"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/search"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

type fixture struct {
	db                          *store.DB
	seg                         *search.Segmenter
	owner, neu, inst, bank, far registry.Organisation
	challenge                   program.Project
	asOwner, asOther, asManager access.Principal
}

func setUp(t *testing.T, db *store.DB) fixture {
	t.Helper()
	ctx := context.Background()
	seg, err := search.Default()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
		t.Fatal(err)
	}
	f := fixture{db: db, seg: seg}
	mk := func(o registry.Organisation) registry.Organisation {
		t.Helper()
		out, err := registry.Create(ctx, db, o)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	f.owner = mk(registry.Organisation{Name: "沈阳芯源微电子设备股份有限公司", Kind: "enterprise", Description: "涂胶显影设备"})
	f.neu = mk(registry.Organisation{Name: "东北大学", Kind: "university", Description: "精密温控、热管理与半导体装备研究"})
	f.inst = mk(registry.Organisation{Name: "中国科学院沈阳自动化研究所", Kind: "institute", Description: "机器人、工业控制、温控系统"})
	f.bank = mk(registry.Organisation{Name: "沈阳精密温控科技支行", Kind: "bank", Description: "精密温控企业的科技信贷"})
	f.far = mk(registry.Organisation{Name: "沈阳某食品有限公司", Kind: "enterprise", Description: "食品加工"})
	pub, err := program.Latest(ctx, db, "challenge")
	if err != nil {
		t.Fatal(err)
	}
	call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "challenge-2025", Name: "2025年揭榜挂帅", Opens: "2025-01-01", Closes: "2099-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	f.challenge, err = program.CreateProject(ctx, db, call.ID, f.owner.ID, map[string]any{
		"title": "涂胶显影设备精密温控模块", "field": "集成电路", "need": "温控精度达到±0.01℃的精密温控模块",
		"indicators": []any{map[string]any{"indicator": "温控精度", "target": "±0.01℃"}}, "bounty": 5e6})
	if err != nil {
		t.Fatal(err)
	}
	f.asOwner = access.Principal{UserID: 1, Name: "owner", Roles: []access.Role{access.Org}, OrgID: f.owner.ID}
	f.asOther = access.Principal{UserID: 2, Name: "other", Roles: []access.Role{access.Org}, OrgID: f.far.ID}
	f.asManager = access.Principal{UserID: 3, Name: "manager", Roles: []access.Role{access.Manager}}
	return f
}

func suggestedIDs(t *testing.T, ss []match.Candidate, err error) []int64 {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, s := range ss {
		out = append(out, s.ID)
	}
	return out
}

func has(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// TestChallengeSuggestions: a challenge's owner sees solvers ranked by how
// well they fit, with reasons; accepting one starts a docking that moves
// from contact to agreement; rejecting one hides it; each decision is taken
// once; the index follows the registry without a rebuild.
func TestChallengeSuggestions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setUp(t, db)
		solvers := match.NewSolvers(db, f.seg)
		suggest := func() []int64 {
			ss, err := match.Suggest(ctx, db, map[string]*match.Pool{"": solvers}, f.asOwner, f.challenge.ID, 10)
			return suggestedIDs(t, ss, err)
		}

		got, err := match.Suggest(ctx, db, map[string]*match.Pool{"": solvers}, f.asOwner, f.challenge.ID, 10)
		ids := suggestedIDs(t, got, err)
		if len(ids) < 2 || ids[0] != f.neu.ID || !has(ids, f.inst.ID) {
			t.Fatalf("suggestions %v: want 东北大学 (%d) first and the institute (%d) among them", ids, f.neu.ID, f.inst.ID)
		}
		if has(ids, f.bank.ID) || has(ids, f.owner.ID) || has(ids, f.far.ID) {
			t.Errorf("suggestions %v hold the bank, the owner or an unrelated firm", ids)
		}
		if len(got[0].Terms) == 0 || len(got[0].Passed) != 1 {
			t.Errorf("no reasons: %+v", got[0])
		}
		if _, err := match.Suggest(ctx, db, map[string]*match.Pool{"": solvers}, f.asOther, f.challenge.ID, 10); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("another organisation read a draft challenge's suggestions: %v", err)
		}

		if _, err := match.Accept(ctx, db, f.asOther, f.challenge.ID, f.neu.ID, ""); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("another organisation accepted: %v", err)
		}
		if _, err := match.Accept(ctx, db, f.asOwner, f.challenge.ID, f.owner.ID, ""); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("the owner docked with itself: %v", err)
		}
		d, err := match.Accept(ctx, db, f.asOwner, f.challenge.ID, f.neu.ID, "温控方向最相关")
		if err != nil {
			t.Fatal(err)
		}
		dk, err := program.GetProject(ctx, db, d.DockingID)
		if err != nil {
			t.Fatal(err)
		}
		if dk.Stage != "contact" || dk.OrganisationID != f.owner.ID || dk.Data["topic"] != "揭榜挂帅" || dk.Data["counterpart"] != float64(f.neu.ID) {
			t.Errorf("docking %+v", dk)
		}
		// The counterpart reads its docking and is told of it.
		asNEU := access.Principal{UserID: 9, Name: "neu", Roles: []access.Role{access.Org}, OrgID: f.neu.ID}
		if _, err := program.ViewOf(ctx, db, asNEU, dk.ID); err != nil {
			t.Errorf("the counterpart cannot read its docking: %v", err)
		}
		var notices int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE organisation_id = ? AND project_id = ?`, f.neu.ID, dk.ID).Scan(&notices); err != nil || notices != 1 {
			t.Errorf("%d notices to the counterpart (%v)", notices, err)
		}
		if _, err := program.ViewOf(ctx, db, f.asOther, dk.ID); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("a stranger reads the docking: %v", err)
		}
		if _, err := match.Accept(ctx, db, f.asManager, f.challenge.ID, f.neu.ID, ""); !errors.Is(err, problem.ErrConflict) {
			t.Errorf("a second decision on one candidate: %v", err)
		}
		var dockings int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM projects WHERE call_id = (SELECT id FROM calls WHERE key = 'docking')`).Scan(&dockings); err != nil || dockings != 1 {
			t.Errorf("%d dockings (%v), want 1: a refused decision must write nothing", dockings, err)
		}
		if _, err := match.Reject(ctx, db, f.asManager, f.challenge.ID, f.inst.ID, "方向不符"); err != nil {
			t.Fatal(err)
		}
		ids = suggest()
		if has(ids, f.neu.ID) || has(ids, f.inst.ID) {
			t.Errorf("decided candidates suggested again: %v", ids)
		}
		ds, err := match.Decisions(ctx, db, f.asOwner, f.challenge.ID)
		if err != nil || len(ds) != 2 || ds[0].Decision != "rejected" || ds[1].DockingID != d.DockingID {
			t.Errorf("decisions %+v %v", ds, err)
		}

		// The docking moves on; agreement asks for the meeting's notes.
		if _, err := program.Move(ctx, db, f.asOwner, dk.ID, "meet", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := program.Move(ctx, db, f.asOwner, dk.ID, "agree", ""); err == nil {
			t.Error("agreement without meeting notes")
		}

		// The registry changes; suggestions follow without a rebuild.
		cat, err := registry.LoadCatalogue(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		far, err := registry.Get(ctx, db, 0, f.far.ID)
		if err != nil {
			t.Fatal(err)
		}
		far.Description = "精密温控模块与涂胶显影设备温控系统"
		if _, err := registry.Save(ctx, db, f.seg, cat, far); err != nil {
			t.Fatal(err)
		}
		fresh, err := registry.Create(ctx, db, registry.Organisation{Name: "沈阳精密温控研究院", Kind: "institute"})
		if err != nil {
			t.Fatal(err)
		}
		ids = suggest()
		if !has(ids, f.far.ID) || !has(ids, fresh.ID) {
			t.Errorf("after the registry changed: %v, want %d and %d among them", ids, f.far.ID, fresh.ID)
		}
	})
}
