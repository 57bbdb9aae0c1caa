package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/proposal"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web"
)

// TestBrowserProposals walks a proposal in Chinese through the hands it
// passes: the office registers and assigns it, the bureau's staff drafts
// the reply from the letter's template, the co-unit countersigns, the
// office (督办) reviews, the leader signs, the bureau issues it and the
// office records the member's rating; then the board, the proposal and the
// published reply read in English.
func TestBrowserProposals(t *testing.T) {
	exe := browserExecutable(t)
	db := storetest.Open(t, store.SQLite)
	ctx := t.Context()
	bureau, err := registry.Create(ctx, db, registry.Organisation{Name: "沈阳市科学技术局", Kind: "government"})
	if err != nil {
		t.Fatal(err)
	}
	industry, err := registry.Create(ctx, db, registry.Organisation{Name: "沈阳市工业和信息化局", Kind: "government"})
	if err != nil {
		t.Fatal(err)
	}
	svc := browserAuth(t, db, auth.NewUser{Username: "office", Roles: []access.Role{access.Manager}},
		auth.NewUser{Username: "drafter", Roles: []access.Role{access.Manager}, OrgID: bureau.ID},
		auth.NewUser{Username: "costaff", Roles: []access.Role{access.Manager}, OrgID: industry.ID},
		auth.NewUser{Username: "leader", Roles: []access.Role{access.Viewer}})
	base := browserServe(t, db, svc, web.Config{Keys: browserKeys(t, "ktest"), Files: program.Files{Dir: t.TempDir()}})

	b := newBrowser(t, exe)
	shots := t.TempDir()
	signedIn := false
	as := func(user string) {
		t.Helper()
		if signedIn {
			b.click("#signout")
		}
		b.signIn(base, user)
		signedIn = true
	}
	as("office")
	b.click(`nav a[href="/proposals"]`)
	b.expectPage("/proposals", "提案办理", "zh-CN")
	b.click("#new-proposal")
	b.expectPage("/proposals/new", "登记提案", "zh-CN")
	b.run(chromedp.SendKeys(chromedp.ID("p-number"), "沈阳市政协十六届四次会议第0168号"), chromedp.SendKeys(chromedp.ID("p-member"), "王志坚"),
		chromedp.SendKeys(chromedp.ID("p-contact"), "13912345678"), chromedp.SendKeys(chromedp.ID("p-title"), "关于推动新质生产力发展的提案"),
		chromedp.SetValue(chromedp.ID("p-received"), "2025-02-10"))
	b.click("#register")
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	path := loc[strings.Index(loc, "/proposals/"):strings.Index(loc, "?")]
	b.expectPage(path, "关于推动新质生产力发展的提案", "zh-CN")
	b.run(chromedp.SetValue(chromedp.ID("a-lead"), fmt.Sprint(bureau.ID)), chromedp.SetValue(chromedp.ID("a-co"), fmt.Sprint(industry.ID)))
	b.click("#f-assign button")
	state := func(want string) {
		t.Helper()
		got, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.ID("state")))
		if err != nil || strings.TrimSpace(got) != want {
			t.Fatalf("state reads %q (%v), want %q", got, err, want)
		}
	}
	state("办理中")

	as("drafter")
	b.navigate(base + path)
	b.run(chromedp.SetValue(chromedp.ID("d-asof"), "2025-06-30"))
	b.click("#f-draft button")
	state("协办未会签")
	b.screenshot(shots, "proposal-draft-zh.png")

	as("costaff")
	b.navigate(base + path)
	b.click("#f-countersign button")
	state("督办未审核")

	as("office")
	b.navigate(base + path)
	b.run(chromedp.SetValue(chromedp.CSS(`#f-review select[name="class"]`), "B"))
	b.click("#f-review button")
	state("待签发")

	as("leader")
	b.navigate(base + path)
	b.click("#f-sign button")
	state("已签发待答复")

	as("drafter")
	b.navigate(base + path)
	b.click("#f-issue button")
	state("委员未评价")

	as("office")
	b.navigate(base + path)
	b.click("#f-rate button")
	state("办结")
	b.screenshot(shots, "proposal-closed-zh.png")

	// In English: the board, the proposal and the published reply.
	b.click(`form.lang-switch button[value="en"]`)
	b.expectPage(path, "关于推动新质生产力发展的提案", "en")
	state("Closed")
	b.navigate(base + "/proposals")
	b.expectPage("/proposals", "Proposal handling", "en")
	text, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.ID("yearly-table")))
	if err != nil || !strings.Contains(text, "Replied on time") || !strings.Contains(text, "沈阳市科学技术局") {
		t.Errorf("the yearly figures read %q (%v)", text, err)
	}
	b.screenshot(shots, "proposals-en.png")
	p, err := proposal.List(ctx, db, proposal.Filter{})
	if err != nil || len(p) != 1 {
		t.Fatalf("proposals: %v %v", p, err)
	}
	b.navigate(fmt.Sprintf("%s/replies/%d", base, p[0].ID))
	body, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.ID("reply-body")))
	if err != nil || !strings.Contains(body, "王志坚委员") {
		t.Errorf("the published reply reads %.200q (%v)", body, err)
	}
	page, _ := chromedp.Run(b.ctx, chromedp.OuterHTML(chromedp.CSS("html")))
	if strings.Contains(page, "13912345678") {
		t.Error("the published reply shows the member's contact details")
	}
	cls, _ := chromedp.Run(b.ctx, chromedp.Text(chromedp.ID("reply-class")))
	if !strings.Contains(cls, "In plan") {
		t.Errorf("the published class reads %q in English", cls)
	}
	b.expectNoProblems()
}
