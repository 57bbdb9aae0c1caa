package web_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/clock"
	"github.com/xinzhi-platform/xinzhi/internal/democity"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/password"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/returns"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/search"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
	"github.com/xinzhi-platform/xinzhi/internal/web"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// demoCity is the demo city served as `xinzhi demo` serves it: loaded once
// per engine, its accounts set up on the business date 2025-06-30.
type demoCity struct {
	db  *store.DB
	url string
}

func newDemoCity(t *testing.T, db *store.DB) *demoCity {
	t.Helper()
	ctx := t.Context()
	line, _ := seal.NewKeyLine("kwalk")
	keys, err := seal.ParseKeyring(line)
	if err != nil {
		t.Fatal(err)
	}
	seg, err := search.Default()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := democity.Load(ctx, db, democity.Options{Programs: programs.Files, Keys: keys, Indexer: seg}); err != nil {
		t.Fatal(err)
	}
	t.Logf("demo city loaded in %v", time.Since(start).Round(time.Millisecond))
	cfg := auth.DefaultConfig()
	cfg.Password, cfg.Demo = password.Fast, true
	a := auth.New(db, cfg)
	day, err := clock.Parse(democity.AsOf)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := democity.SetUp(clock.With(ctx, day), db, a); err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Config{Demo: true, Keys: keys, Search: seg, Files: program.Files{Dir: t.TempDir()}, AsOf: day}, db, a,
		slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &demoCity{db: db, url: ts.URL}
}

// TestBrowserRoles walks each role's main flow on the demo city in headless
// Chromium, in Chinese and in English, from sign-in to the record that
// changed, and checks that record in the database: a visitor reads a
// challenge; the enterprise applies with a team of people and a file; an
// expert scores; the manager approves a reviewed record, signs its contract
// and pays a tranche; the bank decides a funding need; a clerk imports a
// periodic return from Excel.
func TestBrowserRoles(t *testing.T) {
	exe := browserExecutable(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		city := newDemoCity(t, db)
		for i, lang := range []string{"zh-CN", "en"} {
			t.Run(lang, func(t *testing.T) {
				w := &walk{t: t, city: city, b: newBrowser(t, exe), lang: lang, nth: i}
				w.public()
				w.enterprise()
				w.expert()
				w.manager()
				w.bank()
				w.clerk()
				w.b.expectNoProblems()
			})
		}
	})
}

// walk is one language's walk through the roles.
type walk struct {
	t    *testing.T
	city *demoCity
	b    *browser
	lang string
	nth  int // which walk: each takes its own records
}

func (w *walk) tr(key string, args ...any) string { return i18n.T(w.lang, key, args...) }

func (w *walk) text(sel string) string {
	w.t.Helper()
	s, err := chromedp.Run(w.b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		w.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

func (w *walk) path() string {
	w.t.Helper()
	loc, err := chromedp.Run(w.b.ctx, chromedp.Location())
	if err != nil {
		w.t.Fatal(err)
	}
	return strings.TrimPrefix(loc, w.city.url)
}

// queryInt is one number from the database.
func (w *walk) queryInt(q string, args ...any) int64 {
	w.t.Helper()
	var n int64
	if err := w.city.db.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		w.t.Fatalf("%s: %v", q, err)
	}
	return n
}

func (w *walk) ids(q string, args ...any) []int64 {
	w.t.Helper()
	rows, err := w.city.db.QueryContext(context.Background(), q, args...)
	if err != nil {
		w.t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			w.t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

// language switches the page to the walk's language.
func (w *walk) language() {
	w.t.Helper()
	if w.lang != "zh-CN" {
		w.b.click(`form.lang-switch button[value="en"]`)
	}
	if attr, err := chromedp.Run(w.b.ctx, chromedp.AttributeValue(chromedp.CSS("html"), "lang")); err != nil || attr.Value != w.lang {
		w.t.Fatalf("page language %q (%v), want %s", attr.Value, err, w.lang)
	}
}

func (w *walk) signIn(user string) {
	w.t.Helper()
	w.b.navigate(w.city.url + "/signin")
	w.b.run(chromedp.SendKeys(chromedp.ID("username"), user), chromedp.SendKeys(chromedp.ID("password"), democity.Password))
	w.b.click(`form[action="/signin"] button[type="submit"]`)
	if p := w.path(); p != "/" {
		w.t.Fatalf("%s signed in to %s, want their landing at /", user, p)
	}
	w.language()
}

func (w *walk) signOut() {
	w.t.Helper()
	w.b.click("#signout")
}

// pick types into a picker and chooses the first name offered, by keyboard.
func (w *walk) pick(sel, typed string) {
	w.t.Helper()
	w.b.run(chromedp.SendKeys(chromedp.CSS(sel), typed),
		chromedp.WaitVisible(chromedp.CSS(sel+` ~ .picker-list [role="option"]`)),
		chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.Enter))
	id, err := chromedp.Run(w.b.ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).nextElementSibling.value`, sel)))
	if err != nil || id == "" {
		w.t.Fatalf("the picker %s chose nobody for %q (%v)", sel, typed, err)
	}
}

// public: a visitor opens a challenge from the front page and reads its
// need, indicators and bounty.
func (w *walk) public() {
	w.t.Helper()
	w.b.navigate(w.city.url + "/")
	w.language()
	w.b.click(`#open-challenges tbody tr:nth-child(1) a`)
	if !strings.HasPrefix(w.path(), "/challenges/") {
		w.t.Fatalf("the front page's challenge opened %s", w.path())
	}
	for _, sel := range []string{"#challenge-need", "#challenge-bounty", "#challenge-deadline"} {
		if got := w.text(sel); got == "" || got == "—" {
			w.t.Errorf("public challenge: %s is empty", sel)
		}
	}
	if got := w.text("#challenge-indicators tbody"); got == "" {
		w.t.Error("public challenge: no key indicators")
	}
	if got := w.text("#challenge-status"); got != w.tr("challenges.open") {
		w.t.Errorf("public challenge: status %q, want %q", got, w.tr("challenges.open"))
	}
}

// enterprise: the demo firm applies for a transplanted team with its
// leader, two members and the agreement, and submits it.
func (w *walk) enterprise() {
	w.t.Helper()
	db := w.city.db
	call := w.queryInt(`SELECT c.id FROM calls c JOIN program_templates t ON t.id = c.template_id WHERE t.key = 'transplant_team' AND c.opens <= ? AND c.closes >= ? ORDER BY c.id DESC LIMIT 1`, democity.AsOf, democity.AsOf)
	var staff []string
	rows, err := db.QueryContext(w.t.Context(), `SELECT p.name FROM people p JOIN organisations o ON o.id = p.organisation_id WHERE o.name = ? ORDER BY p.id`, democity.DemoEnterprise)
	if err != nil {
		w.t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		staff = append(staff, n)
	}
	rows.Close()
	if len(staff) < 6 {
		w.t.Fatalf("the demo enterprise has %d people", len(staff))
	}
	team := staff[w.nth*3 : w.nth*3+3]
	w.signIn("demo-org")
	if w.text(`[data-landing="org"]`) == "" {
		w.t.Error("the enterprise did not land on its records and calls")
	}
	w.b.navigate(fmt.Sprintf("%s/calls/%d/apply", w.city.url, call))
	title := fmt.Sprintf("工业软件团队引进（%s）", w.lang)
	agreement := filepath.Join(w.t.TempDir(), "引育协议.pdf")
	if err := os.WriteFile(agreement, pdf, 0o600); err != nil {
		w.t.Fatal(err)
	}
	w.b.run(chromedp.SendKeys(chromedp.ID("f-title"), title), chromedp.SendKeys(chromedp.ID("f-origin"), "北京工业软件研究院"),
		chromedp.SendKeys(chromedp.ID("f-team_size"), "3"), chromedp.SendKeys(chromedp.ID("f-carried_results"), "工业软件内核专利5项"),
		chromedp.SendKeys(chromedp.ID("f-amount_requested"), "3,000,000"), chromedp.SetUploadFiles(chromedp.ID("f-agreement"), []string{agreement}))
	w.pick("#f-team_leader", team[0])
	w.pick(`input[name="members.0.person"]`, team[1])
	w.pick(`input[name="members.1.person"]`, team[2])
	w.pick("#f-landing_entity", "沈阳示例智能装备")
	w.b.click(`#project-form button[type="submit"]`)
	if !strings.HasPrefix(w.path(), "/projects/") {
		w.t.Fatalf("the application was not saved: at %s", w.path())
	}
	w.b.click(`#moves button[value="submit"]`)
	if got := w.text("#stage"); got != w.stageName("transplant_team", "submitted") {
		w.t.Fatalf("after submitting: stage %q", got)
	}
	got := w.text("#project-data")
	for _, want := range append(team, "引育协议.pdf", democity.DemoEnterprise) {
		if !strings.Contains(got, want) {
			w.t.Errorf("the record does not show %q", want)
		}
	}
	id := w.queryInt(`SELECT id FROM projects WHERE title = ?`, title)
	if n := w.queryInt(`SELECT COUNT(*) FROM project_parties WHERE project_id = ? AND person_id IS NOT NULL`, id); n != 3 {
		w.t.Errorf("the submitted record names %d people, want 3", n)
	}
	if n := w.queryInt(`SELECT COUNT(*) FROM project_events WHERE project_id = ? AND to_stage = 'submitted'`, id); n != 1 {
		w.t.Errorf("no submission event for record %d", id)
	}
	w.signOut()
}

// stageName is a stage's name in the walk's language.
func (w *walk) stageName(key, stage string) string {
	w.t.Helper()
	pub, err := program.Latest(w.t.Context(), w.city.db, key)
	if err != nil {
		w.t.Fatal(err)
	}
	st, ok := pub.Template.Stage(stage)
	if !ok {
		w.t.Fatalf("%s has no stage %s", key, stage)
	}
	if w.lang == "en" && st.NameEN != "" {
		return st.NameEN
	}
	return st.Name
}

// expert: a demo expert opens a review waiting for them and scores it.
func (w *walk) expert() {
	w.t.Helper()
	w.signIn("demo-reviewer")
	w.b.click(`#todo a[href="/reviews?status=assigned"]`)
	links, err := chromedp.Run(w.b.ctx, chromedp.Nodes(chromedp.CSS(`#assignments a[href^="/projects/"]`), chromedp.AtLeast(0)))
	if err != nil || len(links) == 0 {
		w.t.Fatalf("the expert has no review waiting (%v)", err)
	}
	href := links[0].AttributeValue("href")
	w.b.click(fmt.Sprintf(`#assignments a[href=%q]`, href))
	var project int64
	fmt.Sscanf(href, "/projects/%d", &project)
	pub, err := program.Latest(w.t.Context(), w.city.db, w.queryKey(project))
	if err != nil {
		w.t.Fatal(err)
	}
	for i, c := range pub.Template.Review.Criteria {
		w.b.run(chromedp.SendKeys(chromedp.ID("score_"+c.Key), fmt.Sprint(70+i*5)))
	}
	w.b.run(chromedp.SendKeys(chromedp.ID("comment"), "技术路线可行，建议支持"))
	w.b.click(`#score-form button[type="submit"]`)
	if got := w.text("#flash"); !strings.Contains(got, w.tr("review.scored")) {
		w.t.Errorf("after scoring: %q", got)
	}
	if n := w.queryInt(`SELECT COUNT(*) FROM review_assignments a JOIN users u ON u.id = a.reviewer_id WHERE u.username = 'demo-reviewer' AND a.project_id = ? AND a.status = 'submitted' AND a.total > 0`, project); n != 1 {
		w.t.Errorf("the expert's scores on %d are not in", project)
	}
	w.signOut()
}

func (w *walk) queryKey(project int64) string {
	var key string
	if err := w.city.db.QueryRowContext(w.t.Context(), `SELECT t.key FROM projects p JOIN program_templates t ON t.id = p.template_id WHERE p.id = ?`, project).Scan(&key); err != nil {
		w.t.Fatal(err)
	}
	return key
}

// manager: the manager finds a special project whose panel is in, approves
// it, signs its contract and pays the first tranche.
func (w *walk) manager() {
	w.t.Helper()
	ready := w.ids(`SELECT p.id FROM projects p JOIN program_templates t ON t.id = p.template_id WHERE t.key = 'major_special_project' AND p.stage = 'review'
		AND (SELECT COUNT(*) FROM review_assignments a WHERE a.project_id = p.id AND a.status = 'submitted') >= 5 ORDER BY p.id`)
	if len(ready) == 0 {
		w.t.Fatal("no special project with its panel in")
	}
	id := ready[0] // the walk before took the one before
	w.signIn("demo-manager")
	w.b.click(`#todo li[data-item^="reviewed-"] a[href*="program=major_special_project"]`)
	w.b.click(fmt.Sprintf(`a[href="/projects/%d"]`, id))
	w.b.run(chromedp.SendKeys(chromedp.ID("move-amount"), "8,000,000"))
	w.b.click(`#moves button[value="approve"]`)
	if got := w.text("#stage"); got != w.stageName("major_special_project", "approved") {
		w.t.Fatalf("after approving: stage %q", got)
	}
	w.b.click(`#moves button[value="start"]`)
	if got := w.text("#stage"); got != w.stageName("major_special_project", "in_progress") {
		w.t.Fatalf("after signing the contract: stage %q", got)
	}
	// More than 60% before the mid-term check is refused; 50% is paid.
	w.b.run(chromedp.SendKeys(chromedp.ID("move-amount"), "5,000,000"))
	if _, err := chromedp.RunResponse(w.b.ctx, chromedp.Click(chromedp.CSS(`#moves button[value="pay"]`))); err != nil {
		w.t.Fatal(err)
	}
	for _, p := range w.b.takeProblems() { // the refusal's 422 is expected, nothing else
		if !strings.Contains(p, "status of 422") {
			w.t.Errorf("the browser reported: %s", p)
		}
	}
	if got := w.text("main"); !strings.Contains(got, "60%") {
		w.t.Errorf("the refused tranche does not say why:\n%s", got)
	}
	if n := w.queryInt(`SELECT COUNT(*) FROM project_events WHERE project_id = ? AND transition = 'pay'`, id); n != 0 {
		w.t.Fatal("a tranche over 60% before the mid-term check was paid")
	}
	w.b.run(chromedp.SetValue(chromedp.ID("move-amount"), "4,000,000"))
	w.b.click(`#moves button[value="pay"]`)
	if n := w.queryInt(`SELECT COUNT(*) FROM project_events WHERE project_id = ? AND transition = 'pay' AND amount = 4000000`, id); n != 1 {
		w.t.Errorf("the tranche of 4,000,000 is not on record %d", id)
	}
	if n := w.queryInt(`SELECT CAST(amount_disbursed AS INTEGER) FROM projects WHERE id = ?`, id); n != 4000000 {
		w.t.Errorf("record %d shows %d disbursed", id, n)
	}
	w.signOut()
}

// bank: the demo bank opens its inbox and approves a need.
func (w *walk) bank() {
	w.t.Helper()
	w.signIn("demo-finance")
	w.b.click(`#todo a[href="/finance/applications?decision=pending"]`)
	forms, err := chromedp.Run(w.b.ctx, chromedp.Nodes(chromedp.CSS(`form[id^="decide-"]`), chromedp.AtLeast(0)))
	if err != nil || len(forms) == 0 {
		w.t.Fatalf("the bank's inbox is empty (%v)", err)
	}
	form := "#" + forms[0].AttributeValue("id")
	var app int64
	fmt.Sscanf(forms[0].AttributeValue("id"), "decide-%d", &app)
	w.b.run(chromedp.SendKeys(chromedp.CSS(form+` input[name="note"]`), "授信审批通过"))
	w.b.click(form + ` button[type="submit"]`)
	if n := w.queryInt(`SELECT COUNT(*) FROM finance_applications WHERE id = ? AND decision = 'approved'`, app); n != 1 {
		w.t.Errorf("the bank's decision on need %d is not recorded", app)
	}
	w.signOut()
}

// clerk: the bureau's clerk fills a unit's monthly base-station return from
// the Excel template and hands it in.
func (w *walk) clerk() {
	w.t.Helper()
	ctx := w.t.Context()
	f, err := returns.FormByKey(ctx, w.city.db, "base_stations")
	if err != nil {
		w.t.Fatal(err)
	}
	v := returns.Values{}
	for _, fd := range f.Fields {
		v[fd.Key] = map[string]float64{}
		for i, d := range returns.CityDistricts() {
			v[fd.Key][d.Code] = float64(10*(i+1) + w.nth)
		}
	}
	var buf bytes.Buffer
	if err := tabular.WriteXLSX(&buf, f.Sheet(v)); err != nil {
		w.t.Fatal(err)
	}
	sheet := filepath.Join(w.t.TempDir(), "5G基站2025年6月.xlsx")
	if err := os.WriteFile(sheet, buf.Bytes(), 0o600); err != nil {
		w.t.Fatal(err)
	}
	w.signIn("demo-manager")
	w.b.navigate(w.city.url + "/returns/base_stations")
	links, err := chromedp.Run(w.b.ctx, chromedp.Nodes(chromedp.CSS(`a[href^="/returns/base_stations/file?period=2025-06"]`), chromedp.AtLeast(0)))
	href := ""
	for _, l := range links { // the first unit nobody has filed June for (the walk before filed one)
		h := l.AttributeValue("href")
		var org int64
		fmt.Sscanf(h[strings.Index(h, "org=")+4:], "%d", &org)
		if w.queryInt(`SELECT COUNT(*) FROM return_filings WHERE organisation_id = ? AND period = '2025-06'`, org) == 0 {
			href = h
			break
		}
	}
	if err != nil || href == "" {
		w.t.Fatalf("no unit left to file June for (%v)", err)
	}
	w.b.click(fmt.Sprintf(`a[href=%q]`, href))
	w.b.run(chromedp.SetUploadFiles(chromedp.ID("file"), []string{sheet}))
	w.b.click(`form[action="/returns/base_stations/upload"] button[type="submit"]`)
	if !strings.HasPrefix(w.path(), "/return-filings/") {
		w.t.Fatalf("after the upload: at %s", w.path())
	}
	if got := w.text("#values"); !strings.Contains(got, fmt.Sprint(10+w.nth)) || !strings.Contains(got, fmt.Sprint(130+w.nth)) {
		w.t.Errorf("the uploaded figures are not shown:\n%s", got)
	}
	w.b.click("#do-submit")
	if got := w.text("#status"); got != w.tr("returns.status.submitted") {
		w.t.Errorf("the return's status is %q, want %q", got, w.tr("returns.status.submitted"))
	}
	var org int64
	fmt.Sscanf(href[strings.Index(href, "org=")+4:], "%d", &org)
	if n := w.queryInt(`SELECT COUNT(*) FROM return_filings WHERE organisation_id = ? AND period = '2025-06' AND status = 'submitted'`, org); n != 1 {
		w.t.Errorf("no submitted June return of unit %d", org)
	}
	w.signOut()
}
