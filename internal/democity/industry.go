package democity

import (
	"fmt"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/program"
)

// challenges: 8 challenge lists published in 2024 (solved, 12 problems in
// all), each contracted with one of the fitting solvers that bid, and 6 in
// the first half of 2025, three of them by 芯源, 四十七所 and 微控, whose
// bidders are docking. What the lists say and their bids are drawn from
// sources of their own (sub), so the city's other records stay as they
// were.
func (g *gen) challenges() error {
	fields := []string{"集成电路", "高端装备", "新能源", "机器人", "人工智能", "航空航天"}
	var plans []matchPlan
	used := map[string]bool{}
	call2024, err := g.call("challenge", 2024)
	if err != nil {
		return err
	}
	for i := 0; i < 8; i++ {
		owner := pick(g, g.large)
		_ = pick(g, fields) // the title's field once; the list's field names it now
		field := pick(g, fields)
		m := g.marks("published", "2024-03-01", "2024-04-30", "in_progress", "2024-07-01", "2024-08-30")
		r := g.sub("challenge2024|" + fmt.Sprint(i))
		tp := topicOf(r, field, used)
		if owner, err = g.fieldOwner(r, field, owner); err != nil {
			return err
		}
		title := fmt.Sprintf("2024年揭榜挂帅：%s", tp.title)
		published, started := m[0].At, m[1].At
		gap := started.Sub(published)
		closed := workday(published.Add(gap * 4 / 10))
		selected := workday(published.Add(gap * 6 / 10))
		contracted := workday(published.Add(gap * 8 / 10))
		bounty := float64(300+50*r.IntN(10)) * 1e4
		term := 18 + 6*r.IntN(3)
		s := rec(owner, title, challengeData(field, tp.title, tp.indicators, bounty, closed.AddDate(0, 0, -1), term),
			[]program.Mark{m[0], {Stage: "bidding_closed", At: closed}, {Stage: "selected", At: selected}, {Stage: "contracted", At: contracted}, m[1]})
		s.Outcomes = fit(field, g.problems([]int{2, 2, 1, 1, 2, 1, 2, 1}[i], "2024-10-01", "2025-06-20"))
		g.solvedSoFar += []int{2, 2, 1, 1, 2, 1, 2, 1}[i]
		id, err := g.recordNow("challenge", s)
		if err != nil {
			return err
		}
		ids, win, err := g.contractedBids(id, owner, call2024, title, field, bounty, term, published, closed, selected, contracted)
		if err != nil {
			return err
		}
		lost := ids[(win+1)%len(ids)]
		plans = append(plans, matchPlan{challenge: id, owner: owner, title: title, field: field, published: published,
			contacted: []int64{ids[win], lost}, ends: []string{"agreement", "declined"}, endAt: []time.Time{contracted.Add(-time.Hour), selected.Add(-time.Hour)}})
	}
	call2025, err := g.call("challenge", 2025)
	if err != nil {
		return err
	}
	owners := []struct {
		short, title, field string
		ind                 [][2]string
	}{{"芯源", "涂胶显影设备精密温控模块", "集成电路", [][2]string{{"温控精度", "±0.02℃"}, {"升降温速率", "≥2℃/秒"}}},
		{"四十七所", "抗辐照微控制器设计验证", "集成电路", [][2]string{{"抗总剂量辐照", "≥100千拉德"}, {"单粒子闩锁阈值", "≥75兆电子伏·平方厘米/毫克"}}},
		{"微控", "磁悬浮飞轮储能轴承", "新能源", [][2]string{{"转子额定转速", "≥30000转/分"}, {"轴承功耗", "≤200瓦"}}},
		{"", "大型铸件智能检测", "高端装备", [][2]string{{"缺陷识别准确率", "≥98%"}, {"单件检测时间", "≤10分钟"}}},
		{"", "协作机器人力控关节", "机器人", [][2]string{{"力矩控制精度", "≤0.1牛·米"}, {"关节响应带宽", "≥200赫兹"}}},
		{"", "工业视觉缺陷检测大模型", "人工智能", [][2]string{{"缺陷类别覆盖", "≥50类"}, {"检出率", "≥99%"}}}}
	for _, o := range owners {
		org := pick(g, g.large)
		if o.short != "" {
			org = g.named[o.short]
		} else if org, err = g.fieldOwner(g.sub("owner|"+o.title), o.field, org); err != nil {
			return err
		}
		title := "揭榜挂帅：" + o.title
		m := g.marks("published", h1From, "2025-03-31")
		deadline := day("2025-04-30")
		if o.short == "" { // still taking bids on 30 June
			deadline = day("2025-07-31")
		}
		s := rec(org, title, challengeData(o.field, o.title, o.ind, 3000000, deadline, 24), m)
		if o.short != "" {
			s.Marks = append(s.Marks, program.Mark{Stage: "bidding_closed", At: day("2025-04-30").Add(17*time.Hour + 30*time.Minute)})
		}
		id, err := g.recordNow("challenge", s)
		if err != nil {
			return err
		}
		if o.short == "" {
			if err := g.openBids(id, org, call2025, title, o.field, 3000000, m[0].At); err != nil {
				return err
			}
			continue
		}
		ids, names := g.solvers(g.sub("bids|"+title), o.field, 2, org)
		for b := 0; b < 2; b++ {
			_ = pick(g, g.unis) // the bidders were drawn here once; they fit the field now
			if b == 1 {
				_ = pick(g, g.institutes[2:])
			}
			marks := g.marks("submitted", "2025-04-01", "2025-04-30", "docking", "2025-05-06", "2025-06-20")
			if err := g.record("challenge_bid", bid(id, call2025, ids[b], title, names[b], 2800000, 24, marks)); err != nil {
				return err
			}
		}
		plans = append(plans, matchPlan{challenge: id, owner: org, title: title, field: o.field, published: m[0].At, contacted: ids, ends: []string{"meeting", "meeting"}, endAt: make([]time.Time, 2)})
	}
	if err := g.dockings(); err != nil {
		return err
	}
	return g.challengeMatches(plans)
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

// finance: four 拨投贷担 support cases approved, each with its legs (a
// grant to convert, a loan, a guarantee) once the institutions are there.
func (g *gen) finance() error {
	phases := []string{"技术研发", "概念验证", "中试", "产业化"}
	var cases []supportCase
	for i, o := range []int64{g.named["中科晶益"], g.named["亿方联创"], pick(g, g.smes), pick(g, g.smes)} {
		s := rec(o, caseTitles[i], data{"phase": phases[i], "amount_requested": 5000000.0, "instruments": []any{"拨投结合（先投后股）", "科技信贷"}},
			g.marks("approved", "2024-09-02", "2025-05-30"))
		c := g.caseHistory(&s, i)
		id, err := g.recordNow("finance_support_case", s)
		if err != nil {
			return err
		}
		c.id = id
		cases = append(cases, c)
	}
	if err := g.flush(); err != nil {
		return err
	}
	if err := g.scienceFinance(); err != nil {
		return err
	}
	if err := g.financeLegs(cases); err != nil {
		return err
	}
	return g.demoAccounts()
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
