package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/talent/talenttest"
)

func talentWorld(t *testing.T, e *env) *talenttest.World {
	t.Helper()
	w, err := talenttest.Build(ctx, e.db, e.keys, e.orgA.ID)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func reveals(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM audit_events WHERE entity = 'person' AND action = 'reveal'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestTalentArea: the area page shows the flows with figures that open
// their lists, for managers and leaders; organisation users neither see
// the entry nor reach the pages.
func TestTalentArea(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		w := talentWorld(t, e)
		for _, role := range []string{"manager", "viewer"} {
			c := e.client()
			c.signIn("u-"+role, pw)
			resp, body := c.get("/talent")
			if resp.StatusCode != 200 {
				t.Fatalf("%s: /talent %d", role, resp.StatusCode)
			}
			for _, want := range []string{`href="/talent"`, `id="fig-services-done">3</a>`, "提交至办结中位数 10 天", `id="fig-publicised">1</a>`,
				`id="fig-in-force">1</a>`, `id="fig-startups">2</a>`, "协议资金已拨付 24%", ">40%</td>", "98,621", "教授", "C类 地方级领军人才"} {
				if !strings.Contains(body, want) {
					t.Errorf("%s: the talent page lacks %q", role, want)
				}
			}
		}
		m := e.client()
		m.signIn("u-manager", pw)
		for _, c := range []struct {
			path string
			rows int
			want string
		}{
			{"/talent/list?kind=service&state=done", 3, "子女入学"},
			{"/talent/list?kind=certification&state=in_force", 1, "2029-02-28"},
			{"/talent/list?kind=certification&stage=publicised", 1, "李四"},
			{"/talent/list?kind=team", 2, "40%"},
			{"/talent/list?kind=title&title=" + url.QueryEscape("教授"), 2, "赵六"},
			{"/talent/list?kind=people", talenttest.Talents, "孙八"},
		} {
			resp, body := m.get(c.path)
			if resp.StatusCode != 200 {
				t.Errorf("%s: %d", c.path, resp.StatusCode)
				continue
			}
			if !strings.Contains(body, fmt.Sprintf("共 %d 条", c.rows)) || !strings.Contains(body, c.want) {
				t.Errorf("%s: want %d rows and %q", c.path, c.rows, c.want)
			}
		}
		for _, p := range []string{"/talent/list?kind=nope", "/talent/list?kind=service&state=nope"} {
			if resp, _ := m.get(p); resp.StatusCode != 404 {
				t.Errorf("%s: %d, want 404", p, resp.StatusCode)
			}
		}
		if resp, _ := m.get(fmt.Sprintf("/talent/people/%d", w.People["钱七"])); resp.StatusCode != 404 {
			t.Errorf("a person without a talent role: %d, want 404", resp.StatusCode)
		}
		o := e.client()
		o.signIn("u-org", pw)
		_, home := o.get("/account")
		if strings.Contains(home, `href="/talent"`) {
			t.Error("an organisation user sees the talent entry")
		}
		for _, p := range []string{"/talent", "/talent/list?kind=people", fmt.Sprintf("/talent/people/%d", w.People["张三"])} {
			if resp, _ := o.get(p); resp.StatusCode != 403 {
				t.Errorf("organisation user %s: %d, want 403", p, resp.StatusCode)
			}
		}
		// English pages read in English.
		en := e.client()
		en.signIn("u-viewer", pw)
		en.post("/lang", url.Values{"lang": {"en"}})
		_, body := en.get("/talent")
		for _, want := range []string{"Certification: applications and decisions", "Class C: Local leading talent", "median 10 days from request to done", "Children&#39;s schooling", "Associate professor"} {
			if !strings.Contains(body, want) {
				t.Errorf("the English page lacks %q", want)
			}
		}
		if strings.Contains(body, "人才自主认定") {
			t.Error("the English page shows Chinese prose")
		}
	})
}

// TestTalentPerson: a person's page names employer, title, category and
// date, services with days, team and records; personal data is masked for
// a leader (who may not reveal), and revealed only on a manager's asking,
// each time audited.
func TestTalentPerson(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		w := talentWorld(t, e)
		path := fmt.Sprintf("/talent/people/%d", w.People["张三"])
		full, masked := w.IDNumber["张三"], stdcode.MaskIDNumber(w.IDNumber["张三"])
		v := e.client()
		v.signIn("u-viewer", pw)
		resp, body := v.get(path)
		if resp.StatusCode != 200 {
			t.Fatalf("viewer: %d", resp.StatusCode)
		}
		for _, want := range []string{"甲企业", "教授", "C类 地方级领军人才", "认定日期 2024-03-01", "有效期至 2029-02-28", "目录认定", "海洋声学团队带土移植", "带头人", masked, stdcode.MaskPhone(w.Phone["张三"])} {
			if !strings.Contains(body, want) {
				t.Errorf("viewer: the person page lacks %q", want)
			}
		}
		if strings.Contains(body, full) || strings.Contains(body, w.Phone["张三"]) || strings.Contains(body, "reveal=1") || strings.Contains(body, "/ledger") {
			t.Error("viewer: personal data in clear, a reveal button or the ledger link")
		}
		if resp, _ := v.get(path + "?reveal=1"); resp.StatusCode != 403 {
			t.Errorf("viewer reveal: %d, want 403", resp.StatusCode)
		}
		before := reveals(t, db)
		m := e.client()
		m.signIn("u-manager", pw)
		_, body = m.get(path)
		if strings.Contains(body, full) || !strings.Contains(body, "reveal=1") || !strings.Contains(body, fmt.Sprintf(`href="/people/%d/ledger"`, w.People["张三"])) {
			t.Error("manager: the page is not masked by default, or lacks the reveal button or ledger link")
		}
		if reveals(t, db) != before {
			t.Error("a masked view was audited as a reveal")
		}
		_, body = m.get(path + "?reveal=1")
		if !strings.Contains(body, full) || !strings.Contains(body, w.Phone["张三"]) {
			t.Error("manager: the reveal does not show the ID number and phone")
		}
		if reveals(t, db) != before+1 {
			t.Error("the reveal was not audited")
		}
		// The days of a service, and a member finds the team.
		if !strings.Contains(body, `<td class="num">10</td>`) {
			t.Error("the service's days from request to done are missing")
		}
		_, body = m.get(fmt.Sprintf("/talent/people/%d", w.People["李四"]))
		if !strings.Contains(body, "核心成员") || !strings.Contains(body, "海洋声学团队带土移植") {
			t.Error("a team member's page does not name the team")
		}
	})
}

// TestTalentEmpty: before any talent program is published the area page
// answers with empty flows, not an error.
func TestTalentEmpty(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	e := newEnv(t, db, false)
	m := e.client()
	m.signIn("u-manager", pw)
	resp, body := m.get("/talent")
	if resp.StatusCode != 200 || !strings.Contains(body, `id="fig-talents">0</a>`) {
		t.Errorf("an empty talent area: %d", resp.StatusCode)
	}
}

// TestTalentCatalogueClass: the person page and the area page name the
// class each certification rests on, with the catalogue item and version,
// in Chinese and in English; the area's class figures open their records.
func TestTalentCatalogueClass(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		w := talentWorld(t, e)
		zh := e.client()
		zh.signIn("u-viewer", pw)
		en := e.client() // a language is the user's: another user reads in English
		en.signIn("u-manager", pw)
		en.post("/lang", url.Values{"lang": {"en"}})
		path := fmt.Sprintf("/talent/people/%d", w.People["张三"])
		cur, old := fmt.Sprintf(`<tr data-project="%d">`, w.Projects["cert-zhang"]), fmt.Sprintf(`<tr data-project="%d">`, w.Projects["cert-zhang-2018"])
		for _, c := range []struct {
			c    *client
			want []string
		}{
			{zh, []string{"人才类别 C 领军人才", "兴沈英才计划 2022版 · 条目 C3 省级杰出青年科学基金获得者、“兴辽英才计划”领军人才", "C类 地方级领军人才",
				cur + `<td><a href="/projects/`, `<td class="basis-class">D 拔尖人才</td><td class="basis-item">兴沈英才计划 2018版 · 条目 D1 具有博士学位并在沈工作的人才</td>`}},
			{en, []string{"Class C Leading talent", "Xingshen Talent Plan 2022 edition · item C3 Provincial distinguished young scholar or Xingliao leading talent",
				`<td class="basis-class">D Outstanding talent</td><td class="basis-item">Xingshen Talent Plan 2018 edition · item D1 Doctorate holder working in Shenyang</td>`}},
		} {
			resp, body := c.c.get(path)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d", path, resp.StatusCode)
			}
			for _, want := range c.want {
				if !strings.Contains(body, want) {
					t.Errorf("the person page lacks %q", want)
				}
			}
			if i, j := strings.Index(body, cur), strings.Index(body, old); i < 0 || j < 0 {
				t.Error("the certifications table lacks a record")
			}
		}
		// 王五's rejected application rests on no item.
		_, body := zh.get(fmt.Sprintf("/talent/people/%d", w.People["王五"]))
		if !strings.Contains(body, "未对应目录条目") {
			t.Error("a certification on no item is not said to be so")
		}

		for _, c := range []struct {
			c    *client
			want []string
		}{
			{zh, []string{"按人才分类目录类别", `<tr data-class="xingshen-2022/C"><td>兴沈英才计划 2022版</td><th scope="row">C 领军人才</th>`, `<tr data-class="xingshen-2018/D"><td>兴沈英才计划 2018版</td><th scope="row">D 拔尖人才</th>`, "未对应目录条目"}},
			{en, []string{"By catalogue class", `<tr data-class="xingshen-2022/C"><td>Xingshen Talent Plan 2022 edition</td><th scope="row">C Leading talent</th>`, "No catalogue item"}},
		} {
			_, body := c.c.get("/talent")
			for _, want := range c.want {
				if !strings.Contains(body, want) {
					t.Errorf("the area page lacks %q", want)
				}
			}
		}
		_, body = zh.get("/talent")
		row := body[strings.Index(body, `<tr data-class="xingshen-2022/C">`):]
		row = row[:strings.Index(row, "</tr>")]
		for _, want := range []string{`href="/talent/list?kind=certification&amp;class=C&amp;version=xingshen-2022">1</a>`,
			`href="/talent/list?kind=certification&amp;class=C&amp;version=xingshen-2022&amp;stage=certified">1</a>`,
			`href="/talent/list?kind=certification&amp;class=C&amp;version=xingshen-2022&amp;state=in_force">1</a>`,
			`href="/talent/list?kind=certification&amp;class=C&amp;version=xingshen-2022&amp;item=C3" title="省级杰出青年科学基金获得者、“兴辽英才计划”领军人才">C3 省级杰出青年科学基金获得者、“兴辽英才计划”领军人才</a> 1`} {
			if !strings.Contains(row, want) {
				t.Errorf("the 2022 C row lacks %s: %s", want, row)
			}
		}
		for _, c := range []struct {
			c          *client
			path, want string
		}{
			{zh, "/talent/list?kind=certification&class=C&version=xingshen-2022&state=in_force", "人才类别：C 领军人才 · 兴沈英才计划 2022版"},
			{en, "/talent/list?kind=certification&class=D&version=xingshen-2018", "Class: D Outstanding talent · Xingshen Talent Plan 2018 edition"},
			{zh, "/talent/list?kind=certification&class=-", "人才类别：未对应目录条目"},
			{en, "/talent/list?kind=certification&class=D&version=xingshen-2022&item=D3", "Class: D Outstanding talent · Xingshen Talent Plan 2022 edition · D3 Young holder of a doctorate"},
		} {
			resp, body := c.c.get(c.path)
			if resp.StatusCode != 200 || !strings.Contains(body, c.want) {
				t.Errorf("%s: %d, lacks %q", c.path, resp.StatusCode, c.want)
			}
			if n := strings.Count(body, "<tr data-project="); n != 1 {
				t.Errorf("%s: %d rows, want 1", c.path, n)
			}
		}
	})
}
