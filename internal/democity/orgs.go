package democity

import (
	"fmt"
	"slices"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// namedOrg is an organisation the letter names, under its full name.
type namedOrg struct {
	short, name, kind, district, size string
	clusters, tags                    []string
}

// namedOrgs are the organisations of the letter. Their codes are synthetic.
var namedOrgs = []namedOrg{
	{"沈飞", marker, "enterprise", "210105", "large", []string{"航空航天", "航空装备"}, []string{"链主", "高新技术企业"}},
	{"沈鼓", "沈鼓集团股份有限公司", "enterprise", "210113", "large", []string{"高端装备"}, []string{"链主", "高新技术企业"}},
	{"新松", "沈阳新松机器人自动化股份有限公司", "enterprise", "210112", "large", []string{"机器人", "高端装备"}, []string{"链主", "上市", "高新技术企业"}},
	{"东软", "东软集团股份有限公司", "enterprise", "210112", "large", []string{"新一代信息技术", "人工智能"}, []string{"链主", "上市", "高新技术企业"}},
	{"芯源", "沈阳芯源微电子设备股份有限公司", "enterprise", "210112", "large", []string{"集成电路"}, []string{"上市", "专精特新“小巨人”", "高新技术企业"}},
	{"富创", "沈阳富创精密设备股份有限公司", "enterprise", "210112", "large", []string{"集成电路"}, []string{"上市", "高新技术企业"}},
	{"微控", "沈阳微控新能源技术有限公司", "enterprise", "210112", "medium", []string{"新能源"}, []string{"专精特新“小巨人”", "高新技术企业"}},
	{"燃机", "中国航发沈阳燃气轮机有限公司", "enterprise", "210106", "large", []string{"航空航天", "新能源"}, []string{"链主"}},
	{"中船辽海", "中船辽海装备有限责任公司", "enterprise", "210114", "large", []string{"高端装备"}, nil},
	{"铸造所", "沈阳铸造研究所有限公司", "institute", "210106", "large", []string{"高端装备"}, []string{"高新技术企业"}},
	{"中科晶益", "沈阳中科晶益新材料有限公司", "enterprise", "210112", "small", []string{"集成电路"}, []string{"科技型中小企业", "专精特新"}},
	{"亿方联创", "沈阳亿方联创科技有限公司", "enterprise", "210112", "small", []string{"集成电路", "新一代信息技术"}, []string{"科技型中小企业"}},
	{"四十七所", "中国电子科技集团公司第四十七研究所", "institute", "210105", "large", []string{"集成电路"}, nil},
	{"华为", "华为技术有限公司沈阳分公司", "enterprise", "210112", "large", []string{"人工智能", "新一代信息技术"}, nil},
	{"自动化所", "中国科学院沈阳自动化研究所", "institute", "210102", "large", []string{"机器人", "人工智能"}, nil},
	{"金属所", "中国科学院金属研究所", "institute", "210103", "large", []string{"高端装备"}, nil},
	{"浑南科技城", "浑南科技城", "park", "210112", "", nil, nil},
	{"科技局", "沈阳市科学技术局", "government", "210103", "", nil, nil},
	{"算力中心", "沈阳人工智能算力中心", "compute", "210112", "", []string{"人工智能"}, nil},
	{"华为计算中心", "沈阳华为人工智能计算中心", "compute", "210112", "", []string{"人工智能"}, nil},
	{"大东计算中心", "大东汽车城智能计算中心", "compute", "210104", "", []string{"人工智能"}, nil},
	{"百度计算中心", "沈阳百度智能计算中心", "compute", "210112", "", []string{"人工智能"}, nil},
	{"电信智算中心", "中国电信东北区域智算中心", "compute", "210113", "", []string{"人工智能"}, nil},
	{"人工智能联盟", "沈阳人工智能产业技术创新联盟", "alliance", "210112", "", []string{"人工智能"}, nil},
	{"飞地中心", "沈阳都市圈飞地创新中心", "park", "210112", "", nil, nil},
	{"中德产业园", "中德（沈阳）高端装备制造产业园", "park", "210113", "", nil, nil},
}

// universityNames are the 21 universities in the city.
var universityNames = []string{"东北大学", "沈阳工业大学", "沈阳农业大学", "辽宁大学", "中国医科大学", "沈阳航空航天大学", "沈阳建筑大学",
	"沈阳理工大学", "沈阳化工大学", "沈阳药科大学", "沈阳师范大学", "辽宁中医药大学", "沈阳大学", "沈阳音乐学院", "鲁迅美术学院",
	"沈阳体育学院", "沈阳工程学院", "沈阳医学院", "沈阳城市建设学院", "沈阳城市学院", "辽宁传媒学院"}

var (
	namePrefix = []string{"盛京", "浑南", "北方", "辽沈", "东辰", "华晟", "恒信", "远航", "中汇", "鼎盛", "新锐", "博远", "天合", "宏图", "金桥",
		"瑞丰", "启明", "众诚", "卓越", "同创", "联众", "广润", "兴华", "德邦", "凯达", "汇通", "铭泰", "鸿基", "嘉业", "昊天", "瀚海", "正元", "思源",
		"永安", "安达", "长青", "睿智", "精诚", "九州", "星河"}
	nameTrade = map[string][]string{
		"新能源": {"新能源", "储能", "氢能", "光伏"}, "集成电路": {"半导体", "微电子", "芯片", "电子材料"}, "高端装备": {"重工", "精密机械", "数控装备", "液压"},
		"节能环保": {"环保", "节能", "水处理", "环境"}, "航空航天": {"航空部件", "航天科技", "航空材料"}, "新一代信息技术": {"软件", "信息技术", "数据", "网络"},
		"机器人": {"机器人", "智能装备", "自动化"}, "生物医药": {"生物", "医药", "医疗器械"}, "航空装备": {"航空装备", "航空制造"},
		"汽车及零部件": {"汽车零部件", "汽车电子", "车用材料"}, "人工智能": {"智能科技", "人工智能", "视觉"},
	}
	nameForm     = []string{"科技", "技术", "实业", "制造", "工程", "股份", "装备", "产业"}
	copyCities   = []string{"鞍山", "抚顺", "本溪", "丹东", "锦州", "营口", "阜新", "辽阳", "铁岭", "朝阳", "盘锦", "葫芦岛"}
	clusterNames = []string{"新能源", "集成电路", "高端装备", "节能环保", "航空航天", "新一代信息技术", "机器人", "生物医药", "航空装备", "汽车及零部件", "人工智能"}
)

// districts are Shenyang's districts and counties.
func districts() []string {
	var out []string
	for _, d := range stdcode.Districts() {
		if strings.HasPrefix(d.Code, "2101") {
			out = append(out, d.Code)
		}
	}
	return out
}

// creditCode is a synthetic unified social credit code with valid check
// characters: registration authority and kind, the district, an
// organisation code.
func (g *gen) creditCode(kind, district string) string {
	g.codeSeq++
	base := fmt.Sprintf("M%07d", g.codeSeq)
	oc, err := stdcode.OrgCodeCheckChar(base)
	if err != nil {
		panic(err)
	}
	head := "91"
	switch kind {
	case "university", "institute":
		head = "12"
	case "park", "government":
		head = "11"
	case "alliance":
		head = "51"
	}
	first := head + district + base + string(oc)
	cc, err := stdcode.CreditCodeCheckChar(first)
	if err != nil {
		panic(err)
	}
	return first + string(cc)
}

// Enterprises per scale unit, by size.
const (
	largeN = 320
	smeN   = 2300
	invN   = 160
	provN  = 140
)

func (g *gen) organisations() error {
	ds := districts()
	var orgs []registry.Organisation
	named := namedOrgs
	unis := universityNames
	if g.copy > 0 {
		named, unis = nil, nil
	}
	for _, n := range named {
		orgs = append(orgs, registry.Organisation{Name: n.name, Kind: n.kind, District: n.district, Size: n.size, Clusters: n.clusters, Tags: n.tags,
			CreditCode: g.creditCode(n.kind, n.district), Founded: "1990-01-01", Description: "演示数据：" + n.short})
	}
	for _, u := range unis {
		d := pick(g, ds)
		if u == "东北大学" {
			d = "210102"
		}
		orgs = append(orgs, registry.Organisation{Name: u, Kind: "university", District: d, CreditCode: g.creditCode("university", d), Founded: "1950-01-01"})
	}
	seen := map[string]bool{}
	for _, o := range orgs {
		seen[o.Name] = true
	}
	type group struct {
		n     int
		size  func() string
		tags  func() []string
		purp  string
		extra string
	}
	sizes := []string{"medium", "small", "small", "micro"}
	for _, gr := range []group{
		{largeN, func() string { return "large" }, func() []string { return []string{"规上", "高新技术企业"} }, "large", "集团有限公司"},
		{smeN, func() string { return pick(g, sizes) }, g.smeTags, "sme", "有限公司"},
		{invN, func() string { return pick(g, []string{"large", "medium"}) }, func() []string { return nil }, "investor", "有限公司"},
		{provN, func() string { return pick(g, []string{"medium", "small"}) }, func() []string { return []string{"科技型中小企业"} }, "provider", "科技有限公司"},
	} {
		for i := 0; i < gr.n; i++ {
			cl := pick(g, clusterNames)
			var name string
			for tries := 0; name == "" || seen[name]; tries++ {
				if tries > 50 {
					return fmt.Errorf("ran out of organisation names")
				}
				city := "沈阳"
				if gr.purp == "investor" {
					city = pick(g, []string{"北京", "上海", "深圳", "杭州", "大连", "苏州", "天津", "广州"})
				}
				name = city + pick(g, namePrefix) + pick(g, nameTrade[cl]) + pick(g, nameForm) + gr.extra
				if gr.purp == "provider" {
					name = "沈阳" + pick(g, namePrefix) + pick(g, []string{"数字", "工业互联网", "智造", "云"}) + gr.extra
				}
				if g.copy > 0 { // the copies of a scaled city are other places
					name = pick(g, copyCities) + strings.TrimPrefix(name, "沈阳") + fmt.Sprintf("（%d）", g.copy)
				}
			}
			seen[name] = true
			d := pick(g, ds)
			orgs = append(orgs, registry.Organisation{Name: name, Kind: "enterprise", District: d, Size: gr.size(), Clusters: []string{cl}, Tags: gr.tags(),
				CreditCode: g.creditCode("enterprise", d), Founded: fmt.Sprintf("%d-%02d-%02d", 1995+g.rng.IntN(28), 1+g.rng.IntN(12), 1+g.rng.IntN(28)),
				Description: "演示数据：" + cl + "产业"})
		}
	}
	if err := g.insertOrgs(orgs); err != nil {
		return err
	}
	g.sum.Organisations += len(orgs)
	g.firstOrg = orgs[0].ID
	i := 0
	for _, n := range named {
		g.named[n.short] = orgs[i].ID
		i++
	}
	for range unis {
		g.unis = append(g.unis, orgs[i].ID)
		g.named[orgs[i].Name] = orgs[i].ID
		i++
	}
	for _, n := range []int{largeN, smeN, invN, provN} {
		ids := make([]int64, n)
		for j := range ids {
			ids[j] = orgs[i].ID
			i++
		}
		switch n {
		case largeN:
			g.large = ids
		case smeN:
			g.smes = ids
		case invN:
			g.investors = ids
		case provN:
			g.providers = ids
		}
	}
	if g.copy == 0 {
		g.institutes = []int64{g.named["四十七所"], g.named["铸造所"], g.named["自动化所"], g.named["金属所"]}
		g.large = append(g.large, g.named["沈飞"], g.named["沈鼓"], g.named["新松"], g.named["东软"], g.named["芯源"], g.named["富创"], g.named["燃机"])
	}
	g.step()
	return nil
}

// insertOrgs writes new organisations in one transaction, sets their ids
// and gives them their staff.
func (g *gen) insertOrgs(orgs []registry.Organisation) error {
	err := g.db.InTx(g.ctx, func(tx *store.Tx) error {
		cat, err := registry.LoadCatalogue(g.ctx, tx)
		if err != nil {
			return err
		}
		return registry.InsertOrganisations(g.ctx, tx, g.opt.Indexer, cat, orgs)
	})
	if err != nil {
		return err
	}
	return g.staffOrgs(orgs)
}

func (g *gen) smeTags() []string {
	tags := []string{"规上"}
	if g.rng.IntN(3) == 0 {
		tags = append(tags, "科技型中小企业")
	}
	if g.rng.IntN(6) == 0 {
		tags = append(tags, "专精特新")
	}
	slices.Sort(tags)
	return tags
}

// figures writes yearly output value and revenue for 2021–2024. Six
// clusters grow by at least 10% in 2024 (the letter's double-digit
// clusters); the others grow less.
func (g *gen) figures() error {
	fast := map[string]bool{"新能源": true, "集成电路": true, "高端装备": true, "节能环保": true, "航空航天": true, "新一代信息技术": true}
	var fs []registry.Figure
	err := g.db.InTx(g.ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(g.ctx, `SELECT o.id, COALESCE(o.size, ''), COALESCE(c.name, '') FROM organisations o
			LEFT JOIN organisation_clusters oc ON oc.organisation_id = o.id LEFT JOIN clusters c ON c.id = oc.cluster_id
			WHERE o.kind = 'enterprise' AND o.id >= ? ORDER BY o.id, c.name`, g.firstOrg)
		if err != nil {
			return err
		}
		defer rows.Close()
		last := int64(0)
		for rows.Next() {
			var id int64
			var size, cluster string
			if err := rows.Scan(&id, &size, &cluster); err != nil {
				return err
			}
			if id == last {
				continue // one cluster decides an enterprise's growth
			}
			last = id
			base := map[string]float64{"large": 200000, "medium": 30000, "small": 6000, "micro": 800}[size]
			if base == 0 {
				base = 5000
			}
			v := base * (0.6 + 0.8*g.rng.Float64())
			growth := []float64{1.05, 1.06, 1.04}
			if fast[cluster] {
				growth[2] = 1.12 + 0.04*g.rng.Float64()
			} else {
				growth[2] = 1.01 + 0.05*g.rng.Float64()
			}
			for y := 2021; y <= 2024; y++ {
				if y > 2021 {
					v *= growth[y-2022]
				}
				out := float64(int64(v))
				fs = append(fs, registry.Figure{OrganisationID: id, Year: y, Kind: "output_value", Value: out, Source: "演示数据"},
					registry.Figure{OrganisationID: id, Year: y, Kind: "revenue", Value: float64(int64(out * 0.93)), Source: "演示数据"})
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return registry.InsertFigures(g.ctx, tx, fs)
	})
	g.step()
	return err
}
