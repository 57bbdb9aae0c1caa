package programsweb_test

import (
	"fmt"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

const contractedProgram = `key: w_contract
name: 任务书网页测试
version: 1
compare: [application, contract]
form:
  - {key: title, label: 项目名称, type: text, required: true}
  - {key: planned_end, label: 计划完成日期, type: date, end: planned}
  - key: tasks
    label: 考核指标
    type: table
    columns:
      - {key: task, label: 任务, type: text}
      - {key: target, label: 指标, type: text}
      - {key: done, label: 已完成, type: boolean, progress: true}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: contracting, name: 签订任务书}
  - {key: running, name: 实施中}
  - {key: revoked, name: 撤销, outcome: revoked}
  - {key: settled, name: 已清算, terminal: true}
transitions:
  - {key: submit, name: 提交, from: draft, to: contracting, by: [owner], requires: [title], snapshot: application}
  - {key: sign, name: 签订, from: contracting, to: running, by: [owner], requires: [tasks], snapshot: contract}
  - {key: pay, name: 拨付, from: running, to: running, by: ["role:manager"], amount: disbursed}
  - {key: report, name: 报送进展, from: running, to: running, by: [owner], requires: [tasks]}
  - {key: revoke, name: 撤销, from: running, to: revoked, by: ["role:manager"], refund: {of: all}}
  - {key: repay, name: 退回, from: revoked, to: settled, by: ["role:manager"], amount: refunded}
`

// TestProgressPanel: the record's page puts the contract's indicators
// beside the application's, shows a change made since the contract, how
// late the project is and, once revoked, the money due back.
func TestProgressPanel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		if _, err := program.Publish(ctx, db, []byte(contractedProgram)); err != nil {
			t.Fatal(err)
		}
		pub, _ := program.Latest(ctx, db, "w_contract")
		call, _ := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "wp-1", Name: "任务书批次", Opens: "2025-01-01", Closes: "2099-12-31"})
		row := func(task, target string) any { return map[string]any{"task": task, "target": target} }
		end := time.Now().AddDate(0, -3, -2).Format(time.DateOnly)
		pr, _ := program.CreateProject(ctx, db, call.ID, e.OrgA.ID, map[string]any{"title": "任务书项目", "planned_end": end,
			"tasks": []any{row("样机", "效率≥90%"), row("专利", "申请2项")}})
		owner := access.Principal{UserID: e.Users[access.Org].ID, Name: "u-org", Roles: []access.Role{access.Org}, OrgID: e.OrgA.ID}
		mgr := access.Principal{UserID: e.Users[access.Manager].ID, Name: "u-manager", Roles: []access.Role{access.Manager}}
		steps := []struct {
			p    access.Principal
			key  string
			data map[string]any
			amt  float64
		}{
			{owner, "submit", nil, 0},
			{owner, "sign", map[string]any{"tasks": []any{row("样机", "效率≥92%"), row("专利", "申请2项")}}, 0},
			{mgr, "pay", nil, 50},
			{owner, "report", map[string]any{"tasks": []any{row("样机", "效率≥92%"), row("专利", "授权1项")}}, 0},
		}
		for _, s := range steps {
			in := program.MoveInput{Data: s.data}
			if s.amt > 0 {
				in.Amount = &s.amt
			}
			if _, err := program.MoveWith(ctx, db, s.p, pr.ID, s.key, in); err != nil {
				t.Fatalf("%s: %v", s.key, err)
			}
		}
		page := fmt.Sprintf("/projects/%d", pr.ID)
		for _, who := range []string{"u-org", "u-manager"} {
			c := e.Client()
			c.SignIn(who, webtest.Password)
			_, body := c.Get(page)
			i := strings.Index(body, `id="progress"`)
			if i < 0 {
				t.Fatalf("%s: no progress panel", who)
			}
			panel := body[i:]
			panel = panel[:strings.Index(panel, "</section>")]
			for _, want := range []string{"任务书", "申报书", "指标：效率≥90%", "指标：效率≥92%", "授权1项", "已逾期 3 个月", end} {
				if !strings.Contains(panel, want) {
					t.Errorf("%s: the panel lacks %q:\n%s", who, want, panel)
				}
			}
			if strings.Contains(panel, "已完成") {
				t.Errorf("%s: progress columns shown as contract terms", who)
			}
		}
		// Revoking is grave: its button asks for a confirmation, and the
		// move wants a reason.
		c := e.Client()
		c.SignIn("u-manager", webtest.Password)
		_, body := c.Get(page)
		if !strings.Contains(body, `class="btn btn-danger" type="submit" name="transition" value="revoke" data-confirm=`) {
			t.Error("the revoke button is not marked grave")
		}
		if i := strings.Index(body, `id="history"`); i < 0 || !strings.Contains(body[i:], `<span class="num">50 元</span>`) {
			t.Error("the tranche's amount is not in the history")
		}
		if resp, body := c.Post(page+"/move", url.Values{"transition": {"revoke"}, "note": {""}}); resp.StatusCode != 422 || !strings.Contains(body, "写明理由") {
			t.Fatalf("revoke without a reason: %d", resp.StatusCode)
		}
		c.Get(page)
		if resp, _ := c.Post(page+"/move", url.Values{"transition": {"revoke"}, "note": {"任务书执行严重滞后"}}); resp.StatusCode != 303 {
			t.Fatalf("revoke with a reason: %d", resp.StatusCode)
		}
		if _, body := c.Get(page); !strings.Contains(body, "应退回资金 50 元，已退回 0 元") {
			t.Error("the refund due is not on the page")
		}
	})
}
