package democity

import (
	"fmt"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

var (
	disciplinePool = []string{"控制科学与工程", "材料科学与工程", "冶金工程", "计算机科学与技术", "机械工程", "电气工程", "化学工程与技术", "作物学",
		"植物保护", "药学", "中药学", "临床医学", "基础医学", "土木工程", "建筑学", "航空宇航科学与技术", "兵器科学与技术", "管理科学与工程", "数学",
		"物理学", "化学", "软件工程", "信息与通信工程", "环境科学与工程", "矿业工程", "动力工程及工程热物理", "仪器科学与技术", "光学工程", "生物学",
		"农业工程", "园艺学", "畜牧学", "兽医学", "食品科学与工程", "公共卫生与预防医学", "中医学", "中西医结合", "口腔医学", "应用经济学", "法学",
		"马克思主义理论", "中国语言文学", "设计学", "音乐", "美术", "体育学", "新闻传播学", "统计学", "交通运输工程", "安全科学与工程"}
	majorPool = []string{"机械设计制造及其自动化", "材料成型及控制工程", "自动化", "电气工程及其自动化", "计算机科学与技术", "软件工程", "通信工程",
		"电子信息工程", "土木工程", "建筑学", "化学工程与工艺", "应用化学", "药学", "临床医学", "护理学", "农学", "植物保护", "园艺", "动物医学",
		"食品科学与工程", "环境工程", "冶金工程", "金属材料工程", "测控技术与仪器", "车辆工程", "飞行器设计与工程", "工业工程", "工商管理", "会计学",
		"国际经济与贸易", "法学", "汉语言文学", "英语", "数学与应用数学", "物理学", "统计学", "视觉传达设计", "音乐表演", "体育教育", "新闻学",
		"能源与动力工程", "安全工程", "交通运输", "物流管理", "市场营销", "财务管理", "信息管理与信息系统", "生物工程", "制药工程", "中药学",
		"美术学", "绘画", "雕塑", "环境设计", "产品设计", "音乐学", "作曲与作曲技术理论", "舞蹈表演", "运动训练", "社会体育指导与管理", "医学检验技术",
		"预防医学", "麻醉学", "中医学", "针灸推拿学", "中西医临床医学", "广播电视学", "播音与主持艺术", "广告学", "网络与新媒体", "药物制剂",
		"中药制药", "工程管理", "城乡规划", "风景园林", "给排水科学与工程", "建筑环境与能源应用工程", "口腔医学", "医学影像学"}
	newQualityMajors = []string{"智能制造工程", "机器人工程", "人工智能", "数据科学与大数据技术", "集成电路设计与集成系统", "新能源科学与工程",
		"储能科学与工程", "智能感知工程", "微电子科学与工程", "智能建造", "低空技术与工程", "智慧农业", "虚拟现实技术", "区块链工程",
		"网络空间安全", "智能医学工程", "氢能科学与工程", "智能车辆工程", "智能装备与系统", "航空智能制造技术", "智能材料与结构",
		"电子信息材料", "智能交互设计", "工业智能", "无人驾驶航空器系统工程"}
	otherNewMajors = []string{"数字经济", "应急管理", "老年学", "康复物理治疗", "文物保护技术", "家政学", "国际组织与全球治理", "养老服务管理",
		"健康服务与管理", "体育旅游", "数字媒体艺术", "跨境电子商务", "供应链管理", "劳动关系", "社会工作", "知识产权", "运动康复",
		"智慧交通", "婴幼儿发展与健康管理", "数字出版", "医学影像技术", "商务数据分析与应用", "大数据管理与应用", "化妆品科学与技术",
		"航空服务艺术与管理", "城市管理", "酒店管理", "会展经济与管理", "遥感科学与技术", "地理空间信息工程", "海洋技术", "宝石及材料工艺学",
		"电影制作", "数字人文"}
)

// universities writes the disciplines and majors of the 21 universities
// and the levels recognised: 63 advantage disciplines (each a provincial
// first-class discipline), 8 national and 3 world first-class; 59 majors
// opened in 2022–2024, 25 of them for new-quality productive forces; 65
// national and 125 provincial first-class majors among the older ones.
func (g *gen) universities() error {
	taken := map[string]bool{} // university|name
	name := map[int64]string{}
	for i, u := range g.unis {
		name[u] = universityNames[i]
	}
	// next is a discipline or major of pool that fits the university's
	// families and it does not have yet; "" when there is none.
	next := func(pool []string, fam map[string]string, uni int64) string {
		var fit []string
		for _, n := range pool {
			if strings.Contains(uniFamilies[name[uni]], fam[n]) && !taken[fmt.Sprint(uni, "|", n)] {
				fit = append(fit, n)
			}
		}
		if len(fit) == 0 {
			return ""
		}
		n := pick(g, fit)
		taken[fmt.Sprint(uni, "|", n)] = true
		return n
	}
	// draw adds n disciplines or majors, each at a university drawn by
	// choose among those it fits.
	draw := func(n int, pool []string, fam map[string]string, choose func() int64, mk func(u int64, name string, i int) registry.Discipline) []registry.Discipline {
		var out []registry.Discipline
		for tries := 0; len(out) < n; tries++ {
			if tries > 100000 {
				panic("democity: the universities' disciplines are exhausted")
			}
			u := choose()
			if d := next(pool, fam, u); d != "" {
				out = append(out, mk(u, d, len(out)))
			}
		}
		return out
	}
	neu := g.named["东北大学"]
	// the spread of advantage disciplines: the large universities hold more
	weight := func() int64 {
		if g.rng.IntN(4) == 0 {
			return neu
		}
		return g.unis[g.rng.IntN(12)]
	}
	anyUni := func() int64 { return pick(g, g.unis) }
	discipline := func(tags string) func(u int64, n string, _ int) registry.Discipline {
		return func(u int64, n string, _ int) registry.Discipline {
			return registry.Discipline{OrganisationID: u, Kind: "discipline", Code: disciplineCodes[n], Name: n, Tags: tags}
		}
	}
	// The three world first-class disciplines are 东北大学's.
	var advantage []registry.Discipline
	for _, n := range []string{"控制科学与工程", "冶金工程", "材料科学与工程"} {
		taken[fmt.Sprint(neu, "|", n)] = true
		advantage = append(advantage, discipline("优势学科")(neu, n, 0))
	}
	advantage = append(advantage, draw(60, disciplinePool, disciplineFamily, weight, discipline("优势学科"))...)
	others := draw(40, disciplinePool, disciplineFamily, anyUni, discipline(""))
	older := draw(300, majorPool, majorFamily, anyUni, func(u int64, n string, _ int) registry.Discipline {
		return registry.Discipline{OrganisationID: u, Kind: "major", Name: n, Opened: 1985 + g.rng.IntN(37)}
	})
	fresh := draw(25, newQualityMajors, majorFamily, anyUni, func(u int64, n string, i int) registry.Discipline {
		return registry.Discipline{OrganisationID: u, Kind: "major", Opened: 2022 + i%3, Name: n, Tags: "新质生产力"}
	})
	fresh = append(fresh, draw(34, otherNewMajors, majorFamily, anyUni, func(u int64, n string, i int) registry.Discipline {
		return registry.Discipline{OrganisationID: u, Kind: "major", Opened: 2022 + (i+25)%3, Name: n}
	})...)
	var all []*registry.Discipline
	for _, set := range [][]registry.Discipline{advantage, others, older, fresh} {
		for i := range set {
			all = append(all, &set[i])
		}
	}
	return g.db.InTx(g.ctx, func(tx *store.Tx) error {
		for _, d := range all {
			if err := registry.AddDiscipline(g.ctx, tx, d); err != nil {
				return err
			}
		}
		g.sum.Disciplines = len(all)
		var recs []registry.Recognition
		for i, d := range advantage {
			recs = append(recs, registry.Recognition{Kind: "world_class_discipline", Level: "省一流", Subject: "discipline", SubjectID: d.ID,
				Authority: "辽宁省教育厅", Granted: fmt.Sprintf("2021-%02d-15", 3+i%6)})
			switch {
			case i < 3:
				recs = append(recs, registry.Recognition{Kind: "world_class_discipline", Level: "世界一流", Subject: "discipline", SubjectID: d.ID,
					Authority: "教育部", Granted: "2022-02-14"})
			case i < 11:
				recs = append(recs, registry.Recognition{Kind: "world_class_discipline", Level: "国内一流", Subject: "discipline", SubjectID: d.ID,
					Authority: "辽宁省教育厅", Granted: "2023-06-20"})
			}
		}
		for i, d := range older[:190] {
			level, auth := "省级", "辽宁省教育厅"
			if i < 65 {
				level, auth = "国家级", "教育部"
			}
			recs = append(recs, registry.Recognition{Kind: "first_class_major", Level: level, Subject: "major", SubjectID: d.ID, Authority: auth,
				Granted: fmt.Sprintf("%d-12-%02d", 2019+i%4, 10+i%15)})
		}
		for _, r := range recs {
			if err := registry.GrantTx(g.ctx, tx, r); err != nil {
				return err
			}
		}
		g.step()
		return nil
	})
}
