package cooperationweb_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/cooperation/cooptest"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
)

var ctx = context.Background()

func coopEnv(t *testing.T, db *store.DB) (*webtest.Env, *cooptest.World) {
	t.Helper()
	day, _ := time.Parse(time.DateOnly, cooptest.AsOf)
	e := webtest.NewConfig(t, db, false, web.Config{AsOf: day})
	w, err := cooptest.Build(ctx, e.DB)
	if err != nil {
		t.Fatal(err)
	}
	return e, w
}

var dataProject = regexp.MustCompile(`<tr data-project="\d+"`)

// TestCooperationArea: the area page's figures for leaders and managers,
// each figure's list holding as many records as it counts; organisation
// users neither see the entry nor reach the pages; English reads English.
func TestCooperationArea(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e, _ := coopEnv(t, db)
		for _, role := range []string{"manager", "viewer"} {
			c := e.Client()
			c.SignIn("u-"+role, webtest.Password)
			resp, body := c.Get("/cooperation")
			if resp.StatusCode != 200 {
				t.Fatalf("%s: /cooperation %d", role, resp.StatusCode)
			}
			for _, want := range []string{`href="/cooperation"`, `id="fig-agreements">2</a>`, `id="fig-labs">3</a>`, `id="fig-residents">1</a>`,
				`id="fig-events">3</a>`, `id="fig-signed">2</a>`, `id="fig-settled">1</a>`, `id="fig-rank">16</a>`, "浑南区", "和平区", "哈尔滨市科学技术局",
				`id="funnel-lead">4</a>`, `class="chart"`, "↑2", "线索 14 天（3 个） · 招引洽谈 89 天（3 个） · 已签约 50 天（1 个）"} {
				if !strings.Contains(body, want) {
					t.Errorf("%s: the cooperation page lacks %q", role, want)
				}
			}
		}
		m := e.Client()
		m.SignIn("u-manager", webtest.Password)
		for _, c := range []struct {
			path string
			rows int
			want string
		}{
			{"/cooperation/list?kind=agreement", cooptest.Agreements, "中德智能制造合作备忘录"},
			{"/cooperation/list?kind=agreement&scope=international", cooptest.AgreementsIntl, "国际合作"},
			{"/cooperation/list?kind=lab&scope=regional", 1, "哈尔滨"},
			{"/cooperation/list?kind=lab", cooptest.Labs, "示例理工大学"},
			{"/cooperation/list?kind=coop", cooptest.Coop, "中俄联合研发项目"},
			{"/cooperation/list?kind=resident&state=in", cooptest.Residents, "鞍山甲科技有限公司"},
			{"/cooperation/list?kind=resident&state=left", cooptest.Left, "2025-03-14"},
			{"/cooperation/list?kind=event&state=held&district=" + cooptest.DistrictHunnan, 2, "上海机器人专场"},
			{"/cooperation/list?kind=investment&reached=signed", cooptest.Signed, "控制器项目"},
			{"/cooperation/list?kind=investment&district=none", 1, "区：未定承接园区"},
			{"/cooperation/list?kind=investment&stage=dropped", 1, "传感器项目"},
		} {
			resp, body := m.Get(c.path)
			if resp.StatusCode != 200 {
				t.Errorf("%s: %d", c.path, resp.StatusCode)
				continue
			}
			if n := len(dataProject.FindAllString(body, -1)); n != c.rows || !strings.Contains(body, fmt.Sprintf("共 %d 条", c.rows)) || !strings.Contains(body, c.want) {
				t.Errorf("%s: %d rows, want %d and %q", c.path, n, c.rows, c.want)
			}
		}
		for _, p := range []string{"/cooperation/list?kind=nope", "/cooperation/list?kind=investment&reached=nope", "/cooperation/list?kind=agreement&district=210112"} {
			if resp, _ := m.Get(p); resp.StatusCode != 404 {
				t.Errorf("%s: %d, want 404", p, resp.StatusCode)
			}
		}
		o := e.Client()
		o.SignIn("u-org", webtest.Password)
		_, home := o.Get("/account")
		if strings.Contains(home, `href="/cooperation"`) {
			t.Error("an organisation user sees the cooperation entry")
		}
		for _, p := range []string{"/cooperation", "/cooperation/list?kind=agreement", "/cooperation/projects/1"} {
			if resp, _ := o.Get(p); resp.StatusCode != 403 {
				t.Errorf("organisation user %s: %d, want 403", p, resp.StatusCode)
			}
		}
		en := e.Client()
		en.SignIn("u-viewer", webtest.Password)
		en.Post("/lang", url.Values{"lang": {"en"}})
		_, body := en.Get("/cooperation")
		for _, want := range []string{"Open cooperation", "Investment pipeline by district", "Hunnan", "Framework agreement", "Regional cooperation", "Innovative-city ranking", "University–enterprise"} {
			if !strings.Contains(body, want) {
				t.Errorf("the English page lacks %q", want)
			}
		}
		for _, zh := range []string{"开放合作", "招商项目", "已签约", "浑南区", "科学技术部"} {
			if strings.Contains(body, zh) {
				t.Errorf("the English page shows Chinese prose %q", zh)
			}
		}
	})
}

// TestCooperationProject: a project's stage history with its days in each
// stage, as of the business day; an id of another program is not found.
func TestCooperationProject(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e, w := coopEnv(t, db)
		m := e.Client()
		m.SignIn("u-viewer", webtest.Password)
		path := fmt.Sprintf("/cooperation/projects/%d", w.Projects["settled"])
		_, list := m.Get("/cooperation/list?kind=investment&reached=settled")
		if !strings.Contains(list, `href="`+path+`"`) {
			t.Error("the settled list does not open the project's stage history")
		}
		resp, body := m.Get(path)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		for _, want := range []string{"机器人整机项目", "浑南区", "深圳丁投资有限公司", `<tr data-stage="lead"><th scope="row">线索</th><td>2025-01-01</td><td>2025-01-11</td><td class="num">10</td>`,
			`<td class="num">30</td>`, `<td class="num">50</td>`, "至今（2025-06-30）", `<td class="num">90</td>`} {
			if !strings.Contains(body, want) {
				t.Errorf("the stage history lacks %q", want)
			}
		}
		if resp, _ := m.Get(fmt.Sprintf("/cooperation/projects/%d", w.Projects["agreement-regional"])); resp.StatusCode != 404 {
			t.Errorf("an agreement as an investment project: %d, want 404", resp.StatusCode)
		}
		m.Post("/lang", url.Values{"lang": {"en"}})
		_, body = m.Get(path)
		for _, want := range []string{"Stage history", "Introduced", "Settled", "to date (2025-06-30)", "Robotics"} {
			if !strings.Contains(body, want) {
				t.Errorf("the English stage history lacks %q", want)
			}
		}
	})
}
