package democity

import (
	"fmt"

	"github.com/xinzhi-platform/xinzhi/internal/program"
)

// The half year the letter reports on, and earlier years.
const (
	h1From, h1To = "2025-01-06", "2025-06-27"
)

type data = map[string]any

// rec is a record of an organisation with its marks.
func rec(org int64, title string, d data, marks []program.Mark) program.Seeded {
	return program.Seeded{OrganisationID: org, Title: title, Data: d, Marks: marks}
}

func (g *gen) programs() error {
	for _, fn := range []func() error{g.equipment, g.specialProjects, g.challenges, g.recommendations, g.finance, g.green,
		g.smartUpgrade, g.scenarios, g.smartFactories, g.smePilot, g.platforms, g.talents, g.universityPrograms, g.cooperation, g.investment} {
		if err := fn(); err != nil {
			return err
		}
		if err := g.flush(); err != nil {
			return err
		}
		g.step()
	}
	return nil
}

var problemFields = []string{"智能钻铣设备", "干式真空干泵", "半导体设备", "智能网联汽车", "高端数控机床", "工业机器人", "航空发动机部件", "新能源储能"}

// solved is n solved technical problems (and one open one) of a project.
func (g *gen) problems(n int, from, to string) []program.Outcome {
	var out []program.Outcome
	for i := 0; i < n; i++ {
		f := pick(g, problemFields)
		out = append(out, program.Outcome{Kind: "problem", Title: fmt.Sprintf("%s关键技术难题%d", f, g.rng.IntN(900)+100), Field: f, Status: "solved",
			Day: g.in(from, to).Format("2006-01-02")})
	}
	out = append(out, program.Outcome{Kind: "problem", Title: "待攻克技术难题", Field: pick(g, problemFields), Status: "open", Day: g.in(from, to).Format("2006-01-02")})
	return out
}

// equipment: major technical equipment tackling. 61 approved in the first
// half of 2025; earlier years approved, started and solved problems.
func (g *gen) equipment() error {
	chains := []string{"新能源", "集成电路", "高端装备", "节能环保", "航空航天", "新一代信息技术", "机器人"}
	solved := 0
	tt := g.titler("equipment")
	for _, yn := range [][2]int{{2022, 40}, {2023, 48}, {2024, 55}} {
		y, n := yn[0], yn[1]
		for i := 0; i < n; i++ {
			from, to := fmt.Sprintf("%d-03-01", y), fmt.Sprintf("%d-06-30", y)
			owner := pick(g, g.large)
			_ = pick(g, chains) // drawn once for the title; the record's chain names it now
			chain := pick(g, chains)
			title, item := tt.name(equipmentItems[chain], equipmentSuffixes)
			s := rec(owner, title,
				data{"chain": chain, "equipment": item, "dimension": "关键技术受制于人", "link": "整机", "mode": "联合攻关", "amount_requested": 5000000.0},
				g.marks("submitted", from, to, "approved", fmt.Sprintf("%d-08-01", y), fmt.Sprintf("%d-10-31", y), "in_progress", fmt.Sprintf("%d-11-15", y), fmt.Sprintf("%d-12-20", y)))
			s.Approved = 3000000
			g.equipmentTranches(&s)
			if y < 2025 && solved < 120 {
				s.Outcomes = fit(chain, g.problems(2, fmt.Sprintf("%d-01-01", y+1), "2025-06-20"))
				solved += 2
			}
			if err := g.record("major_equipment_tackling", s); err != nil {
				return err
			}
		}
	}
	// 华泵一号: 沈鼓's dry vacuum pump, evaluated as internationally advanced.
	hb := rec(g.named["沈鼓"], "华泵一号干式真空泵攻关", data{"chain": "高端装备", "dimension": "进口产品国产替代", "link": "整机", "mode": "龙头企业自主研发", "amount_requested": 5000000.0},
		g.marks("submitted", "2023-03-01", "2023-03-31", "approved", "2023-06-01", "2023-06-30", "in_progress", "2023-07-03", "2023-07-31"))
	hb.Approved = 4000000
	g.equipmentTranches(&hb)
	hb.Outcomes = []program.Outcome{{Kind: "evaluation", Title: "“华泵一号”达到国际先进水平", Level: "国际先进", Day: "2025-03-18"},
		{Kind: "problem", Title: "干式真空干泵转子型线设计", Field: "干式真空干泵", Status: "solved", Day: "2024-11-20"}}
	if err := g.record("major_equipment_tackling", hb); err != nil {
		return err
	}
	for i := 0; i < 61; i++ {
		owner := pick(g, g.large)
		_ = pick(g, chains)
		chain := pick(g, chains)
		title, item := tt.name(equipmentItems[chain], equipmentSuffixes)
		s := rec(owner, title,
			data{"chain": chain, "equipment": item, "dimension": "进口产品国产替代", "link": "部件", "mode": "龙头企业自主研发", "amount_requested": 4000000.0},
			g.marks("submitted", "2024-11-01", "2024-12-31", "approved", h1From, h1To))
		s.Approved = 2500000
		if err := g.record("major_equipment_tackling", s); err != nil {
			return err
		}
	}
	for i := 0; i < 12; i++ { // still under review on 30 June
		chain := chains[i%len(chains)]
		if err := g.record("major_equipment_tackling", rec(pick(g, g.large), first(tt.name(equipmentItems[chain], equipmentSuffixes)),
			data{"chain": chain, "dimension": "关键技术受制于人", "link": "部件", "mode": "联合攻关", "amount_requested": 3000000.0},
			g.marks("review", "2025-05-06", "2025-06-20"))); err != nil {
			return err
		}
	}
	// 118 problems solved above with 华泵一号's one; the special projects and
	// challenges solve the rest of the letter's 265.
	g.solvedSoFar = solved + 1
	return nil
}

// specialProjects: 7 major S&T special projects approved in 2025, two named.
func (g *gen) specialProjects() error {
	titles := []string{"高精密晶圆研磨", "耐高温玄武岩纤维复合材料", "智能钻铣设备", "氢燃料电池电堆", "航空发动机叶片增材制造", "工业软件内核", "车规级芯片封测"}
	owners := []int64{g.named["中科晶益"], g.named["铸造所"], g.named["新松"], g.named["微控"], g.named["燃机"], g.named["东软"], g.named["富创"]}
	fields := []string{"集成电路", "高端装备", "机器人", "新能源", "航空航天", "新一代信息技术", "集成电路"}
	for i, t := range titles {
		s := rec(owners[i], t, data{"field": fields[i], "amount_requested": 10000000.0}, g.marks("submitted", "2024-12-01", "2024-12-31", "approved", h1From, h1To))
		s.Approved = 8000000
		g.specialHistory(&s)
		if err := g.record("major_special_project", s); err != nil {
			return err
		}
	}
	// earlier special projects: 2022–2024, 9 a year, most of the solved
	// problems come from them
	left := 265 - g.solvedSoFar - 12 // challenges solve 12
	st := g.titler("special")
	for y := 2022; y <= 2024; y++ {
		for i := 0; i < 9; i++ {
			s := rec(pick(g, g.large), fmt.Sprintf("%d年度重大科技专项%02d", y, i+1), data{"amount_requested": 10000000.0},
				g.marks("submitted", fmt.Sprintf("%d-02-01", y), fmt.Sprintf("%d-03-31", y), "approved", fmt.Sprintf("%d-05-01", y), fmt.Sprintf("%d-06-30", y),
					"in_progress", fmt.Sprintf("%d-07-01", y), fmt.Sprintf("%d-08-31", y)))
			field := pick(g, []string{"新能源", "集成电路", "高端装备", "航空航天", "机器人"})
			s.Data["field"] = field
			s.Title, _ = st.name(specialTopics[field], specialSuffixes)
			s.Approved = 6000000
			g.specialHistory(&s)
			n := left / (27 - ((y-2022)*9 + i))
			left -= n
			s.Outcomes = append(s.Outcomes, fit(field, g.problems(n, fmt.Sprintf("%d-09-01", y), "2025-06-25"))...)
			if err := g.record("major_special_project", s); err != nil {
				return err
			}
		}
	}
	return nil
}

// first is the first of two.
func first(a, _ string) string { return a }
