package web_test

import (
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/password"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/search"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestBrowserChallenge walks a 揭榜挂帅 challenge from draft to acceptance
// through the pages: an enterprise drafts the need and submits it; a
// manager screens and publishes it; the enterprise opens the suggested
// solvers from the challenge's page and accepts a university (a docking
// record starts); the university bids with a commitment file; the manager
// closes bidding and takes the bid through review to 中榜; the enterprise
// selects and contracts, the manager starts the work and signs the bid's
// agreement, the enterprise records a milestone and accepts the result.
func TestBrowserChallenge(t *testing.T) {
	exe := browserExecutable(t)
	start := time.Now()
	db := storetest.Open(t, store.SQLite)
	ctx := t.Context()
	cfg := auth.DefaultConfig()
	cfg.Password, cfg.Demo = password.Fast, true
	svc := auth.New(db, cfg)
	const pw = "long-enough-browser-test-pw-7391"

	if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
		t.Fatal(err)
	}
	owner, err := registry.Create(ctx, db, registry.Organisation{Name: "沈阳芯源精密装备有限公司", Kind: "enterprise", Description: "涂胶显影设备整机制造"})
	if err != nil {
		t.Fatal(err)
	}
	neu, err := registry.Create(ctx, db, registry.Organisation{Name: "东北大学", Kind: "university", Description: "精密温控与半导体装备，热管理与温度控制算法"})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []auth.NewUser{
		{Username: "xinyuan", Password: pw, Roles: []access.Role{access.Org}, OrgID: owner.ID},
		{Username: "manager", Password: pw, Roles: []access.Role{access.Manager}},
		{Username: "neu", Password: pw, Roles: []access.Role{access.Org}, OrgID: neu.ID},
	} {
		if _, err := svc.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	line, _ := seal.NewKeyLine("kchallenge")
	keys, err := seal.ParseKeyring(line)
	if err != nil {
		t.Fatal(err)
	}
	// The bid's team leader is a person of the registry: the form asks for
	// the person's number.
	var leader registry.Person
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		leader, _, err = registry.UpsertPerson(ctx, tx, keys, registry.Person{Name: "王振东", IDNumber: "T-CHALLENGE-0001", OrganisationID: neu.ID})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	pub, err := program.Latest(ctx, db, "challenge")
	if err != nil {
		t.Fatal(err)
	}
	call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "jb-browser", Name: "2025年揭榜挂帅榜单征集", Opens: "2020-01-01", Closes: "2099-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	seg, err := search.Default()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Config{Demo: true, Keys: keys, Search: seg, Files: program.Files{Dir: t.TempDir()}}, db, svc,
		slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	commitment := filepath.Join(t.TempDir(), "东北大学-诚信承诺书.pdf")
	if err := os.WriteFile(commitment, pdf, 0o600); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, exe)
	shots := t.TempDir()
	lap := start
	step := func(name string) {
		t.Logf("%-28s %v", name, time.Since(lap).Round(time.Millisecond))
		lap = time.Now()
	}
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
	count := func(sel string) int {
		t.Helper()
		n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](fmt.Sprintf("document.querySelectorAll(%q).length", sel)))
		if err != nil {
			t.Fatalf("count %s: %v", sel, err)
		}
		return n
	}
	stage := func(want string) {
		t.Helper()
		if got := strings.TrimSpace(text("#stage")); got != want {
			flash := ""
			if count("#flash") > 0 {
				flash = text("#flash")
			}
			t.Fatalf("stage %q, want %q (flash %q)", got, want, flash)
		}
	}
	// move takes a transition with the moves form's button and checks the
	// stage it leads to.
	move := func(transition, want string) {
		t.Helper()
		if count(fmt.Sprintf(`#moves button[value=%q]`, transition)) == 0 {
			var offered []string
			if count("#moves") > 0 {
				offered = strings.Fields(text("#moves"))
			}
			t.Fatalf("the page offers no move %q (offered: %q)", transition, offered)
		}
		b.click(fmt.Sprintf(`#moves button[value=%q]`, transition))
		stage(want)
	}
	recordPath := func(id int64) string { return fmt.Sprintf("/projects/%d", id) }
	idAt := func() int64 {
		t.Helper()
		loc, err := chromedp.Run(b.ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		_, rest, ok := strings.Cut(loc, "/projects/")
		if !ok {
			t.Fatalf("not on a record's page: %s", loc)
		}
		rest, _, _ = strings.Cut(rest, "?")
		id, err := strconv.ParseInt(rest, 10, 64)
		if err != nil {
			t.Fatalf("record id in %s: %v", loc, err)
		}
		return id
	}
	const title = "涂胶显影设备精密温控模块"
	step("setup")

	// 1. The enterprise finds the open call and drafts its need.
	signIn("xinyuan")
	b.navigate(ts.URL + "/programs")
	b.click(fmt.Sprintf(`#program-challenge a[href="/calls/%d/apply"]`, call.ID))
	b.expectPage(fmt.Sprintf("/calls/%d/apply", call.ID), "在线申报", "zh-CN")
	b.run(chromedp.SendKeys(chromedp.ID("f-title"), title),
		chromedp.SetValue(chromedp.ID("f-field"), "集成电路"),
		chromedp.SendKeys(chromedp.ID("f-need"), "研制用于涂胶显影设备的精密温控模块，热盘温度均匀性与控制精度达到国际先进水平，实现国产替代。"),
		chromedp.SendKeys(chromedp.CSS(`input[name="indicators.0.indicator"]`), "温控精度"),
		chromedp.SendKeys(chromedp.CSS(`input[name="indicators.0.target"]`), "±0.05℃"),
		chromedp.SendKeys(chromedp.ID("f-bounty"), "3,000,000"),
		chromedp.SetValue(chromedp.ID("f-bid_deadline"), "2030-06-30"),
		chromedp.SendKeys(chromedp.ID("f-term_months"), "18"))
	b.click(`#project-form button[type="submit"]`)
	challenge := idAt()
	b.expectPage(recordPath(challenge), title, "zh-CN")
	stage("需求征集")
	if got := text("#flash"); !strings.Contains(got, "已保存") {
		t.Fatalf("after saving: %q", got)
	}
	move("submit", "需求已提交")
	signOut()
	step("1 draft and submit")

	// 2. The manager screens and publishes it from the call's board.
	signIn("manager")
	b.navigate(fmt.Sprintf("%s/calls/%d", ts.URL, call.ID))
	b.click(fmt.Sprintf(`.board-col[data-stage="submitted"] a[href="/projects/%d"]`, challenge))
	b.expectPage(recordPath(challenge), title, "zh-CN")
	move("screen", "需求审核通过")
	move("publish", "榜单发布")
	signOut()
	step("2 screen and publish")

	// 3. The enterprise opens the suggested solvers from its challenge and
	// accepts the university: a docking record starts.
	signIn("xinyuan")
	b.navigate(ts.URL + "/programs")
	b.click(fmt.Sprintf(`#my-projects a[href="/projects/%d"]`, challenge))
	stage("榜单发布")
	b.click("#suggest-link")
	b.expectPage(recordPath(challenge)+"/suggestions", "推荐对接", "zh-CN")
	neuCard := fmt.Sprintf(`#suggestions li.suggestion[data-org="%d"]`, neu.ID)
	if count(neuCard) != 1 {
		t.Fatalf("东北大学 is not suggested:\n%s", text("main"))
	}
	if got := text(neuCard); !strings.Contains(got, "东北大学") || !strings.Contains(got, "温控") {
		t.Fatalf("the suggestion gives no reason: %q", got)
	}
	if count(fmt.Sprintf(`#suggestions li.suggestion[data-org="%d"]`, owner.ID)) != 0 {
		t.Fatal("the challenge's own enterprise is suggested to itself")
	}
	b.screenshot(shots, "challenge-suggestions.png")
	b.run(chromedp.SendKeys(chromedp.ID(fmt.Sprintf("reason-%d", neu.ID)), "精密温控方向研究基础扎实"))
	b.click(neuCard + ` button.btn-primary`)
	docking := idAt()
	b.expectPage(recordPath(docking), "对接："+title+" — 东北大学", "zh-CN")
	stage("初步联系")
	if got := text("#project-data"); !strings.Contains(got, "东北大学") || !strings.Contains(got, "精密温控方向研究基础扎实") {
		t.Fatalf("the docking record: %q", got)
	}
	b.navigate(ts.URL + recordPath(challenge) + "/suggestions")
	if got := text("#decisions"); !strings.Contains(got, "东北大学") {
		t.Fatalf("decisions: %q", got)
	}
	if count(neuCard) != 0 {
		t.Fatal("a candidate decided on is still suggested")
	}
	signOut()
	step("3 suggestions and docking")

	// 4. The university bids on the published challenge. No page lists a
	// published challenge to other organisations (not /programs, the call's
	// page, the notices nor the home page), so the university comes by the
	// challenge's address, as from a link sent to it.
	signIn("neu")
	b.navigate(ts.URL + recordPath(challenge))
	b.expectPage(recordPath(challenge), title, "zh-CN")
	b.click(fmt.Sprintf(`#children-bids a[href="/projects/%d/children/bids/new"]`, challenge))
	b.expectPage(recordPath(challenge)+"/children/bids/new", "在线申报", "zh-CN")
	b.run(chromedp.SendKeys(chromedp.ID("f-solution"), "采用多区独立加热与模型预测控制，结合高精度铂电阻测温，热盘温度均匀性优于±0.05℃。"),
		chromedp.SendKeys(chromedp.ID("f-leader"), strconv.FormatInt(leader.ID, 10)),
		chromedp.SendKeys(chromedp.ID("f-quoted_amount"), "2,800,000"),
		chromedp.SendKeys(chromedp.ID("f-term_months"), "16"),
		chromedp.SetUploadFiles(chromedp.ID("f-commitment"), []string{commitment}))
	b.click(`#project-form button[type="submit"]`)
	bid := idAt()
	stage("草稿")
	if got := text("main"); !strings.Contains(got, title) || strings.Contains(text(".page-header"), "2025年揭榜挂帅榜单征集") {
		t.Fatalf("the bid does not name its challenge, or names the call in its place: %q", got)
	}
	move("submit", "已揭榜")
	if got := text("#project-data"); !strings.Contains(got, "东北大学-诚信承诺书.pdf") {
		t.Fatalf("the bid lacks its commitment: %q", got)
	}
	b.screenshot(shots, "challenge-bid.png")
	signOut()
	step("4 bid")

	// 5. The manager closes bidding and takes the bid to 中榜; the
	// enterprise selects and contracts on its challenge; the manager starts
	// the work and signs the bid's agreement; the enterprise records a
	// milestone and accepts the result.
	signIn("manager")
	b.navigate(ts.URL + recordPath(challenge))
	if got := text("#children-bids"); !strings.Contains(got, "东北大学") || !strings.Contains(got, "已揭榜") || !strings.Contains(got, "2,800,000") || !strings.Contains(got, title+" · 东北大学") {
		t.Fatalf("the challenge's bids (named after the challenge and the bidder, with the quote): %q", got)
	}
	move("close_bidding", "揭榜截止")
	b.click(fmt.Sprintf(`#children-bids a[href="/projects/%d"]`, bid))
	stage("已揭榜")
	move("start_review", "专家评审")
	// The decision waits for the five score sheets the template asks for
	// (scoring through the pages is TestProgramFlowAndBlindReview's).
	for i := 1; i <= 5; i++ {
		u, err := svc.CreateUser(ctx, auth.NewUser{Username: fmt.Sprintf("expert-%d", i), DisplayName: fmt.Sprintf("专家%d", i), Password: pw, Roles: []access.Role{access.Reviewer}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO review_assignments (project_id, round, reviewer_id, status, assigned_at, assigned_by, total) VALUES (?, 1, ?, 'submitted', ?, 'test', 80)`,
			bid, u.ID, store.Now()); err != nil {
			t.Fatal(err)
		}
	}
	b.navigate(ts.URL + recordPath(bid))
	move("dock", "对接洽谈")
	move("select", "中榜")
	signOut()
	step("5a close and pick the bid")

	signIn("xinyuan")
	b.navigate(ts.URL + recordPath(challenge))
	stage("揭榜截止")
	if got := text("#children-bids"); !strings.Contains(got, "东北大学") || !strings.Contains(got, "中榜") {
		t.Fatalf("the owner's view of the bids: %q", got)
	}
	move("select", "选定揭榜方")
	move("contract", "签订协议")
	signOut()

	signIn("manager")
	b.navigate(ts.URL + recordPath(challenge))
	move("start", "攻关实施")
	b.click(fmt.Sprintf(`#children-bids a[href="/projects/%d"]`, bid))
	move("contract", "签订协议")
	signOut()

	signIn("xinyuan")
	b.navigate(ts.URL + recordPath(challenge))
	b.run(chromedp.SetValue(chromedp.ID("o-kind"), "milestone"),
		chromedp.SendKeys(chromedp.ID("o-title"), "样机温控精度达标"),
		chromedp.SetValue(chromedp.ID("o-day"), "2026-03-31"))
	b.click(`#outcome-form button[type="submit"]`)
	if got := text("#flash"); !strings.Contains(got, "已登记") {
		t.Fatalf("after recording the milestone: %q", got)
	}
	if got := text("#outcomes"); !strings.Contains(got, "样机温控精度达标") {
		t.Fatalf("outcomes: %q", got)
	}
	b.run(chromedp.SendKeys(chromedp.ID("move-note"), "经用户现场验收，各项指标达到榜单要求"))
	move("accept", "用户验收通过")
	if n := count("#moves button"); n != 0 {
		t.Errorf("a terminal stage offers %d move(s)", n)
	}
	if got := text("#history"); !strings.Contains(got, "经用户现场验收") || !strings.Contains(got, "用户验收通过") {
		t.Fatalf("history: %q", got)
	}
	b.screenshot(shots, "challenge-accepted.png")
	b.click(`form.lang-switch button[value="en"]`)
	b.expectPage(recordPath(challenge), title, "en")
	stage("Accepted")
	step("5b select to accepted")
	b.expectNoProblems()
	t.Logf("browser challenge test took %v", time.Since(start).Round(time.Millisecond))
}
