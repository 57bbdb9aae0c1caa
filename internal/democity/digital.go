package democity

import (
	"fmt"
	"slices"

	"github.com/xinzhi-platform/xinzhi/internal/program"
)

// lot is n records of one shape: the marks as stage, from, to triples.
type lot struct {
	n     int
	marks []string
}

// smeSets are the SMEs of the pilot (1,400) and, apart from them, the 109
// that complete a smart upgrade in the first half of 2025; with the pilot's
// first 30, accepted in that half year, they are the letter's 139 SMEs that
// finished a transformation. Drawn once per copy of the city.
func (g *gen) smeSets() (pilot, upgraded25 []int64) {
	if g.sme == nil {
		perm := take(g, g.smes, len(g.smes))
		g.sme = [][]int64{perm[:1400], perm[1400:1509]}
	}
	return g.sme[0], g.sme[1]
}

// smartUpgrade: 476 projects ever admitted to the smart-upgrade library,
// 105 of them still there on 30 June 2025.
func (g *gen) smartUpgrade() error {
	_, up25 := g.smeSets()
	types := []string{"智能工厂", "数字化车间", "智能产线", "关键工序智能化", "设备联网与数据采集"}
	add := func(org int64, marks []program.Mark) error {
		t := pick(g, types)
		return g.record("smart_upgrade_project", rec(org, fmt.Sprintf("%s智能化改造项目", t), data{"upgrade_type": t, "total_investment": 2000.0 + float64(g.rng.IntN(8000))}, marks))
	}
	for _, o := range up25 {
		if err := add(o, g.marks("library", "2023-03-01", "2023-12-29", "in_progress", "2024-02-01", "2024-06-28", "completed", h1From, h1To)); err != nil {
			return err
		}
	}
	pool := append(append([]int64{}, g.large...), g.smes...)
	for _, l := range []lot{
		{105, []string{"library", "2024-07-01", "2025-06-20"}},
		{120, []string{"library", "2023-06-01", "2024-03-29", "in_progress", "2024-04-01", "2025-06-20"}},
		{102, []string{"library", "2022-01-04", "2022-12-30", "in_progress", "2023-01-04", "2023-06-30", "completed", "2023-09-01", "2024-12-27"}},
		{40, []string{"library", "2022-03-01", "2023-06-30", "removed", "2023-09-01", "2024-12-27"}},
	} {
		for i := 0; i < l.n; i++ {
			if err := add(pick(g, pool), g.marks(l.marks...)); err != nil {
				return err
			}
		}
	}
	return nil
}

// scenarios: 425 digital scenarios ever admitted, 110 in the library on 30
// June 2025; the ICV demonstration signed; the drone route's first flight.
func (g *gen) scenarios() error {
	types := []string{"研发设计", "生产制造", "经营管理", "运维服务", "供应链协同"}
	add := func(org int64, title, typ string, marks []program.Mark, out []program.Outcome) error {
		s := rec(org, title, data{"scenario_type": typ, "role": "场景需求方", "technologies": []any{"5G", "工业互联网"}}, marks)
		s.Outcomes = out
		return g.record("digital_scenario", s)
	}
	if err := add(pick(g, g.large), "大东智能网联汽车应用示范拓展场景项目", "智能网联汽车",
		g.marks("library", "2024-05-06", "2024-06-28", "signed", "2025-03-03", "2025-04-30"), nil); err != nil {
		return err
	}
	if err := add(pick(g, g.large), "无人机低空物流测试验证航线场景", "低空经济",
		g.marks("library", "2024-03-01", "2024-04-30", "in_operation", "2024-10-08", "2024-12-27"),
		[]program.Outcome{{Kind: "milestone", Title: "东北首条无人机低空物流测试验证航线完成首飞", Day: "2025-04-16"}}); err != nil {
		return err
	}
	pool := append(append([]int64{}, g.large...), g.smes...)
	for _, l := range []lot{
		{110, []string{"library", "2024-07-01", "2025-06-20"}},
		{119, []string{"library", "2023-03-01", "2024-06-28", "signed", "2024-07-01", "2025-06-20"}},
		{139, []string{"library", "2022-01-04", "2023-06-30", "signed", "2023-07-03", "2023-12-29", "in_operation", "2024-01-02", "2024-12-27"}},
		{20, []string{"library", "2023-01-04", "2023-12-29", "signed", "2024-01-02", "2024-06-28", "in_operation", h1From, h1To}},
		{35, []string{"library", "2022-03-01", "2023-06-30", "removed", "2023-09-01", "2024-12-27"}},
	} {
		for i := 0; i < l.n; i++ {
			org := pick(g, pool)
			if l.n == 20 { // operating in 2025: large enterprises only (SMEs finishing in 2025 are counted apart)
				org = pick(g, g.large)
			}
			t := pick(g, types)
			if err := add(org, t+"数字化应用场景", t, g.marks(l.marks...), nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// smartFactories: smart factories (78, 23 of them in the first half of
// 2025, 5 excellent), digital workshops (123, 30) and digital benchmarks
// (5 in 2025), recognised through the program, which grants the
// registry's recognition.
func (g *gen) smartFactories() error {
	pool := append(append([]int64{}, g.large...), g.smes[:800]...)
	type batch struct {
		category string
		tiers    []string
		n        int
		from, to string
	}
	used := map[string][]int64{}
	for _, b := range []batch{
		{"智能工厂", []string{"卓越级"}, 5, h1From, h1To},
		{"智能工厂", []string{"先进级", "基础级"}, 18, h1From, h1To},
		{"智能工厂", []string{"先进级", "基础级"}, 55, "2021-06-01", "2024-12-27"},
		{"数字化车间", []string{"市级", "省级"}, 30, h1From, h1To},
		{"数字化车间", []string{"市级", "省级"}, 93, "2021-06-01", "2024-12-27"},
		{"数字化转型标杆", []string{"省级"}, 5, h1From, h1To},
		{"数字化转型标杆", []string{"省级"}, 6, "2023-06-01", "2024-12-27"},
	} {
		for i := 0; i < b.n; i++ {
			var org int64
			for org == 0 || slices.Contains(used[b.category], org) { // one recognition of a kind per enterprise
				org = pick(g, pool)
			}
			used[b.category] = append(used[b.category], org)
			at := g.in(b.from, b.to)
			s := program.Seeded{OrganisationID: org, Data: data{"category": b.category, "tier": pick(g, b.tiers), "site_name": b.category},
				Marks: []program.Mark{{Stage: "recognised", At: at}}}
			if err := g.record("smart_factory_recognition", s); err != nil {
				return err
			}
		}
	}
	return nil
}

// smePilot: 1,400 above-size SMEs assessed, 685 in the pilot, 256 with a
// filed retrofit plan, 71 accepted (30 in the first half of 2025).
func (g *gen) smePilot() error {
	pilot, _ := g.smeSets()
	inds := []string{"通用设备制造", "专用设备制造", "汽车零部件", "电气机械", "金属制品"}
	for i, o := range pilot {
		var m []string
		switch {
		case i < 30:
			m = []string{"assessed", "2023-03-01", "2023-12-29", "pilot", "2024-03-01", "2024-04-30", "retrofit_filed", "2024-06-03", "2024-08-30", "accepted", h1From, h1To}
		case i < 71:
			m = []string{"assessed", "2023-03-01", "2023-12-29", "pilot", "2024-03-01", "2024-04-30", "retrofit_filed", "2024-05-06", "2024-06-28", "accepted", "2024-10-08", "2024-12-27"}
		case i < 256:
			m = []string{"assessed", "2023-03-01", "2024-02-29", "pilot", "2024-03-01", "2024-04-30", "retrofit_filed", "2024-06-03", "2025-06-20"}
		case i < 685:
			m = []string{"assessed", "2023-03-01", "2024-02-29", "pilot", "2024-03-01", "2025-06-20"}
		case i < 985:
			m = []string{"assessed", "2023-03-01", "2024-02-29", "not_selected", "2024-03-01", "2024-06-28"}
		default:
			m = []string{"assessed", "2023-03-01", "2025-06-20"}
		}
		s := rec(o, "", data{"sub_industry": pick(g, inds), "above_size": true, "baseline_level": pick(g, []string{"一级", "二级"})}, g.marks(m...))
		if err := g.record("sme_digital_pilot", s); err != nil {
			return err
		}
	}
	return g.digitalCatalogue()
}

// platforms: 32 provincial industrial internet platforms by the end of
// 2024, 5 of them recognised in 2024; 2 more in 2025.
func (g *gen) platforms() error {
	levels := []string{"企业级", "专业级", "行业级", "跨行业跨领域"}
	pool := append(append([]int64{}, g.providers...), g.large...)
	orgs := take(g, pool, 34)
	for i, o := range orgs {
		from, to := "2021-06-01", "2023-12-29"
		switch {
		case i >= 32:
			from, to = h1From, h1To
		case i >= 27:
			from, to = "2024-01-02", "2024-12-27"
		}
		s := rec(o, "", data{"platform_name": fmt.Sprintf("盛京工业互联网平台%02d", i+1), "platform_level": pick(g, levels)}, g.marks("recognised", from, to))
		if err := g.record("industrial_internet_platform", s); err != nil {
			return err
		}
	}
	return nil
}
