package program_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/integrity"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// fundedTemplate holds the money rules as data: budget limits in the
// submission's rule (public money at most half, no hospitality line), the
// second tranche only after a passed mid-term check, and a failed
// acceptance barring the leader from applying for three years.
const fundedTemplate = `key: t_funded
name: 资助项目测试
version: 1
form:
  - {key: title, label: 项目名称, type: text, required: true}
  - {key: leader, label: 项目负责人, type: person, required: true}
  - key: budget
    label: 预算
    type: table
    required: true
    columns:
      - {key: category, label: 科目, type: choice, options: [设备费, 材料费, 劳务费, 招待费], required: true}
      - {key: public, label: 财政资金, type: money, required: true}
      - {key: self, label: 自筹资金, type: money, required: true}
  - {key: tasks_done, label: 任务完成比例（%）, type: percentage}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: submitted, name: 已提交}
  - {key: contracted, name: 签订任务书}
  - {key: first_paid, name: 首笔拨付}
  - {key: midterm_passed, name: 中期检查通过}
  - {key: midterm_failed, name: 中期检查不通过, terminal: true}
  - {key: second_paid, name: 二笔拨付}
  - {key: accepted, name: 验收通过, terminal: true}
  - {key: failed, name: 验收不通过, terminal: true}
transitions:
  - key: submit
    name: 提交
    from: draft
    to: submitted
    by: [owner]
    requires: [title, leader, budget]
    screen: apply
    rule: 'none(budget, #.category == "招待费") && sum(map(budget, #.public)) <= 0.5 * (sum(map(budget, #.public)) + sum(map(budget, #.self)))'
    message: 预算不得列支招待费，财政资金不得超过总预算的50%。
  - {key: contract, name: 签订任务书, from: submitted, to: contracted, by: ["role:manager"]}
  - {key: pay_first, name: 拨付首笔, from: contracted, to: first_paid, by: ["role:manager"], amount: disbursed}
  - {key: midterm_pass, name: 中期检查通过, from: first_paid, to: midterm_passed, by: ["role:manager"], rule: tasks_done >= 50, message: 中期任务完成不足50%。}
  - {key: midterm_fail, name: 中期检查不通过, from: first_paid, to: midterm_failed, by: ["role:manager"]}
  - {key: pay_second, name: 拨付二笔, from: midterm_passed, to: second_paid, by: ["role:manager"], amount: disbursed}
  - {key: accept, name: 验收通过, from: second_paid, to: accepted, by: ["role:manager"]}
  - {key: fail, name: 验收不通过, from: second_paid, to: failed, by: ["role:manager"], bars: {field: leader, years: 3, scopes: [apply], misconduct: 项目验收不通过}}
`

func TestMoneyRulesAsData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := program.Publish(ctx, db, []byte(fundedTemplate)); err != nil {
			t.Fatal(err)
		}
		pub, _ := program.Latest(ctx, db, "t_funded")
		// a call closing in two months: a sanction in force then bars an application
		closes := program.Clock().AddDate(0, 2, 0).Format(time.DateOnly)
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "f-1", Name: "资助批次", Opens: "2025-01-01", Closes: closes})
		if err != nil {
			t.Fatal(err)
		}
		line, _ := seal.NewKeyLine("ktest")
		keys, _ := seal.ParseKeyring(line)
		var leader registry.Person
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			leader, _, err = registry.UpsertPerson(ctx, tx, keys, registry.Person{Name: "吴负责", IDNumber: "T-F-1"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		mgr := access.Principal{UserID: 1, Name: "mgr", Roles: []access.Role{access.Manager}}
		n := 0
		apply := func(budget []any) (int64, access.Principal, error) {
			t.Helper()
			n++
			o, _ := registry.Create(ctx, db, registry.Organisation{Name: "资助测试单位" + string(rune('A'+n)), Kind: "enterprise"})
			as := access.Principal{UserID: int64(10 + n), Roles: []access.Role{access.Org}, OrgID: o.ID}
			data := map[string]any{"title": "项目", "leader": float64(leader.ID), "budget": budget}
			pr, err := program.CreateProject(ctx, db, call.ID, o.ID, data)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := program.SaveData(ctx, db, program.Files{}, as, pr.ID, data, nil, pr.Version); err != nil {
				t.Fatal(err)
			}
			_, err = program.Move(ctx, db, as, pr.ID, "submit", "")
			return pr.ID, as, err
		}
		row := func(cat string, public, self float64) any {
			return map[string]any{"category": cat, "public": public, "self": self}
		}
		if _, _, err := apply([]any{row("设备费", 100, 100), row("招待费", 1, 1)}); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("a hospitality line: %v", err)
		}
		if _, _, err := apply([]any{row("设备费", 120, 80)}); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("60%% public money: %v", err)
		}
		move := func(id int64, key string, amount *float64) error {
			_, err := program.MoveWith(ctx, db, mgr, id, key, program.MoveInput{Amount: amount, Note: "检查意见"})
			return err
		}
		amt := func(x float64) *float64 { return &x }

		// A failed mid-term check blocks the second tranche.
		a, _, err := apply([]any{row("设备费", 100, 100), row("材料费", 50, 60)})
		if err != nil {
			t.Fatalf("a budget within the limits: %v", err)
		}
		for _, step := range []struct {
			key string
			amt *float64
		}{{"contract", nil}, {"pay_first", amt(90)}, {"midterm_fail", nil}} {
			if err := move(a, step.key, step.amt); err != nil {
				t.Fatalf("%s: %v", step.key, err)
			}
		}
		if err := move(a, "pay_second", amt(60)); !errors.Is(err, problem.ErrConflict) {
			t.Errorf("the second tranche after a failed mid-term check: %v", err)
		}
		if pa, _ := program.GetProject(ctx, db, a); pa.AmountDisbursed != 90 {
			t.Errorf("disbursed %v, want the first tranche's 90", pa.AmountDisbursed)
		}

		// A failed acceptance bars the leader: the next application he leads is refused.
		b, _, err := apply([]any{row("设备费", 100, 100)})
		if err != nil {
			t.Fatal(err)
		}
		pb, _ := program.GetProject(ctx, db, b)
		pb.Data["tasks_done"] = 80.0
		if _, err := db.ExecContext(ctx, `UPDATE projects SET data = ? WHERE id = ?`, mustJSON(t, pb.Data), b); err != nil {
			t.Fatal(err)
		}
		for _, step := range []struct {
			key string
			amt *float64
		}{{"contract", nil}, {"pay_first", amt(90)}, {"midterm_pass", nil}, {"pay_second", amt(60)}, {"fail", nil}} {
			if err := move(b, step.key, step.amt); err != nil {
				t.Fatalf("%s: %v", step.key, err)
			}
		}
		ss, _ := integrity.List(ctx, db)
		today := program.Clock().In(time.FixedZone("CST", 8*3600))
		if len(ss) != 1 || ss[0].SubjectID != leader.ID || ss[0].Starts != today.Format(time.DateOnly) || ss[0].Ends != today.AddDate(3, 0, -1).Format(time.DateOnly) {
			t.Fatalf("the failure's sanction: %+v", ss)
		}
		if _, _, err := apply([]any{row("设备费", 100, 100)}); !errors.Is(err, problem.ErrConflict) {
			t.Errorf("the barred leader applied again: %v", err)
		}
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
