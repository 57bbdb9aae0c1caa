package program_test

import (
	"context"
	"errors"
	"strings"
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

// acceptanceTemplate holds a project's life after the contract as data:
// the application and the contract are kept as snapshots and compared;
// acceptance passes only with 80% of the tasks done, at most six months
// late and no change since the contract that no one approved; otherwise
// the manager sends it back to revise, closes it (the leftover comes
// back), fails it (the leader is barred) or revokes it (all comes back).
const acceptanceTemplate = `key: t_accept
name: 验收测试
version: 1
compare: [application, contract]
form:
  - {key: title, label: 项目名称, type: text, required: true}
  - {key: leader, label: 项目负责人, type: person, required: true, ledger: leader}
  - {key: planned_end, label: 计划完成日期, type: date, required: true, end: planned}
  - {key: delayed_end, label: 延期后完成日期, type: date, end: delayed}
  - key: tasks
    label: 考核指标
    type: table
    required: true
    columns:
      - {key: task, label: 任务, type: text, required: true}
      - {key: target, label: 指标, type: text, required: true}
      - {key: done, label: 已完成, type: boolean, progress: true}
  - {key: spent, label: 已支出财政资金, type: money, progress: true}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: submitted, name: 已提交}
  - {key: contracting, name: 签订任务书}
  - {key: running, name: 实施中}
  - {key: acceptance, name: 验收中}
  - {key: revising, name: 整改}
  - {key: accepted, name: 验收通过, terminal: true, outcome: passed}
  - {key: closed, name: 结题（退回结余）, outcome: closed}
  - {key: failed, name: 验收不通过, terminal: true, outcome: failed}
  - {key: revoked, name: 撤销, outcome: revoked}
  - {key: settled, name: 已清算, terminal: true}
transitions:
  - {key: submit, name: 提交, from: [draft], to: submitted, by: [owner], requires: [title, leader, planned_end, tasks], snapshot: application}
  - {key: approve, name: 立项, from: [submitted], to: contracting, by: ["role:manager"], amount: approved}
  - {key: sign, name: 签订任务书, from: [contracting], to: running, by: [owner], requires: [tasks], snapshot: contract}
  - {key: pay, name: 拨付, from: [running], to: running, by: ["role:manager"], amount: disbursed}
  - {key: report, name: 报送进展, from: [running], to: running, by: [owner], requires: [tasks]}
  - {key: approve_change, name: 批准变更, from: [running], to: running, by: ["role:manager"], snapshot: contract}
  - {key: apply_acceptance, name: 申请验收, from: [running, revising], to: acceptance, by: [owner], requires: [tasks]}
  - key: pass
    name: 验收通过
    from: [acceptance]
    to: accepted
    by: ["role:manager"]
    rule: share_done("tasks", "done") >= 80 && overdue_months() <= 6 && changes_since("contract") == 0
    message: 验收通过须完成80%以上考核指标、逾期不超过6个月且无未经批准的变更。
  - {key: revise, name: 整改后重新验收, from: [acceptance], to: revising, by: ["role:manager"]}
  - {key: close, name: 结题, from: [acceptance], to: closed, by: ["role:manager"], refund: {of: leftover, spent: spent}}
  - key: fail
    name: 验收不通过
    from: [acceptance]
    to: failed
    by: ["role:manager"]
    rule: share_done("tasks", "done") < 80 || overdue_months() > 6
    message: 完成80%以上且逾期不超过6个月的项目不能判为不通过。
    bars: {field: leader, years: 3, scopes: [apply], misconduct: 项目验收不通过}
  - {key: revoke, name: 撤销, from: [running, acceptance], to: revoked, by: ["role:manager"], refund: {of: all}}
  - {key: repay, name: 退回资金, from: [closed, revoked], to: settled, by: ["role:manager"], amount: refunded, rule: "record.amount_refunded + move.amount >= record.amount_refund_due", message: 须退回全部应退资金。}
`

func TestAcceptanceOutcomes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := program.Publish(ctx, db, []byte(acceptanceTemplate)); err != nil {
			t.Fatal(err)
		}
		pub, _ := program.Latest(ctx, db, "t_accept")
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "a-1", Name: "验收批次", Opens: "2025-01-01", Closes: "2030-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		line, _ := seal.NewKeyLine("ktest")
		keys, _ := seal.ParseKeyring(line)
		mgr := access.Principal{UserID: 1, Name: "mgr", Roles: []access.Role{access.Manager}}
		today := program.Clock().In(time.FixedZone("CST", 8*3600))
		n := 0
		type rec struct {
			id     int64
			owner  access.Principal
			leader int64
		}
		tasks := func(done ...bool) []any {
			var out []any
			for i, d := range done {
				out = append(out, map[string]any{"task": "任务" + string(rune('一'+i)), "target": "指标" + string(rune('A'+i)), "done": d})
			}
			return out
		}
		// start: applied, approved for 100, contract signed (with the
		// indicators given), 80 paid.
		start := func(end string, contract []any) rec {
			t.Helper()
			n++
			o, _ := registry.Create(ctx, db, registry.Organisation{Name: "验收测试单位" + string(rune('A'+n)), Kind: "enterprise"})
			var person registry.Person
			if err := db.InTx(ctx, func(tx *store.Tx) error {
				var err error
				person, _, err = registry.UpsertPerson(ctx, tx, keys, registry.Person{Name: "负责人" + string(rune('A'+n)), IDNumber: "T-A-" + string(rune('A'+n))})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			as := access.Principal{UserID: int64(100 + n), Name: "org", Roles: []access.Role{access.Org}, OrgID: o.ID}
			data := map[string]any{"title": "验收项目", "leader": float64(person.ID), "planned_end": end, "tasks": tasks(false, false, false, false, false)}
			pr, err := program.CreateProject(ctx, db, call.ID, o.ID, data)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := program.Move(ctx, db, as, pr.ID, "submit", ""); err != nil {
				t.Fatalf("submit: %v", err)
			}
			amt := 100.0
			if _, err := program.MoveWith(ctx, db, mgr, pr.ID, "approve", program.MoveInput{Amount: &amt}); err != nil {
				t.Fatalf("approve: %v", err)
			}
			if _, err := program.MoveWith(ctx, db, as, pr.ID, "sign", program.MoveInput{Data: map[string]any{"tasks": contract}}); err != nil {
				t.Fatalf("sign: %v", err)
			}
			paid := 80.0
			if _, err := program.MoveWith(ctx, db, mgr, pr.ID, "pay", program.MoveInput{Amount: &paid}); err != nil {
				t.Fatalf("pay: %v", err)
			}
			return rec{pr.ID, as, person.ID}
		}
		// report: the owner reports progress (with changed data) and asks for acceptance.
		report := func(r rec, data map[string]any) {
			t.Helper()
			if _, err := program.MoveWith(ctx, db, r.owner, r.id, "report", program.MoveInput{Data: data}); err != nil {
				t.Fatalf("report: %v", err)
			}
			if _, err := program.Move(ctx, db, r.owner, r.id, "apply_acceptance", ""); err != nil {
				t.Fatalf("apply for acceptance: %v", err)
			}
		}
		move := func(r rec, key string, amount *float64) error {
			_, err := program.MoveWith(ctx, db, mgr, r.id, key, program.MoveInput{Amount: amount, Note: "验收专家组意见"})
			return err
		}
		ahead := today.AddDate(0, 3, 0).Format(time.DateOnly)
		// The contract drops the fifth indicator of the application and changes the first.
		contract := tasks(false, false, false, false)
		contract[0].(map[string]any)["target"] = "指标A（修订）"

		// The contract compared with the application: one field differs, row by row.
		a := start(ahead, contract)
		pa, _ := program.GetProject(ctx, db, a.id)
		tpl, _ := program.LoadTemplate(ctx, db, pa.TemplateID)
		snaps, err := program.Snapshots(ctx, db, a.id)
		if err != nil || len(snaps) != 2 || snaps[0].Name != "application" || snaps[1].Name != "contract" {
			t.Fatalf("snapshots: %+v, %v", snaps, err)
		}
		cmp := program.Comparisons(tpl, pa, snaps)
		if len(cmp) != 2 || len(cmp[0].Fields) != 1 || cmp[0].Fields[0].Field.Key != "tasks" || len(cmp[1].Fields) != 0 {
			t.Fatalf("comparisons: %+v", cmp)
		}
		var removed, added []string
		for _, l := range cmp[0].Fields[0].Rows {
			switch l.Op {
			case '-':
				removed = append(removed, l.Text)
			case '+':
				added = append(added, l.Text)
			}
		}
		if len(removed) != 2 || len(added) != 1 || !strings.Contains(added[0], "指标A（修订）") || !strings.Contains(removed[1], "指标E") {
			t.Errorf("the rows that differ: -%q +%q", removed, added)
		}

		// Three of four indicators done is 75%: no pass; revise and resubmit; then it passes.
		report(a, map[string]any{"tasks": withDone(contract, true, true, true, false)})
		if err := move(a, "pass", nil); !errors.Is(err, problem.ErrInvalid) {
			t.Fatalf("passed with 75%% done: %v", err)
		}
		if err := move(a, "revise", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := program.MoveWith(ctx, db, a.owner, a.id, "apply_acceptance", program.MoveInput{Data: map[string]any{"tasks": withDone(contract, true, true, true, true)}}); err != nil {
			t.Fatalf("resubmit: %v", err)
		}
		if err := move(a, "pass", nil); err != nil {
			t.Fatalf("all done, on time, no change: %v", err)
		}
		if err := move(a, "fail", nil); err == nil {
			t.Error("failed a project already accepted")
		}

		// An unapproved change blocks the pass until a manager approves it.
		b := start(ahead, contract)
		changed := withDone(contract, true, true, true, true)
		changed[3].(map[string]any)["target"] = "指标D（自行调整）"
		if _, err := program.MoveWith(ctx, db, b.owner, b.id, "report", program.MoveInput{Data: map[string]any{"tasks": changed}}); err != nil {
			t.Fatal(err)
		}
		pb, _ := program.GetProject(ctx, db, b.id)
		snaps, _ = program.Snapshots(ctx, db, b.id)
		if cmp := program.Comparisons(tpl, pb, snaps); len(cmp[1].Fields) != 1 {
			t.Errorf("changes since the contract: %+v", cmp[1])
		}
		if _, err := program.Move(ctx, db, b.owner, b.id, "apply_acceptance", ""); err != nil {
			t.Fatal(err)
		}
		if err := move(b, "pass", nil); !errors.Is(err, problem.ErrInvalid) {
			t.Fatalf("passed with an unapproved change: %v", err)
		}
		if err := move(b, "revise", nil); err != nil {
			t.Fatal(err)
		}
		// revising is not running: the change is approved before the next try (here: revoked, then a new record)
		if err := move(b, "approve_change", nil); !errors.Is(err, problem.ErrConflict) {
			t.Errorf("approve a change outside running: %v", err)
		}

		// Overdue by a year: no pass however much is done; it fails and bars the leader.
		c := start(today.AddDate(-1, 0, 0).Format(time.DateOnly), contract)
		report(c, map[string]any{"tasks": withDone(contract, true, true, true, true)})
		if err := move(c, "pass", nil); !errors.Is(err, problem.ErrInvalid) {
			t.Fatalf("passed a year late: %v", err)
		}
		if _, err := program.Move(ctx, db, mgr, c.id, "fail", " "); !errors.Is(err, problem.ErrInvalid) {
			t.Fatalf("a failure without a reason: %v", err)
		}
		if err := move(c, "fail", nil); err != nil {
			t.Fatalf("fail: %v", err)
		}
		ss, _, _ := integrity.Screen(ctx, db, []integrity.Subject{{Kind: "person", ID: c.leader}}, "apply", today.Format(time.DateOnly))
		if len(ss) != 1 {
			t.Errorf("the failed project's leader is not barred: %+v", ss)
		}
		// An approved extension moves the end: a delayed end two months ahead is not overdue.
		d := start(today.AddDate(-1, 0, 0).Format(time.DateOnly), contract)
		if _, err := program.MoveWith(ctx, db, mgr, d.id, "approve_change", program.MoveInput{Data: map[string]any{"delayed_end": ahead}}); err != nil {
			t.Fatal(err)
		}
		report(d, map[string]any{"tasks": withDone(contract, true, true, true, true)})
		if err := move(d, "pass", nil); err != nil {
			t.Errorf("an approved extension, all done: %v", err)
		}

		// Closing returns the leftover: 80 paid, 50 spent, 30 due.
		e := start(ahead, contract)
		report(e, map[string]any{"spent": 50.0, "tasks": withDone(contract, true, true, false, false)})
		if err := move(e, "close", nil); err != nil {
			t.Fatal(err)
		}
		pe, _ := program.GetProject(ctx, db, e.id)
		if pe.RefundDue != 30 || pe.Stage != "closed" {
			t.Errorf("closed: due %v in %s, want 30 in closed", pe.RefundDue, pe.Stage)
		}
		if err := move(e, "repay", ptr(40)); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("repaid more than due: %v", err)
		}
		if err := move(e, "repay", ptr(20)); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("settled with 10 still due: %v", err)
		}
		if err := move(e, "repay", ptr(30)); err != nil {
			t.Errorf("repay all due: %v", err)
		}
		if pe, _ = program.GetProject(ctx, db, e.id); pe.Refunded != 30 || pe.Stage != "settled" {
			t.Errorf("after repayment: %v returned, in %s", pe.Refunded, pe.Stage)
		}

		// Revoking makes all that was paid due back, and counts as the leader's failure.
		f := start(ahead, contract)
		if err := move(f, "revoke", nil); err != nil {
			t.Fatal(err)
		}
		if pf, _ := program.GetProject(ctx, db, f.id); pf.RefundDue != 80 {
			t.Errorf("revoked: due %v, want all 80 paid", pf.RefundDue)
		}
	})
}

func withDone(rows []any, done ...bool) []any {
	out := make([]any, len(rows))
	for i, r := range rows {
		m := map[string]any{}
		for k, v := range r.(map[string]any) {
			m[k] = v
		}
		m["done"] = done[i]
		out[i] = m
	}
	return out
}

func ptr(x float64) *float64 { return &x }
