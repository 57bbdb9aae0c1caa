package democity

import (
	"fmt"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/proposal"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/report"
	"github.com/xinzhi-platform/xinzhi/metrics"
	"github.com/xinzhi-platform/xinzhi/reports"
)

// The seed letter's proposal: 王志坚委员's, answered by the bureau with the
// letter itself (reports/seed-reply.txt as of the city's last day), rated
// satisfied.
const (
	SeedProposalNumber = "沈阳市政协十六届四次会议第0168号"
	seedProposalTitle  = "关于推动新质生产力发展 提升高等教育科技创新能力"
)

// proposalTitles are the year's other proposals and suggestions.
var proposalTitles = []string{
	"关于加快建设沈阳浑南科技城的建议", "关于支持科技型中小企业融资的提案", "关于完善揭榜挂帅项目验收机制的建议", "关于推进中试基地建设的提案",
	"关于加强高校科技成果就地转化的建议", "关于扩大算力券覆盖面的提案", "关于推动智能制造标杆企业培育的建议", "关于优化人才公寓配置的提案",
	"关于设立概念验证中心的建议", "关于推进工业互联网平台在中小企业应用的提案", "关于加强知识产权质押融资的建议", "关于支持博士后创新实践基地建设的提案",
	"关于促进产学研用深度融合的建议", "关于培育科技服务业市场主体的提案", "关于加大首台套装备推广应用的建议", "关于建设人工智能开放创新平台的提案",
	"关于推动集成电路产业链补链强链的建议", "关于完善科技创新券制度的提案", "关于加强青年科技人才培养的建议", "关于提升5G网络覆盖质量的提案",
	"关于推动数字化车间改造的建议", "关于加快新能源汽车零部件产业发展的提案", "关于建设沈阳都市圈协同创新共同体的建议", "关于推进医工交叉创新的提案",
	"关于支持科技企业上市培育的建议", "关于强化企业科技创新主体地位的提案", "关于推进职业教育与产业需求对接的建议", "关于加强科普基础设施建设的提案",
	"关于优化营商环境吸引外资研发中心的建议", "关于推动绿色制造体系建设的提案", "关于完善技术经纪人队伍建设的建议", "关于加强高端装备核心零部件攻关的提案",
	"关于支持老工业基地设备更新的建议", "关于建设科技成果转化服务平台的提案", "关于扩大留沈高校毕业生就业的建议",
}

var proposalMembers = []string{"李红梅", "张国栋", "刘志强", "陈晓燕", "王海涛", "赵立新", "孙明", "周建华", "吴静", "郑宏伟", "冯雪", "何俊",
	"高峰", "林丽", "马骏", "韩冰", "曹阳", "唐蕾"}

// proposals writes the year's proposal handling: the seed letter's proposal
// among a few dozen others across the units and the reply classes, some
// overdue on the city's last day, one extended, one sent back and
// reassigned, one rated 不满意 and handled again. It draws from its own
// random source and runs once, after every copy's records are written, so
// nothing written before it moves.
func (g *gen) proposals() error {
	saved := g.copy
	g.copy = 0
	defer func() { g.copy = saved }()
	return g.using(g.sub("proposals"), g.writeProposals)
}

// unitStaff is a handling unit and its demo staff, known by name.
type unitStaff struct {
	id      int64
	name    string
	drafter proposal.Actor
}

func (g *gen) writeProposals() error {
	ctx, db := g.ctx, g.db
	more := []registry.Organisation{
		{Name: "沈阳市教育局", Kind: "government", District: "210103"},
		{Name: "沈阳市发展和改革委员会", Kind: "government", District: "210103"},
		{Name: "沈阳市财政局", Kind: "government", District: "210103"},
	}
	for i := range more {
		more[i].CreditCode, more[i].Founded, more[i].Description = g.creditCode("government", "210103"), "1990-01-01", "演示数据：政府部门（提案承办单位）"
	}
	if err := g.insertOrgs(more); err != nil {
		return err
	}
	g.sum.Organisations += len(more)
	var units []unitStaff
	for i, name := range []string{"沈阳市科学技术局", "沈阳市工业和信息化局", "沈阳市教育局", "沈阳市人力资源和社会保障局", "沈阳市发展和改革委员会", "沈阳市财政局"} {
		o, err := registry.ByName(ctx, db, name)
		if err != nil {
			return fmt.Errorf("proposal unit %s: %w", name, err)
		}
		units = append(units, unitStaff{id: o.ID, name: name, drafter: proposal.Actor{Name: fmt.Sprintf("演示·承办人%d", i+1), UnitID: o.ID}})
		// Each unit's code (机关代字), which its reply letters' numbers begin with.
		if err := proposal.SetUnitCode(ctx, db, o.ID, []string{"沈科", "沈工信", "沈教", "沈人社", "沈发改", "沈财"}[i]); err != nil {
			return err
		}
	}
	office := proposal.Actor{Name: "演示·市政府督查室"}
	supervisor := proposal.Actor{Name: "演示·督办专员"}
	leader := proposal.Actor{Name: "演示·分管局领导"}

	set, err := metric.Load(metrics.Files)
	if err != nil {
		return err
	}
	tpls, err := report.LoadTemplates(reports.Files)
	if err != nil {
		return err
	}
	// version reads the proposal's version for the next move.
	version := func(id int64) int {
		p, err := proposal.Get(ctx, db, id)
		if err != nil {
			return -1
		}
		return p.Version
	}
	cst := time.FixedZone("CST", 8*3600)
	shortReply := func(p string, class string) report.Issued {
		words := map[string]string{"A": "所提问题已经解决或基本解决", "B": "所提建议已列入工作计划，将逐步推进落实", "C": "所提建议因条件所限暂难实施，留作今后工作参考"}
		return report.Issued{Template: "demo-reply", Title: p, AsOf: AsOf,
			Body: "委员：\n您提出的《" + p + "》收悉。经认真研究，" + words[class] + "。感谢您对我市科技创新工作的关心和支持。"}
	}
	// run makes one proposal's moves up to where it stands on the city's last day.
	type plan struct {
		title, member, kind   string
		received, assigned    string
		lead                  int
		co                    []int
		draftOn, class        string
		review, signOn, reply string // "" stops before the move
		rate                  [2]string
		rateOn                string
		extendTo              string
		sendBackTo            int // -1: none; the lead sends it back and it goes to this unit
		reopen                bool
	}
	write := func(n int, pl plan) error {
		number := fmt.Sprintf("沈阳市政协十六届四次会议第%04d号", 100+n)
		if pl.kind == "npc" {
			number = fmt.Sprintf("沈阳市十七届人大四次会议第%04d号建议", 200+n)
		}
		if pl.title == seedProposalTitle {
			number = SeedProposalNumber
		}
		contact := fmt.Sprintf("139%08d", g.rng.IntN(1e8))
		if g.opt.Keys == nil {
			contact = "" // no personal-data key: no contact details kept
		}
		id, err := proposal.Register(ctx, db, g.opt.Keys, office, proposal.New{Number: number, Kind: pl.kind, Member: pl.member, MemberContact: contact,
			Title: pl.title, Body: "（演示数据）" + pl.title + "。", ReceivedOn: pl.received})
		if err != nil {
			return fmt.Errorf("proposal %s: %w", number, err)
		}
		var co []int64
		for _, c := range pl.co {
			co = append(co, units[c].id)
		}
		lead := units[pl.lead]
		if err := proposal.Assign(ctx, db, office, id, version(id), pl.assigned, lead.id, co); err != nil {
			return fmt.Errorf("assign %s: %w", number, err)
		}
		if pl.sendBackTo >= 0 {
			back := proposal.AddWorkdays(pl.assigned, 3)
			if err := proposal.SendBack(ctx, db, lead.drafter, id, version(id), back, "所提事项不属于本单位职责，建议由相关部门主办"); err != nil {
				return fmt.Errorf("send back %s: %w", number, err)
			}
			lead = units[pl.sendBackTo]
			pl.assigned = proposal.AddWorkdays(back, 2)
			if err := proposal.Assign(ctx, db, office, id, version(id), pl.assigned, lead.id, nil); err != nil {
				return fmt.Errorf("reassign %s: %w", number, err)
			}
			co = nil
		}
		pre := proposal.AddWorkdays(pl.assigned, 5+g.rng.IntN(8))
		if pre <= AsOf {
			if err := proposal.AddContact(ctx, db, lead.drafter, id, version(id), proposal.Contact{Day: pre, Kind: "pre", Way: []string{"meeting", "phone", "visit"}[g.rng.IntN(3)], Note: "与委员当面沟通办理思路"}); err != nil {
				return fmt.Errorf("contact %s: %w", number, err)
			}
		}
		if pl.extendTo != "" {
			asked := proposal.AddWorkdays(pl.assigned, 30)
			if err := proposal.RequestExtension(ctx, db, lead.drafter, id, version(id), asked, pl.extendTo, "涉及跨部门资金安排，需待年中预算调整后答复"); err != nil {
				return fmt.Errorf("extend %s: %w", number, err)
			}
			if err := proposal.DecideExtension(ctx, db, supervisor, id, version(id), proposal.AddWorkdays(asked, 2), true); err != nil {
				return fmt.Errorf("approve extension %s: %w", number, err)
			}
		}
		for round := 1; ; round++ {
			if pl.draftOn == "" {
				return nil
			}
			rep := shortReply(pl.title, pl.class)
			if pl.title == seedProposalTitle {
				asOf, _ := time.ParseInLocation(time.DateOnly, AsOf, cst)
				if rep, err = report.Render(ctx, db, set, tpls["seed-reply"], asOf); err != nil {
					return fmt.Errorf("the letter: %w", err)
				}
			}
			if err := proposal.Draft(ctx, db, lead.drafter, id, version(id), pl.draftOn, pl.class, rep); err != nil {
				return fmt.Errorf("draft %s: %w", number, err)
			}
			for _, c := range co {
				if pl.review == "" {
					break // still awaiting the co-units
				}
				for _, u := range units {
					if u.id == c {
						if err := proposal.Countersign(ctx, db, u.drafter, id, version(id), pl.draftOn, "同意主办单位答复意见"); err != nil {
							return fmt.Errorf("countersign %s: %w", number, err)
						}
					}
				}
			}
			if pl.review == "" {
				return nil
			}
			if err := proposal.Review(ctx, db, supervisor, id, version(id), pl.review, "", ""); err != nil {
				return fmt.Errorf("review %s: %w", number, err)
			}
			if pl.signOn == "" {
				return nil
			}
			if err := proposal.Sign(ctx, db, leader, id, version(id), pl.signOn); err != nil {
				return fmt.Errorf("sign %s: %w", number, err)
			}
			if pl.reply == "" {
				return nil
			}
			if _, err := proposal.Issue(ctx, db, lead.drafter, id, version(id), pl.reply); err != nil {
				return fmt.Errorf("issue %s: %w", number, err)
			}
			if pl.rateOn == "" {
				return nil
			}
			if pl.reopen && round == 1 {
				if err := proposal.Rate(ctx, db, office, id, version(id), pl.rateOn, "mostly", "dissatisfied", "委员认为所提问题尚未落实"); err != nil {
					return fmt.Errorf("rate %s: %w", number, err)
				}
				// The second round: a new draft, a better class, signed and replied within the month.
				pl.draftOn, pl.class = proposal.AddWorkdays(pl.rateOn, 8), "A"
				pl.review, pl.signOn = proposal.AddWorkdays(pl.draftOn, 2), proposal.AddWorkdays(pl.draftOn, 3)
				pl.reply, pl.rateOn, pl.rate = proposal.AddWorkdays(pl.draftOn, 4), proposal.AddWorkdays(pl.draftOn, 9), [2]string{"satisfied", "satisfied"}
				if pl.rateOn > AsOf {
					pl.rateOn = ""
				}
				continue
			}
			if err := proposal.Rate(ctx, db, office, id, version(id), pl.rateOn, pl.rate[0], pl.rate[1], ""); err != nil {
				return fmt.Errorf("rate %s: %w", number, err)
			}
			return nil
		}
	}

	// The seed letter: assigned to the bureau in April with education and
	// industry as co-units, answered with the letter on the city's last day.
	seed := plan{title: seedProposalTitle, member: "王志坚", kind: "cppcc", received: "2025-02-10", assigned: "2025-04-03", lead: 0, co: []int{2, 1},
		draftOn: AsOf, class: "A", review: AsOf, signOn: AsOf, reply: AsOf, rateOn: AsOf, rate: [2]string{"satisfied", "satisfied"}, sendBackTo: -1}
	if err := write(0, seed); err != nil {
		return err
	}
	r := g.rng
	classes := []string{"A", "A", "A", "A", "B", "B", "B", "C"}
	ratings := []string{"satisfied", "satisfied", "satisfied", "mostly"}
	for i, title := range proposalTitles {
		received := fmt.Sprintf("2025-01-%02d", 10+r.IntN(15))
		assigned := proposal.AddWorkdays(fmt.Sprintf("2025-%02d-%02d", 2+r.IntN(2), 3+r.IntN(20)), 0)
		lead := r.IntN(len(units))
		var co []int
		if r.IntN(3) == 0 {
			c := (lead + 1 + r.IntN(len(units)-1)) % len(units)
			co = []int{c}
		}
		kind := "cppcc"
		if i%3 == 2 {
			kind = "npc"
		}
		pl := plan{title: title, member: proposalMembers[r.IntN(len(proposalMembers))], kind: kind, received: received, assigned: assigned, lead: lead, co: co,
			class: classes[r.IntN(len(classes))], sendBackTo: -1}
		// Where it stands on the city's last day: most replied and rated, a few still on their way.
		draft := proposal.AddWorkdays(assigned, 35+r.IntN(20))
		pl.draftOn, pl.review, pl.signOn, pl.reply = draft, proposal.AddWorkdays(draft, 3), proposal.AddWorkdays(draft, 4), proposal.AddWorkdays(draft, 5)
		pl.rateOn, pl.rate = proposal.AddWorkdays(draft, 12), [2]string{ratings[r.IntN(len(ratings))], ratings[r.IntN(len(ratings))]}
		switch i {
		case 0, 1, 2: // overdue: assigned early, still being handled
			pl.assigned = fmt.Sprintf("2025-02-%02d", 17+i)
			pl.draftOn = ""
		case 3: // extended, with the extension approved
			pl.assigned, pl.extendTo, pl.draftOn = "2025-03-10", "2025-08-29", ""
		case 4: // sent back by the lead within the window, reassigned
			pl.lead, pl.sendBackTo, pl.co = 5, 0, nil
		case 5: // rated 不满意, handled again and closed
			pl.assigned, pl.reopen = "2025-02-24", true
			pl.draftOn = proposal.AddWorkdays(pl.assigned, 30)
			pl.review, pl.signOn, pl.reply = proposal.AddWorkdays(pl.draftOn, 2), proposal.AddWorkdays(pl.draftOn, 3), proposal.AddWorkdays(pl.draftOn, 4)
			pl.rateOn = proposal.AddWorkdays(pl.reply, 5)
		case 6: // awaiting countersignature
			pl.co, pl.review = []int{(lead + 1) % len(units)}, ""
			pl.draftOn = "2025-06-25"
		case 7: // awaiting the supervisor
			pl.co, pl.draftOn, pl.review = nil, "2025-06-26", ""
		case 8: // awaiting the leader's signature
			pl.co, pl.draftOn, pl.review, pl.signOn = nil, "2025-06-23", "2025-06-25", ""
		}
		// Nothing happens after the city's last day.
		if pl.draftOn > AsOf {
			pl.draftOn = ""
		}
		if pl.review > AsOf {
			pl.review = ""
		}
		if pl.signOn > AsOf {
			pl.signOn = ""
		}
		if pl.reply > AsOf {
			pl.reply = ""
		}
		if pl.rateOn > AsOf {
			pl.rateOn = ""
		}
		if err := write(i+1, pl); err != nil {
			return err
		}
	}
	return nil
}
