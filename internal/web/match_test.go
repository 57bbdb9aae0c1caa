package web_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestSuggestionsOverHTTP: a challenge's owner opens its suggested solvers
// with the reasons, accepts one (a docking record starts) and cannot decide
// on it twice; a manager reads and rejects through the API; another
// organisation reaches neither.
func TestSuggestionsOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
			t.Fatal(err)
		}
		neu, _ := registry.Create(ctx, db, registry.Organisation{Name: "东北大学", Kind: "university", Description: "精密温控与半导体装备"})
		inst, _ := registry.Create(ctx, db, registry.Organisation{Name: "沈阳温控技术研究所", Kind: "institute", Description: "温控系统"})
		pub, err := program.Latest(ctx, db, "challenge")
		if err != nil {
			t.Fatal(err)
		}
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "c-2025", Name: "2025年揭榜挂帅", Opens: "2025-01-01", Closes: "2099-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		ch, err := program.CreateProject(ctx, db, call.ID, e.orgA.ID, map[string]any{"title": "涂胶显影设备精密温控模块", "need": "精密温控模块", "bounty": 1e6})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.auth.CreateUser(ctx, auth.NewUser{Username: "b-org", Password: pw, Roles: []access.Role{access.Org}, OrgID: e.orgB.ID}); err != nil {
			t.Fatal(err)
		}
		base := fmt.Sprintf("/projects/%d", ch.ID)

		owner := e.client()
		owner.signIn("u-org", pw)
		if _, body := owner.get(base); !strings.Contains(body, `id="suggest-link"`) {
			t.Fatal("the challenge's page has no link to its suggestions")
		}
		resp, body := owner.get(base + "/suggestions")
		if resp.StatusCode != 200 || !strings.Contains(body, fmt.Sprintf(`data-org="%d"`, neu.ID)) || !strings.Contains(body, "<mark>温控</mark>") {
			t.Fatalf("suggestions page: %d\n%s", resp.StatusCode, body)
		}
		resp, _ = owner.post(fmt.Sprintf("%s/suggestions/%d/accept", base, neu.ID), url.Values{"reason": {"方向相符"}})
		if resp.StatusCode != 303 || !strings.Contains(resp.Header.Get("Location"), "docked=1") {
			t.Fatalf("accept: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		dock := idFrom(t, resp.Header.Get("Location"), "/projects/")
		if _, body := owner.get("/projects/" + dock); !strings.Contains(body, "对接：涂胶显影设备精密温控模块 — 东北大学") {
			t.Fatal("the docking record's page lacks its title")
		}
		owner.get(base + "/suggestions")
		resp, body = owner.post(fmt.Sprintf("%s/suggestions/%d/accept", base, neu.ID), nil)
		if resp.StatusCode != 409 || !strings.Contains(body, "同一需求对同一单位只能决定一次") {
			t.Fatalf("second decision: %d", resp.StatusCode)
		}

		mgr := e.client()
		mgr.signIn("u-manager", pw)
		resp, body = mgr.get(fmt.Sprintf("/api/v1/projects/%d/suggestions?limit=5", ch.ID))
		var got struct {
			Suggestions []struct {
				ID    int64 `json:"id"`
				Name  string
				Terms []struct{ Term string }
			}
			Decisions []struct {
				CandidateID int64  `json:"candidate_id"`
				Decision    string `json:"decision"`
			}
		}
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &got) != nil {
			t.Fatalf("API: %d %s", resp.StatusCode, body)
		}
		if len(got.Decisions) != 1 || got.Decisions[0].CandidateID != neu.ID || len(got.Suggestions) == 0 || got.Suggestions[0].ID != inst.ID || len(got.Suggestions[0].Terms) == 0 {
			t.Fatalf("API answer: %s", body)
		}
		if resp, _ := mgr.get(fmt.Sprintf("/api/v1/projects/%d/suggestions?limit=500", ch.ID)); resp.StatusCode != 422 {
			t.Errorf("limit 500: %d", resp.StatusCode)
		}
		resp, body = mgr.raw("POST", fmt.Sprintf("/api/v1/projects/%d/suggestions/%d/reject", ch.ID, inst.ID), "application/json", []byte(`{"reason": "已有合作"}`))
		if resp.StatusCode != 201 || !strings.Contains(body, `"decision": "rejected"`) {
			t.Fatalf("API reject: %d %s", resp.StatusCode, body)
		}

		other := e.client()
		other.signIn("b-org", pw)
		if resp, _ := other.get(base + "/suggestions"); resp.StatusCode != 404 {
			t.Errorf("another organisation reads the suggestions: %d", resp.StatusCode)
		}
		if resp, _ := other.raw("POST", fmt.Sprintf("/api/v1/projects/%d/suggestions/%d/accept", ch.ID, e.orgB.ID), "application/json", nil); resp.StatusCode != 404 {
			t.Errorf("another organisation decides: %d", resp.StatusCode)
		}
	})
}

// TestChallengesList: the public list shows published challenges with
// their public fields only, to anyone; drafts stay off it.
func TestChallengesList(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	e := newEnv(t, db, false)
	if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
		t.Fatal(err)
	}
	pub, _ := program.Latest(ctx, db, "challenge")
	call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "c-2025", Name: "2025年揭榜挂帅", Opens: "2025-01-01", Closes: "2099-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 3, 3, 2, 0, 0, 0, time.UTC)
	recs := []program.Seeded{
		{CallID: call.ID, OrganisationID: e.orgA.ID, Title: "高纯石英砂提纯", Data: map[string]any{"field": "集成电路", "need": "内部需求细节", "bounty": 3e6, "bid_deadline": "2025-06-30", "term_months": 24.0},
			Marks: []program.Mark{{Stage: "published", At: at}}},
		{CallID: call.ID, OrganisationID: e.orgA.ID, Title: "草稿榜单", Data: map[string]any{"field": "新能源"}, Marks: []program.Mark{{Stage: "submitted", At: at}}},
	}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return program.Seed(ctx, tx, recs) }); err != nil {
		t.Fatal(err)
	}
	anon := e.client()
	resp, body := anon.get("/challenges")
	if resp.StatusCode != 200 || !strings.Contains(body, "高纯石英砂提纯") || !strings.Contains(body, "300 万元") && !strings.Contains(body, "300") || strings.Contains(body, "草稿榜单") || strings.Contains(body, "内部需求细节") {
		t.Fatalf("public list: %d\n%s", resp.StatusCode, body)
	}
	if strings.Contains(body, fmt.Sprintf(`href="/projects/%d"`, recs[0].ID)) {
		t.Error("the anonymous list links to the record")
	}
}
