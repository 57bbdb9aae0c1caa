package digitalweb_test

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/compute"
	"github.com/xinzhi-platform/xinzhi/internal/digital"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

var ctx = context.Background()

// TestDigitalOverHTTP: an SME scores itself in the browser form and through
// the API: level, the chart, what level 3 lacks, and a solution for a weak
// scene; a bad answer is named.
func TestDigitalOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		m, err := digital.SME2024()
		if err != nil {
			t.Fatal(err)
		}
		prov, _ := registry.Create(ctx, db, registry.Organisation{Name: "沈阳智造云科技有限公司", Kind: "enterprise"})
		if err := registry.Grant(ctx, db, registry.Recognition{Kind: digital.ProviderKind, Level: "市级", Subject: "organisation", SubjectID: prov.ID, Granted: "2024-03-01"}); err != nil {
			t.Fatal(err)
		}
		if _, err := m.AddSolution(ctx, db, digital.Solution{ProviderID: prov.ID, Name: "质检云", Description: "机器视觉质检", Scenes: []string{"质量管理"}, Price: 30000, Deploy: "saas", Listed: "2024-05-01"}); err != nil {
			t.Fatal(err)
		}
		c := e.Client()
		c.SignIn("u-org", webtest.Password)
		_, body := c.Get("/digital")
		if !strings.Contains(body, "入库服务商 1 家") || !strings.Contains(body, "质检云") {
			t.Fatal("the catalogue is not on the page")
		}
		form := url.Values{"item.equipment": {"100"}, "item.collection": {"100"}, "item.resources": {"61"}}
		for _, s := range m.Scenes {
			form.Set("scene."+s.Name, "3")
		}
		form.Set("scene.质量管理", "1")
		resp, body := c.Post("/digital/assess", form)
		if resp.StatusCode != 200 || !strings.Contains(body, `id="level">二级`) || !strings.Contains(body, "三级要求总分不低于60分，现为45分") ||
			!strings.Contains(body, `data-solution=`) || !strings.Contains(body, "<svg class=\"bars\"") {
			t.Fatalf("assessment page: %d\n%s", resp.StatusCode, body)
		}
		form.Set("item.equipment", "120")
		resp, body = c.Post("/digital/assess", form)
		if resp.StatusCode != 422 || !strings.Contains(body, "“关键设备联网率”须为0至100之间的百分数") {
			t.Fatalf("a bad rate: %d", resp.StatusCode)
		}
		resp, body = c.Raw("POST", "/api/v1/digital/assessments", "application/json", []byte(`{"rates": {"equipment": 100, "collection": 100}, "scenes": {"质量管理": 1}}`))
		if resp.StatusCode != 200 || !strings.Contains(body, `"level": 0`) || !strings.Contains(body, `"digital.gap_scenes"`) {
			t.Fatalf("API: %d %s", resp.StatusCode, body)
		}
		if resp, _ := c.Raw("POST", "/api/v1/digital/assessments", "application/json", []byte(`{"scenes": {"炼丹": 1}}`)); resp.StatusCode != 422 {
			t.Errorf("an unknown scene: %d", resp.StatusCode)
		}

		// Listing solutions: u-org's 甲企业 is not an admitted provider;
		// the provider's own user lists through the form, a manager through
		// the API for any provider.
		c.Get("/digital")
		resp, body = c.Post("/digital/solutions", url.Values{"name": {"质检云二代"}, "scenes": {"质量管理"}, "deploy": {"saas"}, "listed": {"2025-05-01"}})
		if resp.StatusCode != 422 || !strings.Contains(body, "未入选数字化转型服务商库") {
			t.Errorf("a company outside the catalogue listed a solution: %d", resp.StatusCode)
		}
		if _, err := e.Auth.CreateUser(ctx, auth.NewUser{Username: "prov", Password: webtest.Password, Roles: []access.Role{access.Org}, OrgID: prov.ID}); err != nil {
			t.Fatal(err)
		}
		pc := e.Client()
		pc.SignIn("prov", webtest.Password)
		pc.Get("/digital")
		resp, _ = pc.Post("/digital/solutions", url.Values{"name": {"设备管家"}, "scenes": {"设备管理", "能耗管理"}, "deploy": {"saas"}, "price": {"20000"}, "listed": {"2025-05-01"}})
		if resp.StatusCode != 303 {
			t.Fatalf("the provider lists: %d", resp.StatusCode)
		}
		mgr := e.Client()
		mgr.SignIn("u-manager", webtest.Password)
		resp, body = mgr.Raw("POST", "/api/v1/digital/solutions", "application/json", []byte(fmt.Sprintf(`{"provider_id": %d, "name": "财务云", "scenes": ["财务管理"], "deploy": "hybrid", "listed": "2025-05-02"}`, prov.ID)))
		if resp.StatusCode != 201 {
			t.Fatalf("the manager lists through the API: %d %s", resp.StatusCode, body)
		}
		if _, body := mgr.Get("/api/v1/digital/solutions?scene=设备管理"); !strings.Contains(body, "设备管家") || strings.Contains(body, "财务云") {
			t.Errorf("solutions by scene: %s", body)
		}
	})
}

// TestComputeOverHTTP: the demo city's register as of the data date: the
// 718P in operation, the planned 4000P, by precision; the API says the same.
func TestComputeOverHTTP(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	e := webtest.New(t, db, false)
	centre, _ := registry.Create(ctx, db, registry.Organisation{Name: "沈阳人工智能算力中心", Kind: "compute"})
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for _, c := range []compute.Capacity{{Precision: "FP16", PFLOPS: 300, Status: "operating", Since: "2025-03-28", NationalNetwork: true, Price: 900, Chips: "昇腾910B"},
			{Precision: "FP16", PFLOPS: 1000, Status: "planned", Since: "2024-06-01"}} {
			c.OrganisationID = centre.ID
			if _, err := compute.Add(ctx, tx, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c := e.Client()
	c.SignIn("u-manager", webtest.Password)
	_, body := c.Get("/compute?as_of=2025-06-30")
	if !strings.Contains(body, "昇腾910B") || !strings.Contains(body, "已融入") || !strings.Contains(body, ">1,000<") {
		t.Fatalf("compute page:\n%s", body)
	}
	_, body = c.Get("/compute?as_of=2025-03-01")
	if strings.Contains(body, "昇腾910B") {
		t.Error("capacity shown before it was in operation")
	}
	resp, body := c.Get("/api/v1/compute?as_of=2025-06-30")
	if resp.StatusCode != 200 || !strings.Contains(body, `"status": "operating"`) || !strings.Contains(body, `"pflops": 300`) {
		t.Fatalf("API: %s", body)
	}
	if resp, _ := c.Get("/api/v1/compute?as_of=30/06/2025"); resp.StatusCode != 422 {
		t.Errorf("a bad date: %d", resp.StatusCode)
	}
	c.Get("/compute")
	resp, body = c.Post("/compute/capacity", url.Values{"organisation_id": {fmt.Sprint(centre.ID)}, "precision": {"FP16"}, "pflops": {"一百"}, "status": {"operating"}, "since": {"2025-06-01"}})
	if resp.StatusCode != 422 || !strings.Contains(body, `id="flash"`) {
		t.Fatalf("a bad PFLOPS: %d", resp.StatusCode)
	}
	resp, _ = c.Post("/compute/capacity", url.Values{"organisation_id": {fmt.Sprint(centre.ID)}, "phase": {"四期"}, "precision": {"FP16"}, "pflops": {"200"}, "status": {"building"}, "since": {"2025-06-01"}})
	if resp.StatusCode != 303 {
		t.Fatalf("register: %d", resp.StatusCode)
	}
	resp, body = c.Raw("POST", "/api/v1/compute/capacity", "application/json", []byte(fmt.Sprintf(`{"organisation_id": %d, "precision": "FP32", "pflops": 50, "status": "operating", "since": "2025-06-10", "national_network": true}`, centre.ID)))
	if resp.StatusCode != 201 {
		t.Fatalf("API register: %d %s", resp.StatusCode, body)
	}
	if _, body := c.Get("/api/v1/compute?as_of=2025-06-30"); !strings.Contains(body, `"precision": "FP32"`) || !strings.Contains(body, `"phase": "四期"`) {
		t.Errorf("registered rows missing: %s", body)
	}
}

// TestAssessmentKeptInPilot: an SME opens /digital from its pilot record,
// scores itself and keeps the result as the pilot's assessment record (a
// draft holding the points, scene levels and level); through the API the
// same. Another organisation cannot write into the pilot.
func TestAssessmentKeptInPilot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
			t.Fatal(err)
		}
		pub, err := program.Latest(ctx, db, digital.PilotKind)
		if err != nil {
			t.Fatal(err)
		}
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "pilot-2025", Name: "2025年数字化转型试点", Opens: "2025-01-01", Closes: "2099-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		pilot, err := program.CreateProject(ctx, db, call.ID, e.OrgA.ID, map[string]any{"sub_industry": "通用设备制造"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Auth.CreateUser(ctx, auth.NewUser{Username: "b-org", Password: webtest.Password, Roles: []access.Role{access.Org}, OrgID: e.OrgB.ID}); err != nil {
			t.Fatal(err)
		}
		m, _ := digital.SME2024()
		form := url.Values{"item.equipment": {"100"}, "item.collection": {"100"}, "item.resources": {"61"}, "pilot": {fmt.Sprint(pilot.ID)}, "purpose": {"改造前诊断"}, "save": {"1"}}
		for _, s := range m.Scenes {
			form.Set("scene."+s.Name, "3")
		}
		form.Set("scene.质量管理", "0")

		c := e.Client()
		c.SignIn("u-org", webtest.Password)
		if _, body := c.Get(fmt.Sprintf("/projects/%d", pilot.ID)); !strings.Contains(body, `id="assess-link"`) {
			t.Fatal("the pilot's page has no link to the assessment")
		}
		if _, body := c.Get(fmt.Sprintf("/digital?pilot=%d", pilot.ID)); !strings.Contains(body, `id="for-pilot"`) || !strings.Contains(body, `id="save-to-pilot"`) {
			t.Fatal("the assessment form does not say it is for the pilot")
		}
		resp, _ := c.Post("/digital/assess", form)
		if resp.StatusCode != 303 {
			t.Fatalf("assess into the pilot: %d", resp.StatusCode)
		}
		id := webtest.IDFrom(t, resp.Header.Get("Location"), "/projects/")
		var rec program.Project
		if rec, err = program.GetProject(ctx, db, atoi(t, id)); err != nil {
			t.Fatal(err)
		}
		if rec.ParentID != pilot.ID || rec.Stage != "draft" || rec.Data["level"] != "二级" || rec.Data["purpose"] != "改造前诊断" ||
			rec.Data["score_basis"] != 30.0 || rec.Data["assessor"] != float64(e.OrgA.ID) {
			t.Fatalf("the kept assessment: %+v", rec)
		}
		if rows, _ := rec.Data["scenes"].([]any); len(rows) != len(m.Scenes)-1 {
			t.Errorf("scenes kept: %v (a scene at level 0 is left out)", rec.Data["scenes"])
		}

		other := e.Client()
		other.SignIn("b-org", webtest.Password)
		if resp, _ := other.Get(fmt.Sprintf("/digital?pilot=%d", pilot.ID)); resp.StatusCode != 404 {
			t.Errorf("another organisation opened the pilot's assessment: %d", resp.StatusCode)
		}
		before := webtest.CountRows(t, db, "projects")
		if resp, _ := other.Raw("POST", fmt.Sprintf("/api/v1/digital/assessments?pilot=%d&purpose=年度复评", pilot.ID), "application/json", []byte(`{"scenes": {"质量管理": 1}}`)); resp.StatusCode != 404 {
			t.Errorf("another organisation wrote into the pilot by API: %d", resp.StatusCode)
		}
		resp, body := c.Raw("POST", fmt.Sprintf("/api/v1/digital/assessments?pilot=%d&purpose=%s", pilot.ID, url.QueryEscape("年度复评")), "application/json", []byte(`{"scenes": {"质量管理": 1}}`))
		if resp.StatusCode != 201 || !strings.Contains(body, `"record"`) || !strings.Contains(body, `"purpose": "年度复评"`) {
			t.Fatalf("API into the pilot: %d %s", resp.StatusCode, body)
		}
		if resp, body := c.Raw("POST", fmt.Sprintf("/api/v1/digital/assessments?pilot=%d&purpose=%s", pilot.ID, "x"), "application/json", []byte(`{}`)); resp.StatusCode != 422 || !strings.Contains(body, "评测类型") {
			t.Errorf("a bad purpose: %d %s", resp.StatusCode, body)
		}
		if got := webtest.CountRows(t, db, "projects"); got != before+1 {
			t.Errorf("projects %d, want %d", got, before+1)
		}
	})
}

func atoi(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCatalogueIsPaged: the catalogue on the page shows 50 solutions at a
// time with a pager; the API answers all of them.
func TestCatalogueIsPaged(t *testing.T) {
	e := webtest.New(t, storetest.Open(t, store.SQLite), false)
	db := e.DB
	m, _ := digital.SME2024()
	prov, _ := registry.Create(ctx, db, registry.Organisation{Name: "沈阳智造云科技有限公司", Kind: "enterprise"})
	if err := registry.Grant(ctx, db, registry.Recognition{Kind: digital.ProviderKind, Level: "市级", Subject: "organisation", SubjectID: prov.ID, Granted: "2024-03-01"}); err != nil {
		t.Fatal(err)
	}
	for i := range 55 {
		if _, err := m.AddSolution(ctx, db, digital.Solution{ProviderID: prov.ID, Name: fmt.Sprintf("方案%02d", i), Scenes: []string{"质量管理"}, Deploy: "saas", Listed: "2024-05-01"}); err != nil {
			t.Fatal(err)
		}
	}
	c := e.Client()
	c.SignIn("u-org", webtest.Password)
	_, body := c.Get("/digital")
	if strings.Count(body, "<td title=") != 50 || !strings.Contains(body, `id="pager"`) || !strings.Contains(body, "第1页，共2页") {
		t.Fatalf("page 1 shows %d solutions", strings.Count(body, "<td title="))
	}
	if _, body := c.Get("/digital?page=2"); strings.Count(body, "<td title=") != 5 {
		t.Errorf("page 2 shows %d solutions", strings.Count(body, "<td title="))
	}
	if _, body := c.Get("/digital?page=99"); strings.Count(body, "<td title=") != 5 {
		t.Errorf("a page past the last shows %d solutions", strings.Count(body, "<td title="))
	}
	if _, body := c.Raw("GET", "/api/v1/digital/solutions", "", nil); strings.Count(body, `"provider_id"`) != 55 {
		t.Errorf("the API answers %d solutions", strings.Count(body, `"provider_id"`))
	}
}
