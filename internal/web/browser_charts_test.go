package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
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
	svc := browserAuth(t, db, auth.NewUser{Username: "charts.manager", Roles: []access.Role{access.Manager}})
	url := browserServe(t, db, svc, web.Config{})

	b := newBrowser(t, exe)
	b.signIn(url, "charts.manager")
	for _, path := range []string{"/cockpit/areas/7", "/cockpit"} {
		b.navigate(url + path)
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
