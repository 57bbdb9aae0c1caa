package program_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

const limitedTemplate = `key: t_limited
name: 限项测试项目
version: 1
form:
  - {key: title, label: 项目名称, type: text, required: true}
  - {key: leader, label: 项目负责人, type: person, ledger: leader, ledger_time: leader_time}
  - {key: leader_time, label: 负责人投入时间（%）, type: percentage}
  - key: team
    label: 项目骨干
    type: table
    columns:
      - {key: member, label: 成员, type: person, ledger: core, ledger_time: time}
      - {key: time, label: 投入时间（%）, type: percentage}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: submitted, name: 已提交}
  - {key: rejected, name: 不予立项, terminal: true}
  - {key: failed, name: 验收不通过, terminal: true, outcome: failed}
transitions:
  - key: submit
    name: 提交
    from: draft
    to: submitted
    by: [owner]
    requires: [title]
    rule: active_led(leader) < 1 && time_committed(leader) <= 100 && applications_in_call() < 1 && failures(leader) < 1
    message: 负责人已主持在研项目、投入时间超过100%、有验收不通过的项目，或本单位在本批次已有申报。
  - {key: reject, name: 不予立项, from: submitted, to: rejected, by: ["role:manager"]}
  - {key: fail, name: 验收不通过, from: submitted, to: failed, by: ["role:manager"]}
`

// TestLedgerLimits: the limits on concurrent projects, across records, as
// worked cases — and two submissions at once against one limit, of which
// exactly one passes.
func TestLedgerLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := program.Publish(ctx, db, []byte(limitedTemplate)); err != nil {
			t.Fatal(err)
		}
		pub, _ := program.Latest(ctx, db, "t_limited")
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "l-1", Name: "测试批次", Opens: "2025-01-01", Closes: "2099-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		line, _ := seal.NewKeyLine("ktest")
		keys, _ := seal.ParseKeyring(line)
		person := func(name string) int64 {
			var p registry.Person
			if err := db.InTx(ctx, func(tx *store.Tx) error {
				var err error
				p, _, err = registry.UpsertPerson(ctx, tx, keys, registry.Person{Name: name, IDNumber: "T-L-" + name})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return p.ID
		}
		orgN := 0
		org := func() (registry.Organisation, access.Principal) {
			orgN++
			o, err := registry.Create(ctx, db, registry.Organisation{Name: fmt.Sprintf("限项测试单位%d", orgN), Kind: "enterprise"})
			if err != nil {
				t.Fatal(err)
			}
			return o, access.Principal{UserID: int64(100 + orgN), Name: o.Name, Roles: []access.Role{access.Org}, OrgID: o.ID}
		}
		record := func(o registry.Organisation, as access.Principal, data map[string]any) int64 {
			t.Helper()
			pr, err := program.CreateProject(ctx, db, call.ID, o.ID, data)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := program.SaveData(ctx, db, program.Files{}, as, pr.ID, data, nil, pr.Version); err != nil {
				t.Fatal(err)
			}
			return pr.ID
		}
		refused := func(err error) bool { return errors.Is(err, problem.ErrInvalid) }
		mgr := access.Principal{UserID: 1, Name: "mgr", Roles: []access.Role{access.Manager}}

		l := person("李主持")
		o1, as1 := org()
		a := record(o1, as1, map[string]any{"title": "甲", "leader": float64(l), "leader_time": 40.0})
		if _, err := program.Move(ctx, db, as1, a, "submit", ""); err != nil {
			t.Fatalf("the first application: %v", err)
		}
		// The same leader, another unit: refused while A is pending.
		o2, as2 := org()
		b := record(o2, as2, map[string]any{"title": "乙", "leader": float64(l), "leader_time": 40.0})
		if _, err := program.Move(ctx, db, as2, b, "submit", ""); !refused(err) {
			t.Fatalf("a second record led by the same person: %v", err)
		}
		// The unit's second application in the call: refused.
		a2 := record(o1, as1, map[string]any{"title": "甲二", "leader": float64(person("周新")), "leader_time": 10.0})
		if _, err := program.Move(ctx, db, as1, a2, "submit", ""); !refused(err) {
			t.Fatalf("a unit's second application in the call: %v", err)
		}
		// A ends (not funded): it no longer counts, and B goes in.
		if _, err := program.Move(ctx, db, mgr, a, "reject", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := program.Move(ctx, db, as2, b, "submit", ""); err != nil {
			t.Fatalf("after the first ended: %v", err)
		}
		// Time: 王 is a core member of B at 70%; leading C at 40% makes 110%.
		w := person("王骨干")
		o3, as3 := org()
		c := record(o3, as3, map[string]any{"title": "丙", "leader": float64(person("孙其他")), "leader_time": 30.0,
			"team": []any{map[string]any{"member": float64(w), "time": 70.0}}})
		if _, err := program.Move(ctx, db, as3, c, "submit", ""); err != nil {
			t.Fatal(err)
		}
		o4, as4 := org()
		d := record(o4, as4, map[string]any{"title": "丁", "leader": float64(w), "leader_time": 40.0})
		if _, err := program.Move(ctx, db, as4, d, "submit", ""); !refused(err) {
			t.Fatalf("110%% of a person's time: %v", err)
		}

		// A project that failed counts against its leader from then on
		// (a rejected application does not: 李主持 led A, rejected, and B).
		f := person("郑失败")
		o5, as5 := org()
		x := record(o5, as5, map[string]any{"title": "戊", "leader": float64(f), "leader_time": 20.0})
		if _, err := program.Move(ctx, db, as5, x, "submit", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := program.Move(ctx, db, mgr, x, "fail", "验收专家组结论：主要指标未完成"); err != nil {
			t.Fatal(err)
		}
		o6, as6 := org()
		y := record(o6, as6, map[string]any{"title": "己", "leader": float64(f), "leader_time": 20.0})
		if _, err := program.Move(ctx, db, as6, y, "submit", ""); !refused(err) {
			t.Fatalf("a leader with a failed project: %v", err)
		}

		// Submissions at once led by one new person: exactly one passes.
		m := person("钱并发")
		var ids [8]int64
		var as [8]access.Principal
		for i := range ids {
			o, p := org()
			ids[i], as[i] = record(o, p, map[string]any{"title": fmt.Sprint("并发", i), "leader": float64(m), "leader_time": 30.0}), p
		}
		var wg sync.WaitGroup
		errs := make([]error, len(ids))
		for i := range ids {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, errs[i] = program.Move(ctx, db, as[i], ids[i], "submit", "")
			}(i)
		}
		wg.Wait()
		passed := 0
		for _, err := range errs {
			switch {
			case err == nil:
				passed++
			case !refused(err):
				t.Fatalf("a concurrent submission failed otherwise: %v", err)
			}
		}
		if passed != 1 {
			t.Fatalf("%d of %d simultaneous submissions against one limit passed: %v", passed, len(ids), errs)
		}
	})
}
