package democity

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/finance"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// The organisations of the demo accounts (demo-org, demo-finance); the
// server's demo seeding finds them by these names.
const (
	DemoEnterprise = "沈阳示例智能装备有限公司（演示）"
	DemoBank       = "沈阳示例科技银行（演示）"
)

// demoAccounts gives the demo accounts' organisations something to see:
// the bank three products and needs sent to them (two decided, the rest
// waiting in its inbox); the enterprise a funding need waiting at the
// bank, a challenge waiting for screening, a draft bid, and two projects
// under way with their tranches. None of it is in a figure of the letter.
func (g *gen) demoAccounts() error {
	if g.copy > 0 {
		return nil
	}
	if _, err := registry.ByName(g.ctx, g.db, DemoBank); err == nil {
		return nil
	} else if !errors.Is(err, problem.ErrNotFound) {
		return err
	}
	r := g.sub("demo")
	orgs := []registry.Organisation{
		{Name: DemoEnterprise, Kind: "enterprise", District: "210112", Size: "small", Clusters: []string{"高端装备"}, Tags: []string{"科技型中小企业"},
			CreditCode: g.creditCode("enterprise", "210112"), Founded: "2016-05-18", Address: "沈阳市浑南区创新路199号（演示）",
			Description: "演示数据：演示企业账号（demo-org）所属企业，智能数控装备研发制造"},
		{Name: DemoBank, Kind: "bank", District: "210102", CreditCode: g.creditCode("enterprise", "210102"), Description: "演示数据：演示银行账号（demo-finance）所属机构"},
	}
	if err := g.insertOrgs(orgs); err != nil {
		return err
	}
	g.sum.Organisations += len(orgs)
	ent, bank := orgs[0].ID, orgs[1].ID
	// The firm's yearly figures fill its profile (一企一档); output value,
	// which the clusters' growth counts, is left to the city's firms.
	var figs []registry.Figure
	for i, y := range []int{2022, 2023, 2024} {
		for kind, v := range map[string][3]float64{"revenue": {4860, 5530, 6410}, "rd_spending": {520, 610, 770}, "staff": {86, 97, 112},
			"rd_staff": {31, 36, 43}, "invention_patents": {9, 13, 18}, "total_assets": {7200, 8100, 9350}, "tax": {210, 246, 301}} {
			figs = append(figs, registry.Figure{OrganisationID: ent, Year: y, Kind: kind, Value: v[i], Source: "演示数据"})
		}
	}
	slices.SortFunc(figs, func(a, b registry.Figure) int {
		return cmp.Or(cmp.Compare(a.Year, b.Year), cmp.Compare(a.Kind, b.Kind))
	})
	if err := g.db.InTx(g.ctx, func(tx *store.Tx) error { return registry.InsertFigures(g.ctx, tx, figs) }); err != nil {
		return fmt.Errorf("demo enterprise figures: %w", err)
	}
	var prods []finance.Product
	for _, p := range []finance.Product{
		{Kind: "tech_credit", Name: "示例科创贷", Description: "面向研发、概念验证和中试阶段科技型中小企业的信用贷款（演示）", Stages: []string{"rd", "poc", "pilot"},
			AmountMin: 3e5, AmountMax: 1e7, Rate: 3.5, Collateral: "none", PromisedDays: 7, Listed: "2024-01-02"},
		{Kind: "ip_pledge", Name: "示例知识产权质押贷", Description: "发明专利、商标质押融资，评估登记放款一站办理（演示）", Stages: []string{"rd", "poc", "pilot", "industrialisation"},
			AmountMin: 5e5, AmountMax: 8e6, Rate: 3.2, Collateral: "none", PromisedDays: 10, Listed: "2024-03-01"},
		{Kind: "chain_finance", Name: "示例订单贷", Description: "按链主企业订单核定额度的产业链融资（演示）", Stages: []string{"pilot", "industrialisation"},
			AmountMin: 2e5, AmountMax: 5e6, Rate: 3.8, Collateral: "none", PromisedDays: 5, Listed: "2024-06-03"},
	} {
		p.InstitutionID = bank
		got, err := finance.Publish(g.ctx, g.db, p)
		if err != nil {
			return fmt.Errorf("demo bank product %s: %w", p.Name, err)
		}
		prods = append(prods, got)
	}
	staff := access.Principal{Name: "demo", Roles: []access.Role{access.Manager}}
	stages := []string{"技术研发", "概念验证", "中试", "中试", "技术研发"}
	tt := g.titler("demo needs")
	for i, stage := range stages {
		org := g.smes[r.IntN(len(g.smes))]
		title := first(tt.name(needItems, []string{"融资需求", "流动资金需求"}))
		if i == 0 {
			org, title = ent, "数控装备中试线建设融资需求"
		}
		posted := after(r, day("2025-05-06"), 5*i, 8)
		s := rec(org, title, data{"stage": stage, "amount_requested": float64(50+10*r.IntN(20)) * 1e4, "collateral": "信用",
			"purpose": stage + "阶段的资金需求：样机试制、中试验证与产线改造"}, []program.Mark{{Stage: "posted", At: posted}})
		id, err := g.recordNow("funding_need", s)
		if err != nil {
			return err
		}
		sent := after(r, posted, 1, 3)
		if i == 0 {
			sent = day("2025-06-23").Add(10 * time.Hour)
		}
		var a finance.Application
		for _, p := range prods {
			if a, err = finance.Send(g.ctx, g.db, staff, id, p.ID, sent); err == nil {
				break
			}
		}
		if err != nil {
			return fmt.Errorf("demo need %s: %w", title, err)
		}
		switch i { // two decided, three waiting in the bank's inbox
		case 1:
			_, err = finance.Decide(g.ctx, g.db, staff, a.ID, "approved", a.Requested*0.8, after(r, sent, 3, 2).Format(time.DateOnly), "", a.Version)
		case 2:
			_, err = finance.Decide(g.ctx, g.db, staff, a.ID, "declined", 0, after(r, sent, 4, 2).Format(time.DateOnly), "近两年研发投入不足，暂不符合授信条件", a.Version)
		}
		if err != nil {
			return fmt.Errorf("demo decision: %w", err)
		}
	}
	return g.demoEnterprise(ent)
}

// demoEnterprise writes the demo enterprise's own records.
func (g *gen) demoEnterprise(ent int64) error {
	ch := rec(ent, "揭榜挂帅：高速电主轴智能健康监测", challengeData("高端装备", "高速电主轴智能健康监测",
		[][2]string{{"故障预警准确率", "≥95%"}, {"提前预警时间", "≥48小时"}}, 2000000, day("2025-09-30"), 18),
		[]program.Mark{{Stage: "submitted", At: day("2025-06-20").Add(14 * time.Hour)}})
	ch.Created = day("2025-06-16").Add(10 * time.Hour)
	if err := g.record("challenge", ch); err != nil {
		return err
	}
	eq := rec(ent, "五轴联动数控加工中心攻关", data{"chain": "高端装备", "dimension": "进口产品国产替代", "link": "整机", "mode": "联合攻关", "amount_requested": 3000000.0},
		[]program.Mark{{Stage: "approved", At: day("2024-07-15").Add(10 * time.Hour)}, {Stage: "in_progress", At: day("2024-08-05").Add(15 * time.Hour)}})
	eq.Approved = 2400000
	g.equipmentTranches(&eq)
	if err := g.record("major_equipment_tackling", eq); err != nil {
		return err
	}
	sp := rec(ent, "智能数控系统自适应加工", data{"field": "高端装备", "amount_requested": 5000000.0},
		[]program.Mark{{Stage: "approved", At: day("2023-06-12").Add(10 * time.Hour)}})
	sp.Approved = 4000000
	g.specialHistory(&sp)
	if err := g.record("major_special_project", sp); err != nil {
		return err
	}
	// a draft bid on a list still open: the demo user may submit it
	var open, call int64
	if err := g.db.QueryRowContext(g.ctx, `SELECT id, call_id FROM projects WHERE title = ?`, "揭榜挂帅：大型铸件智能检测").Scan(&open, &call); err != nil {
		return fmt.Errorf("the open challenge: %w", err)
	}
	b := bid(open, call, ent, "揭榜挂帅：大型铸件智能检测", DemoEnterprise, 2600000, 20, nil)
	b.Created = day("2025-06-25").Add(11 * time.Hour)
	if err := g.record("challenge_bid", b); err != nil {
		return err
	}
	return g.flush()
}
