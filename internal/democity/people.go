package democity

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// talents: the young scholars (5 distinguished, 11 excellent in 2025), 510
// PhD start-up projects, whose approved funds make the letter's 3,600万;
// 17 transplanted teams at work; 250 talents certified and 9,500 service
// cases done in the first half of 2025.
func (g *gen) talents() error {
	hosts := append(append([]int64{}, g.unis[:12]...), g.institutes...)
	for _, b := range []struct {
		fund     string
		n        int
		amount   float64
		from, to string
	}{{"杰出青年科学基金", 5, 1000000, "2025-03-03", h1To}, {"优秀青年科学基金", 11, 500000, "2025-03-03", h1To},
		{"杰出青年科学基金", 4, 1000000, "2024-03-01", "2024-06-28"}, {"优秀青年科学基金", 9, 500000, "2024-03-01", "2024-06-28"}} {
		for i := 0; i < b.n; i++ {
			y := b.from[:4]
			s := rec(pick(g, hosts), "", data{"fund_type": b.fund, "amount_requested": b.amount},
				g.marks("recommended", y+"-01-06", y+"-02-27", "awarded", b.from, b.to))
			s.Approved = b.amount
			if err := g.record("young_scholar_recommendation", s); err != nil {
				return err
			}
		}
	}
	discs := []string{"数理科学", "化学科学", "生命科学", "工程与材料科学", "信息科学", "医学科学"}
	for _, b := range []struct {
		n              int
		sf, st, af, at string
	}{{510, "2024-11-01", "2024-12-31", h1From, h1To}, {470, "2023-11-01", "2023-12-29", "2024-03-01", "2024-06-28"}} {
		for i := 0; i < b.n; i++ {
			d := pick(g, discs)
			s := rec(pick(g, g.unis), fmt.Sprintf("%s博士科研启动项目%s-%03d", d, b.at[:4], i+1), data{"discipline": d, "amount_requested": 60000.0},
				g.marks("submitted", b.sf, b.st, "approved", b.af, b.at))
			s.Approved = 50000
			if err := g.record("doctoral_startup", s); err != nil {
				return err
			}
		}
	}
	teams := []struct {
		title string
		org   int64
	}{{"中船辽海装备公司水声装备团队带土移植", g.named["中船辽海"]}, {"蔡惠智博士团队海洋声学技术带土移植", pick(g, g.large)}}
	for i := 0; i < 15; i++ {
		teams = append(teams, struct {
			title string
			org   int64
		}{fmt.Sprintf("带土移植引进团队%02d", i+1), pick(g, append(append([]int64{}, g.large...), g.smes[:300]...))})
	}
	for _, t := range teams {
		d, err := g.team(t.org, 5000000.0)
		if err != nil {
			return err
		}
		s := rec(t.org, t.title, d, g.marks("approved", "2023-06-01", "2024-06-28", "in_progress", "2024-07-01", "2025-05-30"))
		s.Approved = 3000000
		// The agreement pays 40% when the team starts, 30% a year on.
		started := s.Marks[len(s.Marks)-1].At
		for _, tr := range []struct {
			after  int
			amount float64
		}{{20, 1200000}, {385, 900000}} {
			if at := started.AddDate(0, 0, tr.after); at.Before(day(AsOf).AddDate(0, 0, 1)) {
				s.Marks = append(s.Marks, program.Mark{Move: "pay", At: at, Amount: tr.amount})
				s.Disbursed += tr.amount
			}
		}
		if err := g.record("transplant_team", s); err != nil {
			return err
		}
	}
	for i := 0; i < 3; i++ {
		org := pick(g, g.large)
		d, err := g.team(org, 4000000.0)
		if err != nil {
			return err
		}
		s := rec(org, fmt.Sprintf("带土移植待签约团队%02d", i+1), d, g.marks("approved", "2025-03-03", h1To))
		s.Approved = 2000000
		if err := g.record("transplant_team", s); err != nil {
			return err
		}
	}
	employers := append(append(append([]int64{}, g.large...), g.unis...), g.smes[:500]...)
	fields := []string{"高端装备", "集成电路", "新能源", "航空航天", "新一代信息技术", "生物医药", "人工智能"}
	type certified struct {
		person, org int64
		cert        string
	}
	var talents []certified // the talents certified, with their certificates, for the services they ask for
	var levels []registry.TalentLevel
	// Each certification rests on an item of the 兴沈英才计划 2022版,
	// drawn from a stream of its own so that the draws above and after
	// stay as they were (the letter's figures rest on them).
	items, err := g.catalogueItems()
	if err != nil {
		return err
	}
	var rests []int64 // the item of each certification, in order
	for _, b := range []struct {
		n        int
		from, to string
	}{{230, "2024-07-01", "2024-12-27"}, {250, h1From, h1To}} {
		for i := 0; i < b.n; i++ {
			cat := pick(g, []string{"C类 地方级领军人才", "D类 拔尖人才", "E类 青年骨干人才"})
			org := pick(g, employers)
			person := g.staffOf(org)
			s := rec(org, "", data{"talent": float64(person), "category": cat,
				"path": pick(g, []string{"目录认定", "薪酬认定", "业绩贡献认定", "企业自主评价"}), "field": pick(g, fields)}, g.marks("certified", b.from, b.to))
			it := items.pick(cat, s.Data["path"].(string))
			s.Data["category"] = classCategory[it.Class]
			if err := g.record("talent_certification", s); err != nil {
				return err
			}
			cert := fmt.Sprintf("沈人才证〔%s〕%04d号", b.from[:4], len(talents)+1)
			talents = append(talents, certified{person, org, cert})
			levels = append(levels, registry.TalentLevel{PersonID: person, Level: it.Class})
			rests = append(rests, it.ID)
		}
	}
	if err := g.flush(); err != nil {
		return err
	}
	if err := g.db.InTx(g.ctx, func(tx *store.Tx) error { return registry.SetTalentLevels(g.ctx, tx, levels) }); err != nil {
		return fmt.Errorf("talent levels: %w", err)
	}
	if err := g.restCertifications(rests); err != nil {
		return err
	}
	services := []string{"子女入学", "医疗保障", "住房安居", "配偶就业", "落户", "交通出行"}
	units := map[string]string{"子女入学": "市教育局", "医疗保障": "市卫生健康委", "住房安居": "市住房和城乡建设局", "配偶就业": "市人力资源和社会保障局",
		"落户": "市公安局", "交通出行": "市交通运输局"}
	for i := 0; i < 9650; i++ {
		m := g.marks("done", h1From, h1To)
		if i >= 9500 {
			m = g.marks("accepted", "2025-06-16", h1To)
		}
		t := talents[i%230] // the talents certified in 2024 and their families ask again and again
		st := pick(g, services)
		d := data{"talent": float64(t.person), "certificate_no": t.cert, "service_type": st, "details": "高层次人才" + st + "服务（演示）"}
		if i < 9500 {
			d["result"] = "已转" + units[st] + "，按人才服务政策办结"
		}
		s := rec(t.org, "", d, m)
		s.Created = m[0].At.AddDate(0, 0, -5)
		if err := g.record("talent_service", s); err != nil {
			return err
		}
	}
	return nil
}

// universityPrograms: 17 universities funded for double first-class
// building each year 2021–2024, 6.4亿 disbursed in all; joint labs of
// enterprises and universities.
func (g *gen) universityPrograms() error {
	const total = 64000 // 万元
	var weights []float64
	sum := 0.0
	for i := 0; i < 17*4; i++ {
		w := 0.5 + g.rng.Float64()
		weights = append(weights, w)
		sum += w
	}
	left := total
	for i, w := range weights {
		uni, year := g.unis[i%17], 2021+i/17
		amount := int(w / sum * total)
		if i == len(weights)-1 {
			amount = left
		}
		left -= amount
		y := fmt.Sprint(year)
		s := rec(uni, "", data{"year": float64(year), "amount_requested": float64(amount) * 12000},
			g.marks("approved", y+"-04-01", y+"-05-29", "disbursing", y+"-06-01", y+"-07-31"))
		s.Approved, s.Disbursed = float64(amount)*10000, float64(amount)*10000
		if err := g.record("double_first_class_funding", s); err != nil {
			return err
		}
	}
	neu := float64(g.named["东北大学"])
	labs := []struct {
		org        int64
		name, kind string
		uni        float64
	}{{g.named["新松"], "新松机器人—东北大学智能机器人产业创新中心", "产业创新中心", neu}, {g.named["东软"], "东软集团—东北大学医疗影像联合实验室", "校企联合实验室", neu}}
	for i := 0; i < 10; i++ {
		labs = append(labs, struct {
			org        int64
			name, kind string
			uni        float64
		}{pick(g, g.large), fmt.Sprintf("校企联合实验室%02d", i+1), "校企联合实验室", float64(pick(g, g.unis))})
	}
	for _, l := range labs {
		s := rec(l.org, "", data{"lab_name": l.name, "lab_type": l.kind, "university": l.uni, "amount_requested": 2000000.0},
			g.marks("approved", "2023-03-01", "2025-05-30"))
		s.Approved = 1000000
		if err := g.record("joint_lab", s); err != nil {
			return err
		}
	}
	return nil
}

// cooperation: the China–Lebanon intelligent robot joint lab, backed by
// the national intergovernmental program; city-level cooperation projects.
func (g *gen) cooperation() error {
	s := rec(g.named["自动化所"], "中国-黎巴嫩智能机器人联合实验室", data{"coop_type": "共建联合实验室", "channel": "推荐国家政府间国际科技创新合作专项",
		"partner_country": "黎巴嫩", "amount_requested": 3000000.0}, g.marks("recommended", "2024-04-01", "2024-05-31", "approved", "2024-10-08", "2024-12-20"))
	if err := g.record("international_cooperation", s); err != nil {
		return err
	}
	hcsd := rec(g.named["科技局"], "哈长沈大四市科技创新合作框架协议", data{"coop_type": "区域合作协议", "channel": "区域科技合作", "amount_requested": 0.0},
		g.marks("approved", "2024-09-02", "2024-09-27"))
	if err := g.record("international_cooperation", hcsd); err != nil {
		return err
	}
	for i := 0; i < 5; i++ {
		s := rec(pick(g, g.large), fmt.Sprintf("国际科技合作项目%02d", i+1), data{"coop_type": "联合研发", "channel": "市级国际合作项目", "amount_requested": 800000.0},
			g.marks("approved", "2023-05-01", "2025-05-30"))
		s.Approved = 500000
		if err := g.record("international_cooperation", s); err != nil {
			return err
		}
	}
	return nil
}

// investment: the pipeline of investment projects: 61 introduced in the
// first half of 2025; 73 signed and 52 settled in all, 亿方联创's EDA centre
// among them. Each was a lead for one to eight weeks before it was
// introduced (drawn from a stream of its own, so the draws of the city's
// stream stay as they were).
func (g *gen) investment() error {
	inds := []string{"集成电路", "人工智能", "机器人", "高端装备", "新能源", "生物医药"}
	leadRNG := rand.New(rand.NewPCG(g.opt.Seed, 0x1ead))
	add := func(org int64, name string, marks []string) error {
		s := rec(org, name, data{"industry": pick(g, inds), "source": pick(g, []string{"招商活动", "以商招商", "驻外招商"}), "planned_investment": float64(5000+g.rng.IntN(95000)) * 10000, // 5千万 to 10亿 (the form is in yuan)
			"investor": float64(org), "park": float64(pick(g, []int64{g.named["浑南科技城"], g.named["中德产业园"]}))}, g.marks(marks...))
		s.Created = weekday(s.Marks[0].At.AddDate(0, 0, -(7 + leadRNG.IntN(50))))
		if strings.HasPrefix(name, "亿方联创") {
			s.Data["industry"] = "集成电路" // an EDA centre (the draw above is kept, so the stream stays)
		}
		return g.record("investment_project", s)
	}
	if err := add(g.named["亿方联创"], "亿方联创EDA底座研发中心", []string{"introduced", "2025-01-06", "2025-01-24", "signed", "2025-02-10", "2025-03-14", "settled", "2025-04-01", "2025-05-30"}); err != nil {
		return err
	}
	for i := 0; i < 80; i++ {
		m := []string{"introduced", "2023-03-01", "2024-06-28"}
		switch {
		case i < 48:
			m = append(m, "signed", "2024-07-01", "2024-09-30", "settled", "2024-10-08", "2024-12-27")
		case i < 60:
			m = append(m, "signed", "2024-07-01", "2024-12-27")
		case i < 70:
			m = append(m, "dropped", "2024-07-01", "2024-12-27")
		}
		if err := add(pick(g, g.investors), fmt.Sprintf("招商引资项目2024-%03d", i+1), m); err != nil {
			return err
		}
	}
	for i := 0; i < 60; i++ {
		m := []string{"introduced", h1From, "2025-03-31"}
		switch {
		case i < 3:
			m = append(m, "signed", "2025-04-01", "2025-05-09", "settled", "2025-05-12", h1To)
		case i < 12:
			m = append(m, "signed", "2025-04-01", h1To)
		}
		if err := add(pick(g, g.investors), fmt.Sprintf("招商引资项目2025-%03d", i+1), m); err != nil {
			return err
		}
	}
	return nil
}

// team is a transplanted team's form data: its leader and three to six
// core members, people who came with the team and joined the host, and the
// support asked.
func (g *gen) team(org int64, asked float64) (data, error) {
	duties := []string{"技术负责人", "工艺研发", "产品设计", "测试验证", "产业化推进", "知识产权"}
	host := orgRow{id: org, kind: "enterprise", size: "large"}
	ps := make([]registry.Person, 4+g.prng.IntN(4))
	for i := range ps {
		ps[i] = g.newPerson(host)
	}
	ps[0].Degree, ps[0].Title = "博士", "正高级工程师"
	if err := g.insertPeople(ps); err != nil {
		return nil, err
	}
	var members []any
	for i, p := range ps[1:] {
		members = append(members, map[string]any{"person": float64(p.ID), "duty": duties[i%len(duties)]})
	}
	return data{"amount_requested": asked, "team_size": float64(len(ps)), "members": members, "team_leader": float64(ps[0].ID)}, nil
}
