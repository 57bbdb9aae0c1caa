// Package cooptest builds a small open-cooperation world for tests:
// agreements, joint labs, an enclave centre with residents, events in two
// districts, four investment projects with known stage histories, and a
// ranking's history, with known figures.
package cooptest

import (
	"context"
	"fmt"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/ranking"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// AsOf is the day the world is read on; Before is a day earlier in its
// history.
const (
	AsOf   = "2025-06-30"
	Before = "2025-03-01"
)

// The districts of the two parks.
const (
	DistrictHunnan = "210112"
	DistrictHeping = "210102"
)

// The figures the world holds as of AsOf, for assertions.
const (
	Agreements         = 2 // one regional, one international; a third still drafting
	AgreementsIntl     = 1
	Labs               = 3 // international, regional and a university–enterprise lab; another only submitted
	Coop               = 3 // the two cooperation labs and a joint R&D project
	Residents          = 1
	MovedIn            = 2
	Left               = 1
	EventsHeld         = 3
	EventsPlanned      = 1
	EventLeads         = 12.0 // 5 + 7, of the two reported
	Leads              = 4    // every investment project
	Signed             = 2
	Settled            = 1
	HunnanLeads        = 2 // projects in 浑南
	RankingEntries     = 3
	RankingBeforeCount = 2 // the 2024 edition came out on 2025-03-18
)

// World names what Build made.
type World struct {
	Orgs     map[string]int64
	Projects map[string]int64 // by a short key: settled, dropped, signed, lead …
}

func at(day string) time.Time {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		panic(err)
	}
	return t.Add(2 * time.Hour) // 10:00 in China
}

// Build writes the world.
func Build(ctx context.Context, db *store.DB) (*World, error) {
	w := &World{Orgs: map[string]int64{}, Projects: map[string]int64{}}
	if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
		return nil, err
	}
	for _, o := range []registry.Organisation{
		{Name: "示例市科学技术局", Kind: "government", District: DistrictHeping},
		{Name: "哈尔滨市科学技术局", Kind: "government"},
		{Name: "浑南科技城", Kind: "park", District: DistrictHunnan},
		{Name: "和平科创园", Kind: "park", District: DistrictHeping},
		{Name: "示例飞地创新中心", Kind: "park", District: DistrictHunnan},
		{Name: "示例理工大学", Kind: "university", District: DistrictHeping},
		{Name: "鞍山甲科技有限公司", Kind: "enterprise"},
		{Name: "抚顺乙科技有限公司", Kind: "enterprise"},
		{Name: "本溪丙科技有限公司", Kind: "enterprise"},
		{Name: "深圳丁投资有限公司", Kind: "enterprise"},
		{Name: "示例机器人有限公司", Kind: "enterprise", District: DistrictHunnan},
	} {
		got, err := registry.Create(ctx, db, o)
		if err != nil {
			return nil, fmt.Errorf("cooperation world: %s: %w", o.Name, err)
		}
		w.Orgs[o.Name] = got.ID
	}
	calls := map[string]int64{}
	for _, key := range []string{"cooperation_agreement", "international_cooperation", "joint_lab", "enclave_residency", "investment_event", "investment_project"} {
		pub, err := program.Latest(ctx, db, key)
		if err != nil {
			return nil, err
		}
		c, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: key + "-test", Name: key, Opens: "2018-01-01", Closes: "2099-12-31"})
		if err != nil {
			return nil, err
		}
		calls[key] = c.ID
	}
	o := func(name string) float64 { return float64(w.Orgs[name]) }
	mark := func(stage, day string) program.Mark { return program.Mark{Stage: stage, At: at(day)} }
	bureau, harbin := w.Orgs["示例市科学技术局"], w.Orgs["哈尔滨市科学技术局"]
	rec := func(prog string, org int64, title string, created string, d map[string]any, ms ...program.Mark) program.Seeded {
		s := program.Seeded{CallID: calls[prog], OrganisationID: org, Title: title, Data: d, Marks: ms}
		if created != "" {
			s.Created = at(created)
		}
		return s
	}
	agreement := func(title, reach, signed string, ms ...program.Mark) program.Seeded {
		return rec("cooperation_agreement", bureau, title, "2024-06-01", map[string]any{"kind": "框架协议", "reach": reach, "scope": "合作",
			"signed_date": signed, "parties": []any{
				map[string]any{"organisation": o("示例市科学技术局"), "role": "发起方"},
				map[string]any{"organisation": float64(harbin), "role": "签约方"}}}, ms...)
	}
	coop := func(title, typ, channel, country string, ms ...program.Mark) program.Seeded {
		d := map[string]any{"coop_type": typ, "channel": channel, "partner_country": country, "amount_requested": 100000.0}
		if country == "哈尔滨" {
			d["foreign_partner"] = float64(harbin)
		}
		return rec("international_cooperation", w.Orgs["示例机器人有限公司"], title, "", d, ms...)
	}
	lab := func(name string, ms ...program.Mark) program.Seeded {
		return rec("joint_lab", w.Orgs["示例机器人有限公司"], "", "", map[string]any{"lab_name": name, "lab_type": "校企联合实验室",
			"university": o("示例理工大学"), "amount_requested": 100000.0}, ms...)
	}
	residency := func(firm, city, movedIn string, ms ...program.Mark) program.Seeded {
		d := map[string]any{"centre": o("示例飞地创新中心"), "home_city": city, "purpose": "研发中心", "direction": "研发", "area": 200.0}
		if movedIn != "" {
			d["moved_in"] = movedIn
		}
		return rec("enclave_residency", w.Orgs[firm], firm+"入驻", "", d, ms...)
	}
	event := func(park, title, day string, leads float64, ms ...program.Mark) program.Seeded {
		d := map[string]any{"series": "新东拓+", "park": o(park), "format": "推介会", "theme": "机器人", "venue_city": "深圳", "event_date": day}
		if leads > 0 {
			d["enterprises"], d["leads"], d["intents_signed"], d["summary"] = 30.0, leads, 1.0, "成效"
		}
		created := ""
		if len(ms) == 0 {
			created = "2025-06-20"
		}
		return rec("investment_event", w.Orgs[park], title, created, d, ms...)
	}
	project := func(title, park, created string, ms ...program.Mark) program.Seeded {
		d := map[string]any{"industry": "机器人", "source": "招商活动", "planned_investment": 50000000.0, "investor": o("深圳丁投资有限公司")}
		if park != "" {
			d["park"] = o(park)
		}
		return rec("investment_project", w.Orgs["深圳丁投资有限公司"], title, created, d, ms...)
	}
	recs := []struct {
		key string
		s   program.Seeded
	}{
		{"agreement-regional", agreement("哈沈科技合作框架协议", "区域合作", "2024-09-20", mark("signed", "2024-09-20"), mark("in_force", "2024-09-23"))},
		{"agreement-intl", agreement("中德智能制造合作备忘录", "国际合作", "2025-05-10", mark("signed", "2025-05-10"))},
		{"agreement-draft", agreement("沈大协议（商谈中）", "区域合作", "")},
		{"lab-intl", coop("中国-黎巴嫩智能机器人联合实验室", "共建联合实验室", "推荐国家政府间国际科技创新合作专项", "黎巴嫩", mark("recommended", "2024-05-01"), mark("approved", "2024-12-20"))},
		{"lab-regional", coop("哈沈智能制造联合实验室", "共建联合实验室", "区域科技合作", "哈尔滨", mark("approved", "2025-03-10"))},
		{"coop-rd", coop("中俄联合研发项目", "联合研发", "市级国际合作项目", "俄罗斯", mark("approved", "2024-08-01"))},
		{"lab-local", lab("机器人—理工联合实验室", mark("approved", "2024-05-01"))},
		{"lab-submitted", lab("待批联合实验室", mark("submitted", "2025-05-01"))},
		{"res-in", residency("鞍山甲科技有限公司", "鞍山", "2023-05-01", mark("applied", "2023-04-01"), mark("resident", "2023-05-01"))},
		{"res-left", residency("抚顺乙科技有限公司", "抚顺", "2024-01-10", mark("applied", "2023-12-01"), mark("resident", "2024-01-10"), mark("left", "2025-03-14"))},
		{"res-applied", residency("本溪丙科技有限公司", "本溪", "", mark("applied", "2025-06-01"))},
		{"event-1", event("浑南科技城", "新东拓+·深圳机器人专场", "2025-02-10", 5, mark("held", "2025-02-10"), mark("reported", "2025-02-20"))},
		{"event-2", event("浑南科技城", "新东拓+·上海机器人专场", "2025-04-10", 7, mark("held", "2025-04-10"), mark("reported", "2025-04-20"))},
		{"event-3", event("和平科创园", "新东拓+·北京机器人专场", "2025-05-15", 0, mark("held", "2025-05-15"))},
		{"event-planned", event("浑南科技城", "新东拓+·杭州专场（筹备）", "2025-07-09", 0)},
		// settled: lead 10 days, introduced 30, signed 50, settled since 04-01 (90 days on AsOf)
		{"settled", project("机器人整机项目", "浑南科技城", "2025-01-01", mark("introduced", "2025-01-11"), mark("signed", "2025-02-10"), mark("settled", "2025-04-01"))},
		{"dropped", project("传感器项目", "浑南科技城", "2025-01-05", mark("introduced", "2025-02-01"), mark("dropped", "2025-05-01"))},
		{"signed", project("控制器项目", "和平科创园", "2025-02-01", mark("introduced", "2025-02-15"), mark("signed", "2025-06-01"))},
		{"lead", project("减速器项目", "", "2025-06-10")},
	}
	seeded := make([]program.Seeded, len(recs))
	for i, r := range recs {
		seeded[i] = r.s
	}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return program.Seed(ctx, tx, seeded) }); err != nil {
		return nil, fmt.Errorf("cooperation world: records: %w", err)
	}
	for i, r := range recs {
		w.Projects[r.key] = seeded[i].ID
	}
	if _, err := ranking.AddSeries(ctx, db, ranking.Series{Key: "innovative_city", Name: "国家创新型城市创新能力评价", NameEN: "National innovative-city capability ranking"}); err != nil {
		return nil, err
	}
	for _, e := range []ranking.Entry{
		{Year: 2022, Rank: 19, OfTotal: 103, Published: "2023-03-21"},
		{Year: 2023, Rank: 18, OfTotal: 103, Published: "2024-03-19"},
		{Year: 2024, Rank: 16, OfTotal: 103, Published: "2025-03-18"},
	} {
		if err := ranking.Record(ctx, db, "innovative_city", e); err != nil {
			return nil, err
		}
	}
	return w, nil
}
