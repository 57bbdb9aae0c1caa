package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/cooperation/cooptest"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/search"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web"
)

// TestBrowserCooperation: a leader opens the open-cooperation area from
// the navigation in Chinese, finds its three charts drawn, follows the
// settled figure to its one project and opens its stage history; in
// English the signed figure opens two projects and a stage history that
// reads in English.
func TestBrowserCooperation(t *testing.T) {
	exe := browserExecutable(t)
	db := storetest.Open(t, store.SQLite)
	svc := browserAuth(t, db, auth.NewUser{Username: "leader", Roles: []access.Role{access.Viewer}})
	w, err := cooptest.Build(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	seg, err := search.Default()
	if err != nil {
		t.Fatal(err)
	}
	day, _ := time.Parse(time.DateOnly, cooptest.AsOf)
	base := browserServe(t, db, svc, web.Config{AsOf: day, Search: seg, Files: program.Files{Dir: t.TempDir()}})

	b := newBrowser(t, exe)
	b.signIn(base, "leader")
	b.click(`nav a[href="/cooperation"]`)
	b.expectPage("/cooperation", "开放合作", "zh-CN")
	drawn, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll('.chart[data-option]')).filter(function (el) {
		return window.echarts && window.echarts.getInstanceByDom(el); }).length`))
	if err != nil || drawn != 3 {
		t.Errorf("the area draws %d charts (%v), want the funnel, the districts and the ranking", drawn, err)
	}
	shots := t.TempDir()
	b.screenshot(shots, "cooperation-zh.png")
	rows := func() int {
		n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll('#coop-list tbody tr[data-project]').length`))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	b.click("#fig-settled")
	b.expectPage("/cooperation/list", "招商项目", "zh-CN")
	if n := rows(); n != cooptest.Settled {
		t.Fatalf("the settled list has %d rows, want %d", n, cooptest.Settled)
	}
	path := fmt.Sprintf("/cooperation/projects/%d", w.Projects["settled"])
	b.click(fmt.Sprintf(`#coop-list a[href=%q]`, path))
	b.expectPage(path, "机器人整机项目", "zh-CN")
	hist, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.ID("stage-history")))
	if err != nil || !strings.Contains(hist, "招引洽谈") || !strings.Contains(hist, "90") {
		t.Errorf("the stage history reads %q (%v)", hist, err)
	}
	b.screenshot(shots, "cooperation-project-zh.png")

	b.click(`form.lang-switch button[value="en"]`)
	b.expectPage(path, "机器人整机项目", "en")
	hist, err = chromedp.Run(b.ctx, chromedp.Text(chromedp.ID("stage-history")))
	if err != nil || !strings.Contains(hist, "Introduced") || !strings.Contains(hist, "to date (2025-06-30)") {
		t.Errorf("the English stage history reads %q (%v)", hist, err)
	}
	b.navigate(base + "/cooperation")
	b.expectPage("/cooperation", "Open cooperation", "en")
	b.screenshot(shots, "cooperation-en.png")
	b.click("#fig-signed")
	b.expectPage("/cooperation/list", "Investment projects", "en")
	if n := rows(); n != cooptest.Signed {
		t.Fatalf("the signed list has %d rows, want %d", n, cooptest.Signed)
	}
	text, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.ID("coop-list")))
	if err != nil || !strings.Contains(text, "Robotics") || !strings.Contains(text, "Hunnan") {
		t.Errorf("the English list reads %q (%v)", text, err)
	}
	b.click(fmt.Sprintf(`#coop-list a[href=%q]`, path))
	b.expectPage(path, "机器人整机项目", "en")
	b.expectNoProblems()
}
