package web_test

import (
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/password"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web"
)

// TestBrowserChartsOneUnitAnAxis: on an area page whose indicators count
// people, items, money and patents, ECharts draws every chart, each value
// axis carries one unit, and no category axis hides labels.
func TestBrowserChartsOneUnitAnAxis(t *testing.T) {
	exe := browserExecutable(t)
	db := storetest.Open(t, store.SQLite)
	cfg := auth.DefaultConfig()
	cfg.Password, cfg.Demo = password.Fast, true
	svc := auth.New(db, cfg)
	const username, pw = "charts.manager", "long-enough-browser-test-pw-7391"
	if _, err := svc.CreateUser(t.Context(), auth.NewUser{Username: username, Password: pw, Roles: []access.Role{access.Manager}}); err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Config{Demo: true}, db, svc, slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)

	b := newBrowser(t, exe)
	b.navigate(ts.URL + "/signin")
	b.run(chromedp.SendKeys(chromedp.ID("username"), username))
	b.run(chromedp.SendKeys(chromedp.ID("password"), pw))
	b.click(`form[action="/signin"] button[type="submit"]`)
	for _, path := range []string{"/cockpit/areas/7", "/cockpit"} {
		b.navigate(ts.URL + path)
		// Per chart: "ok" or what is wrong with it.
		got, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('.chart[data-option]')).map(function (el) {
			var c = window.echarts.getInstanceByDom(el);
			if (!c) return 'not drawn';
			var o = c.getOption(), bad = [];
			o.xAxis.concat(o.yAxis).forEach(function (a) {
				if (a.type === 'category' && a.axisLabel.interval !== 0) bad.push('category axis hides labels');
			});
			var values = o.xAxis.concat(o.yAxis).filter(function (a) { return a.type === 'value'; });
			values.forEach(function (a) { if (!a.name) bad.push('a value axis without a unit'); });
			var names = values.map(function (a) { return a.name; });
			if (new Set(names).size !== names.length) bad.push('two axes in one unit');
			return bad.length ? bad.join(', ') : 'ok';
		})`))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(got) < 2 && path != "/cockpit" {
			t.Fatalf("%s draws %d charts, want one per unit", path, len(got))
		}
		for i, g := range got {
			if g != "ok" {
				t.Errorf("%s chart %d: %s", path, i+1, g)
			}
		}
		if strings.Contains(path, "areas") {
			t.Logf("%s: %d charts", path, len(got))
		}
	}
	b.expectNoProblems()
}
