package democity

import (
	"fmt"

	"github.com/xinzhi-platform/xinzhi/internal/program"
)

// challenges: 8 challenge lists published in 2024 (solved, 12 problems in
// all) and 6 in the first half of 2025, three of them by 芯源, 四十七所 and
// 微控, whose bidders are docking.
func (g *gen) challenges() error {
	fields := []string{"集成电路", "高端装备", "新能源", "机器人", "人工智能", "航空航天"}
	for i := 0; i < 8; i++ {
		s := rec(pick(g, g.large), fmt.Sprintf("2024年揭榜挂帅：%s关键技术榜单%d", pick(g, fields), i+1), data{"field": pick(g, fields), "amount_requested": 5000000.0},
			g.marks("published", "2024-03-01", "2024-04-30", "in_progress", "2024-07-01", "2024-08-30"))
		s.Outcomes = g.problems([]int{2, 2, 1, 1, 2, 1, 2, 1}[i], "2024-10-01", "2025-06-20")
		g.solvedSoFar += []int{2, 2, 1, 1, 2, 1, 2, 1}[i]
		if err := g.record("challenge", s); err != nil {
			return err
		}
	}
	owners := []struct {
		short, title, field string
	}{{"芯源", "涂胶显影设备精密温控模块", "集成电路"}, {"四十七所", "抗辐照微控制器设计验证", "集成电路"}, {"微控", "磁悬浮飞轮储能轴承", "新能源"},
		{"", "大型铸件智能检测", "高端装备"}, {"", "协作机器人力控关节", "机器人"}, {"", "工业视觉缺陷检测大模型", "人工智能"}}
	for _, o := range owners {
		org := pick(g, g.large)
		if o.short != "" {
			org = g.named[o.short]
		}
		s := rec(org, "揭榜挂帅："+o.title, data{"field": o.field, "amount_requested": 3000000.0}, g.marks("published", h1From, "2025-03-31"))
		id, err := g.recordNow("challenge", s)
		if err != nil {
			return err
		}
		if o.short == "" {
			continue
		}
		for b := 0; b < 2; b++ {
			bidder := pick(g, g.unis)
			if b == 1 {
				bidder = pick(g, g.institutes[2:])
			}
			bid := program.Seeded{OrganisationID: bidder, ParentID: id, Title: "揭榜：" + o.title, ChildKind: "bids", TemplateKey: "challenge_bid", CallID: g.calls["challenge|2025"],
				Data: data{"solution": "针对" + o.title + "的联合攻关方案", "quoted_amount": 2800000.0}, Marks: g.marks("submitted", "2025-04-01", "2025-04-30", "docking", "2025-05-06", "2025-06-20")}
			if err := g.record("challenge_bid", bid); err != nil {
				return err
			}
		}
	}
	return g.dockings()
}

// recommendations: 299 projects recommended to the province in the first
// half of 2025 (260 in 2024); 沈飞, 燃机 and 富创 recommended for the
// central guidance fund.
func (g *gen) recommendations() error {
	progs := []string{"省重大科技专项", "省重点研发计划", "省未来产业", "省应用基础研究计划"}
	pool := append(append([]int64{}, g.large...), g.unis...)
	for _, y := range []struct {
		n              int
		from, to, f, t string
	}{{260, "2024-02-01", "2024-03-31", "2024-04-01", "2024-06-28"}, {299, "2024-12-02", "2024-12-31", h1From, h1To}} {
		for i := 0; i < y.n; i++ {
			p := pick(g, progs)
			s := rec(pick(g, pool), fmt.Sprintf("%s推荐项目%s-%03d", p, y.t[:4], i+1), data{"provincial_program": p, "amount_requested": 1000000.0},
				g.marks("submitted", y.from, y.to, "recommended", y.f, y.t))
			if err := g.record("provincial_recommendation", s); err != nil {
				return err
			}
		}
	}
	for _, o := range []string{"沈飞", "燃机", "富创"} {
		s := rec(g.named[o], o+"中央引导地方科技发展资金项目", data{"category": "科技成果转移转化", "amount_requested": 10000000.0},
			g.marks("submitted", "2025-02-03", "2025-02-28", "recommended", "2025-03-10", "2025-04-30"))
		if err := g.record("central_guidance_fund", s); err != nil {
			return err
		}
	}
	return nil
}

// finance: four 拨投贷担 support cases approved.
func (g *gen) finance() error {
	phases := []string{"技术研发", "概念验证", "中试", "产业化"}
	for i, o := range []int64{g.named["中科晶益"], g.named["亿方联创"], pick(g, g.smes), pick(g, g.smes)} {
		s := rec(o, fmt.Sprintf("拨投结合支持案例%d", i+1), data{"phase": phases[i], "amount_requested": 5000000.0, "instruments": []any{"拨投结合（先投后股）", "科技信贷"}},
			g.marks("approved", "2024-09-02", "2025-05-30"))
		if err := g.record("finance_support_case", s); err != nil {
			return err
		}
	}
	if err := g.flush(); err != nil {
		return err
	}
	return g.scienceFinance()
}

// green: 54 enterprises applied for provincial green manufacturing in the
// first half of 2025; 40 in 2024, 25 of them listed.
func (g *gen) green() error {
	pool := append(append([]int64{}, g.large...), g.smes[:600]...)
	for i, o := range take(g, pool, 94) {
		s := rec(o, "", data{"category": "绿色工厂", "level": "省级"}, nil)
		if i < 54 {
			s.Marks = g.marks("submitted", h1From, h1To)
		} else if i < 79 {
			s.Marks = g.marks("submitted", "2024-03-01", "2024-04-30", "listed", "2024-09-02", "2024-11-29")
		} else {
			s.Marks = g.marks("submitted", "2024-03-01", "2024-04-30", "not_recommended", "2024-06-03", "2024-06-28")
		}
		if err := g.record("green_manufacturing", s); err != nil {
			return err
		}
	}
	return nil
}
