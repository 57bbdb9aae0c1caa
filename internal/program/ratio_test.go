package program_test

import (
	"context"
	"errors"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// ratioTemplate: the self-funding ratio depends on the applicant's kind,
// as data in the rule (enterprises 1:2, others 1:1), and public money may
// not pay for buildings.
const ratioTemplate = `key: t_ratio
name: 配套比例测试
version: 1
form:
  - {key: title, label: 项目名称, type: text, required: true}
  - key: budget
    label: 预算
    type: table
    required: true
    columns:
      - {key: category, label: 科目, type: choice, options: [设备费, 材料费, 基建费], required: true}
      - {key: public, label: 财政资金, type: money, required: true}
      - {key: self, label: 自筹资金, type: money, required: true}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: submitted, name: 已提交, terminal: true}
transitions:
  - key: submit
    name: 提交
    from: draft
    to: submitted
    by: [owner]
    requires: [title, budget]
    rule: 'sum(map(budget, #.self)) >= (applicant.kind == "enterprise" ? 2 : 1) * sum(map(budget, #.public)) && none(budget, #.category == "基建费" && #.public > 0)'
    message: 自筹资金与财政资金之比：企业不低于2:1，其他单位不低于1:1；财政资金不得列支基建费。
`

func TestSelfFundingRatioByKind(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := program.Publish(ctx, db, []byte(ratioTemplate)); err != nil {
			t.Fatal(err)
		}
		pub, _ := program.Latest(ctx, db, "t_ratio")
		call, _ := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "r-1", Name: "配套批次", Opens: "2025-01-01", Closes: "2099-12-31"})
		row := func(cat string, public, self float64) any {
			return map[string]any{"category": cat, "public": public, "self": self}
		}
		n := 0
		for _, c := range []struct {
			kind   string
			budget []any
			ok     bool
		}{
			{"enterprise", []any{row("设备费", 100, 150)}, false},
			{"enterprise", []any{row("设备费", 100, 150), row("材料费", 0, 50)}, true},
			{"university", []any{row("设备费", 100, 100)}, true},
			{"university", []any{row("设备费", 100, 99)}, false},
			{"university", []any{row("设备费", 100, 200), row("基建费", 1, 0)}, false},
			{"university", []any{row("设备费", 100, 200), row("基建费", 0, 50)}, true},
		} {
			n++
			o, _ := registry.Create(ctx, db, registry.Organisation{Name: "配套测试单位" + string(rune('A'+n)), Kind: c.kind})
			pr, _ := program.CreateProject(ctx, db, call.ID, o.ID, map[string]any{"title": "项目", "budget": c.budget})
			_, err := program.Move(ctx, db, access.Principal{UserID: 1, Roles: []access.Role{access.Org}, OrgID: o.ID}, pr.ID, "submit", "")
			if c.ok && err != nil || !c.ok && !errors.Is(err, problem.ErrInvalid) {
				t.Errorf("%s %v: %v, want ok=%v", c.kind, c.budget, err, c.ok)
			}
		}
	})
}
