package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/university/unitest"
	"github.com/xinzhi-platform/xinzhi/internal/web"
)

// TestBrowserUniversities: a manager opens the comparison in Chinese, sees
// its charts drawn, follows a university's funds to its page and a year's
// record to the record itself; then in English follows a joint-lab count
// to the lab's record.
func TestBrowserUniversities(t *testing.T) {
	exe := browserExecutable(t)
	db := storetest.Open(t, store.SQLite)
	svc := browserAuth(t, db, auth.NewUser{Username: "universities.manager", Roles: []access.Role{access.Manager}})
	w := unitest.Build(t, db)
	base := browserServe(t, db, svc, web.Config{})
	neu := fmt.Sprintf("/universities/%d", w.NEU.ID)

	b := newBrowser(t, exe)
	b.signIn(base, "universities.manager")

	drawn := func(where string, atLeast int) {
		t.Helper()
		got, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]bool](`Array.from(document.querySelectorAll('.chart[data-option]')).map(function (el) { return !!window.echarts.getInstanceByDom(el); })`))
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		if len(got) < atLeast {
			t.Errorf("%s draws %d charts, want at least %d", where, len(got), atLeast)
		}
		for i, ok := range got {
			if !ok {
				t.Errorf("%s: chart %d not drawn", where, i+1)
			}
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}

	b.click(`nav a[href="/universities"]`)
	b.expectPage("/universities", "高校", "zh-CN")
	drawn("/universities", 3)
	shots := t.TempDir()
	b.screenshot(shots, "universities.png")
	if got := text(fmt.Sprintf("#u-%d a.awarded", w.NEU.ID)); got != "900" {
		t.Errorf("东北大学's funds awarded read %q, want 900 (万元)", got)
	}
	b.click(fmt.Sprintf("#u-%d a.awarded", w.NEU.ID))
	b.expectPage(neu, "东北大学", "zh-CN")
	drawn(neu, 1)
	b.screenshot(shots, "university.png")
	b.click(`#funds-by-year a.record`)
	b.expectPage(fmt.Sprintf("/projects/%d", w.Funding[0]), text("h1"), "zh-CN")

	b.navigate(base + "/universities")
	b.click(`form.lang-switch button[value="en"]`)
	b.expectPage("/universities", "Universities", "en")
	drawn("/universities in English", 3)
	if got := text("#sort-labs"); got != "Joint labs" {
		t.Errorf("the joint-lab heading reads %q", got)
	}
	b.click(fmt.Sprintf("#u-%d a.labs", w.NEU.ID))
	b.expectPage(neu, "东北大学", "en")
	if got := text("#order-classes p"); !strings.HasPrefix(got, "Not recorded yet") {
		t.Errorf("order classes read %q", got)
	}
	b.click(`#labs a.record`)
	b.expectPage(fmt.Sprintf("/projects/%d", w.LabNEU), text("h1"), "en")
	b.expectNoProblems()
}
