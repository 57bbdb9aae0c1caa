package democity

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/program"
)

// sub is a random source of its own for one thing the city adds (a
// record's tranches, a challenge's bids): what it draws leaves the city's
// main stream, and so every other record, as it was.
func (g *gen) sub(key string) *rand.Rand {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s|%d", key, g.copy)
	k := h.Sum64()
	return rand.New(rand.NewPCG(g.opt.Seed^k, k))
}

// using runs fn with r as the city's random source.
func (g *gen) using(r *rand.Rand, fn func() error) error {
	saved := g.rng
	g.rng = r
	defer func() { g.rng = saved }()
	return fn()
}

// asOfEnd is the last moment of the demo city's history.
var asOfEnd = day(AsOf).Add(18 * time.Hour)

// workday is t moved forward to a working day, at the same hour.
func workday(t time.Time) time.Time {
	for t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
		t = t.AddDate(0, 0, 1)
	}
	return t
}

// after is a working-day time days to days+spread days after t.
func after(r *rand.Rand, t time.Time, days, spread int) time.Time {
	return workday(t.AddDate(0, 0, days+r.IntN(spread+1)))
}

// yuan rounds to whole ten thousands of yuan.
func yuan(x float64) float64 { return math.Round(x/1e4) * 1e4 }

// tranche is a disbursement of share of approved, paid at a time.
type tranche struct {
	share float64
	at    time.Time
}

// pay is the pay moves of the tranches paid by the end of the history;
// the last tranche takes what the shares before it left, so that the
// tranches of a fully paid record add up to what was approved.
func pay(approved float64, ts []tranche) []program.Mark {
	var out []program.Mark
	paid, whole := 0.0, 0.0
	for i, t := range ts {
		whole += t.share
		if t.at.After(asOfEnd) {
			break
		}
		amount := yuan(approved * t.share)
		if i == len(ts)-1 && math.Abs(whole-1) < 1e-9 {
			amount = approved - paid
		}
		paid += amount
		out = append(out, program.Mark{Move: "pay", At: t.at, Amount: amount})
	}
	return out
}

// milestone is a row of a special project's 进度安排.
func milestone(due time.Time, deliverable string, done bool) map[string]any {
	return map[string]any{"due": due.Format(time.DateOnly), "deliverable": deliverable, "done": done}
}

// deliverables are a special project's indicators, by field.
var deliverables = map[string][]string{
	"集成电路":    {"完成关键工艺方案设计与仿真验证", "研制工程样机1台（套），关键参数达到设计指标", "完成工艺验证与可靠性测试，良率不低于90%", "在用户产线完成批量验证，申请发明专利3项以上", "形成小批量生产能力并实现销售"},
	"高端装备":    {"完成总体方案与关键部件设计", "完成样机试制与台架试验", "关键性能指标达到国际同类产品水平", "完成用户现场工业性试验累计1000小时", "形成产业化能力，申请发明专利3项以上"},
	"机器人":     {"完成系统架构与运动控制算法设计", "研制原理样机并通过功能测试", "重复定位精度优于±0.02毫米", "在2家以上用户完成示范应用", "形成标准化产品并申请发明专利3项以上"},
	"新能源":     {"完成材料体系与结构设计", "研制中试样品并通过第三方检测", "能量转换效率达到设计指标", "建成中试线并完成连续运行验证", "申请发明专利3项以上，实现示范应用"},
	"航空航天":    {"完成关键工艺路线论证", "完成典型构件试制与无损检测", "力学性能满足型号设计要求", "通过主机单位装机考核", "形成稳定批产能力并申请发明专利3项以上"},
	"新一代信息技术": {"完成需求分析与总体架构设计", "完成核心模块研发与单元测试", "通过第三方软件测评，关键指标达标", "在3家以上企业部署应用", "获得软件著作权5项以上并实现推广"},
}

// milestones is a special project's schedule over its three years, half
// of it due in the first year (the mid-term check asks for half done);
// those due by the end of the history are done.
func (g *gen) milestones(r *rand.Rand, field string, start time.Time) []any {
	ds := deliverables[field]
	if ds == nil {
		ds = deliverables["高端装备"]
	}
	months := [][]int{{6, 12, 24, 36}, {4, 8, 12, 24, 36}}[r.IntN(2)]
	var out []any
	for i, m := range months {
		due := start.AddDate(0, m, 0).In(cst)
		out = append(out, milestone(due, ds[i%len(ds)], !due.After(asOfEnd)))
	}
	return out
}

// specialHistory gives a special project its contract (at its
// in_progress mark, or some weeks after its approval), tranches (40% after
// the contract, 30% after the mid-term check, 30% a year on) and its
// mid-term check as far as the history runs, and its schedule in its data.
func (g *gen) specialHistory(s *program.Seeded) {
	r := g.sub("special|" + s.Title)
	field, _ := s.Data["field"].(string)
	last := s.Marks[len(s.Marks)-1]
	start := after(r, last.At, 20, 20)
	if last.Stage == "in_progress" {
		start = last.At
	}
	end := start.AddDate(3, 0, 0)
	s.Data["planned_end"] = end.Format(time.DateOnly)
	s.Data["milestones"] = g.milestones(r, field, start)
	for _, m := range s.Data["milestones"].([]any) { // a milestone done stands among the project's outcomes too
		if row := m.(map[string]any); row["done"] == true {
			s.Outcomes = append(s.Outcomes, program.Outcome{Kind: "milestone", Title: row["deliverable"].(string), Field: field, Day: row["due"].(string)})
		}
	}
	s.Data["summary"] = fmt.Sprintf("围绕%s领域“%s”关键核心技术，由企业牵头联合高校院所攻关，按任务书分阶段考核。", field, s.Title)
	s.Data["self_funding"] = number(s.Data["amount_requested"]) * 1.5
	if start.After(asOfEnd) {
		return
	}
	if last.Stage != "in_progress" {
		s.Marks = append(s.Marks, program.Mark{Stage: "in_progress", At: start})
	}
	first := after(r, start, 10, 15)
	mid := after(r, start, 360, 40)
	pass := after(r, mid, 15, 10)
	second := after(r, pass, 10, 10)
	third := after(r, second, 330, 30)
	marks := pay(s.Approved, []tranche{{0.4, first}})
	if !mid.After(asOfEnd) {
		marks = append(marks, program.Mark{Stage: "midterm", At: mid})
	}
	if !pass.After(asOfEnd) {
		marks = append(marks, program.Mark{Move: "midterm_pass", At: pass})
		marks = append(marks, pay(s.Approved, []tranche{{0.3, second}, {0.3, third}})...)
		if len(marks) == 5 { // the last tranche paid: its amount is what the first two left
			marks[4].Amount = s.Approved - marks[0].Amount - marks[3].Amount
		}
	}
	s.Marks = append(s.Marks, marks...)
	paid := 0.0
	for _, m := range marks {
		paid += m.Amount
	}
	if paid > 0 {
		s.Data["spent"] = yuan(paid * 0.8) // most of what was paid is spent
	}
}

// equipmentTranches: a major equipment project is paid 40% on its task
// agreement, 30% after eight months and the rest after eighteen.
func (g *gen) equipmentTranches(s *program.Seeded) {
	r := g.sub("equipment|" + s.Title)
	start := s.Marks[len(s.Marks)-1].At
	first := after(r, start, 10, 15)
	second := after(r, first, 240, 30)
	third := after(r, second, 300, 30)
	s.Marks = append(s.Marks, pay(s.Approved, []tranche{{0.4, first}, {0.3, second}, {0.3, third}})...)
	eq, _ := s.Data["chain"].(string)
	s.Data["summary"] = "面向" + eq + "产业链关键整机和核心部件，开展重大技术装备攻关，按任务书分期拨付市财政资金。"
	s.Data["total_investment"] = number(s.Data["amount_requested"]) * 4
}

func number(v any) float64 {
	f, _ := v.(float64)
	return f
}
