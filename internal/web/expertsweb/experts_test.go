package expertsweb_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
)

var ctx = context.Background()

const expertProgram = `key: w_experts
name: 专家库测试项目
version: 1
form:
  - {key: title, label: 项目名称, type: text, required: true}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: submitted, name: 已提交}
  - {key: review, name: 评审}
  - {key: done, name: 完成, terminal: true}
transitions:
  - {key: submit, name: 提交, from: draft, to: submitted, by: [owner]}
  - {key: start_review, name: 送评, from: submitted, to: review, by: ["role:manager"]}
  - {key: finish, name: 完成, from: review, to: done, by: ["role:manager"]}
review:
  rounds: 1
  reviewers_per_record: 1
  aggregate: mean
  criteria:
    - {key: merit, name: 水平, weight: 1, min: 0, max: 10}
`

// TestExpertPoolOverHTTP: a manager keeps the pool on /experts (fields,
// removal with a reason), the removed expert is not drawn, and the manager
// rates the submitted review on the record's page; an organisation's user
// reaches neither.
func TestExpertPoolOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		second, err := e.Auth.CreateUser(ctx, auth.NewUser{Username: "e-second", Password: webtest.Password, Roles: []access.Role{access.Reviewer}})
		if err != nil {
			t.Fatal(err)
		}
		mgr := e.Client()
		mgr.SignIn("u-manager", webtest.Password)
		if _, body := mgr.Get("/experts"); !strings.Contains(body, `id="experts"`) || !strings.Contains(body, "u-reviewer") || !strings.Contains(body, "e-second") {
			t.Fatal("the pool's page does not list the experts")
		}
		if _, body := mgr.Get("/cockpit"); !strings.Contains(body, `href="/experts"`) {
			t.Error("the navigation has no link to the pool")
		}
		path := fmt.Sprintf("/experts/%d", second.ID)
		if resp, body := mgr.Post(path+"/remove", url.Values{"reason": {" "}}); resp.StatusCode != 422 || !strings.Contains(body, "请填写理由") {
			t.Fatalf("removal without a reason: %d", resp.StatusCode)
		}
		if resp, _ := mgr.Post(path+"/remove", url.Values{"reason": {"连续两次无故缺席"}}); resp.StatusCode != 303 {
			t.Fatalf("remove: %d", resp.StatusCode)
		}
		if resp, _ := mgr.Post(path+"/fields", url.Values{"fields": {"集成电路、人工智能"}}); resp.StatusCode != 303 {
			t.Fatalf("fields: %d", resp.StatusCode)
		}
		if _, body := mgr.Get("/experts?done=removed"); !strings.Contains(body, "连续两次无故缺席") || !strings.Contains(body, "集成电路、人工智能") || !strings.Contains(body, "/reinstate") {
			t.Fatal("the page does not show the removal and the fields")
		}

		resp, body := mgr.Get("/api/v1/experts")
		var pool struct {
			Items []program.Expert `json:"items"`
		}
		if err := json.Unmarshal([]byte(body), &pool); resp.StatusCode != 200 || err != nil {
			t.Fatalf("the pool by API: %d %v", resp.StatusCode, err)
		}
		for _, x := range pool.Items {
			if x.UserID == second.ID && (x.Removed == nil || x.Removed.Reason != "连续两次无故缺席" || strings.Join(x.Fields, ",") != "人工智能,集成电路") {
				t.Errorf("the pool by API shows %+v", x)
			}
		}
		// A record in review: the draw takes the one expert left in the pool.
		if _, err := program.Publish(ctx, db, []byte(expertProgram)); err != nil {
			t.Fatal(err)
		}
		pub, _ := program.Latest(ctx, db, "w_experts")
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "we-1", Name: "专家库测试批次", Opens: "2025-01-01", Closes: "2099-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		pr, err := program.CreateProject(ctx, db, call.ID, e.OrgA.ID, map[string]any{"title": "工业软件"})
		if err != nil {
			t.Fatal(err)
		}
		owner := access.Principal{UserID: e.Users[access.Org].ID, Name: "u-org", Roles: []access.Role{access.Org}, OrgID: e.OrgA.ID}
		manager := access.Principal{UserID: e.Users[access.Manager].ID, Name: "u-manager", Roles: []access.Role{access.Manager}}
		if _, err := program.Move(ctx, db, owner, pr.ID, "submit", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := program.Move(ctx, db, manager, pr.ID, "start_review", ""); err != nil {
			t.Fatal(err)
		}
		pid := fmt.Sprint(pr.ID)
		if resp, _ := mgr.Post("/projects/"+pid+"/assign", nil); resp.StatusCode != 303 {
			t.Fatalf("assign: %d", resp.StatusCode)
		}
		as, err := program.Assignments(ctx, db, pr.ID)
		if err != nil || len(as) != 1 || as[0].Reviewer != "u-reviewer" {
			t.Fatalf("assignments %+v %v (the removed expert must not be drawn)", as, err)
		}
		a := as[0]
		rate := fmt.Sprintf("/projects/%s/assignments/%d/rate", pid, a.ID)
		if resp, _ := mgr.Post(rate, url.Values{"rating": {"4"}}); resp.StatusCode != 409 {
			t.Errorf("rating an unsubmitted review: %d, want 409", resp.StatusCode)
		}
		reviewer := access.Principal{UserID: a.ReviewerID, Name: a.Reviewer, Roles: []access.Role{access.Reviewer}}
		if _, err := program.SubmitScores(ctx, db, reviewer, a.ID, program.Score{Scores: map[string]float64{"merit": 8}, Version: a.Version}); err != nil {
			t.Fatal(err)
		}
		if _, body := mgr.Get("/projects/" + pid); !strings.Contains(body, `action="`+rate+`"`) {
			t.Fatal("the manager has no rating form for the submitted review")
		}
		if resp, body := mgr.Post(rate, url.Values{"rating": {"6"}}); resp.StatusCode != 422 || !strings.Contains(body, "评价须为 1 到 5 之间的整数") {
			t.Fatalf("rating 6: %d", resp.StatusCode)
		}
		if resp, _ := mgr.Post(rate, url.Values{"rating": {"4"}, "note": {"按时提交，意见具体"}}); resp.StatusCode != 303 {
			t.Fatalf("rate: %d", resp.StatusCode)
		}
		if _, body := mgr.Get("/projects/" + pid + "?rated=1"); !strings.Contains(body, "已评 4 分") || !strings.Contains(body, "按时提交，意见具体") {
			t.Fatal("the rating does not show on the record's page")
		}
		if _, body := mgr.Get("/experts"); !strings.Contains(body, "4.00") {
			t.Fatal("the mean rating does not show in the pool")
		}
		// Another project's path does not reach this assignment.
		if resp, _ := mgr.Post(fmt.Sprintf("/projects/%d/assignments/%d/rate", pr.ID+1000, a.ID), url.Values{"rating": {"3"}}); resp.StatusCode != 404 {
			t.Errorf("rating through another record's path: %d", resp.StatusCode)
		}

		org := e.Client()
		org.SignIn("u-org", webtest.Password)
		if resp, _ := org.Get("/experts"); resp.StatusCode != 403 {
			t.Errorf("an organisation's user opens the pool: %d", resp.StatusCode)
		}
		if resp, _ := org.Get("/api/v1/experts"); resp.StatusCode != 403 {
			t.Errorf("an organisation's user reads the pool by API: %d", resp.StatusCode)
		}
		if resp, _ := org.Post(rate, url.Values{"rating": {"1"}}); resp.StatusCode != 403 {
			t.Errorf("an organisation's user rates: %d", resp.StatusCode)
		}
		rs, _ := program.ProjectRatings(ctx, db, pr.ID)
		if rs[a.ID].Rating != 4 {
			t.Errorf("rating %+v, want 4", rs[a.ID])
		}
		// Reinstating needs a reason too, then puts the expert back.
		if resp, _ := mgr.Post(path+"/reinstate", url.Values{"reason": {"申诉成立"}}); resp.StatusCode != 303 {
			t.Fatalf("reinstate: %d", resp.StatusCode)
		}
		if pool, _ := program.Pool(ctx, db); len(pool) != 2 {
			t.Errorf("pool of %d after reinstatement, want 2", len(pool))
		}
	})
}
