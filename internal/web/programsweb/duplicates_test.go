package programsweb_test

import (
	"fmt"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
	"net/url"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

const dupProgram = `key: w_dup
name: 查重网页测试
version: 1
form:
  - {key: title, label: 项目名称, type: text, required: true}
  - {key: plan, label: 研究内容, type: longtext, required: true}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: submitted, name: 已提交, terminal: true}
transitions:
  - {key: submit, name: 提交, from: draft, to: submitted, by: [owner], requires: [title, plan], duplicates: {fields: [plan], review: 0.3, refuse: 0.6, years: 3}}
`

// TestDuplicatesOverHTTP: a near copy of an earlier application is held;
// the manager sees the shared passages side by side and clears it with a
// reason; the applicant then submits.
func TestDuplicatesOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		if _, err := program.Publish(ctx, db, []byte(dupProgram)); err != nil {
			t.Fatal(err)
		}
		pub, _ := program.Latest(ctx, db, "w_dup")
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "wd-1", Name: "查重批次", Opens: "2025-01-01", Closes: "2099-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		plan := "本项目围绕精密减速器的齿形修形开展联合攻关，采用多体动力学仿真与台架试验相结合的方法。\n重点突破摆线轮磨削精度控制和柔性轴承寿命评估两项关键技术，预计传动误差小于一弧分。\n项目组由整机企业牵头，联合两所高校开展材料热处理工艺研究，在三家用户单位开展现场验证。"
		first, _ := program.CreateProject(ctx, db, call.ID, e.OrgB.ID, map[string]any{"title": "甲", "plan": plan})
		if _, err := program.Move(ctx, db, access.Principal{UserID: 99, Roles: []access.Role{access.Org}, OrgID: e.OrgB.ID}, first.ID, "submit", ""); err != nil {
			t.Fatal(err)
		}
		copyRec, _ := program.CreateProject(ctx, db, call.ID, e.OrgA.ID, map[string]any{"title": "乙", "plan": plan + "\n另补充一句说明。"})
		org := e.Client()
		org.SignIn("u-org", webtest.Password)
		org.Get(fmt.Sprintf("/projects/%d", copyRec.ID))
		resp, body := org.Post(fmt.Sprintf("/projects/%d/move", copyRec.ID), url.Values{"transition": {"submit"}})
		if resp.StatusCode != 409 || !strings.Contains(body, "高度重复") {
			t.Fatalf("a near copy: %d", resp.StatusCode)
		}
		mgr := e.Client()
		mgr.SignIn("u-manager", webtest.Password)
		// The register's page lists the blocked submission, linking to its record.
		_, body = mgr.Get("/integrity")
		if i := strings.Index(body, `id="pending-duplicates"`); i < 0 || !strings.Contains(body[i:], fmt.Sprintf(`data-pair="%d-%d"`, copyRec.ID, first.ID)) || !strings.Contains(body[i:], "提交被拦截") {
			t.Fatal("the blocked submission is not on the managers' list")
		}
		_, body = mgr.Get(fmt.Sprintf("/projects/%d", copyRec.ID))
		if !strings.Contains(body, `id="duplicates"`) || !strings.Contains(body, fmt.Sprintf(`data-other="%d"`, first.ID)) || !strings.Contains(body, "摆线轮磨削精度控制") {
			t.Fatal("the manager does not see the shared passages")
		}
		if resp, _ := mgr.Post(fmt.Sprintf("/projects/%d/duplicates/%d", copyRec.ID, first.ID), url.Values{"decision": {"cleared"}, "note": {""}, "score": {"0.9"}}); resp.StatusCode != 422 {
			t.Errorf("cleared without a reason: %d", resp.StatusCode)
		}
		if resp, _ := mgr.Post(fmt.Sprintf("/projects/%d/duplicates/%d", copyRec.ID, first.ID), url.Values{"decision": {"cleared"}, "note": {"同一团队前期成果的延续，已核实"}, "score": {"0.9"}}); resp.StatusCode != 303 {
			t.Fatalf("clear: %d", resp.StatusCode)
		}
		org.Get(fmt.Sprintf("/projects/%d", copyRec.ID))
		if resp, _ := org.Post(fmt.Sprintf("/projects/%d/move", copyRec.ID), url.Values{"transition": {"submit"}}); resp.StatusCode != 303 {
			t.Fatalf("submit after clearing: %d", resp.StatusCode)
		}
		if _, body = mgr.Get("/integrity"); strings.Contains(body, fmt.Sprintf(`data-pair="%d-%d"`, copyRec.ID, first.ID)) {
			t.Error("a decided pair is still on the list")
		}
	})
}
