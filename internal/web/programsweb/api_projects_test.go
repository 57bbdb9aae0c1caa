package programsweb_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
	"mime/multipart"
	"os"
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

// TestChallengeOverAPI walks a challenge through the JSON API: the owner
// drafts and submits it, the bureau publishes it (its likely solver is
// told), the solver bids with its commitment file, and the record moves to
// acceptance. Bad bodies, unknown references and stale saves are refused
// with messages that name what to fix, and change nothing.
func TestChallengeOverAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
			t.Fatal(err)
		}
		neu, _ := registry.Create(ctx, db, registry.Organisation{Name: "东北大学", Kind: "university", Description: "精密温控与半导体装备"})
		var leader registry.Person
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			leader, _, err = registry.UpsertPerson(ctx, tx, e.Keys, registry.Person{Name: "王振东", IDNumber: "T-API-0001", OrganisationID: neu.ID})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Auth.CreateUser(ctx, auth.NewUser{Username: "neu-org", Password: webtest.Password, Roles: []access.Role{access.Org}, OrgID: neu.ID}); err != nil {
			t.Fatal(err)
		}
		pub, err := program.Latest(ctx, db, "challenge")
		if err != nil {
			t.Fatal(err)
		}
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "c-api", Name: "2025年揭榜挂帅", Opens: "2025-01-01", Closes: "2099-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		owner, mgr, solver := e.Client(), e.Client(), e.Client()
		owner.SignIn("u-org", webtest.Password)
		mgr.SignIn("u-manager", webtest.Password)
		solver.SignIn("neu-org", webtest.Password)
		type view struct {
			ID      int64
			Stage   string
			Version int
		}
		call_ := func(c *webtest.Client, method, path string, want int, body string) view {
			t.Helper()
			resp, got := c.Raw(method, path, "application/json", []byte(body))
			if resp.StatusCode != want {
				t.Fatalf("%s %s: %d, want %d\n%s", method, path, resp.StatusCode, want, got)
			}
			var v view
			if want < 300 {
				if err := json.Unmarshal([]byte(got), &v); err != nil {
					t.Fatalf("%s %s: %v\n%s", method, path, err, got)
				}
			}
			return v
		}
		count := func() int {
			var n int
			if err := db.QueryRowContext(ctx, `SELECT count(*) FROM projects`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		// Refusals first: nothing is stored.
		before := count()
		resp, body := owner.Raw("POST", fmt.Sprintf("/api/v1/calls/%d/projects", call.ID), "application/json", []byte(`{"data": {"title": "x", "bounty": "五百万"}}`))
		if resp.StatusCode != 422 || !strings.Contains(body, "bounty") {
			t.Fatalf("a bounty in words: %d %s", resp.StatusCode, body)
		}
		resp, body = owner.Raw("POST", fmt.Sprintf("/api/v1/calls/%d/projects", call.ID), "application/json", []byte(`{"data": {"title": "x"`))
		if resp.StatusCode != 422 || !strings.Contains(body, "JSON") {
			t.Fatalf("broken JSON: %d %s", resp.StatusCode, body)
		}
		if count() != before {
			t.Fatal("a refused body stored a record")
		}

		v := call_(owner, "POST", fmt.Sprintf("/api/v1/calls/%d/projects", call.ID), 201, `{"data": {"title": "涂胶显影设备精密温控模块", "field": "集成电路",
			"need": "温控精度达到±0.01℃的精密温控模块", "indicators": [{"indicator": "温控精度", "target": "±0.01℃"}], "bounty": 5000000}}`)
		id := v.ID
		if v.Stage != "draft" {
			t.Fatalf("new challenge at %q", v.Stage)
		}
		base := fmt.Sprintf("/api/v1/projects/%d", id)
		call_(owner, "POST", base+"/move", 422, `{"transition": "submit"}`) // deadline and term missing
		full := `{"title": "涂胶显影设备精密温控模块", "field": "集成电路", "need": "温控精度达到±0.01℃的精密温控模块",
			"indicators": [{"indicator": "温控精度", "target": "±0.01℃"}], "bounty": 5000000, "amount_requested": 1000000, "bid_deadline": "2099-06-30", "term_months": 18}`
		v = call_(owner, "PUT", base, 200, fmt.Sprintf(`{"data": %s, "version": %d}`, full, v.Version))
		call_(owner, "PUT", base, 409, fmt.Sprintf(`{"data": %s, "version": %d}`, full, v.Version-1)) // stale
		call_(owner, "POST", base+"/move", 200, `{"transition": "submit"}`)
		call_(owner, "POST", base+"/move", 403, `{"transition": "screen"}`)
		call_(mgr, "POST", base+"/move", 422, `{"note": "no transition"}`)
		call_(mgr, "POST", base+"/move", 200, `{"transition": "screen"}`)
		if n, _ := program.Unread(ctx, db, 0, neu.ID); n != 0 {
			t.Fatalf("the solver was told before publication: %d", n)
		}
		call_(mgr, "POST", base+"/move", 200, `{"transition": "publish"}`)
		ns, err := program.Notices(ctx, db, 0, neu.ID, 5)
		if err != nil || len(ns) != 1 || ns[0].Kind != "suggested" || ns[0].ProjectID != id {
			t.Fatalf("the likely solver's notices: %+v %v", ns, err)
		}

		// The solver bids: an unknown leader is refused by name, then the
		// bid goes in with its commitment file and is submitted.
		bid := func(leaderID int64) (int, string) {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			_ = mw.WriteField("body", fmt.Sprintf(`{"data": {"solution": "基于模型预测控制的多级温控方案", "leader": %d, "quoted_amount": 4500000, "term_months": 16}}`, leaderID))
			fw, _ := mw.CreateFormFile("commitment", "承诺书.pdf")
			_, _ = fw.Write([]byte("%PDF-1.4 承诺"))
			_ = mw.Close()
			resp, body := solver.Raw("POST", base+"/children/bids", mw.FormDataContentType(), buf.Bytes())
			return resp.StatusCode, body
		}
		if code, body := bid(leader.ID + 1000); code != 422 || !strings.Contains(body, "leader") {
			t.Fatalf("a bid led by no one: %d %s", code, body)
		}
		code, body := bid(leader.ID)
		if code != 201 {
			t.Fatalf("bid: %d %s", code, body)
		}
		var b view
		if err := json.Unmarshal([]byte(body), &b); err != nil {
			t.Fatal(err)
		}
		call_(solver, "POST", fmt.Sprintf("/api/v1/projects/%d/move", b.ID), 200, `{"transition": "submit"}`)

		for _, step := range []struct {
			c   *webtest.Client
			rec int64
			key string
		}{{mgr, id, "close_bidding"}, {mgr, b.ID, "start_review"}, {mgr, b.ID, "dock"}, {mgr, b.ID, "select"},
			{owner, id, "select"}, {owner, id, "contract"}, {mgr, id, "start"}, {owner, id, "accept"}} {
			call_(step.c, "POST", fmt.Sprintf("/api/v1/projects/%d/move", step.rec), 200, fmt.Sprintf(`{"transition": %q}`, step.key))
		}
		pr, err := program.GetProject(ctx, db, id)
		if err != nil || pr.Stage != "accepted" {
			t.Fatalf("challenge at %q, %v", pr.Stage, err)
		}
	})
}

// The projects API lists what the caller may see: a manager every
// organisation's records, an organisation user its own.
func TestProjectsAPIScoped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		src, _ := os.ReadFile("../../../programs/major_special_project.yaml")
		pub, err := program.Publish(ctx, db, src)
		if err != nil {
			t.Fatal(err)
		}
		call, _ := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "c1", Name: "批次一", Opens: "2025-01-01", Closes: "2025-12-31"})
		program.CreateProject(ctx, db, call.ID, e.OrgA.ID, map[string]any{"title": "甲的项目"})
		program.CreateProject(ctx, db, call.ID, e.OrgB.ID, map[string]any{"title": "乙的项目"})
		m, o := e.Client(), e.Client()
		m.SignIn("u-manager", webtest.Password)
		o.SignIn("u-org", webtest.Password) // before the manager's list: signing in is a write
		if _, body := m.Get("/api/v1/projects?program=major_special_project&stage=draft"); !strings.Contains(body, "甲的项目") || !strings.Contains(body, "乙的项目") {
			t.Fatalf("manager's project list: %s", body)
		}
		if _, body := m.Get("/api/v1/programs"); !strings.Contains(body, `"key": "major_special_project"`) {
			t.Fatalf("programs: %s", body)
		}
		if _, body := o.Get("/api/v1/projects"); !strings.Contains(body, "甲的项目") || strings.Contains(body, "乙的项目") {
			t.Fatalf("organisation user's project list leaks another organisation's: %s", body)
		}
		// The same question the manager asked (an answer kept for this
		// generation: reading writes nothing) is answered within the
		// organisation user's scope.
		if _, body := o.Get("/api/v1/projects?program=major_special_project&stage=draft"); !strings.Contains(body, "甲的项目") || strings.Contains(body, "乙的项目") {
			t.Fatalf("organisation user given the manager's kept list: %s", body)
		}
		// A write (audited) is seen at the next request: nothing kept outlives it.
		if _, err := program.CreateProject(ctx, db, call.ID, e.OrgA.ID, map[string]any{"title": "甲的第二个项目"}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []*webtest.Client{m, o} {
			if _, body := c.Get("/api/v1/projects?program=major_special_project&stage=draft"); !strings.Contains(body, "甲的第二个项目") {
				t.Fatalf("list after a write: %s", body)
			}
		}
	})
}
