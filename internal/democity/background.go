package democity

import (
	"fmt"

	"github.com/xinzhi-platform/xinzhi/internal/registry"
)

// backgroundN is how many small firms each copy of the city registers
// beyond those the programs name: the many that only file a digital-level
// self-assessment or ask a talent service. They make the registry the size
// of a real city's (about 10,000 organisations and 100,000 stage events a
// copy).
const backgroundN = 7000

// nameMiddle and nameStudio compose the small firms' names: 沈阳 盛京 宏达
// 半导体 科技工作室.
var (
	nameMiddle = []string{"宏达", "兴业", "永盛", "华光", "恒通", "佳禾", "信达", "鑫源", "瑞祥", "德润", "广源", "金泰", "聚力", "智远", "明辉", "天成",
		"嘉和", "泰丰", "福瑞", "安泰", "润泽", "弘毅", "和信", "晟达", "志诚", "海川", "新元", "东升", "昌盛", "裕丰", "协力", "融通", "华宇", "益友",
		"合众", "凯瑞", "科达", "青禾", "云帆", "朗润"}
	nameStudio = []string{"科技工作室", "技术服务部", "科技服务中心", "技术开发部", "工程技术服务部", "科技经营部"}
)

// background registers the small firms and their self-assessments (2023–
// 2024) and talent service cases of 2024.
func (g *gen) background() error {
	ds := districts()
	orgs := make([]registry.Organisation, 0, backgroundN)
	r := g.sub("background names") // the words added to a name; the city's other draws stay as they were
	seen := map[string]bool{}
	for i := 0; i < backgroundN; i++ {
		cl := pick(g, clusterNames)
		d := pick(g, ds)
		city := "沈阳"
		if g.copy > 0 {
			city = pick(g, copyCities)
		}
		prefix, trade := pick(g, namePrefix), pick(g, nameTrade[cl])
		_ = pick(g, nameForm) // drawn once for a form the name no longer takes
		name := ""
		for name == "" || seen[name] {
			name = city + prefix + nameMiddle[r.IntN(len(nameMiddle))] + trade + nameStudio[r.IntN(len(nameStudio))]
			if g.copy > 0 {
				name += fmt.Sprintf("（%d）", g.copy)
			}
		}
		seen[name] = true
		orgs = append(orgs, registry.Organisation{Name: name,
			Kind: "enterprise", District: d, Size: pick(g, []string{"small", "micro", "micro"}), Clusters: []string{cl},
			CreditCode: g.creditCode("enterprise", d), Founded: fmt.Sprintf("%d-%02d-%02d", 2010+g.rng.IntN(14), 1+g.rng.IntN(12), 1+g.rng.IntN(28))})
	}
	if err := g.insertOrgs(orgs); err != nil {
		return err
	}
	g.sum.Organisations += len(orgs)
	g.step()
	services := []string{"子女入学", "医疗保障", "住房安居", "配偶就业", "落户", "交通出行"}
	for _, o := range orgs {
		s := rec(o.ID, "", data{"purpose": "改造前诊断", "level": pick(g, []string{"一级", "二级", "三级"})}, g.marks("submitted", "2023-03-01", "2024-06-28", "confirmed", "2024-07-01", "2024-12-27"))
		if err := g.record("sme_digital_assessment", s); err != nil {
			return err
		}
		m := g.marks("done", "2024-01-08", "2024-12-27")
		t := rec(o.ID, "", data{"service_type": pick(g, services), "details": "高层次人才服务（演示）"}, m)
		t.Created = m[0].At.AddDate(0, 0, -5)
		if err := g.record("talent_service", t); err != nil {
			return err
		}
	}
	return nil
}
