package integrityweb_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
)

var ctx = context.Background()

const screenedProgram = `key: w_screened
name: 诚信核查测试项目
version: 1
form:
  - {key: title, label: 项目名称, type: text, required: true}
  - {key: leader, label: 项目负责人, type: person}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: submitted, name: 已提交, terminal: true}
transitions:
  - {key: submit, name: 提交, from: draft, to: submitted, by: [owner], requires: [title], screen: apply}
`

// TestIntegrityOverHTTP: a manager enters a sanction on a project leader;
// the leader's record cannot be submitted, the owner is told why, and the
// manager sees the reason on the record's page.
func TestIntegrityOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		if _, err := program.Publish(ctx, db, []byte(screenedProgram)); err != nil {
			t.Fatal(err)
		}
		pub, _ := program.Latest(ctx, db, "w_screened")
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "w-1", Name: "测试批次", Opens: "2025-01-01", Closes: "2099-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		var leader registry.Person
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			leader, _, err = registry.UpsertPerson(ctx, tx, e.Keys, registry.Person{Name: "赵负责", IDNumber: "T-W-1", OrganisationID: e.OrgA.ID})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		owner := access.Principal{UserID: e.Users[access.Org].ID, Name: "u-org", Roles: []access.Role{access.Org}, OrgID: e.OrgA.ID}
		pr, err := program.CreateProject(ctx, db, call.ID, e.OrgA.ID, map[string]any{"title": "精密轴承", "leader": float64(leader.ID)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := program.SaveData(ctx, db, program.Files{}, owner, pr.ID, pr.Data, nil, pr.Version); err != nil {
			t.Fatal(err)
		}

		mgr := e.Client()
		mgr.SignIn("u-manager", webtest.Password)
		mgr.Get("/integrity")
		if resp, body := mgr.Post("/integrity", url.Values{"subject": {"person"}, "subject_id": {fmt.Sprint(leader.ID)}, "misconduct": {""}, "starts": {"2025-01-01"}, "source": {"bureau"}}); resp.StatusCode != 422 || !strings.Contains(body, "请写明失信行为") {
			t.Fatalf("a sanction without its misconduct: %d", resp.StatusCode)
		}
		resp, _ := mgr.Post("/integrity", url.Values{"subject": {"person"}, "subject_id": {fmt.Sprint(leader.ID)}, "misconduct": {"数据造假"}, "scopes": {"apply"},
			"starts": {"2025-01-01"}, "ends": {"2099-12-31"}, "source": {"bureau"}, "decision": {"沈科诚〔2025〕1号"}})
		if resp.StatusCode != 303 {
			t.Fatalf("enter a sanction: %d", resp.StatusCode)
		}
		if _, body := mgr.Get(fmt.Sprintf("/projects/%d", pr.ID)); !strings.Contains(body, `id="bars"`) || !strings.Contains(body, "赵负责") || !strings.Contains(body, "沈科诚〔2025〕1号") {
			t.Fatal("the manager does not see why the record is blocked")
		}

		org := e.Client()
		org.SignIn("u-org", webtest.Password)
		if _, body := org.Get(fmt.Sprintf("/projects/%d", pr.ID)); strings.Contains(body, `id="screening"`) {
			t.Error("the applicant sees the integrity panel")
		}
		resp, body := org.Post(fmt.Sprintf("/projects/%d/move", pr.ID), url.Values{"transition": {"submit"}})
		if resp.StatusCode != 409 || !strings.Contains(body, "数据造假") {
			t.Fatalf("submit by a barred leader's unit: %d", resp.StatusCode)
		}
		if resp, _ := org.Raw("GET", "/api/v1/sanctions", "", nil); resp.StatusCode != 403 {
			t.Errorf("an organisation reads the register: %d", resp.StatusCode)
		}
	})
}
