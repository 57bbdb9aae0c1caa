package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// pickerTemplate has a person field, an organisation field, a table with
// organisation and person columns, and a file.
const pickerTemplate = `key: test_picker
name: 测试选择器项目
version: 1
form:
  - {key: title, label: 项目名称, type: text, required: true}
  - {key: amount_requested, label: 申请金额, type: money}
  - {key: leader, label: 负责人, label_en: Leader, type: person}
  - {key: partner, label: 合作单位, label_en: Partner, type: organisation}
  - {key: plan, label: 实施方案, type: file}
  - key: team
    label: 团队
    type: table
    columns:
      - {key: member, label: 成员, type: person}
      - {key: unit, label: 所在单位, type: organisation}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: submitted, name: 已提交}
transitions:
  - {key: submit, name: 提交申报, from: draft, to: submitted, by: [owner], requires: [title]}
`

// pickerCity adds people to an env: two of orgA's (two named 李明) and one
// of orgB's, and a few organisations named 沈阳新松….
func pickerCity(t *testing.T, e *env) map[string]registry.Person {
	t.Helper()
	people := map[string]registry.Person{}
	err := e.db.InTx(ctx, func(tx *store.Tx) error {
		for _, p := range []registry.Person{
			{Name: "王振东", IDNumber: "21010219800101123X", OrganisationID: e.orgA.ID},
			{Name: "李明", IDNumber: "210102198001011241", OrganisationID: e.orgA.ID},
			{Name: "李明", IDNumber: "210102198001011268", OrganisationID: e.orgA.ID},
			{Name: "王振华", IDNumber: "210102198001011284", OrganisationID: e.orgB.ID},
		} {
			got, _, err := registry.UpsertPerson(ctx, tx, e.keys, p)
			if err != nil {
				return err
			}
			people[p.Name+p.IDNumber[16:]] = got
			people[p.Name] = got
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 60 {
		if _, err := registry.Save(ctx, e.db, e.seg, nil, registry.Organisation{Name: fmt.Sprintf("沈阳测试%02d有限公司", i), Kind: "enterprise", District: "210106"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := registry.Save(ctx, e.db, e.seg, nil, registry.Organisation{Name: "沈阳新松机器人自动化股份有限公司", Kind: "enterprise", District: "210112", CreditCode: "912101007155744627"}); err != nil {
		t.Fatal(err)
	}
	return people
}

type lookupAnswer struct {
	Items []struct {
		ID       int64  `json:"id"`
		Name     string `json:"name"`
		Detail   string `json:"detail"`
		IDNumber string `json:"id_number"`
		Masked   bool   `json:"masked"`
	} `json:"items"`
}

func TestLookupEndpoints(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		people := pickerCity(t, e)
		clients := map[access.Role]*client{}
		for _, r := range []access.Role{access.Manager, access.Org, access.Reviewer, access.SysAdmin, access.Auditor, access.Viewer} {
			clients[r] = e.client()
			clients[r].signIn("u-"+string(r), pw)
		}
		ask := func(c *client, path string) (int, lookupAnswer, string) {
			t.Helper()
			resp, body := c.get(path)
			var a lookupAnswer
			if resp.StatusCode == 200 {
				if err := json.Unmarshal([]byte(body), &a); err != nil {
					t.Fatalf("%s: %v %s", path, err, body)
				}
			}
			return resp.StatusCode, a, body
		}
		q := url.QueryEscape
		cases := []struct {
			name   string
			role   access.Role
			path   string
			status int
			names  []string // the names answered, in order (nil: not checked)
			n      int      // how many, when names is nil
		}{
			{"a manager finds by a word in the middle of the name", access.Manager, "/api/v1/lookup/organisations?q=" + q("新松"), 200, []string{"沈阳新松机器人自动化股份有限公司"}, 0},
			{"an organisation user by the start of the name", access.Org, "/api/v1/lookup/organisations?q=" + q("沈阳新松"), 200, []string{"沈阳新松机器人自动化股份有限公司"}, 0},
			{"by the credit code", access.Viewer, "/api/v1/lookup/organisations?q=9121010071", 200, []string{"沈阳新松机器人自动化股份有限公司"}, 0},
			{"the system administrator binds accounts", access.SysAdmin, "/api/v1/lookup/organisations?q=" + q("乙"), 200, []string{"乙银行"}, 0},
			{"the default limit", access.Manager, "/api/v1/lookup/organisations?q=" + q("沈阳测试"), 200, nil, 20},
			{"a limit", access.Manager, "/api/v1/lookup/organisations?limit=3&q=" + q("沈阳测试"), 200, []string{"沈阳测试00有限公司", "沈阳测试01有限公司", "沈阳测试02有限公司"}, 0},
			{"at most 50", access.Manager, "/api/v1/lookup/organisations?limit=500&q=" + q("沈阳测试"), 200, nil, 20},
			{"nothing typed", access.Manager, "/api/v1/lookup/organisations", 200, nil, 0},
			{"a reviewer may not", access.Reviewer, "/api/v1/lookup/organisations?q=" + q("沈阳"), 403, nil, 0},
			{"an auditor may not", access.Auditor, "/api/v1/lookup/organisations?q=" + q("沈阳"), 403, nil, 0},
			{"a manager finds anyone", access.Manager, "/api/v1/lookup/people?q=" + q("王振"), 200, []string{"王振东", "王振华"}, 0},
			{"an organisation user finds its own people only", access.Org, "/api/v1/lookup/people?q=" + q("王"), 200, []string{"王振东"}, 0},
			{"people by limit", access.Manager, "/api/v1/lookup/people?limit=1&q=" + q("李"), 200, []string{"李明"}, 0},
			{"the system administrator may not see people", access.SysAdmin, "/api/v1/lookup/people?q=" + q("王"), 403, nil, 0},
			{"a reviewer may not see people", access.Reviewer, "/api/v1/lookup/people?q=" + q("王"), 403, nil, 0},
			{"an organisation user may not reveal", access.Org, "/api/v1/lookup/people?reveal=1&q=" + q("王"), 403, nil, 0},
		}
		for _, c := range cases {
			status, a, body := ask(clients[c.role], c.path)
			if status != c.status {
				t.Errorf("%s: %d, want %d (%s)", c.name, status, c.status, body)
				continue
			}
			var got []string
			for _, it := range a.Items {
				got = append(got, it.Name)
			}
			if c.names != nil && strings.Join(got, ",") != strings.Join(c.names, ",") {
				t.Errorf("%s: %v, want %v", c.name, got, c.names)
			}
			if c.names == nil && len(got) != c.n {
				t.Errorf("%s: %d answers, want %d", c.name, len(got), c.n)
			}
		}
		// Names with what tells them apart; never an unmasked ID number
		// unless revealed by one who may.
		_, a, _ := ask(clients[access.Manager], "/api/v1/lookup/organisations?q="+q("沈阳新松"))
		if a.Items[0].Detail != "浑南区 · 912101007155744627" {
			t.Errorf("organisation detail %q", a.Items[0].Detail)
		}
		_, a, body := ask(clients[access.Manager], "/api/v1/lookup/people?q="+q("王振东"))
		if len(a.Items) != 1 || a.Items[0].ID != people["王振东"].ID || a.Items[0].IDNumber != "210*************3X" || !a.Items[0].Masked ||
			a.Items[0].Detail != "甲企业 · 210*************3X" || strings.Contains(body, "21010219800101123X") {
			t.Errorf("masked person: %s", body)
		}
		_, a, _ = ask(clients[access.Manager], "/api/v1/lookup/people?reveal=1&q="+q("王振东"))
		if len(a.Items) != 1 || a.Items[0].IDNumber != "21010219800101123X" || a.Items[0].Masked {
			t.Errorf("revealed person: %+v", a.Items)
		}
	})
}

var pendingRE = regexp.MustCompile(`name="plan\.pending" value="(\d+)"`)

// TestRefusedFormKeepsNamesAndFile: a form refused for one field comes back
// with the people and organisations chosen shown by name (ids kept beside
// them) and the file kept for its sender to send again; a record names them.
func TestRefusedFormKeepsNamesAndFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		people := pickerCity(t, e)
		pub, err := program.Publish(ctx, db, []byte(pickerTemplate))
		if err != nil {
			t.Fatal(err)
		}
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "tp-1", Name: "选择器批次", Opens: "2020-01-01", Closes: "2099-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		apply := fmt.Sprintf("/calls/%d/apply", call.ID)
		org := e.client()
		org.signIn("u-org", pw)
		_, body := org.get(apply)
		if !strings.Contains(body, `data-picker="people"`) || !strings.Contains(body, `data-picker="organisations"`) || strings.Contains(body, `name="leader" value="" inputmode`) {
			t.Fatal("the form has no pickers")
		}
		if !strings.Contains(body, "输入姓名，从列表中选择") || !strings.Contains(body, "输入单位名称、其中的词或统一社会信用代码") || strings.Contains(body, "form.") {
			t.Error("the pickers' hints are missing or untranslated")
		}
		leader, partner := fmt.Sprint(people["王振东"].ID), fmt.Sprint(e.orgB.ID)
		form := url.Values{"title": {"减速器"}, "amount_requested": {"一百万"},
			"leader": {"王振东"}, "leader.id": {leader}, "partner": {"乙银行"}, "partner.id": {partner},
			"team.0.member": {"王振东"}, "team.0.member.id": {leader}, "team.0.unit": {"乙银行"}, "team.0.unit.id": {partner}}
		resp, body := org.send(apply, form, map[string][2]string{"plan": {"甲企业-实施方案.pdf", string(pdf)}})
		if resp.StatusCode != 422 || !strings.Contains(body, "须为数字") {
			t.Fatalf("refused form: %d", resp.StatusCode)
		}
		for _, want := range []string{`name="leader" value="王振东"`, `name="leader.id" value="` + leader + `"`, `name="partner" value="乙银行"`, `name="partner.id" value="` + partner + `"`,
			`name="team.0.member" value="王振东"`, `name="team.0.unit" value="乙银行"`, `name="team.0.unit.id" value="` + partner + `"`, "甲企业-实施方案.pdf", `name="plan.keep" value="1" checked`} {
			if !strings.Contains(body, want) {
				t.Errorf("the refused form lacks %s", want)
			}
		}
		if strings.Contains(body, "重新选择文件") {
			t.Error("the refused form asks for the file again")
		}
		m := pendingRE.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no kept file offered")
		}
		// Another user cannot use the kept file.
		if _, err := e.auth.CreateUser(ctx, auth.NewUser{Username: "a-other", Password: pw, Roles: []access.Role{access.Org}, OrgID: e.orgA.ID}); err != nil {
			t.Fatal(err)
		}
		other := e.client()
		other.signIn("a-other", pw)
		other.get(apply)
		fixed := url.Values{"amount_requested": {"1,000,000"}, "plan.keep": {"1"}, "plan.pending": {m[1]}}
		for k, v := range form {
			if fixed.Get(k) == "" {
				fixed[k] = v
			}
		}
		if resp, body := other.send(apply, fixed, nil); resp.StatusCode != 422 || !strings.Contains(body, "之前上传的文件已失效") {
			t.Fatalf("another user's kept file: %d", resp.StatusCode)
		}
		// The sender fixes the amount and keeps the file.
		resp, _ = org.send(apply, fixed, nil)
		if resp.StatusCode != 303 {
			t.Fatalf("resubmit: %d", resp.StatusCode)
		}
		pid := idFrom(t, resp.Header.Get("Location"), "/projects/")
		_, body = org.get("/projects/" + pid)
		if !strings.Contains(body, "甲企业-实施方案.pdf") {
			t.Error("the kept file was not attached")
		}
		if !strings.Contains(body, `name="leader" value="王振东"`) || !strings.Contains(body, `name="team.0.unit" value="乙银行"`) {
			t.Errorf("the saved record does not name its leader and partner:\n%s", body[strings.Index(body, `id="project-form"`):])
		}
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM pending_uploads`).Scan(&n); err != nil || n != 0 {
			t.Errorf("pending uploads after saving: %d %v", n, err)
		}

		// Without JavaScript: names typed alone; several of a name refused
		// with what to type; an ID number picks one of them.
		noJS := url.Values{"title": {"无脚本"}, "leader": {"李明"}, "partner": {"912101007155744627"}}
		resp, body = org.send(apply, noJS, nil)
		if resp.StatusCode != 422 || !strings.Contains(body, "登记库中有多人名为“李明”：请从列表中选择，或改填身份证号。") || !strings.Contains(body, `name="leader" value="李明"`) {
			t.Fatalf("ambiguous name: %d", resp.StatusCode)
		}
		noJS.Set("leader", "210102198001011268")
		resp, _ = org.send(apply, noJS, nil)
		if resp.StatusCode != 303 {
			t.Fatalf("by ID number and credit code: %d", resp.StatusCode)
		}
		pid = idFrom(t, resp.Header.Get("Location"), "/projects/")
		if resp, _ := org.post("/projects/"+pid+"/move", url.Values{"transition": {"submit"}}); resp.StatusCode != 303 {
			t.Fatalf("submit: %d", resp.StatusCode)
		}
		_, body = org.get("/projects/" + pid)
		if !strings.Contains(body, "<dd>李明</dd>") || !strings.Contains(body, "<dd>沈阳新松机器人自动化股份有限公司</dd>") {
			t.Errorf("the record does not name its leader and partner:\n%s", body[strings.Index(body, `id="project-data"`):])
		}
		if resp, body := org.send(apply, url.Values{"title": {"别人"}, "leader": {"王振华"}}, nil); resp.StatusCode != 422 || !strings.Contains(body, "登记库中找不到“王振华”") {
			t.Errorf("another organisation's person by name: %d", resp.StatusCode)
		}

		// The API reads names the same way.
		api := fmt.Sprintf("/api/v1/calls/%d/projects", call.ID)
		for _, c := range []struct {
			body   string
			status int
			msg    string
		}{
			{`{"data": {"title": "接口", "leader": "李明"}}`, 422, "改填身份证号"},
			{`{"data": {"title": "接口", "partner": "99999"}}`, 422, "99999"},
			{`{"data": {"title": "接口", "leader": "王振东", "partner": "乙银行", "team": [{"member": "210102198001011268", "unit": "912101007155744627"}]}}`, 201, `"leader": ` + leader},
		} {
			resp, body := org.raw("POST", api, "application/json", []byte(c.body))
			if resp.StatusCode != c.status || !strings.Contains(body, c.msg) {
				t.Errorf("API %s: %d %s", c.body, resp.StatusCode, body)
			}
		}
	})
}

// TestUserFormOrganisationPicker: an account is bound to any organisation
// of the registry (not only the first thousand by name) by its name or
// credit code, and its page shows the organisation by name.
func TestUserFormOrganisationPicker(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		pickerCity(t, e)
		late, err := registry.Save(ctx, db, e.seg, nil, registry.Organisation{Name: "鼎新后来者科技有限公司", Kind: "enterprise", CreditCode: "91210112MA0Y8XW12K"})
		if err != nil {
			t.Fatal(err)
		}
		c := e.client()
		c.signIn("u-sysadmin", pw)
		_, body := c.get("/admin/users")
		if !strings.Contains(body, `data-picker="organisations"`) || strings.Contains(body, "<option value=\""+fmt.Sprint(e.orgA.ID)+"\"") {
			t.Fatal("the account form still lists organisations in a drop-down")
		}
		cases := []struct {
			name, username, orgName, orgID string
			status                         int
			want                           int64
			msg                            string
		}{
			{"by name", "bound-1", "鼎新后来者科技有限公司", "", http.StatusCreated, late.ID, ""},
			{"by credit code", "bound-2", "91210112ma0y8xw12k", "", http.StatusCreated, late.ID, ""},
			{"chosen from the list", "bound-3", "乙银行", fmt.Sprint(e.orgB.ID), http.StatusCreated, e.orgB.ID, ""},
			{"a stale id is not trusted over the name", "bound-4", "乙银行", fmt.Sprint(late.ID), http.StatusCreated, e.orgB.ID, ""},
			{"unknown", "bound-5", "没有这家", "", http.StatusUnprocessableEntity, 0, "登记库中找不到“没有这家”"},
		}
		for _, tc := range cases {
			form := url.Values{"username": {tc.username}, "roles": {"org"}, "org_name": {tc.orgName}, "org_id": {tc.orgID}}
			resp, body := c.post("/admin/users", form)
			if resp.StatusCode != tc.status || (tc.msg != "" && !strings.Contains(body, tc.msg)) {
				t.Errorf("%s: %d", tc.name, resp.StatusCode)
				continue
			}
			if tc.msg != "" {
				if !strings.Contains(body, `value="没有这家"`) {
					t.Errorf("%s: what was typed is not kept", tc.name)
				}
				continue
			}
			u, err := e.auth.UserByName(ctx, tc.username)
			if err != nil || u.OrgID != tc.want {
				t.Errorf("%s: bound to %d, want %d (%v)", tc.name, u.OrgID, tc.want, err)
			}
		}
		u, _ := e.auth.UserByName(ctx, "bound-1")
		if _, body := c.get(fmt.Sprintf("/admin/users/%d", u.ID)); !strings.Contains(body, `value="鼎新后来者科技有限公司"`) || !strings.Contains(body, fmt.Sprintf(`name="org_id" value="%d"`, late.ID)) {
			t.Error("the account page does not show its organisation by name")
		}
		// A token is bound the same way, and listed with the name.
		sec := e.client()
		sec.signIn("u-secadmin", pw)
		sec.get("/admin/tokens")
		resp, body := sec.post("/admin/tokens", url.Values{"name": {"late-feed"}, "role": {"org"}, "org_name": {"鼎新后来者科技有限公司"}, "expires": {"30d"}})
		if resp.StatusCode != http.StatusCreated || !strings.Contains(body, "<td>鼎新后来者科技有限公司</td>") {
			t.Errorf("token bound by name: %d", resp.StatusCode)
		}
	})
}
