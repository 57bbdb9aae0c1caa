package democity

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"github.com/xinzhi-platform/xinzhi/internal/chain"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// demoChain is a chain of the map: its links from upstream to downstream
// (the leader's short name at the link it leads), and its key
// technologies at a link, with the records they stand on.
type demoChain struct {
	name, en string
	links    []demoLink
	techs    []demoTech
}

type demoLink struct {
	name, stage, leader string
	members             int // enterprises of the cluster put at the link (0: a gap)
	research            bool
}

type demoTech struct {
	name, link, dimension, choke string
	bottleneck                   bool
	records                      int    // the chain's tackling projects addressing it
	record                       string // the title of another record addressing it (a challenge, a transplanted team)
}

// demoChains are the seven chains the letter names: 沈鼓, 沈飞, 新松, 东软
// and 燃机 lead theirs (the letter's "沈鼓等5家链主企业"); each chain has a
// bottleneck with nothing under way and 集成电路 a link with no local
// enterprise, so the gap view has something to show.
var demoChains = []demoChain{
	{"高端装备", "High-end equipment", []demoLink{{"特种材料与铸锻件", "upstream", "", 3, true}, {"核心零部件", "midstream", "", 4, false}, {"压缩机与鼓风机整机", "midstream", "沈鼓", 3, false}, {"石化与冶金成套应用", "downstream", "", 3, false}},
		[]demoTech{{"干式真空泵转子型线", "压缩机与鼓风机整机", "进口产品国产替代", "整机", true, 3, ""}, {"大型离心压缩机干气密封", "核心零部件", "关键技术受制于人", "部件", true, 4, ""},
			{"高温合金精密铸造", "特种材料与铸锻件", "关键技术受制于人", "附件", true, 0, ""}, {"设备远程运维平台", "石化与冶金成套应用", "", "", false, 2, ""}}},
	{"航空航天", "Aerospace", []demoLink{{"航空材料", "upstream", "", 2, true}, {"机载系统与部件", "midstream", "", 3, false}, {"整机制造", "midstream", "沈飞", 2, false}, {"维修与运营服务", "downstream", "", 2, false}},
		[]demoTech{{"复合材料自动铺丝", "整机制造", "关键技术受制于人", "部件", true, 3, "带土移植引进团队01"}, {"航空发动机叶片增材修复", "维修与运营服务", "进口产品国产替代", "附件", true, 2, ""},
			{"机载高可靠连接器", "机载系统与部件", "进口产品国产替代", "附件", true, 0, ""}}},
	{"机器人", "Robotics", []demoLink{{"减速器与伺服", "upstream", "", 3, true}, {"本体制造", "midstream", "新松", 3, false}, {"系统集成与应用", "downstream", "", 4, false}},
		[]demoTech{{"协作机器人力控关节", "本体制造", "关键技术受制于人", "部件", true, 2, "揭榜挂帅：协作机器人力控关节"}, {"精密RV减速器", "减速器与伺服", "进口产品国产替代", "部件", true, 0, ""}}},
	{"新一代信息技术", "New-generation IT", []demoLink{{"基础软件", "upstream", "", 2, true}, {"软件与信息服务", "midstream", "东软", 3, false}, {"行业数字化应用", "downstream", "", 3, false}},
		[]demoTech{{"工业软件内核", "基础软件", "关键技术受制于人", "整机", true, 3, ""}, {"工业视觉缺陷检测大模型", "行业数字化应用", "", "", false, 0, "揭榜挂帅：工业视觉缺陷检测大模型"},
			{"国产数据库内核", "基础软件", "进口产品国产替代", "部件", true, 0, ""}}},
	{"新能源", "New energy", []demoLink{{"储能材料", "upstream", "", 2, true}, {"燃气轮机与储能装备", "midstream", "燃机", 3, false}, {"电站运营", "downstream", "", 2, false}},
		[]demoTech{{"磁悬浮飞轮储能轴承", "燃气轮机与储能装备", "关键技术受制于人", "部件", true, 2, "揭榜挂帅：磁悬浮飞轮储能轴承"}, {"重型燃机热端部件", "燃气轮机与储能装备", "进口产品国产替代", "部件", true, 3, "带土移植引进团队02"},
			{"氢燃料电池质子交换膜", "储能材料", "进口产品国产替代", "附件", true, 0, ""}}},
	{"集成电路", "Integrated circuits", []demoLink{{"光刻胶与电子化学品", "upstream", "", 0, false}, {"晶圆材料", "upstream", "", 2, true}, {"半导体设备", "midstream", "", 4, false}, {"封装测试", "downstream", "", 2, false}},
		[]demoTech{{"涂胶显影设备精密温控", "半导体设备", "关键技术受制于人", "部件", true, 3, "揭榜挂帅：涂胶显影设备精密温控模块"}, {"抗辐照微控制器", "封装测试", "关键技术受制于人", "整机", true, 0, "揭榜挂帅：抗辐照微控制器设计验证"},
			{"ArF光刻胶", "光刻胶与电子化学品", "进口产品国产替代", "附件", true, 0, ""}}},
	{"节能环保", "Energy saving and environmental protection", []demoLink{{"环保材料", "upstream", "", 2, false}, {"节能装备", "midstream", "", 3, false}, {"环境治理服务", "downstream", "", 2, false}},
		[]demoTech{{"高效余热回收换热器", "节能装备", "进口产品国产替代", "整机", true, 2, ""}, {"VOCs催化燃烧催化剂", "环保材料", "关键技术受制于人", "附件", true, 0, ""}}},
}

// chains draws the chain map. It runs after every other part, from its
// own random source, so the records the rest of the city drew stay as
// they were; it links the tackling projects and challenges already
// written to the technologies they address.
func (g *gen) chains() error {
	rng := rand.New(rand.NewPCG(g.opt.Seed, 0xc4a1))
	tackling, err := g.tacklingByChain()
	if err != nil {
		return err
	}
	return g.db.InTx(g.ctx, func(tx *store.Tx) error {
		for _, dc := range demoChains {
			if err := g.drawChain(tx, rng, dc, tackling[dc.name]); err != nil {
				return fmt.Errorf("chain %s: %w", dc.name, err)
			}
		}
		return nil
	})
}

func (g *gen) drawChain(tx *store.Tx, rng *rand.Rand, dc demoChain, tackling []int64) error {
	id, err := chain.AddChain(g.ctx, tx, chain.NewChain{Name: dc.name + "产业链", NameEN: dc.en + " chain", Cluster: dc.name})
	if err != nil {
		return err
	}
	pool, err := g.clusterEnterprises(tx, dc.name)
	if err != nil {
		return err
	}
	links := map[string]int64{}
	for i, dl := range dc.links {
		l, err := chain.SaveLink(g.ctx, tx, chain.Link{ChainID: id, Name: dl.name, Stage: dl.stage, Sort: (i + 1) * 10})
		if err != nil {
			return err
		}
		links[dl.name] = l.ID
		var members []chain.Member
		if dl.leader != "" {
			members = append(members, chain.Member{LinkID: l.ID, OrganisationID: g.named[dl.leader], Leader: true})
		}
		for _, j := range rng.Perm(len(pool))[:min(dl.members, len(pool))] {
			if pool[j] != g.named[dl.leader] {
				members = append(members, chain.Member{LinkID: l.ID, OrganisationID: pool[j]})
			}
		}
		if dl.research {
			members = append(members, chain.Member{LinkID: l.ID, OrganisationID: g.unis[rng.IntN(len(g.unis))]},
				chain.Member{LinkID: l.ID, OrganisationID: g.institutes[rng.IntN(len(g.institutes))]})
		}
		for _, m := range members {
			if err := chain.SaveMember(g.ctx, tx, m); err != nil {
				return err
			}
		}
	}
	next := 0
	for _, dt := range dc.techs {
		t, err := chain.SaveTechnology(g.ctx, tx, chain.Technology{ChainID: id, LinkID: links[dt.link], Name: dt.name, Bottleneck: dt.bottleneck, Dimension: dt.dimension, Choke: dt.choke, Field: dc.name})
		if err != nil {
			return err
		}
		for i := 0; i < dt.records && next < len(tackling); i++ {
			if _, err := chain.LinkRecord(g.ctx, tx, t.ID, tackling[next], ""); err != nil {
				return err
			}
			next++
		}
		if dt.record != "" {
			var rec int64
			if err := tx.QueryRowContext(g.ctx, `SELECT id FROM projects WHERE title = ? ORDER BY id LIMIT 1`, dt.record).Scan(&rec); err != nil {
				return fmt.Errorf("record %s: %w", dt.record, err)
			}
			if _, err := chain.LinkRecord(g.ctx, tx, t.ID, rec, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

// clusterEnterprises are the enterprises of the city itself (not of a
// copy) in a cluster, by id.
func (g *gen) clusterEnterprises(tx *store.Tx, cluster string) ([]int64, error) {
	ids, err := queryIDs(g.ctx, tx, `SELECT o.id FROM organisations o JOIN organisation_clusters oc ON oc.organisation_id = o.id JOIN clusters c ON c.id = oc.cluster_id
		WHERE c.name = ? AND o.kind = 'enterprise' ORDER BY o.id`, cluster)
	if err != nil {
		return nil, fmt.Errorf("enterprises of %s: %w", cluster, err)
	}
	return ids, nil
}

// tacklingByChain are the approved tackling projects by the chain their
// form names, 华泵一号 first (it is 高端装备's rotor technology's record).
func (g *gen) tacklingByChain() (map[string][]int64, error) {
	rows, err := g.db.QueryContext(g.ctx, `SELECT p.id, p.data, p.title FROM projects p JOIN program_templates t ON t.id = p.template_id
		WHERE t.key = 'major_equipment_tackling' AND p.stage IN ('approved', 'in_progress', 'accepted') ORDER BY p.id`)
	if err != nil {
		return nil, fmt.Errorf("tackling projects: %w", err)
	}
	defer rows.Close()
	out := map[string][]int64{}
	for rows.Next() {
		var id int64
		var raw, title string
		if err := rows.Scan(&id, &raw, &title); err != nil {
			return nil, err
		}
		var d struct {
			Chain string `json:"chain"`
		}
		if err := json.Unmarshal([]byte(raw), &d); err != nil {
			return nil, fmt.Errorf("tackling project %d: %w", id, err)
		}
		if title == "华泵一号干式真空泵攻关" {
			out[d.Chain] = append([]int64{id}, out[d.Chain]...)
			continue
		}
		out[d.Chain] = append(out[d.Chain], id)
	}
	return out, rows.Err()
}
