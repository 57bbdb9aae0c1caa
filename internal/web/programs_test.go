package web_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// blindTemplate is a small program with a blind review by one expert.
const blindTemplate = `key: test_blind
name: 测试匿名评审项目
name_en: Blind test program
version: 1
form:
  - {key: title, label: 项目名称, label_en: Title, type: text, required: true, max: 60}
  - {key: amount_requested, label: 申请金额, label_en: Amount, type: money, required: true, min: 0, max: 5000000}
  - {key: partner, label: 合作单位, label_en: Partner, type: organisation}
  - {key: plan, label: 实施方案, label_en: Plan, type: file, required: true}
  - key: team
    label: 团队
    type: table
    columns:
      - {key: name, label: 姓名, type: text, required: true}
      - {key: role, label: 分工, type: text}
      - {key: unit, label: 所在单位, type: organisation}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: submitted, name: 已提交}
  - {key: screened, name: 形式审查通过}
  - {key: review, name: 专家评审}
  - {key: approved, name: 立项, terminal: true}
  - {key: rejected, name: 未立项, terminal: true}
transitions:
  - {key: submit, name: 提交申报, from: draft, to: submitted, by: [owner], requires: [title, amount_requested, plan]}
  - {key: screen, name: 形式审查通过, from: submitted, to: screened, by: ["role:manager"]}
  - {key: start_review, name: 提交专家评审, from: screened, to: review, by: ["role:manager"]}
  - {key: approve, name: 批准立项, from: review, to: approved, by: ["role:manager"], rule: "review.submitted >= 1", message: 须有专家评分。, amount: approved}
  - {key: reject, name: 不予立项, from: [submitted, review], to: rejected, by: ["role:manager"]}
review:
  rounds: 1
  reviewers_per_record: 1
  blind: true
  aggregate: mean
  criteria:
    - {key: merit, name: 技术水平, name_en: Merit, weight: 1, min: 0, max: 100}
`

var pdf = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

// TestProgramFlowAndBlindReview runs a program over HTTP: published through
// the API with a dry run first, a call opened, an application refused then
// accepted with its file, submitted, reviewed blind and approved. The blind
// reviewer's pages, API answers and file download never name the applicant.
func TestProgramFlowAndBlindReview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		// An expert of the applicant itself, who must be left out, and a user
		// of another organisation.
		conflicted, err := e.auth.CreateUser(ctx, auth.NewUser{Username: "r-own", Password: pw, Roles: []access.Role{access.Reviewer}, OrgID: e.orgA.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.auth.CreateUser(ctx, auth.NewUser{Username: "b-org", Password: pw, Roles: []access.Role{access.Org}, OrgID: e.orgB.ID}); err != nil {
			t.Fatal(err)
		}
		mgr := e.client()
		mgr.signIn("u-manager", pw)
		mgr.get("/programs")
		resp, body := mgr.raw("POST", "/api/v1/programs?dry_run=true", "application/yaml", []byte(blindTemplate))
		if resp.StatusCode != 200 || !strings.Contains(body, `"previous_version": 0`) {
			t.Fatalf("dry run: %d %s", resp.StatusCode, body)
		}
		if _, body := mgr.get("/api/v1/programs"); strings.Contains(body, "test_blind") {
			t.Fatal("a dry run published the template")
		}
		bad := strings.Replace(blindTemplate, "to: approved", "to: nowhere", 1)
		if resp, body := mgr.raw("POST", "/api/v1/programs", "application/yaml", []byte(bad)); resp.StatusCode != 422 || !strings.Contains(body, `"line":28`) {
			t.Fatalf("bad template: %d %s", resp.StatusCode, body)
		}
		if resp, body := mgr.raw("POST", "/api/v1/programs", "application/yaml", []byte(blindTemplate)); resp.StatusCode != 201 {
			t.Fatalf("publish: %d %s", resp.StatusCode, body)
		}
		if resp, _ := mgr.raw("POST", "/api/v1/programs", "application/yaml", []byte(blindTemplate)); resp.StatusCode != 409 {
			t.Fatalf("publishing version 1 twice: %d", resp.StatusCode)
		}
		// A call: a bad one is refused beside its field, then a good one.
		mgr.get("/programs/test_blind/calls/new")
		resp, body = mgr.post("/programs/test_blind/calls", url.Values{"key": {"tb-2025"}, "name": {"2025年测试批次"}, "opens": {"2025-01-01"}, "closes": {"2024-01-01"}})
		if resp.StatusCode != 422 || !strings.Contains(body, "截止日期早于开始日期") {
			t.Fatalf("bad call: %d", resp.StatusCode)
		}
		resp, _ = mgr.post("/programs/test_blind/calls", url.Values{"key": {"tb-2025"}, "name": {"2025年测试批次"}, "opens": {"2020-01-01"}, "closes": {"2099-12-31"}, "budget": {"500"}})
		if resp.StatusCode != 303 {
			t.Fatalf("open call: %d", resp.StatusCode)
		}
		call := idFrom(t, resp.Header.Get("Location"), "/calls/")

		// The applicant: a refused form stores nothing and says what to fix.
		org := e.client()
		org.signIn("u-org", pw)
		if _, body := org.get("/programs"); !strings.Contains(body, "/calls/"+call+"/apply") {
			t.Fatal("the open call is not offered to the applicant")
		}
		org.get("/calls/" + call + "/apply")
		form := url.Values{"title": {"高精度减速器"}, "amount_requested": {"一百万"}, "partner": {"不存在的研究院"},
			"team.0.name": {"张三"}, "team.0.role": {"负责人"}, "team.0.unit": {"乙银行"}, "team.1.role": {"没有姓名"}}
		resp, body = org.send("/calls/"+call+"/apply", form, map[string][2]string{"plan": {"plan.pdf", "MZ\x90\x00 not a pdf"}})
		if resp.StatusCode != 422 || !strings.Contains(body, "须为数字") || !strings.Contains(body, "登记库中找不到“不存在的研究院”") ||
			!strings.Contains(body, `value="一百万"`) || !strings.Contains(body, "不接受这种文件") || !strings.Contains(body, `value="不存在的研究院"`) {
			t.Fatalf("bad application: %d (want the number, the unknown partner and the disguised file refused, what was typed kept)", resp.StatusCode)
		}
		form.Set("partner", e.orgB.Name) // by name
		form.Set("amount_requested", "1,200,000")
		resp, body = org.send("/calls/"+call+"/apply", form, map[string][2]string{"plan": {"plan.pdf", "MZ\x90\x00 not a pdf"}})
		if resp.StatusCode != 422 || !strings.Contains(body, "不接受这种文件") || !strings.Contains(body, "请填写“团队”第 2 行的“姓名”") {
			t.Fatalf("disguised file and a half row: %d", resp.StatusCode)
		}
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM projects`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("refused applications stored %d projects", n)
		}
		form.Del("team.1.role")
		resp, _ = org.send("/calls/"+call+"/apply", form, map[string][2]string{"plan": {"甲企业-实施方案.pdf", string(pdf)}})
		if resp.StatusCode != 303 {
			t.Fatalf("apply: %d", resp.StatusCode)
		}
		pid := idFrom(t, resp.Header.Get("Location"), "/projects/")
		if _, body := org.get("/projects/" + pid); !strings.Contains(body, "甲企业-实施方案.pdf") || strings.Contains(body, `id="missing"`) {
			t.Fatal("the applicant's page lacks its file or still lists missing fields")
		}
		resp, _ = org.post("/projects/"+pid+"/move", url.Values{"transition": {"submit"}})
		if resp.StatusCode != 303 {
			t.Fatalf("submit: %d", resp.StatusCode)
		}
		// Another organisation cannot see it at all.
		other := e.client()
		other.signIn("b-org", pw)
		if resp, _ := other.get("/projects/" + pid); resp.StatusCode != 404 {
			t.Fatalf("another organisation sees the record: %d", resp.StatusCode)
		}
		if resp, _ := other.get("/api/v1/projects/" + pid); resp.StatusCode != 404 {
			t.Fatalf("another organisation reads the record by API: %d", resp.StatusCode)
		}

		// The manager screens and assigns; the applicant's own expert is left out.
		mgr.get("/projects/" + pid)
		for _, step := range []string{"screen", "start_review"} {
			if resp, _ := mgr.post("/projects/"+pid+"/move", url.Values{"transition": {step}}); resp.StatusCode != 303 {
				t.Fatalf("%s: %d", step, resp.StatusCode)
			}
		}
		if resp, _ := mgr.post("/projects/"+pid+"/assign", nil); resp.StatusCode != 303 {
			t.Fatalf("assign: %d", resp.StatusCode)
		}
		_, body = mgr.get("/projects/" + pid)
		if !strings.Contains(body, "u-reviewer") || !strings.Contains(body, "r-own") || !strings.Contains(body, "专家现任职于该单位") {
			t.Fatal("the manager's page does not show the assignment and the exclusion with its reason")
		}

		// The reviewer sees the record blind.
		rev := e.client()
		rev.signIn("u-reviewer", pw)
		identity := []string{e.orgA.Name, e.orgB.Name, fmt.Sprintf("/orgs/%d", e.orgA.ID), "u-org", "甲企业-实施方案"}
		leaks := func(where, body string) {
			t.Helper()
			for _, s := range identity {
				if strings.Contains(body, s) {
					t.Errorf("%s shows %q to a blind reviewer", where, s)
				}
			}
		}
		_, body = rev.get("/reviews")
		if !strings.Contains(body, "高精度减速器") {
			t.Fatal("the assignment is not listed")
		}
		leaks("/reviews", body)
		_, body = rev.get("/projects/" + pid)
		if !strings.Contains(body, `id="blind"`) || !strings.Contains(body, `id="score-form"`) {
			t.Fatal("the reviewer's page is not blind or has no score form")
		}
		leaks("the project page", body)
		for _, path := range []string{"/api/v1/projects/" + pid, "/api/v1/reviews"} {
			resp, body := rev.get(path)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d", path, resp.StatusCode)
			}
			leaks(path, body)
		}
		_, body = rev.get("/api/v1/projects/" + pid)
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
		resp, body = rev.get(fmt.Sprintf("/attachments/%v", att["id"]))
		if resp.StatusCode != 200 || body != string(pdf) || strings.Contains(resp.Header.Get("Content-Disposition"), "%E7%94%B2") ||
			resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("download: %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
		}
		for _, path := range []string{fmt.Sprintf("/orgs/%d", e.orgA.ID), "/calls/" + call, "/api/v1/projects"} {
			if resp, _ := rev.get(path); resp.StatusCode != 403 && resp.StatusCode != 404 {
				t.Errorf("reviewer reaches %s: %d", path, resp.StatusCode)
			}
		}
		// The excluded expert cannot open it.
		own := e.client()
		own.signIn(conflicted.Username, pw)
		if resp, _ := own.get("/projects/" + pid); resp.StatusCode != 404 {
			t.Errorf("an unassigned reviewer opens the record: %d", resp.StatusCode)
		}

		// Scores: out of range is refused beside the criterion; then accepted.
		m := regexp.MustCompile(`/assignments/(\d+)/score`).FindStringSubmatch(body)
		_, page := rev.get("/projects/" + pid)
		m = regexp.MustCompile(`/assignments/(\d+)/score`).FindStringSubmatch(page)
		version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page)
		if m == nil || version == nil {
			t.Fatal("no score form")
		}
		resp, body = rev.post("/assignments/"+m[1]+"/score", url.Values{"score_merit": {"150"}, "version": {version[1]}})
		if resp.StatusCode != 422 || !strings.Contains(body, "须在 0 到 100 之间") {
			t.Fatalf("out-of-range score: %d", resp.StatusCode)
		}
		leaks("the refused score page", body)
		if resp, _ := rev.post("/assignments/"+m[1]+"/score", url.Values{"score_merit": {"88"}, "comment": {"方案可行"}, "version": {version[1]}}); resp.StatusCode != 303 {
			t.Fatalf("score: %d", resp.StatusCode)
		}
		// The manager sees the score and approves.
		_, body = mgr.get("/calls/" + call)
		if !strings.Contains(body, `id="ranking"`) || !strings.Contains(body, "88") {
			t.Fatal("the ranking does not show the score")
		}
		if resp, body := mgr.post("/projects/"+pid+"/move", url.Values{"transition": {"approve"}, "note": {"专家评分通过"}, "amount": {"1,300,000"}}); resp.StatusCode != 422 || !strings.Contains(body, "核定金额不能超过申请金额") {
			t.Fatalf("approve over the request: %d", resp.StatusCode)
		}
		if resp, _ := mgr.post("/projects/"+pid+"/move", url.Values{"transition": {"approve"}, "note": {"专家评分通过"}, "amount": {"1,000,000"}}); resp.StatusCode != 303 {
			t.Fatalf("approve: %d", resp.StatusCode)
		}
		_, body = org.get("/projects/" + pid)
		if !strings.Contains(body, "立项") || !strings.Contains(body, "专家评分通过") {
			t.Fatal("the applicant does not see the decision and its reason")
		}
		if !strings.Contains(body, `id="amounts"`) || !strings.Contains(body, "1,000,000") {
			t.Error("the approved amount is not shown")
		}
		// The applicant records an outcome; a bad one is refused beside its field.
		if resp, body := org.post("/projects/"+pid+"/outcomes", url.Values{"kind": {"evaluation"}, "title": {"减速器样机鉴定"}, "day": {"2026-06-30"}}); resp.StatusCode != 422 || !strings.Contains(body, "评价水平须为以下之一") {
			t.Fatalf("outcome without a level: %d", resp.StatusCode)
		}
		if resp, _ := org.post("/projects/"+pid+"/outcomes", url.Values{"kind": {"evaluation"}, "title": {"减速器样机鉴定"}, "level": {"国际先进"}, "day": {"2026-06-30"}}); resp.StatusCode != 303 {
			t.Fatalf("outcome: %d", resp.StatusCode)
		}
		if _, body := rev.get("/api/v1/projects/" + pid); !strings.Contains(body, "国际先进") {
			t.Error("the outcome is not in the record")
		}
		if _, body := org.get("/notices"); !strings.Contains(body, "高精度减速器") {
			t.Error("the applicant was not notified")
		}
		if _, body := org.get(fmt.Sprintf("/orgs/%d", e.orgA.ID)); !strings.Contains(body, "/projects/"+pid) {
			t.Error("the organisation's profile does not list the project")
		}
	})
}
