package programsweb_test

import (
	"encoding/json"
	"fmt"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// TestProgramFlowAndBlindReview runs a program over HTTP: published through
// the API with a dry run first, a call opened, an application refused then
// accepted with its file, submitted, reviewed blind and approved. The blind
// reviewer's pages, API answers and file download never name the applicant.
func TestProgramFlowAndBlindReview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		// An expert of the applicant itself, who must be left out, and a user
		// of another organisation.
		conflicted, err := e.Auth.CreateUser(ctx, auth.NewUser{Username: "r-own", Password: webtest.Password, Roles: []access.Role{access.Reviewer}, OrgID: e.OrgA.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Auth.CreateUser(ctx, auth.NewUser{Username: "b-org", Password: webtest.Password, Roles: []access.Role{access.Org}, OrgID: e.OrgB.ID}); err != nil {
			t.Fatal(err)
		}
		mgr := e.Client()
		mgr.SignIn("u-manager", webtest.Password)
		mgr.Get("/programs")
		resp, body := mgr.Raw("POST", "/api/v1/programs?dry_run=true", "application/yaml", []byte(webtest.BlindTemplate))
		if resp.StatusCode != 200 || !strings.Contains(body, `"previous_version": 0`) {
			t.Fatalf("dry run: %d %s", resp.StatusCode, body)
		}
		if _, body := mgr.Get("/api/v1/programs"); strings.Contains(body, "test_blind") {
			t.Fatal("a dry run published the template")
		}
		bad := strings.Replace(webtest.BlindTemplate, "to: approved", "to: nowhere", 1)
		if resp, body := mgr.Raw("POST", "/api/v1/programs", "application/yaml", []byte(bad)); resp.StatusCode != 422 || !strings.Contains(body, `"line":28`) {
			t.Fatalf("bad template: %d %s", resp.StatusCode, body)
		}
		if resp, body := mgr.Raw("POST", "/api/v1/programs", "application/yaml", []byte(webtest.BlindTemplate)); resp.StatusCode != 201 {
			t.Fatalf("publish: %d %s", resp.StatusCode, body)
		}
		if resp, _ := mgr.Raw("POST", "/api/v1/programs", "application/yaml", []byte(webtest.BlindTemplate)); resp.StatusCode != 409 {
			t.Fatalf("publishing version 1 twice: %d", resp.StatusCode)
		}
		// A call: a bad one is refused beside its field, then a good one.
		mgr.Get("/programs/test_blind/calls/new")
		resp, body = mgr.Post("/programs/test_blind/calls", url.Values{"key": {"tb-2025"}, "name": {"2025年测试批次"}, "opens": {"2025-01-01"}, "closes": {"2024-01-01"}})
		if resp.StatusCode != 422 || !strings.Contains(body, "截止日期早于开始日期") {
			t.Fatalf("bad call: %d", resp.StatusCode)
		}
		resp, _ = mgr.Post("/programs/test_blind/calls", url.Values{"key": {"tb-2025"}, "name": {"2025年测试批次"}, "opens": {"2020-01-01"}, "closes": {"2099-12-31"}, "budget": {"500"}})
		if resp.StatusCode != 303 {
			t.Fatalf("open call: %d", resp.StatusCode)
		}
		call := webtest.IDFrom(t, resp.Header.Get("Location"), "/calls/")

		// The applicant: a refused form stores nothing and says what to fix.
		org := e.Client()
		org.SignIn("u-org", webtest.Password)
		if _, body := org.Get("/programs"); !strings.Contains(body, "/calls/"+call+"/apply") {
			t.Fatal("the open call is not offered to the applicant")
		}
		org.Get("/calls/" + call + "/apply")
		form := url.Values{"title": {"高精度减速器"}, "amount_requested": {"一百万"}, "partner": {"不存在的研究院"},
			"team.0.name": {"张三"}, "team.0.role": {"负责人"}, "team.0.unit": {"乙银行"}, "team.1.role": {"没有姓名"}}
		resp, body = org.Send("/calls/"+call+"/apply", form, map[string][2]string{"plan": {"plan.pdf", "MZ\x90\x00 not a pdf"}})
		if resp.StatusCode != 422 || !strings.Contains(body, "须为数字") || !strings.Contains(body, "登记库中找不到“不存在的研究院”") ||
			!strings.Contains(body, `value="一百万"`) || !strings.Contains(body, "不接受这种文件") || !strings.Contains(body, `value="不存在的研究院"`) {
			t.Fatalf("bad application: %d (want the number, the unknown partner and the disguised file refused, what was typed kept)", resp.StatusCode)
		}
		form.Set("partner", e.OrgB.Name) // by name
		form.Set("amount_requested", "1,200,000")
		resp, body = org.Send("/calls/"+call+"/apply", form, map[string][2]string{"plan": {"plan.pdf", "MZ\x90\x00 not a pdf"}})
		if resp.StatusCode != 422 || !strings.Contains(body, "不接受这种文件") || !strings.Contains(body, "请填写“团队”第 2 行的“姓名”") {
			t.Fatalf("disguised file and a half row: %d", resp.StatusCode)
		}
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM projects`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("refused applications stored %d projects", n)
		}
		form.Del("team.1.role")
		resp, _ = org.Send("/calls/"+call+"/apply", form, map[string][2]string{"plan": {"甲企业-实施方案.pdf", string(pdf)}})
		if resp.StatusCode != 303 {
			t.Fatalf("apply: %d", resp.StatusCode)
		}
		pid := webtest.IDFrom(t, resp.Header.Get("Location"), "/projects/")
		if _, body := org.Get("/projects/" + pid); !strings.Contains(body, "甲企业-实施方案.pdf") || strings.Contains(body, `id="missing"`) {
			t.Fatal("the applicant's page lacks its file or still lists missing fields")
		}
		resp, _ = org.Post("/projects/"+pid+"/move", url.Values{"transition": {"submit"}})
		if resp.StatusCode != 303 {
			t.Fatalf("submit: %d", resp.StatusCode)
		}
		// Another organisation cannot see it at all.
		other := e.Client()
		other.SignIn("b-org", webtest.Password)
		if resp, _ := other.Get("/projects/" + pid); resp.StatusCode != 404 {
			t.Fatalf("another organisation sees the record: %d", resp.StatusCode)
		}
		if resp, _ := other.Get("/api/v1/projects/" + pid); resp.StatusCode != 404 {
			t.Fatalf("another organisation reads the record by API: %d", resp.StatusCode)
		}

		// The manager screens and assigns; the applicant's own expert is left out.
		mgr.Get("/projects/" + pid)
		for _, step := range []string{"screen", "start_review"} {
			if resp, _ := mgr.Post("/projects/"+pid+"/move", url.Values{"transition": {step}}); resp.StatusCode != 303 {
				t.Fatalf("%s: %d", step, resp.StatusCode)
			}
		}
		if resp, _ := mgr.Post("/projects/"+pid+"/assign", nil); resp.StatusCode != 303 {
			t.Fatalf("assign: %d", resp.StatusCode)
		}
		_, body = mgr.Get("/projects/" + pid)
		if !strings.Contains(body, "u-reviewer") || !strings.Contains(body, "r-own") || !strings.Contains(body, "专家现任职于该单位") {
			t.Fatal("the manager's page does not show the assignment and the exclusion with its reason")
		}

		// The reviewer sees the record blind.
		rev := e.Client()
		rev.SignIn("u-reviewer", webtest.Password)
		identity := []string{e.OrgA.Name, e.OrgB.Name, fmt.Sprintf("/orgs/%d", e.OrgA.ID), "u-org", "甲企业-实施方案"}
		leaks := func(where, body string) {
			t.Helper()
			for _, s := range identity {
				if strings.Contains(body, s) {
					t.Errorf("%s shows %q to a blind reviewer", where, s)
				}
			}
		}
		_, body = rev.Get("/reviews")
		if !strings.Contains(body, "高精度减速器") {
			t.Fatal("the assignment is not listed")
		}
		leaks("/reviews", body)
		_, body = rev.Get("/projects/" + pid)
		if !strings.Contains(body, `id="blind"`) || !strings.Contains(body, `id="score-form"`) {
			t.Fatal("the reviewer's page is not blind or has no score form")
		}
		leaks("the project page", body)
		for _, path := range []string{"/api/v1/projects/" + pid, "/api/v1/reviews"} {
			resp, body := rev.Get(path)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d", path, resp.StatusCode)
			}
			leaks(path, body)
		}
		_, body = rev.Get("/api/v1/projects/" + pid)
		var view map[string]any
		if err := json.Unmarshal([]byte(body), &view); err != nil {
			t.Fatal(err)
		}
		if _, ok := view["organisation"]; ok || view["blind"] != true {
			t.Errorf("blind API view: %v", view)
		}
		if data, _ := view["data"].(map[string]any); data["partner"] != nil || data["title"] == nil {
			t.Errorf("blind data: %v", data)
		} else if team, _ := data["team"].([]any); len(team) != 1 || team[0].(map[string]any)["unit"] != nil || team[0].(map[string]any)["name"] != "张三" {
			t.Errorf("blind team: %v (the member's organisation must not show)", data["team"])
		}
		atts, _ := view["attachments"].([]any)
		if len(atts) != 1 {
			t.Fatalf("attachments: %v", view["attachments"])
		}
		att := atts[0].(map[string]any)
		resp, body = rev.Get(fmt.Sprintf("/attachments/%v", att["id"]))
		if resp.StatusCode != 200 || body != string(pdf) || strings.Contains(resp.Header.Get("Content-Disposition"), "%E7%94%B2") ||
			resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("download: %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
		}
		for _, path := range []string{fmt.Sprintf("/orgs/%d", e.OrgA.ID), "/calls/" + call, "/api/v1/projects"} {
			if resp, _ := rev.Get(path); resp.StatusCode != 403 && resp.StatusCode != 404 {
				t.Errorf("reviewer reaches %s: %d", path, resp.StatusCode)
			}
		}
		// The excluded expert cannot open it.
		own := e.Client()
		own.SignIn(conflicted.Username, webtest.Password)
		if resp, _ := own.Get("/projects/" + pid); resp.StatusCode != 404 {
			t.Errorf("an unassigned reviewer opens the record: %d", resp.StatusCode)
		}

		// Scores: out of range is refused beside the criterion; then accepted.
		m := regexp.MustCompile(`/assignments/(\d+)/score`).FindStringSubmatch(body)
		_, page := rev.Get("/projects/" + pid)
		m = regexp.MustCompile(`/assignments/(\d+)/score`).FindStringSubmatch(page)
		version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page)
		if m == nil || version == nil {
			t.Fatal("no score form")
		}
		resp, body = rev.Post("/assignments/"+m[1]+"/score", url.Values{"score_merit": {"150"}, "version": {version[1]}})
		if resp.StatusCode != 422 || !strings.Contains(body, "须在 0 到 100 之间") {
			t.Fatalf("out-of-range score: %d", resp.StatusCode)
		}
		leaks("the refused score page", body)
		if resp, _ := rev.Post("/assignments/"+m[1]+"/score", url.Values{"score_merit": {"88"}, "comment": {"方案可行"}, "version": {version[1]}}); resp.StatusCode != 303 {
			t.Fatalf("score: %d", resp.StatusCode)
		}
		// The manager sees the score and approves.
		_, body = mgr.Get("/calls/" + call)
		if !strings.Contains(body, `id="ranking"`) || !strings.Contains(body, "88") {
			t.Fatal("the ranking does not show the score")
		}
		if resp, body := mgr.Post("/projects/"+pid+"/move", url.Values{"transition": {"approve"}, "note": {"专家评分通过"}, "amount": {"1,300,000"}}); resp.StatusCode != 422 || !strings.Contains(body, "核定金额不能超过申请金额") {
			t.Fatalf("approve over the request: %d", resp.StatusCode)
		}
		if resp, _ := mgr.Post("/projects/"+pid+"/move", url.Values{"transition": {"approve"}, "note": {"专家评分通过"}, "amount": {"1,000,000"}}); resp.StatusCode != 303 {
			t.Fatalf("approve: %d", resp.StatusCode)
		}
		_, body = org.Get("/projects/" + pid)
		if !strings.Contains(body, "立项") || !strings.Contains(body, "专家评分通过") {
			t.Fatal("the applicant does not see the decision and its reason")
		}
		if !strings.Contains(body, `id="amounts"`) || !strings.Contains(body, "1,000,000") {
			t.Error("the approved amount is not shown")
		}
		// The applicant records an outcome; a bad one is refused beside its field.
		if resp, body := org.Post("/projects/"+pid+"/outcomes", url.Values{"kind": {"evaluation"}, "title": {"减速器样机鉴定"}, "day": {"2026-06-30"}}); resp.StatusCode != 422 || !strings.Contains(body, "评价水平须为以下之一") {
			t.Fatalf("outcome without a level: %d", resp.StatusCode)
		}
		if resp, _ := org.Post("/projects/"+pid+"/outcomes", url.Values{"kind": {"evaluation"}, "title": {"减速器样机鉴定"}, "level": {"国际先进"}, "day": {"2026-06-30"}}); resp.StatusCode != 303 {
			t.Fatalf("outcome: %d", resp.StatusCode)
		}
		if _, body := rev.Get("/api/v1/projects/" + pid); !strings.Contains(body, "国际先进") {
			t.Error("the outcome is not in the record")
		}
		if _, body := org.Get("/notices"); !strings.Contains(body, "高精度减速器") {
			t.Error("the applicant was not notified")
		}
		if _, body := org.Get(fmt.Sprintf("/orgs/%d", e.OrgA.ID)); !strings.Contains(body, "/projects/"+pid) {
			t.Error("the organisation's profile does not list the project")
		}
	})
}
