package web_test

import (
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

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
)

// TestBrowserPicker: an applicant types part of a partner's name and of
// the leader's, chooses from the lists with the keyboard alone, saves and
// submits; the record names both.
func TestBrowserPicker(t *testing.T) {
	exe := browserExecutable(t)
	db := storetest.Open(t, store.SQLite)
	ctx := t.Context()
	cfg := auth.DefaultConfig()
	cfg.Password, cfg.Demo = password.Fast, true
	svc := auth.New(db, cfg)
	const pw = "long-enough-browser-test-pw-7391"
	seg, err := search.Default()
	if err != nil {
		t.Fatal(err)
	}
	line, _ := seal.NewKeyLine("kpicker")
	keys, err := seal.ParseKeyring(line)
	if err != nil {
		t.Fatal(err)
	}
	org, err := registry.Save(ctx, db, seg, nil, registry.Organisation{Name: "沈阳甲精密机械有限公司", Kind: "enterprise", District: "210106"})
	if err != nil {
		t.Fatal(err)
	}
	partner, err := registry.Save(ctx, db, seg, nil, registry.Organisation{Name: "沈阳新松机器人自动化股份有限公司", Kind: "enterprise", District: "210112", CreditCode: "912101007155744627"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := registry.Save(ctx, db, seg, nil, registry.Organisation{Name: fmt.Sprintf("沈阳新材料%d有限公司", i), Kind: "enterprise"}); err != nil {
			t.Fatal(err)
		}
	}
	var leader registry.Person
	err = db.InTx(ctx, func(tx *store.Tx) error {
		for _, p := range []registry.Person{{Name: "王振东", IDNumber: "21010219800101123X", OrganisationID: org.ID}, {Name: "王振宇", IDNumber: "210102198001011241", OrganisationID: org.ID}} {
			got, _, err := registry.UpsertPerson(ctx, tx, keys, p)
			if err != nil {
				return err
			}
			if p.Name == "王振东" {
				leader = got
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateUser(ctx, auth.NewUser{Username: "applicant", Password: pw, Roles: []access.Role{access.Org}, OrgID: org.ID}); err != nil {
		t.Fatal(err)
	}
	pub, err := program.Publish(ctx, db, []byte(pickerTemplate))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "tp-browser", Name: "选择器批次", Opens: "2020-01-01", Closes: "2099-12-31"}); err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Config{Demo: true, Keys: keys, Search: seg, Files: program.Files{Dir: t.TempDir()}}, db, svc, slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)

	b := newBrowser(t, exe)
	attr := func(sel, name string) string {
		t.Helper()
		a, err := chromedp.Run(b.ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
		if err != nil {
			t.Fatalf("%s[%s]: %v", sel, name, err)
		}
		return a.Value
	}
	value := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).value`, sel)))
		if err != nil {
			t.Fatalf("value of %s: %v", sel, err)
		}
		return v
	}
	b.navigate(ts.URL + "/signin")
	b.run(chromedp.SendKeys(chromedp.ID("username"), "applicant"), chromedp.SendKeys(chromedp.ID("password"), pw))
	b.click(`form[action="/signin"] button[type="submit"]`)
	b.navigate(ts.URL + "/calls/1/apply")
	b.run(chromedp.SendKeys(chromedp.ID("f-title"), "协作机器人减速器"))

	// The partner: a word from the middle of its name, then the keyboard.
	b.run(chromedp.SendKeys(chromedp.ID("f-partner"), "新松"),
		chromedp.WaitVisible(chromedp.CSS(`#f-partner-list [role="option"]`)))
	if attr("#f-partner", "role") != "combobox" || attr("#f-partner", "aria-autocomplete") != "list" ||
		attr("#f-partner", "aria-controls") != "f-partner-list" || attr("#f-partner", "aria-expanded") != "true" || attr("#f-partner-list", "role") != "listbox" {
		t.Fatal("the partner field is not an expanded combobox over a listbox")
	}
	if got, _ := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("#f-partner-list"))); !strings.Contains(got, "浑南区 · 912101007155744627") {
		t.Errorf("the list does not tell the organisation by district and code: %q", got)
	}
	if got := attr(`label[for="f-partner"]`, "for"); got != "f-partner" {
		t.Error("the picker has no visible label")
	}
	b.run(chromedp.KeyEvent(kb.ArrowDown))
	if attr("#f-partner", "aria-activedescendant") != "f-partner-list-0" {
		t.Error("ArrowDown does not make the first choice active")
	}
	b.run(chromedp.KeyEvent(kb.Enter), chromedp.WaitNotVisible(chromedp.ID("f-partner-list")))
	if loc, _ := chromedp.Run(b.ctx, chromedp.Location()); !strings.HasSuffix(loc, "/calls/1/apply") {
		t.Fatalf("the Enter that chose submitted the form: at %s", loc)
	}
	if value("#f-partner") != partner.Name || value(`input[name="partner.id"]`) != fmt.Sprint(partner.ID) || attr("#f-partner", "aria-expanded") != "false" {
		t.Fatalf("partner chosen: %q id %q", value("#f-partner"), value(`input[name="partner.id"]`))
	}

	// The leader: down twice, up once, Enter.
	b.run(chromedp.SendKeys(chromedp.ID("f-leader"), "王振"),
		chromedp.WaitVisible(chromedp.CSS(`#f-leader-list [role="option"]:nth-child(2)`)))
	if got, _ := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("#f-leader-list"))); !strings.Contains(got, "210*************3X") || strings.Contains(got, "21010219800101123X") {
		t.Errorf("the people list must show masked ID numbers: %q", got)
	}
	b.run(chromedp.KeyEvent(kb.ArrowDown))
	b.screenshot(t.TempDir(), "picker-people.png")
	b.run(chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowUp), chromedp.KeyEvent(kb.Enter))
	if value("#f-leader") != "王振东" || value(`input[name="leader.id"]`) != fmt.Sprint(leader.ID) {
		t.Fatalf("leader chosen: %q id %q", value("#f-leader"), value(`input[name="leader.id"]`))
	}

	// Escape closes a list without choosing.
	b.run(chromedp.SendKeys(chromedp.CSS(`input[name="team.0.unit"]`), "沈阳新材"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="team.0.unit"] ~ .picker-list [role="option"]`)),
		chromedp.KeyEvent(kb.Escape))
	if attr(`input[name="team.0.unit"]`, "aria-expanded") != "false" || value(`input[name="team.0.unit.id"]`) != "" {
		t.Error("Escape did not close the list, or chose")
	}
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector('input[name="team.0.unit"]').value = ""`)); err != nil {
		t.Fatal(err)
	}

	// A refused form keeps the names chosen and the file.
	plan := filepath.Join(t.TempDir(), "实施方案.pdf")
	if err := os.WriteFile(plan, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	b.run(chromedp.SendKeys(chromedp.ID("f-amount_requested"), "一百万"), chromedp.SetUploadFiles(chromedp.ID("f-plan"), []string{plan}))
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(`#project-form button[type="submit"]`))); err != nil {
		t.Fatal(err)
	}
	b.run(chromedp.WaitVisible(chromedp.ID("f-plan-kept")))
	for _, p := range b.takeProblems() { // the refusal's 422 is expected, nothing else
		if !strings.Contains(p, "status of 422") {
			t.Errorf("the browser reported: %s", p)
		}
	}
	b.screenshot(t.TempDir(), "picker-refused.png")
	if value("#f-leader") != "王振东" || value(`input[name="leader.id"]`) != fmt.Sprint(leader.ID) || value("#f-partner") != partner.Name {
		t.Fatalf("the refused form lost the names: %q %q", value("#f-leader"), value("#f-partner"))
	}
	if got, _ := chromedp.Run(b.ctx, chromedp.Text(chromedp.ID("f-plan-kept"))); !strings.Contains(got, "实施方案.pdf") {
		t.Errorf("the kept file is not offered: %q", got)
	}
	b.run(chromedp.SetValue(chromedp.ID("f-amount_requested"), "1,000,000"))
	b.click(`#project-form button[type="submit"]`)
	b.expectPage("/projects/1", "协作机器人减速器", "zh-CN")
	if got, _ := chromedp.Run(b.ctx, chromedp.Text(chromedp.ID("project-form"))); !strings.Contains(got, "实施方案.pdf") {
		t.Error("the kept file was not attached")
	}
	b.click(`#moves button[value="submit"]`)
	got, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("#project-data")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "王振东") || !strings.Contains(got, partner.Name) {
		t.Errorf("the record does not name its leader and partner:\n%s", got)
	}
	b.expectNoProblems()
}
