package democity

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
)

// metroFirms are the metropolitan-area enterprises of the enclave
// innovation centre: its home city, name, cluster and R&D direction. The
// last one moved out (into Shenyang itself) in March 2025.
var metroFirms = []struct{ city, name, cluster, direction string }{
	{"鞍山", "鞍山智鑫精密装备有限公司", "高端装备", "精密轴承在线检测与寿命预测"},
	{"鞍山", "鞍山辉晟新材料科技有限公司", "节能环保", "钢渣综合利用与低碳建材"},
	{"抚顺", "抚顺石化催化材料科技有限公司", "新能源", "炼化催化剂国产化与氢能催化"},
	{"抚顺", "抚顺北辰传感技术有限公司", "新一代信息技术", "工业传感器与边缘采集终端"},
	{"本溪", "本溪药谷生物医药科技有限公司", "生物医药", "中药配方颗粒质量标准与制剂工艺"},
	{"本溪", "本溪钒钛新材料有限公司", "高端装备", "钒钛合金材料与增材制造粉末"},
	{"阜新", "阜新液压智能装备有限公司", "高端装备", "电液比例控制与液压元件数字孪生"},
	{"阜新", "阜新硅能新能源科技有限公司", "新能源", "光伏硅材料与储能系统集成"},
	{"辽阳", "辽阳芳烃新材料有限公司", "节能环保", "芳烃下游高性能材料"},
	{"辽阳", "辽阳泰和智能制造有限公司", "机器人", "焊接机器人工作站与视觉引导"},
	{"铁岭", "铁岭阀门智控科技有限公司", "高端装备", "智能阀门与管网远程运维"},
	{"铁岭", "铁岭专用车辆技术有限公司", "汽车及零部件", "专用车电动底盘与线控系统"},
	{"鞍山", "鞍山钢联工业软件有限公司", "新一代信息技术", "冶金工业软件与数字孪生"},
}

// cityCodes are the division codes the metropolitan area's and the other
// cities' organisations register under (their credit codes carry them; their
// district stays empty, the registry's districts being Shenyang's).
var cityCodes = map[string]string{"鞍山": "210300", "抚顺": "210400", "本溪": "210500", "阜新": "210900", "辽阳": "211000", "铁岭": "211200",
	"哈尔滨": "230100", "长春": "220100", "大连": "210200"}

// cooperationAndNetworks writes the records of the letter's open
// cooperation and infrastructure that later issues gave templates: the
// 哈长沈大 four-city agreement, the enclave centre's 12 residents, 浑南科技城's
// 32 “新东拓+” events of 2025, the 5G private networks of 沈飞 and 芯源, the
// city's 5G + industrial internet pilot designation, and the national
// projects the city's organisations lead (沈飞's machine-tool major project
// among them). It draws from its own random source and runs once (not for
// the copies of a scaled city), so nothing written before it moves.
func (g *gen) cooperationAndNetworks() error {
	saved := g.rng
	g.rng = rand.New(rand.NewPCG(g.opt.Seed, 0xc00b))
	defer func() { g.rng = saved }()

	gov := []registry.Organisation{
		{Name: "沈阳市人民政府", Kind: "government", District: "210103"},
		{Name: "沈阳市工业和信息化局", Kind: "government", District: "210103"},
		{Name: "哈尔滨市科学技术局", Kind: "government", Address: "黑龙江省哈尔滨市"},
		{Name: "长春市科学技术局", Kind: "government", Address: "吉林省长春市"},
		{Name: "大连市科学技术局", Kind: "government", Address: "辽宁省大连市"},
	}
	for i, code := range []string{"210103", "210103", cityCodes["哈尔滨"], cityCodes["长春"], cityCodes["大连"]} {
		gov[i].CreditCode, gov[i].Founded, gov[i].Description = g.creditCode("government", code), "1990-01-01", "演示数据：政府部门"
	}
	firms := make([]registry.Organisation, len(metroFirms))
	for i, f := range metroFirms {
		firms[i] = registry.Organisation{Name: f.name, Kind: "enterprise", Size: []string{"small", "medium"}[i%2], Clusters: []string{f.cluster},
			Address: "辽宁省" + f.city + "市", CreditCode: g.creditCode("enterprise", cityCodes[f.city]), Founded: fmt.Sprintf("%d-%02d-15", 2008+i, 1+i%12),
			Description: "演示数据：沈阳都市圈（" + f.city + "）企业"}
	}
	orgs := append(gov, firms...)
	if err := g.insertOrgs(orgs); err != nil {
		return err
	}
	g.sum.Organisations += len(orgs)
	city, miit, harbin, changchun, dalian := orgs[0].ID, orgs[1].ID, orgs[2].ID, orgs[3].ID, orgs[4].ID
	firms = orgs[len(gov):]

	for _, fn := range []func() error{
		func() error { return g.agreements(harbin, changchun, dalian) },
		func() error { return g.enclave(firms) },
		g.investmentEvents,
		g.privateNetworks,
		func() error { return g.pilotCity(city, miit) },
		g.nationalProjects,
		g.investmentLeads,
	} {
		if err := fn(); err != nil {
			return err
		}
	}
	return g.flush()
}

// mark is a stage reached on a day, at ten in the morning.
func mark(stage, date string) program.Mark {
	return program.Mark{Stage: stage, At: day(date).Add(10 * time.Hour)}
}

// date is a mark's day, as a form's date field holds it.
func date(t time.Time) string { return t.In(cst).Format(time.DateOnly) }

// agreements: the 哈长沈大 four-city S&T cooperation framework agreement,
// signed in September 2024 and in force since.
func (g *gen) agreements(harbin, changchun, dalian int64) error {
	party := func(org int64, role string) map[string]any {
		return map[string]any{"organisation": float64(org), "role": role, "signatory": "局长"}
	}
	s := rec(g.named["科技局"], "哈长沈大四市科技创新合作框架协议", data{"kind": "框架协议", "reach": "区域合作",
		"parties":     []any{party(g.named["科技局"], "发起方"), party(harbin, "签约方"), party(changchun, "签约方"), party(dalian, "签约方")},
		"scope":       "围绕东北全面振兴，在重大科技项目联合攻关、创新平台共建共享、科技成果跨区域转移转化、科技人才交流、科技金融和创新创业服务等方面开展合作。",
		"mechanism":   "建立四市科技部门联席会议制度，轮值城市每年牵头召开一次；各市明确联络处室和联络员，共同制定年度合作任务清单。",
		"signed_date": "2024-09-20", "effective_date": "2024-09-20", "term_years": 5.0},
		[]program.Mark{mark("signed", "2024-09-20"), mark("in_force", "2024-09-23")})
	s.Created = day("2024-06-17").Add(10 * time.Hour)
	return g.record("cooperation_agreement", s)
}

// enclave: 13 metropolitan-area enterprises moved into 沈阳都市圈飞地创新中心
// from 2023; one left in March 2025 for a site in Shenyang, 12 remain.
func (g *gen) enclave(firms []registry.Organisation) error {
	purposes := []string{"研发中心", "研发中心", "孵化项目", "成果转化"}
	for i, f := range metroFirms {
		from, to := "2023-03-01", "2024-12-20"
		if i < 4 {
			from, to = "2023-03-01", "2023-09-29" // the centre's first residents
		}
		applied := g.in(from, to)
		moved := g.in(date(applied.AddDate(0, 0, 20)), date(applied.AddDate(0, 0, 60)))
		d := data{"centre": float64(g.named["飞地中心"]), "home_city": f.city, "purpose": purposes[i%len(purposes)], "direction": f.direction,
			"area": float64(120 + 20*g.rng.IntN(15)), "staff": float64(5 + g.rng.IntN(26)), "moved_in": date(moved)}
		marks := []program.Mark{{Stage: "applied", At: applied}, {Stage: "resident", At: moved}}
		if i == len(metroFirms)-1 {
			d["left_on"], d["left_reason"] = "2025-03-14", "迁入本市落户"
			marks = append(marks, mark("left", "2025-03-14"))
		}
		if err := g.record("enclave_residency", rec(firms[i].ID, f.name+"入驻沈阳都市圈飞地创新中心", d, marks)); err != nil {
			return err
		}
	}
	return nil
}

// investmentEvents: 浑南科技城's “新东拓+” events: 18 in 2024, 32 held in
// the first half of 2025 (those before June reported), 3 being planned for
// July; and 4 events of 中德产业园's own series, which the letter's figure
// leaves out.
func (g *gen) investmentEvents() error {
	cities := []string{"北京", "上海", "深圳", "杭州", "苏州", "南京", "广州", "合肥", "武汉", "成都", "西安", "天津", "无锡", "青岛"}
	themes := []string{"集成电路", "人工智能", "机器人", "高端装备", "新能源", "生物医药", "航空航天", "新一代信息技术", "综合"}
	formats := []string{"推介会", "项目路演", "专题对接会", "驻外招商"}
	event := func(park int64, series, title string, held time.Time, report bool) error {
		city, theme := pick(g, cities), pick(g, themes)
		leads := 3 + g.rng.IntN(13)
		d := data{"series": series, "park": float64(park), "format": pick(g, formats), "theme": theme, "venue_city": city,
			"event_date": date(held), "attendance": float64(80 + 10*g.rng.IntN(33))}
		marks := []program.Mark{{Stage: "held", At: held}}
		if report {
			d["enterprises"], d["leads"], d["intents_signed"] = float64(20+g.rng.IntN(100)), float64(leads), float64(g.rng.IntN(leads/2+1))
			d["summary"] = fmt.Sprintf("赴%s开展%s产业招商，对接重点企业和投资机构，形成项目线索%d个。", city, theme, leads)
			marks = append(marks, program.Mark{Stage: "reported", At: g.in(date(held.AddDate(0, 0, 3)), date(held.AddDate(0, 0, 14)))})
		}
		return g.record("investment_event", rec(park, fmt.Sprintf(title, city, theme), d, marks))
	}
	hn, zd := g.named["浑南科技城"], g.named["中德产业园"]
	for i := 0; i < 18; i++ {
		if err := event(hn, "新东拓+", "“新东拓+”科技招商活动·%s%s专场", g.in("2024-03-01", "2024-12-13"), true); err != nil {
			return err
		}
	}
	for i := 0; i < 32; i++ {
		from, to, report := h1From, "2025-05-30", true
		if i >= 26 {
			from, to, report = "2025-06-02", h1To, false
		}
		if err := event(hn, "新东拓+", "“新东拓+”科技招商活动·%s%s专场", g.in(from, to), report); err != nil {
			return err
		}
	}
	for i := 0; i < 4; i++ {
		if err := event(zd, "中德园链式招商", "中德园链式招商·%s%s对接会", g.in("2025-02-10", "2025-06-20"), false); err != nil {
			return err
		}
	}
	for i, d := range []string{"2025-07-09", "2025-07-17", "2025-07-25"} {
		s := rec(hn, fmt.Sprintf("“新东拓+”科技招商活动·%s专场（筹备）", cities[i]), data{"series": "新东拓+", "park": float64(hn), "format": "推介会",
			"theme": themes[i], "venue_city": cities[i], "event_date": d}, nil)
		s.Created = day("2025-06-16").Add(time.Duration(10+i) * time.Hour)
		if err := g.record("investment_event", s); err != nil {
			return err
		}
	}
	return nil
}

// privateNetworks: 5G independent private networks piloted in aviation
// (沈飞, building) and integrated circuits (芯源, in operation), and four
// hybrid or virtual networks the operators built with other enterprises.
func (g *gen) privateNetworks() error {
	var ops []int64
	for _, n := range []string{"中国移动通信集团辽宁有限公司沈阳分公司", "中国联合网络通信有限公司沈阳市分公司", "中国电信股份有限公司沈阳分公司"} {
		o, err := registry.ByName(g.ctx, g.db, n)
		if err != nil {
			return fmt.Errorf("operator %s: %w", n, err)
		}
		ops = append(ops, o.ID)
	}
	sf := rec(g.named["沈飞"], "沈飞航空智能制造5G独立专网", data{"industry": "航空", "mode": "独立专网", "operator": float64(ops[0]),
		"site": "总装及零部件数控加工厂区", "technologies": []any{"5G SA", "MEC边缘计算", "5G LAN", "TSN时间敏感网络"}, "base_stations": 126.0,
		"investment": 58000000.0, "scenarios": "数控加工设备联网与远程运维、AR辅助装配、机器视觉质检、AGV物流调度，数据不出厂区。", "build_start": "2025-03-18"},
		[]program.Mark{mark("building", "2025-03-18")})
	sf.Created = day("2024-11-04").Add(10 * time.Hour)
	xy := rec(g.named["芯源"], "芯源微电子半导体装备5G独立专网", data{"industry": "集成电路", "mode": "独立专网", "operator": float64(ops[1]),
		"site": "浑南生产基地洁净厂房", "technologies": []any{"5G SA", "5G-A", "RedCap", "MEC边缘计算"}, "base_stations": 38.0,
		"investment": 21000000.0, "scenarios": "涂胶显影设备联调数据采集、洁净室环境监测、晶圆搬运机器人协同。", "build_start": "2024-10-15", "operation_date": "2025-05-20"},
		[]program.Mark{mark("building", "2024-10-15"), mark("in_operation", "2025-05-20")})
	xy.Created = day("2024-07-08").Add(10 * time.Hour)
	for _, s := range []program.Seeded{sf, xy} {
		if err := g.record("private_network", s); err != nil {
			return err
		}
	}
	industries := []string{"汽车", "装备制造", "冶金", "医药"}
	modes := []string{"混合专网", "混合专网", "虚拟专网", "虚拟专网"}
	for i, id := range take(g, g.large[:largeN], 4) {
		o, err := registry.Get(g.ctx, g.db, 0, id)
		if err != nil {
			return err
		}
		start := g.in("2023-09-01", "2024-06-28")
		done := g.in(date(start.AddDate(0, 3, 0)), date(start.AddDate(0, 6, 0)))
		stations := 0.0
		if modes[i] == "混合专网" {
			stations = float64(6 + g.rng.IntN(20))
		}
		s := rec(id, o.Name+"5G"+modes[i], data{"industry": industries[i], "mode": modes[i], "operator": float64(ops[(i+2)%3]),
			"site": "主要生产车间", "technologies": []any{"5G SA", "网络切片"}, "base_stations": stations, "scenarios": "设备联网、视频监控与质量追溯。",
			"build_start": date(start), "operation_date": date(done)}, []program.Mark{{Stage: "building", At: start}, {Stage: "in_operation", At: done}})
		if err := g.record("private_network", s); err != nil {
			return err
		}
	}
	return nil
}

// pilotCity: the city named to MIIT's 5G + industrial internet pilot list
// in 2024 (the only one in the Northeast), building under its 2025–2027
// action plan since.
func (g *gen) pilotCity(city, miit int64) error {
	s := rec(city, "“5G+工业互联网”融合应用先导区试点城市", data{"category": "5G+工业互联网融合应用先导区试点城市", "issuer": "工业和信息化部",
		"level": "国家级", "lead_unit": float64(miit), "batch": 2024.0,
		"plan":          "一体化推进政策举措支持、基础设施建设、融合应用创新、产业生态培育、公共服务能力五大方面建设；推动5G向5G-A演进，规模化部署5G-RedCap，在航空、集成电路领域试点建设5G独立专网。",
		"list_document": "工业和信息化部“5G+工业互联网”融合应用先导区试点城市名单（2024年）", "listed_date": "2024-10-18"},
		[]program.Mark{mark("submitted", "2024-05-24"), mark("selected", "2024-10-18"), mark("building", "2025-02-26")})
	s.Created = day("2024-03-11").Add(10 * time.Hour)
	return g.record("pilot_designation", s)
}

// nationalProjects: national and provincial program projects the city's
// organisations lead or join; 沈飞's “高端数控机床与基础制造装备” national
// major project started in March 2025.
func (g *gen) nationalProjects() error {
	partner := func(org int64, task string) map[string]any {
		return map[string]any{"organisation": float64(org), "task": task}
	}
	for _, p := range []struct {
		org                         int64
		title, level, plan, special string
		lead                        int64
		partners                    []any
		total, upper, match         float64
		no, startDate, endDate      string
		marks                       []program.Mark
	}{
		{g.named["沈飞"], "高端数控机床与基础制造装备国家科技重大专项——航空复杂结构件高效精密数控加工示范应用", "国家级", "国家科技重大专项", "高端数控机床与基础制造装备", 0,
			[]any{partner(g.named["东北大学"], "加工工艺数据库与智能编程"), partner(g.named["自动化所"], "数控系统互联与边缘控制"), partner(g.named["金属所"], "难加工材料切削机理")},
			120000000, 60000000, 10000000, "2025ZD0400101", "2025-03-12", "2027-12-31",
			[]program.Mark{mark("submitted", "2024-08-20"), mark("recommended", "2024-09-10"), mark("approved", "2024-12-18"), mark("started", "2025-03-12")}},
		{g.named["燃机"], "重型燃气轮机高温部件设计制造与试验验证", "国家级", "国家科技重大专项", "航空发动机及燃气轮机", 0,
			[]any{partner(g.named["金属所"], "高温合金叶片材料")}, 80000000, 45000000, 0, "2023ZD1200203", "2023-07-03", "2026-06-30",
			[]program.Mark{mark("submitted", "2023-02-14"), mark("approved", "2023-05-22"), mark("started", "2023-07-03")}},
		{g.named["东北大学"], "流程工业智能感知与优化控制关键技术", "国家级", "国家重点研发计划", "智能传感器", 0,
			nil, 25000000, 20000000, 0, "2024YFB3200500", "2024-11-01", "2027-10-31",
			[]program.Mark{mark("submitted", "2024-03-05"), mark("recommended", "2024-03-20"), mark("approved", "2024-09-26"), mark("started", "2024-11-01")}},
		{g.named["新松"], "协作机器人高动态力控关节与整机研制", "国家级", "国家重点研发计划", "智能机器人", g.named["自动化所"],
			nil, 12000000, 8000000, 0, "2025YFB4700300", "", "",
			[]program.Mark{mark("submitted", "2024-12-09"), mark("recommended", "2024-12-20"), mark("approved", "2025-05-28")}},
		{g.named["富创"], "半导体装备精密结构件超洁净制造技术", "国家级", "国家重点研发计划", "高端功能与智能材料", 0,
			nil, 15000000, 10000000, 0, "", "", "",
			[]program.Mark{mark("submitted", "2024-02-26"), mark("recommended", "2024-03-15"), mark("not_approved", "2024-08-30")}},
		{g.named["铸造所"], "大型复杂薄壁铸件精密成形技术", "省级", "省重点研发计划", "先进制造", 0,
			nil, 3000000, 1000000, 0, "", "", "",
			[]program.Mark{mark("submitted", "2025-04-07"), mark("recommended", "2025-04-25")}},
	} {
		d := data{"level": p.level, "plan": p.plan, "special_project": p.special, "role": "牵头", "total_funding": p.total, "upper_funding": p.upper}
		if p.lead != 0 {
			d["role"], d["lead_unit"] = "参与", float64(p.lead)
		}
		if p.partners != nil {
			d["partners"] = p.partners
		}
		if p.match > 0 {
			d["city_match"] = p.match
		}
		for k, v := range map[string]string{"project_no": p.no, "start_date": p.startDate, "end_date": p.endDate} {
			if v != "" {
				d[k] = v
			}
		}
		if err := g.record("national_project", rec(p.org, p.title, d, p.marks)); err != nil {
			return err
		}
	}
	return nil
}

// investmentLeads: leads registered in the first half of 2025 and not yet
// introduced on 2025-06-30 (most with no host park yet), a few dropped
// after a first contact, so the pipeline's first stage is wider than the
// next. None reaches introduced, so the letter's 61 introduced, 73 signed
// and 52 settled stay.
func (g *gen) investmentLeads() error {
	inds := []string{"集成电路", "人工智能", "机器人", "高端装备", "新能源", "生物医药", "航空航天"}
	sources := []string{"招商活动", "招商活动", "以商招商", "中介推荐", "企业自荐"}
	parks := []int64{g.named["浑南科技城"], g.named["中德产业园"]}
	for i := 0; i < 28; i++ {
		org := pick(g, g.investors)
		d := data{"industry": pick(g, inds), "source": pick(g, sources), "planned_investment": float64(3000+g.rng.IntN(60000)) * 10000, "investor": float64(org)}
		if i%3 == 0 {
			d["park"] = float64(pick(g, parks))
		}
		created := g.in("2025-01-06", "2025-06-20")
		var marks []program.Mark
		if i%7 == 3 {
			if gone := created.AddDate(0, 0, 20+g.rng.IntN(40)); date(gone) <= h1To {
				marks = append(marks, program.Mark{Stage: "dropped", At: weekday(gone)})
			}
		}
		s := rec(org, fmt.Sprintf("招商线索2025-%03d", i+1), d, marks)
		s.Created = created
		if err := g.record("investment_project", s); err != nil {
			return err
		}
	}
	return nil
}

// weekday is t, or the Friday before when t falls on a weekend.
func weekday(t time.Time) time.Time {
	switch t.In(cst).Weekday() {
	case time.Saturday:
		return t.AddDate(0, 0, -1)
	case time.Sunday:
		return t.AddDate(0, 0, -2)
	}
	return t
}

// openCooperation: beyond the letter's four-city agreement and its
// China–Lebanon lab, an international memorandum with a German institute
// that 中德产业园 carries out, a joint lab with that institute approved for
// provincial support, and a regional lab with Harbin under the four-city
// agreement, so the area shows international and regional work side by
// side. It runs last, after every other step, so nothing written before it
// moves; it draws nothing at random.
func (g *gen) openCooperation() error {
	partner := []registry.Organisation{{Name: "德国萨克森智能制造研究院", Kind: "other", Address: "德国萨克森州开姆尼茨市", Founded: "1992-07-01",
		Description: "演示数据：境外合作机构"}}
	if err := g.insertOrgs(partner); err != nil {
		return err
	}
	g.sum.Organisations++
	de := partner[0].ID
	harbin, err := registry.ByName(g.ctx, g.db, "哈尔滨市科学技术局")
	if err != nil {
		return fmt.Errorf("open cooperation: %w", err)
	}
	party := func(org int64, role, office string) map[string]any {
		return map[string]any{"organisation": float64(org), "role": role, "signatory": office}
	}
	mou := rec(g.named["科技局"], "沈阳市—德国萨克森智能制造研究院科技创新合作备忘录", data{"kind": "备忘录", "reach": "国际合作",
		"parties":     []any{party(g.named["科技局"], "发起方", "局长"), party(de, "签约方", "院长"), party(g.named["中德产业园"], "牵头执行方", "管委会主任")},
		"scope":       "在智能制造、工业机器人和高端装备领域开展联合研发、共建联合实验室、互派科研人员和技术转移合作。",
		"mechanism":   "双方每年召开一次合作工作会议，由中德产业园管委会负责日常联络和项目推进。",
		"signed_date": "2025-04-16", "effective_date": "2025-04-16", "term_years": 3.0},
		[]program.Mark{mark("signed", "2025-04-16"), mark("in_force", "2025-04-18")})
	mou.Created = day("2025-01-13").Add(10 * time.Hour)
	if err := g.record("cooperation_agreement", mou); err != nil {
		return err
	}
	for _, l := range []struct {
		org                              int64
		title, channel, country, summary string
		partner                          int64
		marks                            []program.Mark
		approved                         float64
	}{
		{g.named["新松"], "中德智能制造与工业机器人联合实验室", "推荐省级国际合作项目", "德国", "面向汽车和装备制造的柔性装配、人机协作与数字孪生产线联合研发。", de,
			[]program.Mark{mark("submitted", "2025-04-28"), mark("recommended", "2025-05-20"), mark("approved", "2025-06-18")}, 0},
		{g.named["自动化所"], "哈沈智能制造联合实验室", "区域科技合作", "哈尔滨", "依托“哈长沈大”四市合作机制，联合开展工业互联网与智能控制共性技术攻关。", harbin.ID,
			[]program.Mark{mark("submitted", "2024-11-11"), mark("approved", "2025-03-06")}, 500000},
	} {
		s := rec(l.org, l.title, data{"coop_type": "共建联合实验室", "channel": l.channel, "partner_country": l.country, "foreign_partner": float64(l.partner),
			"summary": l.summary, "amount_requested": 1000000.0}, l.marks)
		s.Approved = l.approved
		if err := g.record("international_cooperation", s); err != nil {
			return err
		}
	}
	return g.flush()
}
