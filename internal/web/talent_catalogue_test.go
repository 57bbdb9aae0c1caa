package web_test

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
	"github.com/xinzhi-platform/xinzhi/internal/talent"
)

// catalogueXLSX is a catalogue sheet under the template's header.
func catalogueXLSX(t *testing.T, rows ...[]any) string {
	t.Helper()
	var buf bytes.Buffer
	if err := tabular.WriteXLSX(&buf, tabular.Sheet{Name: "目录", Header: talent.TemplateSheet(nil).Header, Rows: rows}); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func talentCount(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// englishManager is a second manager, reading in English (a language is
// the user's).
func englishManager(t *testing.T, e *env) *client {
	t.Helper()
	if _, err := e.auth.CreateUser(ctx, auth.NewUser{Username: "u-manager-en", Password: pw, Roles: []access.Role{access.Manager}}); err != nil {
		t.Fatal(err)
	}
	c := e.client()
	c.signIn("u-manager-en", pw)
	c.post("/lang", url.Values{"lang": {"en"}})
	return c
}

var version2025 = url.Values{"key": {"xingshen-2025"}, "name": {"兴沈英才计划"}, "name_en": {"Xingshen Talent Plan"}, "version": {"2025版"},
	"version_en": {"2025 edition"}, "jurisdiction": {"210100"}, "effective_from": {"2025-01-01"}}

// TestTalentCatalogueImport: a manager adds a catalogue version from an
// .xlsx; the page lists it with its classes and items in Chinese and in
// English, the load is audited, and the certifications made under older
// versions keep their items. A bad sheet is refused with every bad row and
// column named, in the reader's language, and writes nothing. Leaders read
// the page without the form; organisation users reach none of it.
func TestTalentCatalogueImport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		w := talentWorld(t, e)
		m := e.client()
		m.signIn("u-manager", pw)
		resp, body := m.get("/talent/catalogues")
		if resp.StatusCode != 200 || !strings.Contains(body, `id="add-version"`) || !strings.Contains(body, `data-catalogue="xingshen-2022"`) || !strings.Contains(body, `data-catalogue="xingshen-2018"`) {
			t.Fatalf("the catalogue page: %d", resp.StatusCode)
		}
		// The template carries the newest version's rows.
		resp, tpl := m.get("/talent/catalogues/template")
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("template: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		tt, err := tabular.Read(strings.NewReader(tpl), int64(len(tpl)), "t.xlsx", tabular.DefaultLimits)
		if err != nil || len(tt.Header) != 6 || len(tt.Rows) != 18 || tt.Rows[0].Cells[3] != "A1" {
			t.Fatalf("the template reads %v rows (%v)", tt, err)
		}

		catalogues, items := talentCount(t, db, `SELECT count(*) FROM talent_catalogues`), talentCount(t, db, `SELECT count(*) FROM talent_catalogue_items`)
		recognitions := talentCount(t, db, `SELECT count(*) FROM talent_recognitions r JOIN talent_catalogue_items i ON i.id = r.item_id JOIN talent_catalogues c ON c.id = i.catalogue_id WHERE c.key <> 'xingshen-2025'`)
		bad := catalogueXLSX(t,
			[]any{"A", "顶尖人才", "Top talent", "A1", "两院院士", "Academician"},
			[]any{"B", "杰出人才", "Distinguished talent", "A1", "国家杰出青年科学基金获得者", "Distinguished young scholar"},
			[]any{"C", "领军人才", "Leading talent", "C1", "省级杰出青年", "省级 young scholar"},
		)
		resp, body = m.send("/talent/catalogues", version2025, map[string][2]string{"file": {"catalogue.xlsx", bad}})
		if resp.StatusCode != 422 {
			t.Fatalf("a bad sheet: %d", resp.StatusCode)
		}
		for _, want := range []string{"表格有 2 处问题", "第 3 行 D 列（条目编号）", "已在第 2 行使用", "第 4 行 F 列（条目英文）", `id="sheet-problems"`, `value="xingshen-2025"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the refusal lacks %q", want)
			}
		}
		if talentCount(t, db, `SELECT count(*) FROM talent_catalogues`) != catalogues || talentCount(t, db, `SELECT count(*) FROM talent_catalogue_items`) != items {
			t.Error("a refused sheet wrote rows")
		}
		en := englishManager(t, e)
		en.get("/talent/catalogues")
		_, body = en.send("/talent/catalogues", version2025, map[string][2]string{"file": {"catalogue.xlsx", bad}})
		for _, want := range []string{"The sheet has 2 problems; nothing was imported", "Row 3, column D (条目编号): the item code “A1” is already used in row 2", "Row 4, column F (条目英文) is for English but holds Chinese"} {
			if !strings.Contains(body, want) {
				t.Errorf("the English refusal lacks %q", want)
			}
		}
		// The version's own fields are checked too.
		form := url.Values{}
		for k, v := range version2025 {
			form[k] = v
		}
		form.Set("key", "Xing Shen")
		good := catalogueXLSX(t,
			[]any{"A", "顶尖人才", "Top talent", "A1", "两院院士", "Academician"},
			[]any{"A", "", "", "A2", "国家最高科学技术奖获得者", "Winner of the State Preeminent S&T Award"},
			[]any{"E", "青年才俊", "Young talent", "E1", "博士后", "Postdoctoral researcher"},
		)
		resp, body = m.send("/talent/catalogues", form, map[string][2]string{"file": {"catalogue.xlsx", good}})
		if resp.StatusCode != 422 || !strings.Contains(body, "目录标识“Xing Shen”只能由小写字母") {
			t.Errorf("a bad key: %d", resp.StatusCode)
		}

		audits := talentCount(t, db, `SELECT count(*) FROM audit_events WHERE entity = 'talent_catalogue' AND action = 'create'`)
		resp, _ = m.send("/talent/catalogues", version2025, map[string][2]string{"file": {"catalogue.xlsx", good}})
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/talent/catalogues?added=xingshen-2025" {
			t.Fatalf("a good sheet: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if talentCount(t, db, `SELECT count(*) FROM audit_events WHERE entity = 'talent_catalogue' AND action = 'create'`) != audits+1 {
			t.Error("the load was not audited")
		}
		c, err := talent.CatalogueByKey(ctx, db, "xingshen-2025")
		if err != nil || len(c.Classes) != 2 || len(c.Items) != 3 || c.Items[1].Name.EN != "Winner of the State Preeminent S&T Award" {
			t.Fatalf("the new version %+v %v", c, err)
		}
		_, body = m.get("/talent/catalogues?added=xingshen-2025")
		for _, want := range []string{"已导入目录版本 xingshen-2025", `data-catalogue="xingshen-2025"`, `<tr data-item="xingshen-2025/E1"><td>E1</td><td lang="zh-CN">博士后</td><td lang="en">Postdoctoral researcher</td><td class="num">0</td></tr>`,
			`<span lang="zh-CN">青年才俊</span> · <span lang="en">Young talent</span>`, "沈阳市 (210100)"} {
			if !strings.Contains(body, want) {
				t.Errorf("the page after the load lacks %q", want)
			}
		}
		if i, j := strings.Index(body, `data-catalogue="xingshen-2025"`), strings.Index(body, `data-catalogue="xingshen-2022"`); i > j {
			t.Error("the newest version is not listed first")
		}
		// Records resting on an item are counted and open their list.
		if !strings.Contains(body, `<tr data-item="xingshen-2022/C3"><td>C3</td>`) || !strings.Contains(body, `href="/talent/list?kind=certification&amp;class=C&amp;version=xingshen-2022&amp;item=C3">1</a>`) {
			t.Error("the 2022 C3 item does not open its one record")
		}
		// Past recognitions keep their items and versions.
		if n := talentCount(t, db, `SELECT count(*) FROM talent_recognitions r JOIN talent_catalogue_items i ON i.id = r.item_id JOIN talent_catalogues c ON c.id = i.catalogue_id WHERE c.key <> 'xingshen-2025'`); n != recognitions {
			t.Errorf("%d recognitions on the older versions after the load, want %d", n, recognitions)
		}
		_, body = m.get(fmt.Sprintf("/talent/people/%d", w.People["张三"]))
		if !strings.Contains(body, "兴沈英才计划 2022版 · 条目 C3") || !strings.Contains(body, "兴沈英才计划 2018版 · 条目 D1") {
			t.Error("the person's certifications changed with the new version")
		}
		// The same version twice is refused.
		if resp, body := m.send("/talent/catalogues", version2025, map[string][2]string{"file": {"catalogue.xlsx", good}}); resp.StatusCode != 409 || !strings.Contains(body, "已存在") {
			t.Errorf("the same version twice: %d", resp.StatusCode)
		}

		// English: the page reads in English with both languages' items.
		_, body = en.get("/talent/catalogues")
		for _, want := range []string{"Talent catalogues", "Add a catalogue version", "Item (English)", "Shenyang (210100)", "Winner of the State Preeminent S&amp;T Award"} {
			if !strings.Contains(body, want) {
				t.Errorf("the English page lacks %q", want)
			}
		}
		// A leader reads the page without the form; an organisation user
		// reaches none of it.
		v := e.client()
		v.signIn("u-viewer", pw)
		if resp, body := v.get("/talent/catalogues"); resp.StatusCode != 200 || strings.Contains(body, `id="add-version"`) {
			t.Errorf("leader: %d, or the form shows", resp.StatusCode)
		}
		if resp, _ := v.send("/talent/catalogues", version2025, map[string][2]string{"file": {"catalogue.xlsx", good}}); resp.StatusCode != 403 {
			t.Errorf("leader upload: %d, want 403", resp.StatusCode)
		}
		o := e.client()
		o.signIn("u-org", pw)
		for _, p := range []string{"/talent/catalogues", "/talent/catalogues/template"} {
			if resp, _ := o.get(p); resp.StatusCode != 403 {
				t.Errorf("organisation user %s: %d, want 403", p, resp.StatusCode)
			}
		}
		o.get("/account")
		if resp, _ := o.send("/talent/catalogues", version2025, map[string][2]string{"file": {"catalogue.xlsx", good}}); resp.StatusCode != 403 {
			t.Errorf("organisation user upload: %d, want 403", resp.StatusCode)
		}
	})
}

// TestTalentSetBasis: on a person's page a manager sets the item a
// certification rests on; the move is audited and shown. An item of
// another jurisdiction's catalogue, or a record that is no certification,
// is refused and changes nothing. Leaders and organisation users may not.
func TestTalentSetBasis(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		w := talentWorld(t, e)
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := talent.AddCatalogue(ctx, tx, talent.Catalogue{Key: "dalian-2023", Name: i18n.Text{ZH: "大连市人才目录", EN: "Dalian talent catalogue"}, Version: i18n.Text{ZH: "2023版", EN: "2023 edition"},
				Jurisdiction: "210200", Classes: []talent.Class{{Key: "A", Name: i18n.Text{ZH: "顶尖人才", EN: "Top talent"}}}, Items: []talent.Item{{Class: "A", Code: "DL1", Name: i18n.Text{ZH: "两院院士", EN: "Academician"}}}})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		c22, err := talent.CatalogueByKey(ctx, db, "xingshen-2022")
		if err != nil {
			t.Fatal(err)
		}
		dl, err := talent.CatalogueByKey(ctx, db, "dalian-2023")
		if err != nil {
			t.Fatal(err)
		}
		b1, _ := c22.ItemByCode("B1")
		person, cert := w.People["张三"], w.Projects["cert-zhang"]
		page := fmt.Sprintf("/talent/people/%d", person)
		action := fmt.Sprintf("/talent/certifications/%d/basis", cert)
		basis := func() string {
			var code string
			if err := db.QueryRowContext(ctx, `SELECT i.code FROM talent_recognitions r JOIN talent_catalogue_items i ON i.id = r.item_id WHERE r.project_id = ?`, cert).Scan(&code); err != nil {
				t.Fatal(err)
			}
			return code
		}

		m := e.client()
		m.signIn("u-manager", pw)
		_, body := m.get(page)
		form := body[strings.Index(body, fmt.Sprintf(`<form method="post" action="%s"`, action)):]
		form = form[:strings.Index(form, "</form>")]
		if !strings.Contains(form, fmt.Sprintf(`id="cert-%d"`, cert)) || !strings.Contains(form, `selected>C3 `) || !strings.Contains(form, `<optgroup label="兴沈英才计划 2018版">`) || strings.Contains(form, "DL1") {
			t.Errorf("the certification's form: %s", form)
		}
		resp, _ := m.post(action, url.Values{"item_id": {fmt.Sprint(b1.ID)}, "person": {fmt.Sprint(person)}})
		if resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), page+"?saved=1") {
			t.Fatalf("set: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if basis() != "B1" {
			t.Errorf("the record rests on %s, want B1", basis())
		}
		if n := talentCount(t, db, `SELECT count(*) FROM audit_events WHERE entity = 'project' AND action = 'talent_basis' AND entity_id = ? AND actor = 'u-manager'`, fmt.Sprint(cert)); n != 1 {
			t.Errorf("%d audit events of the manager's move, want 1", n)
		}
		_, body = m.get(page + "?saved=1")
		if !strings.Contains(body, "已保存认定所依据的目录条目") || !strings.Contains(body, "人才类别 B 杰出人才") {
			t.Error("the page after the move does not say so or show the new class")
		}

		// Another jurisdiction's item, a service record and no item are refused.
		resp, body = m.post(action, url.Values{"item_id": {fmt.Sprint(dl.Items[0].ID)}, "person": {fmt.Sprint(person)}})
		if resp.StatusCode != 422 || !strings.Contains(body, "条目 DL1 属于适用地区为 210200 的目录") {
			t.Errorf("another jurisdiction's item: %d", resp.StatusCode)
		}
		resp, body = m.post(fmt.Sprintf("/talent/certifications/%d/basis", w.Projects["svc-li"]), url.Values{"item_id": {fmt.Sprint(b1.ID)}, "person": {fmt.Sprint(w.People["李四"])}})
		if resp.StatusCode != 422 || !strings.Contains(body, "不是人才认定记录") {
			t.Errorf("a service record: %d", resp.StatusCode)
		}
		if resp, body = m.post(action, url.Values{"item_id": {""}, "person": {fmt.Sprint(person)}}); resp.StatusCode != 422 || !strings.Contains(body, "请选择一个目录条目") {
			t.Errorf("no item: %d", resp.StatusCode)
		}
		if basis() != "B1" || talentCount(t, db, `SELECT count(*) FROM talent_recognitions WHERE project_id = ?`, w.Projects["svc-li"]) != 0 {
			t.Error("a refused move changed a record")
		}
		// In English.
		en := englishManager(t, e)
		en.get(page)
		if _, body := en.post(action, url.Values{"item_id": {fmt.Sprint(dl.Items[0].ID)}, "person": {fmt.Sprint(person)}}); !strings.Contains(body, "Item DL1 belongs to a catalogue for division 210200") || !strings.Contains(body, "Set the item") {
			t.Error("the English refusal")
		}

		// Leaders see no form and may not post; nor may organisation users.
		for _, role := range []string{"viewer", "org"} {
			c := e.client()
			c.signIn("u-"+role, pw)
			_, body := c.get(page)
			if strings.Contains(body, "basis-form") {
				t.Errorf("%s sees the form", role)
			}
			c.get("/account")
			if resp, _ := c.post(action, url.Values{"item_id": {fmt.Sprint(b1.ID)}, "person": {fmt.Sprint(person)}}); resp.StatusCode != 403 {
				t.Errorf("%s: %d, want 403", role, resp.StatusCode)
			}
		}
	})
}

// TestTalentCatalogueRoutes: the catalogue's routes declare their
// permissions: reading for leaders and managers, writing for those who
// keep the catalogues (not leaders, not organisation users).
func TestTalentCatalogueRoutes(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite), false)
	want := map[string]access.Permission{
		"GET /talent/catalogues":                 access.CockpitView,
		"POST /talent/catalogues":                access.CatalogueEdit,
		"GET /talent/catalogues/template":        access.CatalogueEdit,
		"POST /talent/certifications/{id}/basis": access.CatalogueEdit,
		"GET /talent/people/{id}":                access.CockpitView,
	}
	for _, rt := range e.srv.Routes() {
		k := rt.Method + " " + rt.Pattern
		if p, ok := want[k]; ok {
			if rt.Perm != p {
				t.Errorf("%s: %s, want %s", k, rt.Perm, p)
			}
			delete(want, k)
		}
	}
	if len(want) > 0 {
		t.Errorf("routes not declared: %v", want)
	}
	for _, r := range []access.Role{access.Org, access.Viewer, access.Finance, access.Reviewer} {
		if access.RoleGrants(r, access.CatalogueEdit) {
			t.Errorf("%s may edit the catalogues", r)
		}
	}
}
