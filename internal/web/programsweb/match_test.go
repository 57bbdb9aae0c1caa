package programsweb_test

import (
	"encoding/json"
	"fmt"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
	"net/url"
	"strings"
	"testing"

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
		e := webtest.New(t, db, false)
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
		ch, err := program.CreateProject(ctx, db, call.ID, e.OrgA.ID, map[string]any{"title": "涂胶显影设备精密温控模块", "need": "精密温控模块", "bounty": 1e6})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Auth.CreateUser(ctx, auth.NewUser{Username: "b-org", Password: webtest.Password, Roles: []access.Role{access.Org}, OrgID: e.OrgB.ID}); err != nil {
			t.Fatal(err)
		}
		base := fmt.Sprintf("/projects/%d", ch.ID)

		owner := e.Client()
		owner.SignIn("u-org", webtest.Password)
		if _, body := owner.Get(base); !strings.Contains(body, `id="suggest-link"`) {
			t.Fatal("the challenge's page has no link to its suggestions")
		}
		resp, body := owner.Get(base + "/suggestions")
		if resp.StatusCode != 200 || !strings.Contains(body, fmt.Sprintf(`data-org="%d"`, neu.ID)) || !strings.Contains(body, "<mark>温控</mark>") {
			t.Fatalf("suggestions page: %d\n%s", resp.StatusCode, body)
		}
		resp, _ = owner.Post(fmt.Sprintf("%s/suggestions/%d/accept", base, neu.ID), url.Values{"reason": {"方向相符"}})
		if resp.StatusCode != 303 || !strings.Contains(resp.Header.Get("Location"), "docked=1") {
			t.Fatalf("accept: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		dock := webtest.IDFrom(t, resp.Header.Get("Location"), "/projects/")
		if _, body := owner.Get("/projects/" + dock); !strings.Contains(body, "对接：涂胶显影设备精密温控模块 — 东北大学") {
			t.Fatal("the docking record's page lacks its title")
		}
		owner.Get(base + "/suggestions")
		resp, body = owner.Post(fmt.Sprintf("%s/suggestions/%d/accept", base, neu.ID), nil)
		if resp.StatusCode != 409 || !strings.Contains(body, "同一需求对同一单位只能决定一次") {
			t.Fatalf("second decision: %d", resp.StatusCode)
		}

		mgr := e.Client()
		mgr.SignIn("u-manager", webtest.Password)
		resp, body = mgr.Get(fmt.Sprintf("/api/v1/projects/%d/suggestions?limit=5", ch.ID))
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
		if resp, _ := mgr.Get(fmt.Sprintf("/api/v1/projects/%d/suggestions?limit=500", ch.ID)); resp.StatusCode != 422 {
			t.Errorf("limit 500: %d", resp.StatusCode)
		}
		resp, body = mgr.Raw("POST", fmt.Sprintf("/api/v1/projects/%d/suggestions/%d/reject", ch.ID, inst.ID), "application/json", []byte(`{"reason": "已有合作"}`))
		if resp.StatusCode != 201 || !strings.Contains(body, `"decision": "rejected"`) {
			t.Fatalf("API reject: %d %s", resp.StatusCode, body)
		}

		other := e.Client()
		other.SignIn("b-org", webtest.Password)
		if resp, _ := other.Get(base + "/suggestions"); resp.StatusCode != 404 {
			t.Errorf("another organisation reads the suggestions: %d", resp.StatusCode)
		}
		if resp, _ := other.Raw("POST", fmt.Sprintf("/api/v1/projects/%d/suggestions/%d/accept", ch.ID, e.OrgB.ID), "application/json", nil); resp.StatusCode != 404 {
			t.Errorf("another organisation decides: %d", resp.StatusCode)
		}
	})
}
