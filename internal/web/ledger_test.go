package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

const ledgerProgram = `key: w_ledger
name: 台账网页测试
version: 1
form:
  - {key: title, label: 项目名称, type: text, required: true}
  - {key: leader, label: 负责人, type: person, ledger: leader, ledger_time: leader_time}
  - {key: leader_time, label: 投入时间, type: percentage}
  - {key: planned_end, label: 计划完成, type: date, end: planned}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: running, name: 实施中}
  - {key: done, name: 完成, terminal: true}
transitions:
  - {key: start, name: 开始, from: draft, to: running, by: [owner], requires: [title]}
  - {key: finish, name: 完成, from: running, to: done, by: ["role:manager"]}
`

// TestLedgerPage: a manager sees a person's places with the figures the
// limits count; an organisation's user may not.
func TestLedgerPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		if _, err := program.Publish(ctx, db, []byte(ledgerProgram)); err != nil {
			t.Fatal(err)
		}
		pub, _ := program.Latest(ctx, db, "w_ledger")
		call, _ := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "wl-1", Name: "台账批次", Opens: "2025-01-01", Closes: "2099-12-31"})
		var person registry.Person
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			person, _, err = registry.UpsertPerson(ctx, tx, e.keys, registry.Person{Name: "冯台账", IDNumber: "110101199003077777", OrganisationID: e.orgA.ID})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		owner := access.Principal{UserID: e.users[access.Org].ID, Name: "u-org", Roles: []access.Role{access.Org}, OrgID: e.orgA.ID}
		for i, end := range []string{"2020-01-31", "2099-12-31"} {
			pr, _ := program.CreateProject(ctx, db, call.ID, e.orgA.ID, map[string]any{"title": fmt.Sprintf("台账项目%d", i+1), "leader": float64(person.ID), "leader_time": 30.0, "planned_end": end})
			if _, err := program.Move(ctx, db, owner, pr.ID, "start", ""); err != nil {
				t.Fatal(err)
			}
		}
		page := fmt.Sprintf("/people/%d/ledger", person.ID)
		mgr := e.client()
		mgr.signIn("u-manager", pw)
		resp, body := mgr.get(page)
		if resp.StatusCode != 200 {
			t.Fatalf("ledger page: %d", resp.StatusCode)
		}
		for _, want := range []string{"冯台账", "台账项目1", "台账项目2", "2099-12-31", "负责人", "60%", "已逾期"} {
			if !strings.Contains(body, want) {
				t.Errorf("the ledger page lacks %q", want)
			}
		}
		if strings.Contains(body, "110101199003077777") {
			t.Error("the ledger page shows the ID number unmasked")
		}
		if resp, body := mgr.raw("GET", "/api/v1"+page, "", nil); resp.StatusCode != 200 || !strings.Contains(body, `"active_led": 2`) {
			t.Errorf("ledger API: %d %s", resp.StatusCode, body)
		}
		org := e.client()
		org.signIn("u-org", pw)
		if resp, _ := org.get(page); resp.StatusCode != 403 {
			t.Errorf("an organisation's user read a person's ledger: %d", resp.StatusCode)
		}
		if resp, _ := mgr.get("/people/999999/ledger"); resp.StatusCode != 404 {
			t.Errorf("no such person: %d", resp.StatusCode)
		}
	})
}
