package democity

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// The city's people are drawn from their own random stream, so that adding
// them leaves every other draw of the demo city (and so the letter's
// figures) as it was.

var (
	surnames = []string{"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗",
		"梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋",
		"蔡", "贾", "丁", "魏", "薛", "叶", "阎", "余", "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜", "范", "方", "石", "姚", "谭", "廖",
		"邹", "熊", "金", "陆", "郝", "孔", "白", "崔", "康", "毛", "邱", "秦", "江", "史", "顾", "侯", "邵", "孟", "龙", "万", "段", "雷", "钱",
		"汤", "尹", "黎", "易", "常", "武", "乔", "贺", "赖", "龚", "文", "关", "隋", "佟", "付", "那", "鲍", "单"}
	givenMale = []string{"伟", "刚", "勇", "毅", "俊", "峰", "强", "军", "平", "保", "东", "文", "辉", "力", "明", "永", "健", "世", "广", "志",
		"义", "兴", "良", "海", "山", "仁", "波", "宁", "贵", "福", "生", "龙", "元", "全", "国", "胜", "学", "祥", "才", "发", "武", "新", "利",
		"清", "飞", "彬", "富", "顺", "信", "子", "杰", "涛", "昌", "成", "康", "星", "光", "天", "达", "安", "岩", "中", "茂", "进", "林", "有",
		"坚", "和", "彪", "博", "诚", "先", "敬", "震", "振", "壮", "会", "思", "群", "豪", "心", "邦", "承", "乐", "绍", "功", "松", "善", "厚",
		"庆", "磊", "民", "友", "裕", "河", "哲", "江", "超", "浩", "亮", "政", "谦", "亨", "奇", "固", "之", "轮", "翰", "朗", "伯", "宏", "言",
		"若", "鸣", "朋", "斌", "梁", "栋", "维", "启", "克", "伦", "翔", "旭", "鹏", "泽", "晨", "辰", "士", "以", "建", "家", "致", "树", "炎",
		"德", "行", "时", "泰", "盛", "雄", "琛", "钧", "冠", "策", "腾", "楠", "榕", "风", "航", "弘"}
	givenFemale = []string{"秀", "娟", "英", "华", "慧", "巧", "美", "娜", "静", "淑", "惠", "珠", "翠", "雅", "芝", "玉", "萍", "红", "娥", "玲",
		"芬", "芳", "燕", "彩", "春", "菊", "兰", "凤", "洁", "梅", "琳", "素", "云", "莲", "真", "环", "雪", "荣", "爱", "妹", "霞", "香", "月",
		"莺", "媛", "艳", "瑞", "凡", "佳", "嘉", "琼", "勤", "珍", "贞", "莉", "桂", "娣", "叶", "璧", "璐", "娅", "琦", "晶", "妍", "茜", "秋",
		"珊", "莎", "锦", "黛", "青", "倩", "婷", "姣", "婉", "娴", "瑾", "颖", "露", "瑶", "怡", "婵", "雁", "蓓", "纨", "仪", "荷", "丹", "蓉",
		"眉", "君", "琴", "蕊", "薇", "菁", "梦", "岚", "苑", "婕", "馨", "瑗", "琰", "韵", "融", "园", "艺", "咏", "卿", "聪", "澜", "纯", "毓",
		"悦", "昭", "冰", "爽", "琬", "茗", "羽", "希", "宁", "欣", "飘", "育", "滢", "馥", "筠", "柔", "竹", "霭", "凝", "晓", "欢", "霄", "枫",
		"芸", "菲", "寒", "伊", "亚", "宜", "可", "姬", "舒", "影", "荔", "枝", "丽", "阳", "妮", "宝", "贝", "初", "程", "梵", "罡", "恒", "鸿",
		"桦", "骅", "剑", "娇", "纪", "宽", "苛", "灵", "玛", "媚", "琪", "晴", "容", "睿", "烁", "堂", "唯", "威", "韦", "雯", "苇", "萱", "阅",
		"彦", "宇", "雨", "洋", "忠", "宗", "曼", "紫", "逸", "贤", "蝶", "菡", "绿", "蓝", "儿", "翠", "烟"}
	// where people in the city were born: Shenyang's districts, and some of
	// Liaoning's other cities and the neighbouring provinces
	birthPlaces = []string{"210102", "210103", "210104", "210105", "210106", "210111", "210112", "210113", "210114", "210115", "210123",
		"210124", "210181", "210202", "210203", "210302", "210402", "210502", "210602", "210702", "210802", "210902", "211002", "211202",
		"211302", "211402", "220102", "220104", "230102", "230103", "150102", "130102", "370102", "110105", "120101"}
	personFields = map[string][]string{
		"新能源": {"储能技术", "氢能与燃料电池", "风电装备", "光伏材料"}, "集成电路": {"半导体工艺装备", "集成电路设计", "电子材料", "封装测试"},
		"高端装备": {"数控机床", "流体机械", "精密制造", "液压传动"}, "节能环保": {"水处理", "大气污染治理", "节能技术"},
		"航空航天": {"航空发动机", "飞行器结构", "航空材料"}, "新一代信息技术": {"工业软件", "数据库", "网络安全", "云计算"},
		"机器人": {"机器人控制", "机器视觉", "工业自动化"}, "生物医药": {"生物制药", "医疗器械", "中药现代化"}, "航空装备": {"航空制造", "机载系统"},
		"汽车及零部件": {"汽车电子", "动力总成", "轻量化材料"}, "人工智能": {"机器学习", "计算机视觉", "自然语言处理", "智能计算"},
	}
	academicTitles  = []string{"教授", "副教授", "讲师"}
	instituteTitles = []string{"研究员", "副研究员", "助理研究员"}
	engineerTitles  = []string{"正高级工程师", "高级工程师", "工程师", "助理工程师"}
)

// staffPlan is how many staff the demo city gives an organisation of a kind
// and size: universities and institutes most, small firms a few.
func staffPlan(kind, size, name string) int {
	switch {
	case name == "东北大学":
		return 900
	case name == DemoEnterprise: // the demo's own firm applies with a team
		return 12
	case kind == "university":
		return 420
	case kind == "institute":
		return 300
	case kind == "enterprise" && size == "large":
		return 14
	case kind == "enterprise" && size == "medium":
		return 3
	case kind == "enterprise":
		return 1
	default:
		return 3
	}
}

// peopleTarget is the fewest people the city itself holds; its copies add
// one a firm.
const peopleTarget = 20000

type orgRow struct {
	id               int64
	kind, size, name string
	clusters         []string
}

// staffOrgs writes the staff of new organisations: names, synthetic but
// valid ID numbers (sealed when the load has keys), phones, degrees, fields
// and titles; as many as staffPlan says in the city itself, one a firm in
// its copies.
func (g *gen) staffOrgs(orgs []registry.Organisation) error {
	var ps []registry.Person
	for _, o := range orgs {
		n := 1
		if g.copy == 0 {
			n = staffPlan(o.Kind, o.Size, o.Name)
		}
		row := orgRow{id: o.ID, kind: o.Kind, size: o.Size, name: o.Name, clusters: o.Clusters}
		for i := 0; i < n; i++ {
			ps = append(ps, g.newPerson(row))
		}
	}
	return g.insertPeople(ps)
}

func (g *gen) insertPeople(ps []registry.Person) error {
	if err := g.db.InTx(g.ctx, func(tx *store.Tx) error { return registry.InsertPeople(g.ctx, tx, g.opt.Keys, ps) }); err != nil {
		return fmt.Errorf("people: %w", err)
	}
	for _, p := range ps {
		g.staff[p.OrganisationID] = append(g.staff[p.OrganisationID], p.ID)
		g.personName[p.ID] = p.Name
	}
	g.sum.People += len(ps)
	return nil
}

// people fills the city itself up to peopleTarget with more staff of its
// larger firms (the organisations got their first staff as they were
// written).
func (g *gen) people() error {
	if g.copy > 0 {
		return nil
	}
	orgs, err := g.copyOrgs()
	if err != nil {
		return err
	}
	var large []orgRow
	for _, o := range orgs {
		if o.kind == "enterprise" && (o.size == "large" || o.size == "medium") {
			large = append(large, o)
		}
	}
	var ps []registry.Person
	for total := g.sum.People; total < peopleTarget && len(large) > 0; total++ {
		ps = append(ps, g.newPerson(large[g.prng.IntN(len(large))]))
	}
	if err := g.insertPeople(ps); err != nil {
		return err
	}
	g.step()
	return nil
}

// copyOrgs lists the organisations of the copy being written.
func (g *gen) copyOrgs() ([]orgRow, error) {
	rows, err := g.db.QueryContext(g.ctx, `SELECT o.id, o.kind, o.size, o.name, COALESCE(c.name, '') FROM organisations o
		LEFT JOIN organisation_clusters oc ON oc.organisation_id = o.id LEFT JOIN clusters c ON c.id = oc.cluster_id
		WHERE o.id >= ? ORDER BY o.id`, g.firstOrg)
	if err != nil {
		return nil, fmt.Errorf("people: organisations: %w", err)
	}
	defer rows.Close()
	var out []orgRow
	for rows.Next() {
		var o orgRow
		var cl string
		if err := rows.Scan(&o.id, &o.kind, &o.size, &o.name, &cl); err != nil {
			return nil, err
		}
		if n := len(out); n > 0 && out[n-1].id == o.id {
			if cl != "" {
				out[n-1].clusters = append(out[n-1].clusters, cl)
			}
			continue
		}
		if cl != "" {
			o.clusters = []string{cl}
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// newPerson is one member of staff of o.
func (g *gen) newPerson(o orgRow) registry.Person {
	r := g.prng
	male := r.IntN(100) < 62
	born := 1962 + r.IntN(40)
	p := registry.Person{OrganisationID: o.id, BirthYear: born, Gender: "female"}
	given := givenFemale
	if male {
		p.Gender, given = "male", givenMale
	}
	p.Name = surnames[r.IntN(len(surnames))] + given[r.IntN(len(given))]
	if r.IntN(100) < 70 {
		p.Name += given[r.IntN(len(given))]
	}
	p.IDNumber = g.idNumber(born, male)
	p.Phone = fmt.Sprintf("1%d%d%08d", 3+r.IntN(7), r.IntN(10), r.IntN(100000000))
	senior := born < 1980
	switch o.kind {
	case "university":
		p.Degree = pickR(r, []string{"博士", "博士", "博士", "硕士"})
		p.Title = academicTitles[min(r.IntN(3)+boolInt(!senior), 2)]
		p.Field = pickR(r, disciplinePool[:36])
	case "institute":
		p.Degree = pickR(r, []string{"博士", "博士", "硕士"})
		p.Title = instituteTitles[min(r.IntN(3)+boolInt(!senior), 2)]
	default:
		p.Degree = pickR(r, []string{"博士", "硕士", "硕士", "学士", "学士", "学士", "大专"})
		if o.kind == "enterprise" {
			p.Title = engineerTitles[min(r.IntN(4)+boolInt(!senior), 3)]
		}
	}
	if p.Field == "" {
		cl := pickR(r, clusterNames)
		if len(o.clusters) > 0 {
			cl = pickR(r, o.clusters)
		}
		if fs, ok := personFields[cl]; ok {
			p.Field = pickR(r, fs)
		}
	}
	return p
}

// idNumber is a synthetic resident ID number (GB 11643): a birthplace, the
// birthday, a sequence whose parity is the sex, and a valid check
// character; each is given once.
func (g *gen) idNumber(year int, male bool) string {
	r := g.prng
	for {
		d := day(fmt.Sprintf("%d-01-01", year)).AddDate(0, 0, r.IntN(365))
		seq := r.IntN(500) * 2
		if male {
			seq++
		}
		first := fmt.Sprintf("%s%s%03d", pickR(r, birthPlaces), d.Format("20060102"), seq)
		if g.idTaken[first] {
			continue
		}
		c, err := stdcode.IDCheckChar(first)
		if err != nil {
			panic(err)
		}
		g.idTaken[first] = true
		return first + string(c)
	}
}

// staffOf is a member of staff of org, drawn from the people's stream; 0
// when the organisation has none.
func (g *gen) staffOf(org int64) int64 {
	s := g.staff[org]
	if len(s) == 0 {
		return 0
	}
	return s[g.prng.IntN(len(s))]
}

// fillPeople names a person in each person field the record's data leaves
// empty: staff of the record's organisation (or of the organisation a field
// names, such as a lab's university), so that every record that names a
// person names one.
func (g *gen) fillPeople(key string, org int64, d map[string]any) {
	t := g.tmpl[key]
	if t == nil || g.staff == nil {
		return
	}
	for _, f := range t.Form {
		if f.Type != "person" {
			continue
		}
		if v, ok := d[f.Key].(float64); ok && v > 0 {
			continue
		}
		from := org
		if u, ok := d["university"].(float64); ok && u > 0 && key == "joint_lab" {
			from = int64(u)
		}
		if p := g.staffOf(from); p != 0 {
			d[f.Key] = float64(p)
		}
	}
}

func pickR[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// jsonField is a field of a record's stored data as text ("" when absent).
func jsonField(raw, key string) string {
	var d map[string]any
	if json.Unmarshal([]byte(raw), &d) != nil {
		return ""
	}
	if v, ok := d[key].(string); ok {
		return v
	}
	return ""
}
