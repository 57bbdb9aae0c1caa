package universitiesweb_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/university/unitest"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
)

var ctx = context.Background()

// TestUniversitiesPerRole: staff and leaders compare the universities and
// open any; a university's own user opens its page only; other roles see
// neither; an enterprise is no university.
func TestUniversitiesPerRole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		w := unitest.Build(t, db)
		if _, err := e.Auth.CreateUser(ctx, auth.NewUser{Username: "neu", Password: webtest.Password, Roles: []access.Role{access.Org}, OrgID: w.NEU.ID}); err != nil {
			t.Fatal(err)
		}
		neu, syau, firm := fmt.Sprintf("/universities/%d", w.NEU.ID), fmt.Sprintf("/universities/%d", w.SYAU.ID), fmt.Sprintf("/universities/%d", w.Firm.ID)
		for _, c := range []struct {
			user             string
			list, own, other int
		}{
			{"u-manager", 200, 200, 200},
			{"u-viewer", 200, 200, 200},
			{"neu", 403, 200, 404},
			{"u-org", 403, 404, 404},
			{"u-finance", 403, 404, 404},
			{"u-reviewer", 403, 404, 404},
			{"u-sysadmin", 403, 403, 403},
		} {
			cl := e.Client()
			cl.SignIn(c.user, webtest.Password)
			for path, want := range map[string]int{"/universities": c.list, neu: c.own, syau: c.other} {
				if resp, _ := cl.Get(path); resp.StatusCode != want {
					t.Errorf("%s GET %s: %d, want %d", c.user, path, resp.StatusCode, want)
				}
			}
			_, home := cl.Get("/account")
			if got := strings.Contains(home, `href="/universities"`); got != (c.list == 200) {
				t.Errorf("%s: the navigation links the universities: %v", c.user, got)
			}
		}
		// The records behind the figures open for whoever sees the figure:
		// staff and leaders any; a university's user its own records.
		for user, paths := range map[string][]string{
			"u-viewer": {fmt.Sprintf("/projects/%d", w.Funding[0]), fmt.Sprintf("/projects/%d", w.LabNEU), fmt.Sprintf("/return-filings/%d", w.Service)},
			"neu":      {fmt.Sprintf("/projects/%d", w.Funding[0]), fmt.Sprintf("/projects/%d", w.Young), fmt.Sprintf("/return-filings/%d", w.Service)},
		} {
			cl := e.Client()
			cl.SignIn(user, webtest.Password)
			for _, path := range paths {
				if resp, _ := cl.Get(path); resp.StatusCode != 200 {
					t.Errorf("%s GET %s: %d, want 200", user, path, resp.StatusCode)
				}
			}
		}
		mgr := e.Client()
		mgr.SignIn("u-manager", webtest.Password)
		if resp, _ := mgr.Get(firm); resp.StatusCode != 404 {
			t.Errorf("an enterprise as a university: %d", resp.StatusCode)
		}
		own := e.Client()
		own.SignIn("neu", webtest.Password)
		if _, body := own.Get(fmt.Sprintf("/orgs/%d", w.NEU.ID)); !strings.Contains(body, `href="`+neu+`" id="university-page"`) {
			t.Error("a university's profile does not open its university page")
		}
		// The lab is the enterprise's record: named to the university's
		// user, not linked (it would not open).
		if _, body := own.Get(neu); strings.Contains(body, fmt.Sprintf(`/projects/%d"`, w.LabNEU)) || !strings.Contains(body, "新松—东北大学智能机器人产业创新中心") {
			t.Error("the university's user is sent to the enterprise's lab record, or does not see the lab")
		}
	})
}

// TestUniversityPages: the comparison counts and sorts, its figures open
// the university's page, and the page lists levels, clusters, funds by
// year and joint labs with their records, in Chinese and in English.
func TestUniversityPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		w := unitest.Build(t, db)
		mgr := e.Client()
		mgr.SignIn("u-manager", webtest.Password)
		neu := fmt.Sprintf("/universities/%d", w.NEU.ID)

		_, body := mgr.Get("/universities")
		for _, want := range []string{`<a href="` + neu + `#funds" class="awarded">900</a>`, `<a href="` + neu + `#labs" class="labs">1</a>`, `<a href="` + neu + `#majors">75%</a>`,
			`class="chart"`, "服务产业集群专业占比", `aria-sort="ascending"`,
			`<th scope="row">全市2所高校合计</th><td class="num">5</td><td class="num">3</td>`, `<td class="num">60%</td><td class="num">1,100</td><td class="num">500</td>`} {
			if !strings.Contains(body, want) {
				t.Errorf("the comparison lacks %s", want)
			}
		}
		a, b := "东北大学", "沈阳农业大学"
		if i18n.CompareNames(a, b) > 0 { // the catalogue's collation reads 沈 as chén
			a, b = b, a
		}
		for _, c := range []struct {
			query, first, second string
		}{{"?sort=awarded&dir=desc", "东北大学", "沈阳农业大学"}, {"?sort=awarded", "沈阳农业大学", "东北大学"}, {"?sort=labs&dir=desc", a, b}, {"", a, b}, {"?sort=name", a, b}, {"?sort=name&dir=desc", b, a}} {
			_, body := mgr.Get("/universities" + c.query)
			if i, j := strings.Index(body, ">"+c.first+"</a></th>"), strings.Index(body, ">"+c.second+"</a></th>"); i < 0 || j < 0 || i > j {
				t.Errorf("%s: %s is not before %s (%d, %d)", c.query, c.first, c.second, i, j)
			}
		}

		_, body = mgr.Get(neu)
		for _, want := range []string{"0806", "冶金工程", "国内一流", "世界一流", `<a href="/registry?cluster=` + escaped("机器人") + `">机器人</a>`, `id="fig-share">75%`,
			fmt.Sprintf(`<a href="/projects/%d" class="record">#%d</a> <a href="/projects/%d" class="record">#%d</a>`, w.Funding[0], w.Funding[0], w.Funding[1], w.Funding[1]),
			fmt.Sprintf(`href="/projects/%d" class="record">新松—东北大学智能机器人产业创新中心`, w.LabNEU), "订单班", "尚未登记",
			`href="/people?org=` + fmt.Sprint(w.NEU.ID) + `&amp;level=A&amp;name=` + escaped("张教授") + `"`, "杰出青年科学基金", fmt.Sprintf(`href="/projects/%d" class="record">`, w.CertB),
			fmt.Sprintf(`<a href="/return-filings/%d" class="filing">2024</a></td><td class="num">3</td><td class="num">12</td><td class="num">2</td>`, w.Service), "国家级教学成果奖（项）"} {
			if !strings.Contains(body, want) {
				t.Errorf("the university page lacks %s", want)
			}
		}
		if strings.Contains(body, fmt.Sprintf("/projects/%d\"", w.LabOff)) || strings.Contains(body, "孙工程师") {
			t.Error("a rejected lab or an enterprise's talent shows on the university page")
		}
		if !strings.Contains(body, "<td>2023</td><td class=\"num\">400</td><td class=\"num\">300</td>") || !strings.Contains(body, "<td>2024</td><td class=\"num\">500</td><td class=\"num\">0</td>") {
			t.Error("funds by year are not 2023: 400/300, 2024: 500/0 (万元)")
		}
		if resp, body := mgr.Get(fmt.Sprintf("/projects/%d", w.Funding[0])); resp.StatusCode != 200 || !strings.Contains(body, "东北大学") {
			t.Errorf("a funding record behind a figure: %d", resp.StatusCode)
		}
		if resp, _ := mgr.Get(fmt.Sprintf("/return-filings/%d", w.Service)); resp.StatusCode != 200 {
			t.Errorf("the filing behind the service figures: %d", resp.StatusCode)
		}

		mgr.Post("/lang", url.Values{"lang": {"en"}})
		_, body = mgr.Get("/universities")
		for _, want := range []string{"Universities compared", "Majors serving the clusters", "10,000 CNY"} {
			if !strings.Contains(body, want) {
				t.Errorf("the English comparison lacks %s", want)
			}
		}
		_, body = mgr.Get(neu)
		for _, want := range []string{"National first-class", "Robotics", "Not recorded yet", "Distinguished young scholars", "Double First-Class funds by funding year", "National teaching achievement awards (awards)"} {
			if !strings.Contains(body, want) {
				t.Errorf("the English university page lacks %s", want)
			}
		}
		for _, zh := range []string{"尚未登记", "服务产业集群", "国内一流"} {
			if strings.Contains(body, zh) {
				t.Errorf("the English university page reads %s", zh)
			}
		}
	})
}

// escaped is s as html/template writes it into a URL's query.
func escaped(s string) string { return strings.ToLower(url.QueryEscape(s)) }
