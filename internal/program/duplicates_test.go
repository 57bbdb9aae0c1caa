package program_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/integrity"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

const dupTemplate = `key: t_dup
name: 查重测试项目
version: 1
form:
  - {key: title, label: 项目名称, type: text, required: true}
  - {key: plan, label: 研究内容与技术路线（请按照立项背景、研究目标、技术路线分述）, type: longtext, required: true}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: submitted, name: 已提交, terminal: true}
transitions:
  - {key: submit, name: 提交, from: draft, to: submitted, by: [owner], requires: [title, plan], duplicates: {fields: [plan], review: 0.3, refuse: 0.6, years: 3}}
`

// prose is n sentences of made-up technical Chinese, different for each seed.
func prose(seed uint64, n int) []string {
	rng := rand.New(rand.NewPCG(seed, seed*7+1))
	subj := []string{"精密减速器", "伺服电机", "真空干泵", "涂胶显影设备", "工业机器人关节", "燃气轮机叶片", "半导体温控模块", "数控系统", "高温合金铸件", "激光雷达"}
	verb := []string{"优化设计", "联合攻关", "试验验证", "工艺改进", "国产替代", "可靠性提升", "批量制造", "寿命评估"}
	obj := []string{"显著降低振动噪声", "使定位精度达到微米级", "把故障率降低一半以上", "实现关键部件自主可控", "缩短研制周期三成", "满足整机配套要求", "通过用户现场验收", "形成自主知识产权"}
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("第%d阶段围绕%s开展%s，预计%s，并在%d家用户单位应用。", rng.IntN(90)+10, subj[rng.IntN(len(subj))], verb[rng.IntN(len(verb))], obj[rng.IntN(len(obj))], rng.IntN(40)+2)
	}
	return out
}

func TestDuplicateCheck(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := program.Publish(ctx, db, []byte(dupTemplate)); err != nil {
			t.Fatal(err)
		}
		pub, _ := program.Latest(ctx, db, "t_dup")
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "d-1", Name: "查重批次", Opens: "2025-01-01", Closes: "2099-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		submit := func(plan string) (int64, error) {
			t.Helper()
			n++
			o, _ := registry.Create(ctx, db, registry.Organisation{Name: fmt.Sprintf("查重单位%d", n), Kind: "enterprise"})
			as := access.Principal{UserID: int64(n), Name: o.Name, Roles: []access.Role{access.Org}, OrgID: o.ID}
			pr, err := program.CreateProject(ctx, db, call.ID, o.ID, map[string]any{"title": fmt.Sprint("项目", n), "plan": plan})
			if err != nil {
				t.Fatal(err)
			}
			_, err = program.Move(ctx, db, as, pr.ID, "submit", "")
			return pr.ID, err
		}
		label := "研究内容与技术路线（请按照立项背景、研究目标、技术路线分述）"
		a := prose(1, 20)
		first, err := submit(label + "\n" + strings.Join(a, "\n") + "\n参考文献\n[1] 张三. 精密减速器设计. 机械工程学报, 2020.")
		if err != nil {
			t.Fatalf("the first application: %v", err)
		}
		// Half of A's sentences: flagged for review, not blocked.
		half := strings.Join(append(append([]string{}, a[:9]...), prose(2, 11)...), "\n")
		b, err := submit(half)
		if err != nil {
			t.Fatalf("a half-copied application was blocked: %v", err)
		}
		ds, _ := integrity.Decisions(ctx, db, b)
		if d, ok := ds[first]; !ok || d.Decision != "flagged" || d.Score < 0.3 || d.Score >= 0.6 {
			t.Errorf("the half copy's flag: %+v", ds)
		}
		// Nearly all of A: refused, until a manager clears the pair.
		most := strings.Join(append(append([]string{}, a[:18]...), prose(3, 2)...), "\n")
		c, err := submit(most)
		var pe *problem.Error
		if !errors.As(err, &pe) || !errors.Is(err, problem.ErrConflict) || !strings.Contains(pe.Message("zh-CN"), fmt.Sprint(first)) {
			t.Fatalf("a near copy: %v", err)
		}
		// The refusal waits on the managers' list, blocked pairs before flagged ones.
		pend, err := integrity.Pending(ctx, db, 10)
		if err != nil || len(pend) != 2 || pend[0].ProjectID != c || pend[0].OtherID != first || pend[0].Decision != "blocked" || pend[1].ProjectID != b {
			t.Fatalf("pending pairs: %+v %v", pend, err)
		}
		tpl, _ := program.LoadTemplate(ctx, db, pub.ID)
		pc, _ := program.GetProject(ctx, db, c)
		ms, err := program.SimilarRecords(ctx, db, tpl, pc, tpl.Transitions[0].Duplicates)
		if err != nil || len(ms) == 0 || ms[0].DocID != first || len(ms[0].Passages) == 0 || !strings.Contains(strings.Join(a, ""), ms[0].Passages[0].There[:30]) {
			t.Fatalf("the manager's view of the near copy: %+v %v", ms, err)
		}
		if err := integrity.Decide(ctx, db, integrity.Decision{ProjectID: c, OtherID: first, Score: ms[0].Score, Decision: "cleared", Note: "同一团队的延续项目，已核实", Actor: "mgr"}, program.Clock()); err != nil {
			t.Fatal(err)
		}
		as := access.Principal{UserID: 3, Roles: []access.Role{access.Org}, OrgID: pc.OrganisationID}
		if _, err := program.Move(ctx, db, as, c, "submit", ""); err != nil {
			t.Fatalf("after the manager cleared it: %v", err)
		}
		pend, _ = integrity.Pending(ctx, db, 10)
		for _, p := range pend {
			if p.Decision == "blocked" || p.ProjectID == c && p.OtherID == first {
				t.Errorf("pending after the decision: %+v", pend)
			}
		}
		// Different prose sharing only the form's wording, the references
		// and short stock phrases: nothing flagged.
		d, err := submit(label + "\n" + strings.Join(prose(4, 20), "\n") + "\n参考文献\n[1] 张三. 精密减速器设计. 机械工程学报, 2020.")
		if err != nil {
			t.Fatal(err)
		}
		if ds, _ := integrity.Decisions(ctx, db, d); len(ds) != 0 {
			t.Errorf("unrelated prose was flagged: %+v", ds)
		}
	})
}
