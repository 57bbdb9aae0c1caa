package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/search"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/talent/talenttest"
	"github.com/xinzhi-platform/xinzhi/internal/web"
)

// TestBrowserTalent: a leader opens the talent area from the navigation in
// Chinese, follows the services-done figure to its list (three records),
// switches to English and finds the page and the list in English, and a
// person's certification with its catalogue class, item and version, and
// opens the catalogue it rests on.
func TestBrowserTalent(t *testing.T) {
	exe := browserExecutable(t)
	db := storetest.Open(t, store.SQLite)
	ctx := t.Context()
	svc := browserAuth(t, db, auth.NewUser{Username: "leader", Roles: []access.Role{access.Viewer}})
	keys := browserKeys(t, "ktest")
	org, err := registry.Create(ctx, db, registry.Organisation{Name: "沈阳示例大学", Kind: "enterprise"})
	if err != nil {
		t.Fatal(err)
	}
	w, err := talenttest.Build(ctx, db, keys, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	seg, err := search.Default()
	if err != nil {
		t.Fatal(err)
	}
	base := browserServe(t, db, svc, web.Config{Keys: keys, Search: seg, Files: program.Files{Dir: t.TempDir()}})

	b := newBrowser(t, exe)
	b.signIn(base, "leader")
	b.click(`nav a[href="/talent"]`)
	b.expectPage("/talent", "人才", "zh-CN")
	shots := t.TempDir()
	b.screenshot(shots, "talent-zh.png")
	b.click("#fig-services-done")
	b.expectPage("/talent/list", "人才服务记录", "zh-CN")
	rows, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll('#talent-list tbody tr[data-project]').length`))
	if err != nil || rows != talenttest.ServicesDone {
		t.Fatalf("the services-done list has %d rows (%v), want %d", rows, err, talenttest.ServicesDone)
	}
	b.click(`form.lang-switch button[value="en"]`)
	b.expectPage("/talent/list", "Talent service records", "en")
	text, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.ID("talent-list")))
	if err != nil || !strings.Contains(text, "Children's schooling") || !strings.Contains(text, "Done") {
		t.Fatalf("the English list reads %q (%v)", text, err)
	}
	b.navigate(base + "/talent")
	b.expectPage("/talent", "Talent", "en")
	b.screenshot(shots, "talent-en.png")
	b.click("#fig-teams")
	b.expectPage("/talent/list", "Transplanted teams", "en")
	// The team's leader opens the leader's page, masked for a leader.
	zhang := fmt.Sprintf("/talent/people/%d", w.People["张三"])
	b.click(fmt.Sprintf(`#talent-list a[href=%q]`, zhang))
	b.expectPage(zhang, "张三", "en")
	b.screenshot(shots, "talent-person-en.png")
	id, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.ID("id-number")))
	if err != nil || strings.Contains(id, w.IDNumber["张三"][6:14]) || !strings.Contains(id, "*") {
		t.Errorf("the ID number reads %q (%v), want it masked", id, err)
	}
	// The certification names its class, catalogue item and version.
	basis, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.ID("current-category")))
	if err != nil || !strings.Contains(basis, "Class C Leading talent") || !strings.Contains(basis, "Xingshen Talent Plan 2022 edition · item C3") {
		t.Errorf("the current certification reads %q (%v), want its class, item and version", basis, err)
	}
	// The catalogue the certification rests on, in both languages.
	b.click("#catalogues-link")
	b.expectPage("/talent/catalogues", "Talent catalogues", "en")
	item, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(`tr[data-item="xingshen-2022/C3"]`)))
	if err != nil || !strings.Contains(item, "Provincial distinguished young scholar") || !strings.Contains(item, "省级杰出青年科学基金获得者") {
		t.Errorf("the catalogue's C3 row reads %q (%v), want it in Chinese and English", item, err)
	}
	b.expectNoProblems()
}
