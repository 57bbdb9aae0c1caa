package registryweb_test

import (
	"context"
	"encoding/json"
	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
)

var ctx = context.Background()

// upload posts a file to the import form and returns the response.
func upload(c *webtest.Client, kind, name string, content []byte) (*http.Response, string) {
	c.T.Helper()
	return c.Send("/registry/import", url.Values{"kind": {kind}}, map[string][2]string{"file": {name, string(content)}})
}

func authNewToken(role string) auth.NewToken {
	return auth.NewToken{Role: access.Role(role), Name: role}
}

func mustRE(p string) *regexp.Regexp { return regexp.MustCompile(p) }

var jobRE = `/registry/import/([A-Za-z0-9_-]+)/commit`

func TestImportThroughTheWeb(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		c := e.Client()
		c.SignIn("u-manager", webtest.Password)
		c.Get("/registry/import")
		code := webtest.CreditCode(t, 42)
		csv := "统一社会信用代码,单位名称,所在区县,产业集群\n" + code + ",沈阳中科晶益材料有限公司,浑南区,集成电路\n"
		resp, body := upload(c, "orgs", "orgs.csv", []byte(csv))
		if resp.StatusCode != 200 || !strings.Contains(body, "检查通过") {
			t.Fatalf("preview: %d", resp.StatusCode)
		}
		job := findGroup(t, jobRE, body)
		resp, _ = c.Post("/registry/import/"+job+"/commit", nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("commit: %d", resp.StatusCode)
		}
		_, body = c.Get(resp.Header.Get("Location") + "?wait=1")
		if !strings.Contains(body, "新增 1 条") {
			t.Fatalf("import result page lacks the summary")
		}
		// htmx polls the same page for the progress section alone.
		if resp, body := c.Do("GET", "/registry/import/"+job, nil, map[string]string{"HX-Request": "true"}); resp.StatusCode != 200 || !strings.Contains(body, `id="import-done"`) {
			t.Fatalf("progress fragment: %d", resp.StatusCode)
		}
		// A second commit of the same job is refused.
		if resp, _ := c.Post("/registry/import/"+job+"/commit", nil); resp.StatusCode != http.StatusConflict {
			t.Fatalf("second commit: %d", resp.StatusCode)
		}
		// Another user cannot see or commit the job.
		v := e.Client()
		v.SignIn("u-viewer", webtest.Password)
		if resp, _ := v.Get("/registry/import/" + job); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("viewer on an import: %d", resp.StatusCode)
		}
		// Search through the API, and the export neutralises formulas.
		_, body = c.Do("GET", "/api/v1/organizations?q="+url.QueryEscape("晶益"), nil, nil)
		var page registry.Page
		json.Unmarshal([]byte(body), &page)
		if page.Total != 1 || page.Items[0].CreditCode != code || page.Items[0].District != "210112" {
			t.Fatalf("API search: %s", body)
		}
		// A hostile file: a "csv" that is a zip.
		resp, body = upload(c, "orgs", "orgs.csv", []byte("PK\x03\x04garbage"))
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "field-error") {
			t.Fatalf("zip named .csv: %d", resp.StatusCode)
		}
	})
}

func TestExportNeutralisesFormulas(t *testing.T) {
	e := webtest.New(t, storetest.Open(t, store.SQLite), false)
	cat, _ := registry.LoadCatalogue(ctx, e.DB)
	if _, err := registry.Save(ctx, e.DB, e.Seg, cat, registry.Organisation{Name: "=HYPERLINK(\"http://evil\")", Kind: "enterprise", Description: "+1+2"}); err != nil {
		t.Fatal(err)
	}
	c := e.Client()
	c.SignIn("u-viewer", webtest.Password)
	resp, body := c.Get("/registry/export?format=csv")
	if resp.StatusCode != 200 || !strings.HasPrefix(body, "\xEF\xBB\xBF") {
		t.Fatalf("csv export: %d", resp.StatusCode)
	}
	if strings.Contains(body, "\n=HYPERLINK") || strings.Contains(body, ",=HYPERLINK") || !strings.Contains(body, "'=HYPERLINK") || !strings.Contains(body, "'+1+2") {
		t.Fatalf("formula not neutralised:\n%s", body)
	}
	resp, _ = c.Get("/registry/export?format=xlsx")
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("xlsx export: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	evs, _ := audit.List(ctx, e.DB, audit.Filter{Action: "export", Entity: "organisation"})
	if len(evs) != 2 {
		t.Fatalf("exports audited: %d, want 2", len(evs))
	}
}

func TestOrganisationUserEditsOnlyOwn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		c := e.Client()
		c.SignIn("u-org", webtest.Password)
		own, other := strconv.FormatInt(e.OrgA.ID, 10), strconv.FormatInt(e.OrgB.ID, 10)
		_, body := c.Get("/orgs/" + own + "/edit")
		version := findGroup(t, `name="version" value="(\d+)"`, body)
		form := url.Values{"name": {"甲企业（新名）"}, "kind": {"enterprise"}, "district": {"210106"}, "version": {version}, "tags": {"高新技术企业"}}
		resp, _ := c.Post("/orgs/"+own+"/edit", form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit own: %d", resp.StatusCode)
		}
		got, _ := registry.Get(ctx, db, 0, e.OrgA.ID)
		if got.Name != "甲企业（新名）" || got.District != "210106" || len(got.Tags) != 1 {
			t.Fatalf("after edit: %+v", got)
		}
		// The same stale version again: refused, naming what changed.
		form.Set("name", "甲企业（再改）")
		resp, body = c.Post("/orgs/"+own+"/edit", form)
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "其他人已修改") || !strings.Contains(body, "甲企业（新名）") {
			t.Fatalf("stale edit: %d", resp.StatusCode)
		}
		// The conflict form carries the current version: saving it again is a
		// deliberate overwrite, and it succeeds.
		form.Set("version", findGroup(t, `name="version" value="(\d+)"`, body))
		if resp, _ := c.Post("/orgs/"+own+"/edit", form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save after seeing the conflict: %d", resp.StatusCode)
		}
		// Another organisation's form and save: not found.
		if resp, _ := c.Get("/orgs/" + other + "/edit"); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("other's edit form: %d", resp.StatusCode)
		}
		form.Set("version", "1")
		if resp, _ := c.Post("/orgs/"+other+"/edit", form); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("other's save: %d", resp.StatusCode)
		}
		// Bad input: every field's message, nothing saved.
		_, body = c.Get("/orgs/" + own + "/edit")
		form = url.Values{"name": {""}, "credit_code": {"91210100MA0000000X"}, "founded": {"2024-13-01"}, "version": {findGroup(t, `name="version" value="(\d+)"`, body)}}
		resp, body = c.Post("/orgs/"+own+"/edit", form)
		if resp.StatusCode != http.StatusUnprocessableEntity || strings.Count(body, `class="field-error"`) < 3 {
			t.Fatalf("bad input: %d, %d messages", resp.StatusCode, strings.Count(body, `class="field-error"`))
		}
		// What was typed comes back in the form, so fixing one field does
		// not blank another.
		if !strings.Contains(body, `value="2024-13-01"`) || !strings.Contains(body, `value="91210100MA0000000X"`) {
			t.Fatal("rejected values were not shown again as typed")
		}
		if got, _ := registry.Get(ctx, db, 0, e.OrgA.ID); got.Name != "甲企业（再改）" {
			t.Fatalf("a refused save changed the record: %+v", got)
		}
	})
}

func TestRevealIsAuditedAndLimited(t *testing.T) {
	e := webtest.New(t, storetest.Open(t, store.SQLite), false)
	id := webtest.IDNumber(t, 5)
	tb := "姓名,身份证号,手机号,所在单位统一社会信用代码\n李四," + id + ",13912345678,\n"
	m := e.Client()
	m.SignIn("u-manager", webtest.Password)
	m.Get("/registry/import")
	_, body := upload(m, "people", "people.csv", []byte(tb))
	job := findGroup(t, jobRE, body)
	resp, _ := m.Post("/registry/import/"+job+"/commit", nil)
	m.Get(resp.Header.Get("Location") + "?wait=1")
	_, body = m.Get("/people")
	if strings.Contains(body, id) || !strings.Contains(body, "139****5678") {
		t.Fatal("people page not masked")
	}
	_, body = m.Get("/people?reveal=1")
	if !strings.Contains(body, id) {
		t.Fatal("reveal did not show the ID number")
	}
	evs, _ := audit.List(ctx, e.DB, audit.Filter{Action: "reveal"})
	if len(evs) != 1 || evs[0].Actor != "u-manager" {
		t.Fatalf("reveal audit: %+v", evs)
	}
	v := e.Client()
	v.SignIn("u-viewer", webtest.Password)
	if resp, _ := v.Get("/people?reveal=1"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer reveal: %d", resp.StatusCode)
	}
	if _, body := v.Do("GET", "/api/v1/people", nil, nil); strings.Contains(body, id) || !strings.Contains(body, `"masked": true`) {
		t.Fatalf("API people for a viewer: %s", body)
	}
}

func findGroup(t *testing.T, pattern, body string) string {
	t.Helper()
	m := mustRE(pattern).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s in the page", pattern)
	}
	return m[1]
}

func TestImportThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		secret, _, err := e.Auth.CreateToken(ctx, authNewToken("manager"))
		if err != nil {
			t.Fatal(err)
		}
		c := e.Client()
		code := webtest.CreditCode(t, 77)
		post := func(query, body string) (*http.Response, map[string]any) {
			req, _ := http.NewRequest("POST", e.TS.URL+"/api/v1/imports?"+query, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+secret)
			req.Header.Set("Content-Type", "text/csv")
			resp, err := c.HTTP.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var out map[string]any
			json.NewDecoder(resp.Body).Decode(&out)
			return resp, out
		}
		resp, out := post("kind=orgs", "credit_code,name,district\n"+code[:17]+"0,沈阳富创精密设备股份有限公司,月球区\n")
		if resp.StatusCode != 422 || resp.Header.Get("Content-Type") != "application/problem+json" || out["status"] != float64(422) || len(out["problems"].([]any)) != 2 {
			t.Fatalf("bad rows: %d %v", resp.StatusCode, out)
		}
		good := "credit_code,name,district\n" + code + ",沈阳富创精密设备股份有限公司,浑南区\n"
		if resp, out := post("kind=orgs&dry_run=1", good); resp.StatusCode != 200 || out["committed"] != false {
			t.Fatalf("dry run: %d %v", resp.StatusCode, out)
		}
		if resp, out := post("kind=orgs", good); resp.StatusCode != 200 || out["created"] != float64(1) {
			t.Fatalf("import: %d %v", resp.StatusCode, out)
		}
		viewer, _, _ := e.Auth.CreateToken(ctx, authNewToken("viewer"))
		req, _ := http.NewRequest("POST", e.TS.URL+"/api/v1/imports?kind=orgs", strings.NewReader(good))
		req.Header.Set("Authorization", "Bearer "+viewer)
		if resp, _ := c.HTTP.Do(req); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("viewer token import: %d", resp.StatusCode)
		}
	})
}

func TestCatalogueEditing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		c := e.Client()
		c.SignIn("u-manager", webtest.Password)
		c.Get("/admin/catalogues")
		if resp, _ := c.Post("/admin/catalogues/tags", url.Values{"name": {"创新型中小企业"}, "name_en": {"Innovative SME"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add tag: %d", resp.StatusCode)
		}
		cat, _ := registry.LoadCatalogue(ctx, db)
		id, ok := cat.TagID("创新型中小企业")
		if !ok {
			t.Fatal("tag not added")
		}
		c.Get("/admin/catalogues")
		resp, body := c.Post("/admin/catalogues/tags", url.Values{"name": {"高新技术企业"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "已存在") {
			t.Fatalf("duplicate tag: %d", resp.StatusCode)
		}
		c.Get("/admin/catalogues")
		if resp, _ := c.Post("/admin/catalogues/tags", url.Values{"id": {strconv.FormatInt(id, 10)}, "name": {"创新型中小企业（省级）"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("rename: %d", resp.StatusCode)
		}
		if resp, _ := c.Post("/admin/catalogues/people", url.Values{"name": {"x"}}); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("unknown catalogue: %d", resp.StatusCode)
		}
		o := e.Client()
		o.SignIn("u-org", webtest.Password)
		if resp, _ := o.Get("/admin/catalogues"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("org user on catalogues: %d", resp.StatusCode)
		}
	})
}

func TestEnglishPagesShowEnglishLabels(t *testing.T) {
	e := webtest.New(t, storetest.Open(t, store.SQLite), false)
	cat, _ := registry.LoadCatalogue(ctx, e.DB)
	o, err := registry.Save(ctx, e.DB, e.Seg, cat, registry.Organisation{Name: "沈阳新松机器人自动化股份有限公司", Kind: "enterprise", Tags: []string{"高新技术企业"}, Clusters: []string{"机器人"}})
	if err != nil {
		t.Fatal(err)
	}
	c := e.Client()
	c.SignIn("u-manager", webtest.Password)
	c.Post("/lang", url.Values{"lang": {"en"}, "back": {"/registry"}})
	for _, path := range []string{"/registry", "/orgs/" + strconv.FormatInt(o.ID, 10)} {
		_, body := c.Get(path)
		if !strings.Contains(body, ">High-tech enterprise<") || !strings.Contains(body, ">Robotics<") {
			t.Errorf("%s in English lacks the English tag and cluster names", path)
		}
	}
}
