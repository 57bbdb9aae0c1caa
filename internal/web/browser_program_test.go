package web_test

import (
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/password"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web"
)

// TestBrowserApplyReviewApprove: an organisation user applies with a file
// and submits; a program manager screens the application and assigns
// reviewers; the reviewer, who never sees the applicant, scores it; the
// manager approves it.
func TestBrowserApplyReviewApprove(t *testing.T) {
	exe := browserExecutable(t)
	db := storetest.Open(t, store.SQLite)
	ctx := t.Context()
	cfg := auth.DefaultConfig()
	cfg.Password, cfg.Demo = password.Fast, true
	svc := auth.New(db, cfg)
	const pw = "long-enough-browser-test-pw-7391"
	org, err := registry.Create(ctx, db, registry.Organisation{Name: "沈阳甲精密机械有限公司", Kind: "enterprise"})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []auth.NewUser{
		{Username: "applicant", Password: pw, Roles: []access.Role{access.Org}, OrgID: org.ID},
		{Username: "manager", Password: pw, Roles: []access.Role{access.Manager}},
		{Username: "expert", Password: pw, Roles: []access.Role{access.Reviewer}},
		{Username: "expert-own", Password: pw, Roles: []access.Role{access.Reviewer}, OrgID: org.ID},
	} {
		if _, err := svc.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	pub, err := program.Publish(ctx, db, []byte(webtest.BlindTemplate))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "tb-browser", Name: "浏览器测试批次", Opens: "2020-01-01", Closes: "2099-12-31"}); err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Config{Demo: true, Files: program.Files{Dir: t.TempDir()}}, db, svc, slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	plan := filepath.Join(t.TempDir(), "甲精密-实施方案.pdf")
	if err := os.WriteFile(plan, pdf, 0o600); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, exe)
	signIn := func(user string) {
		t.Helper()
		b.navigate(ts.URL + "/signin")
		b.run(chromedp.SendKeys(chromedp.ID("username"), user), chromedp.SendKeys(chromedp.ID("password"), pw))
		b.click(`form[action="/signin"] button[type="submit"]`)
	}
	signOut := func() {
		t.Helper()
		b.click("#signout")
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	stage := func(want string) {
		t.Helper()
		if got := strings.TrimSpace(text("#stage")); got != want {
			t.Fatalf("stage %q, want %q", got, want)
		}
	}

	// The applicant finds the open call and fills the form.
	signIn("applicant")
	b.navigate(ts.URL + "/programs")
	b.click(`a[href$="/apply"]`)
	b.expectPage("/calls/1/apply", "在线申报", "zh-CN")
	b.run(chromedp.SendKeys(chromedp.ID("f-title"), "高精度谐波减速器研制"),
		chromedp.SendKeys(chromedp.ID("f-amount_requested"), "1,500,000"),
		chromedp.SendKeys(chromedp.CSS(`input[name="team.0.name"]`), "李工"),
		chromedp.SetUploadFiles(chromedp.ID("f-plan"), []string{plan}))
	b.click(`#project-form button[type="submit"]`)
	b.expectPage("/projects/1", "高精度谐波减速器研制", "zh-CN")
	stage("草稿")
	b.click(`#moves button[value="submit"]`)
	stage("已提交")
	signOut()

	// The manager screens it, sends it to review and assigns reviewers.
	signIn("manager")
	b.navigate(ts.URL + "/calls/1")
	b.click(`.board-col[data-stage="submitted"] a`)
	b.click(`#moves button[value="screen"]`)
	stage("形式审查通过")
	b.click(`#moves button[value="start_review"]`)
	stage("专家评审")
	b.click(`#assign-form button`)
	shots := t.TempDir()
	b.screenshot(shots, "project-manager.png")
	if got := text("#assignments"); !strings.Contains(got, "expert") || strings.Contains(got, "expert-own") {
		t.Fatalf("assignments: %q", got)
	}
	b.run(chromedp.Click(chromedp.CSS("#exclusions summary")))
	if got := text("#exclusions"); !strings.Contains(got, "expert-own") || !strings.Contains(got, "专家现任职于该单位") {
		t.Fatalf("exclusions: %q", got)
	}
	signOut()

	// The reviewer scores it without learning who applied.
	signIn("expert")
	b.navigate(ts.URL + "/reviews")
	b.click(`#assignments a`)
	b.expectPage("/projects/1", "高精度谐波减速器研制", "zh-CN")
	if body := text("main"); strings.Contains(body, org.Name) || strings.Contains(body, "甲精密") || strings.Contains(body, "applicant") {
		t.Fatalf("the blind page names the applicant:\n%s", body)
	}
	b.screenshot(shots, "project-reviewer-blind.png")
	b.run(chromedp.SendKeys(chromedp.ID("score_merit"), "91"), chromedp.SendKeys(chromedp.ID("comment"), "技术路线清晰"))
	b.click(`#score-form button[type="submit"]`)
	if got := text("#flash"); !strings.Contains(got, "评分已提交") {
		t.Fatalf("after scoring: %q", got)
	}
	signOut()

	// The manager sees the score and approves.
	signIn("manager")
	b.navigate(ts.URL + "/projects/1")
	if got := text("#review-result"); !strings.Contains(got, "91") {
		t.Fatalf("review result: %q", got)
	}
	b.run(chromedp.SendKeys(chromedp.ID("move-note"), "评审通过，同意立项"), chromedp.SendKeys(chromedp.ID("move-amount"), "1,200,000"))
	b.click(`#moves button[value="approve"]`)
	stage("立项")
	b.navigate(ts.URL + "/calls/1")
	b.screenshot(shots, "call-board.png")
	b.navigate(ts.URL + "/projects/1")
	if got := text("#history"); !strings.Contains(got, "评审通过，同意立项") {
		t.Fatalf("history: %q", got)
	}
	b.expectNoProblems()
}
