package democity

import (
	"math/rand/v2"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/program"
)

// topic is a challenge list's problem with its key indicators.
type topic struct {
	title      string
	indicators [][2]string // indicator, target
}

// topics are the 2024 challenge lists' problems, by field.
var topics = map[string][]topic{
	"集成电路": {{"晶圆减薄设备空气静压主轴", [][2]string{{"主轴径向跳动", "≤0.5微米"}, {"最高转速", "≥6000转/分"}}},
		{"刻蚀机射频电源国产化", [][2]string{{"输出功率", "≥3千瓦"}, {"功率稳定度", "≤±1%"}, {"平均无故障时间", "≥5000小时"}}},
		{"高纯电子特气纯化工艺", [][2]string{{"产品纯度", "≥99.9999%"}, {"金属杂质含量", "≤1ppb"}}}},
	"高端装备": {{"超高压柱塞泵长寿命配流副", [][2]string{{"额定压力", "≥42兆帕"}, {"寿命", "≥1万小时"}}},
		{"大型离心压缩机转子动平衡在线检测", [][2]string{{"不平衡量检测精度", "≤0.1克·毫米/千克"}, {"单次检测时间", "≤15分钟"}}},
		{"五轴数控机床热误差实时补偿", [][2]string{{"热误差补偿后定位精度", "≤5微米"}, {"连续加工时长", "≥8小时"}}}},
	"新能源": {{"风电主轴承滚子表面强化", [][2]string{{"接触疲劳寿命", "≥20年"}, {"表面硬度", "≥60HRC"}}},
		{"兆瓦级飞轮储能阵列协同控制", [][2]string{{"单阵列功率", "≥1兆瓦"}, {"响应时间", "≤20毫秒"}, {"循环寿命", "≥100万次"}}},
		{"质子交换膜电解槽金属双极板", [][2]string{{"接触电阻", "≤5毫欧·平方厘米"}, {"耐腐蚀寿命", "≥4万小时"}}}},
	"机器人": {{"焊接机器人焊缝实时跟踪", [][2]string{{"跟踪精度", "≤±0.2毫米"}, {"焊接速度", "≥1.2米/分"}}},
		{"重载AGV高精度定位导航", [][2]string{{"额定载荷", "≥10吨"}, {"定位精度", "≤±5毫米"}}},
		{"协作机器人谐波减速器寿命提升", [][2]string{{"额定寿命", "≥1万小时"}, {"传动精度", "≤30角秒"}}}},
	"人工智能": {{"工艺参数智能优化大模型", [][2]string{{"良率提升", "≥3个百分点"}, {"模型推理时延", "≤200毫秒"}}},
		{"焊缝缺陷视觉检测算法", [][2]string{{"缺陷检出率", "≥99%"}, {"误报率", "≤1%"}, {"单帧检测时间", "≤50毫秒"}}},
		{"旋转设备故障预测性维护模型", [][2]string{{"故障提前预警时间", "≥72小时"}, {"预警准确率", "≥95%"}}}},
	"航空航天": {{"航空复合材料构件无损检测", [][2]string{{"最小可检缺陷", "≤1毫米"}, {"检测效率", "≥2平方米/小时"}}},
		{"航空发动机叶片精密铸造缺陷控制", [][2]string{{"叶片合格率", "≥92%"}, {"疏松缺陷等级", "≤1级"}}},
		{"钛合金薄壁件数控加工变形控制", [][2]string{{"加工变形量", "≤0.05毫米"}, {"表面粗糙度Ra", "≤0.8微米"}}}},
}

// solverNames are the universities and institutes whose fields fit a
// challenge's: an art academy does not bid on a semiconductor list.
var solverNames = map[string][]string{
	"集成电路": {"东北大学", "沈阳工业大学", "沈阳理工大学", "四十七所", "金属所"},
	"高端装备": {"东北大学", "沈阳工业大学", "沈阳理工大学", "沈阳建筑大学", "铸造所", "金属所", "自动化所"},
	"新能源":  {"东北大学", "沈阳工业大学", "沈阳工程学院", "沈阳化工大学", "金属所"},
	"机器人":  {"东北大学", "沈阳工业大学", "沈阳理工大学", "沈阳航空航天大学", "自动化所"},
	"人工智能": {"东北大学", "沈阳航空航天大学", "辽宁大学", "沈阳工业大学", "自动化所"},
	"航空航天": {"沈阳航空航天大学", "东北大学", "沈阳理工大学", "金属所", "铸造所"},
}

// solvers are n distinct fitting solvers of a field other than the
// challenge's owner, with their names.
func (g *gen) solvers(r *rand.Rand, field string, n int, owner int64) (ids []int64, names []string) {
	var pool []string
	for _, s := range solverNames[field] {
		if id, ok := g.named[s]; ok && id != owner {
			pool = append(pool, s)
		}
	}
	for _, i := range r.Perm(len(pool))[:n] {
		ids = append(ids, g.named[pool[i]])
		names = append(names, g.fullName(pool[i]))
	}
	return ids, names
}

// fullName is a named organisation's full name (universities are named in
// full already).
func (g *gen) fullName(short string) string {
	for _, n := range namedOrgs {
		if n.short == short {
			return n.name
		}
	}
	return short
}

// challengeData is what a challenge list says: its need, indicators,
// bounty, bid deadline and term.
func challengeData(field, title string, ind [][2]string, bounty float64, deadline time.Time, term int) data {
	rows := []any{}
	for _, i := range ind {
		rows = append(rows, map[string]any{"indicator": i[0], "target": i[1]})
	}
	return data{"field": field, "need": "面向" + field + "产业链关键环节，攻克“" + title + "”技术瓶颈，研制可在发榜企业产线验证的样机（样品），实现进口替代。",
		"indicators": rows, "bounty": bounty, "amount_requested": yuan(bounty * 0.3), "bid_deadline": deadline.Format(time.DateOnly), "term_months": float64(term),
		"bidder_limits": "不设注册时间、负责人年龄、学历和职称限制。"}
}

// bid is a solver's bid on challenge parent (call call), named as the web
// names one: the challenge and the bidder.
func bid(parent, call, solver int64, challenge, solverName string, quote float64, term int, marks []program.Mark) program.Seeded {
	return program.Seeded{OrganisationID: solver, ParentID: parent, ChildKind: "bids", TemplateKey: "challenge_bid", CallID: call,
		Title: challenge + " · " + solverName, Marks: marks,
		Data: data{"solution": "针对" + challenge + "的联合攻关方案：技术路线、试验验证与产业化安排", "quoted_amount": quote, "term_months": float64(term),
			"prior_results": solverName + "在相关方向承担过国家和省级科研项目，具备中试验证条件。"}}
}

// contractedBids: three fitting solvers bid on a 2024 list; one is chosen
// and contracted with, the others are not selected after review.
func (g *gen) contractedBids(parent, owner, call int64, title, field string, bounty float64, term int, published, closed, selected, contracted time.Time) (ids []int64, win int, err error) {
	r := g.sub("bids|" + title)
	ids, names := g.solvers(r, field, 3, owner)
	win = r.IntN(3)
	for i, id := range ids {
		quote := yuan(bounty * (0.8 + 0.18*r.Float64()))
		submitted := workday(published.Add(time.Duration(r.Int64N(int64(closed.Sub(published) * 8 / 10)))))
		marks := []program.Mark{{Stage: "submitted", At: submitted}}
		if i == win {
			marks = append(marks, program.Mark{Stage: "docking", At: closed.Add(selected.Sub(closed) / 2)},
				program.Mark{Stage: "selected", At: selected}, program.Mark{Stage: "contracted", At: contracted})
		} else {
			marks = append(marks, program.Mark{Stage: "review", At: closed.Add(time.Hour)}, program.Mark{Stage: "not_selected", At: selected})
		}
		if err := g.record("challenge_bid", bid(parent, call, id, title, names[i], quote, term-r.IntN(3), marks)); err != nil {
			return nil, 0, err
		}
	}
	return ids, win, nil
}

// openBids: a 2025 list still taking bids has one or two submitted.
func (g *gen) openBids(parent, owner, call int64, title, field string, bounty float64, published time.Time) error {
	r := g.sub("bids|" + title)
	n := 1 + r.IntN(2)
	ids, names := g.solvers(r, field, n, owner)
	for i, id := range ids {
		at := after(r, published, 10, 30)
		if at.After(asOfEnd) {
			continue
		}
		if err := g.record("challenge_bid", bid(parent, call, id, title, names[i], yuan(bounty*(0.8+0.18*r.Float64())), 18+r.IntN(12),
			[]program.Mark{{Stage: "submitted", At: at}})); err != nil {
			return err
		}
	}
	return nil
}

// topicOf is an unused topic of field (a field's lists name different
// problems), r choosing.
func topicOf(r *rand.Rand, field string, used map[string]bool) topic {
	ts := topics[field]
	for _, i := range r.Perm(len(ts)) {
		if !used[ts[i].title] {
			used[ts[i].title] = true
			return ts[i]
		}
	}
	return ts[r.IntN(len(ts))]
}

// fieldOwner is a large enterprise of the field's cluster to publish a
// list, r choosing; else owner.
func (g *gen) fieldOwner(r *rand.Rand, field string, owner int64) (int64, error) {
	ids, err := g.largeIn(field)
	if err != nil || len(ids) == 0 {
		return owner, err
	}
	return ids[r.IntN(len(ids))], nil
}
