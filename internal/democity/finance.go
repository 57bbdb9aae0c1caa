package democity

import (
	"fmt"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/finance"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
)

// institutions are the demo city's banks, guarantors, insurers and fund
// managers.
var institutions = []struct{ name, kind string }{
	{"中国银行沈阳分行科技金融中心", "bank"}, {"盛京银行科技支行", "bank"}, {"沈阳农村商业银行科技支行", "bank"},
	{"招商银行沈阳分行", "bank"}, {"兴业银行沈阳分行", "bank"}, {"建设银行辽宁省分行科技金融创新中心", "bank"},
	{"沈阳中小企业融资担保有限公司", "guarantor"}, {"辽宁省融资再担保集团有限公司", "guarantor"},
	{"中国人民财产保险沈阳市分公司", "insurer"}, {"太平洋财产保险辽宁分公司", "insurer"},
	{"沈阳创新投资管理有限公司", "fund"}, {"沈阳天使投资基金管理有限公司", "fund"}, {"沈阳科技成果转化基金管理有限公司", "fund"},
}

type demoProduct struct {
	inst             int // index in institutions
	kind, name, desc string
	stages           []string
	min, max, rate   float64
	collateral       string
	days             int
	listed           string
}

var demoProducts = []demoProduct{
	{0, "tech_credit", "科创研发贷", "面向技术研发阶段科技型中小企业的信用贷款，按研发投入核定额度", []string{"rd", "poc"}, 5e5, 1e7, 3.45, "none", 5, "2023-03-01"},
	{1, "tech_credit", "概念验证贷", "支持概念验证中心入驻项目的原型研制和验证", []string{"poc"}, 3e5, 3e6, 3.3, "none", 7, "2024-02-01"},
	{2, "tech_credit", "中试贷", "支持中试基地和中试线建设、工艺熟化", []string{"pilot"}, 1e6, 2e7, 3.6, "none", 7, "2023-06-01"},
	{3, "tech_credit", "科技人才贷", "面向高层次人才创办企业的信用贷款", []string{"rd", "poc", "pilot"}, 5e5, 5e6, 3.5, "none", 5, "2024-04-01"},
	{5, "tech_credit", "善新贷", "面向高新技术企业、专精特新企业的信用贷款", nil, 1e6, 3e7, 3.4, "none", 10, "2023-01-01"},
	{4, "ip_pledge", "知识产权质押贷", "以专利、商标质押，评估、登记、放款一站办理", []string{"rd", "poc", "pilot", "industrialisation"}, 5e5, 1e7, 3.2, "ip", 15, "2023-05-01"},
	{0, "ip_pledge", "专利快贷", "发明专利质押，政府贴息和风险补偿", []string{"pilot", "industrialisation"}, 3e5, 5e6, 3.0, "ip", 10, "2024-03-01"},
	{1, "equity_pledge", "股权质押贷", "以企业股权质押，支持产业化扩产", []string{"industrialisation"}, 1e6, 5e7, 3.9, "equity", 20, "2023-09-01"},
	{3, "equity_pledge", "投贷联动贷", "投资机构跟投企业的股权质押贷款", []string{"pilot", "industrialisation"}, 1e6, 3e7, 3.8, "equity", 15, "2024-06-01"},
	{5, "chain_finance", "链主e贷", "依托链主企业应付账款，为上游配套企业融资", []string{"industrialisation"}, 1e5, 1e7, 3.6, "receivables", 3, "2023-04-01"},
	{2, "chain_finance", "产业链订单贷", "按产业链订单核定额度", []string{"pilot", "industrialisation"}, 2e5, 5e6, 3.9, "receivables", 5, "2024-01-15"},
	{6, "guarantee", "科技担保贷", "政府性融资担保，担保费率不超过1%", nil, 1e5, 1e7, 1.0, "none", 10, "2023-02-01"},
	{7, "guarantee", "再担保科技专项", "省再担保分险", []string{"rd", "poc", "pilot"}, 1e6, 2e7, 0.8, "none", 15, "2024-05-01"},
	{8, "insurance_rd", "研发费用损失保险", "研发失败导致的研发费用损失", []string{"rd", "poc"}, 0, 5e6, 1.5, "none", 10, "2024-03-15"},
	{9, "insurance_rd", "首台（套）重大技术装备综合保险", "首台（套）装备质量和责任风险", []string{"pilot", "industrialisation"}, 0, 2e7, 2.0, "none", 15, "2023-07-01"},
	{8, "insurance_transfer", "科技成果转化费用损失保险", "成果转化中试、产业化阶段的费用损失", []string{"pilot", "industrialisation"}, 0, 5e6, 1.8, "none", 10, "2024-06-15"},
	{9, "insurance_transfer", "知识产权转化保险", "专利许可转让中的价值损失", []string{"industrialisation"}, 0, 3e6, 1.6, "none", 10, "2025-01-10"},
	{10, "fund_investment", "天使跟投计划", "天使基金跟投早期科技型企业", []string{"rd", "poc"}, 1e6, 1e7, 0, "none", 30, "2024-01-01"},
}

// scienceFinance: financial institutions and their products, funding needs
// of SMEs sent to products and decided (a few late, a few pending), and
// three government funds investing mostly in seed and start-up firms.
func (g *gen) scienceFinance() error {
	if g.copy > 0 {
		return nil
	}
	var orgs []registry.Organisation
	for _, in := range institutions {
		orgs = append(orgs, registry.Organisation{Name: in.name, Kind: in.kind, District: "210102", CreditCode: g.creditCode("enterprise", "210102"), Description: "演示数据：科技金融机构"})
	}
	if err := g.insertOrgs(orgs); err != nil {
		return err
	}
	g.sum.Organisations += len(orgs)
	var prods []finance.Product
	for _, d := range demoProducts {
		p, err := finance.Publish(g.ctx, g.db, finance.Product{InstitutionID: orgs[d.inst].ID, Kind: d.kind, Name: d.name, Description: d.desc,
			Stages: d.stages, AmountMin: d.min, AmountMax: d.max, Rate: d.rate, Collateral: d.collateral, PromisedDays: d.days, Listed: d.listed})
		if err != nil {
			return fmt.Errorf("demo product %s: %w", d.name, err)
		}
		prods = append(prods, p)
	}
	staff := access.Principal{Name: "demo", Roles: []access.Role{access.Manager}}
	stageNames := []string{"技术研发", "概念验证", "中试", "产业化"}
	sent := 0
	tt := g.titler("needs")
	for i := 0; i < 60; i++ {
		stage := stageNames[i%4]
		amount := float64(5+g.rng.IntN(60)) * 1e5
		posted := g.in("2024-03-01", "2025-06-10")
		s := rec(pick(g, g.smes), first(tt.name(needItems, []string{"融资需求", "资金需求", "贷款需求"})), data{"stage": stage, "amount_requested": amount, "collateral": pick(g, []string{"信用", "信用", "知识产权质押", "应收账款"}),
			"purpose": stage + "阶段的资金需求：研发投入、样机试制与中试验证"}, nil)
		s.Marks = append(s.Marks, program.Mark{Stage: "posted", At: posted})
		id, err := g.recordNow("funding_need", s)
		if err != nil {
			return err
		}
		if i%4 == 3 && i > 40 {
			continue // a few needs not sent yet
		}
		day := posted.AddDate(0, 0, 1+g.rng.IntN(5))
		for _, p := range prods {
			a, err := finance.Send(g.ctx, g.db, staff, id, p.ID, day)
			if err != nil {
				continue // not eligible: try the next product
			}
			sent++
			wait := 1 + g.rng.IntN(max(2, p.PromisedDays+3)) // a few past the promise
			decided := day.AddDate(0, 0, wait).Format(time.DateOnly)
			switch {
			case decided > AsOf:
			case g.rng.IntN(5) == 0:
				_, err = finance.Decide(g.ctx, g.db, staff, a.ID, "declined", 0, decided, "暂不符合授信条件", a.Version)
			default:
				_, err = finance.Decide(g.ctx, g.db, staff, a.ID, "approved", a.Requested*float64(6+g.rng.IntN(5))/10, decided, "", a.Version)
			}
			if err != nil {
				return fmt.Errorf("demo decision: %w", err)
			}
			break
		}
	}
	if sent == 0 {
		return fmt.Errorf("demo city: no funding need fitted a product")
	}
	funds := []finance.Fund{
		{ManagerID: orgs[10].ID, Kind: "guidance", Name: "沈阳市政府引导基金", Size: 5e9, Founded: "2019-06-01"},
		{ManagerID: orgs[11].ID, Kind: "angel", Name: "沈阳市天使投资基金", Size: 1e9, Founded: "2021-03-01"},
		{ManagerID: orgs[12].ID, Kind: "transformation", Name: "沈阳市科技成果转化基金", Size: 5e8, Founded: "2022-09-01"},
	}
	stages := []string{"seed", "startup", "startup", "growth", "seed", "startup", "mature"}
	for i, f := range funds {
		f, err := finance.AddFund(g.ctx, g.db, f)
		if err != nil {
			return err
		}
		for j := 0; j < 8+4*i; j++ {
			_, err := finance.Invest(g.ctx, g.db, finance.Investment{FundID: f.ID, InvesteeID: pick(g, g.smes), Stage: pick(g, stages),
				Amount: float64(1+g.rng.IntN(30)) * 1e6, On: g.in("2023-01-01", "2025-06-27").Format(time.DateOnly)})
			if err != nil {
				return fmt.Errorf("demo investment: %w", err)
			}
		}
	}
	return nil
}
