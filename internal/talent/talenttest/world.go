// Package talenttest builds a small talent world for tests: a handful of
// people with certifications, services, PhD start-ups, two transplanted
// teams and two half-years of talent-work returns, with known figures.
package talenttest

import (
	"context"
	"fmt"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/returns"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/talent"
	"github.com/xinzhi-platform/xinzhi/programs"
	"github.com/xinzhi-platform/xinzhi/returnforms"
)

// Catalogue2018 is an earlier catalogue version the world adds, with
// classes of its own.
var Catalogue2018 = talent.Catalogue{
	Key: "xingshen-2018", Name: i18n.Text{ZH: "兴沈英才计划", EN: "Xingshen Talent Plan"}, Version: i18n.Text{ZH: "2018版", EN: "2018 edition"},
	Jurisdiction: "210100", EffectiveFrom: "2018-01-01",
	Classes: []talent.Class{{Key: "C", Name: i18n.Text{ZH: "领军人才", EN: "Leading talent"}}, {Key: "D", Name: i18n.Text{ZH: "拔尖人才", EN: "Outstanding talent"}}},
	Items: []talent.Item{
		{Class: "C", Code: "C1", Name: i18n.Text{ZH: "省级以上科技奖励一等奖获得者", EN: "First-class provincial S&T award"}},
		{Class: "D", Code: "D1", Name: i18n.Text{ZH: "具有博士学位并在沈工作的人才", EN: "Doctorate holder working in Shenyang"}},
	},
}

// AsOf is the day the world is read on.
const AsOf = "2025-06-30"

// World names what Build made.
type World struct {
	People   map[string]int64 // by name
	IDNumber map[string]string
	Phone    map[string]string
	Projects map[string]int64 // by a short key: cert-zhang, team-1 …
}

// The figures the world holds, for assertions.
const (
	ServicesRequested = 4
	ServicesDone      = 3
	MedianServiceDays = 10.0 // of 10, 4 and 20 days
	CertApplied       = 4
	CertCertified     = 2
	CertPublicised    = 1
	CertRejected      = 1
	CertInForce       = 1 // the 2018 certificate ran out in 2023
	StartupsApplied   = 3
	StartupsApproved  = 2
	StartupFunds      = 100000.0
	Team1Approved     = 3000000.0
	Team1Disbursed    = 1200000.0
	Team2Approved     = 2000000.0
	Talents           = 5 // 钱七 holds no talent role
	Graduates2025H1   = 98621.0
)

func at(day string) time.Time {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		panic(err)
	}
	return t.Add(2 * time.Hour) // 10:00 in China
}

func idNumber(seq int) string {
	first := fmt.Sprintf("210102198%d0101%03d", seq%10, 100+seq)
	c, err := stdcode.IDCheckChar(first)
	if err != nil {
		panic(err)
	}
	return first + string(c)
}

// Build writes the world, its people employed by org.
func Build(ctx context.Context, db *store.DB, keys *seal.Keyring, org int64) (*World, error) {
	w := &World{People: map[string]int64{}, IDNumber: map[string]string{}, Phone: map[string]string{}, Projects: map[string]int64{}}
	if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
		return nil, err
	}
	people := []struct{ name, title string }{{"张三", "教授"}, {"李四", "研究员"}, {"王五", "副教授"}, {"赵六", "教授"}, {"钱七", "教授"}, {"孙八", ""}}
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		for i, p := range people {
			id, phone := idNumber(i+1), fmt.Sprintf("1391234%04d", i+1)
			got, _, err := registry.UpsertPerson(ctx, tx, keys, registry.Person{Name: p.name, IDNumber: id, Phone: phone, OrganisationID: org, Title: p.title, Degree: "博士"})
			if err != nil {
				return err
			}
			w.People[p.name], w.IDNumber[p.name], w.Phone[p.name] = got.ID, id, phone
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("talent world: people: %w", err)
	}
	calls := map[string]int64{}
	for _, key := range []string{"talent_certification", "talent_service", "doctoral_startup", "transplant_team"} {
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
	person := func(name string) float64 { return float64(w.People[name]) }
	mark := func(stage, day string) program.Mark { return program.Mark{Stage: stage, At: at(day)} }
	cert := func(name, cat string, ms ...program.Mark) program.Seeded {
		return program.Seeded{CallID: calls["talent_certification"], OrganisationID: org,
			Data: map[string]any{"talent": person(name), "category": cat, "path": "目录认定", "field": "人工智能"}, Marks: ms}
	}
	service := func(name, kind, requested string, ms ...program.Mark) program.Seeded {
		return program.Seeded{CallID: calls["talent_service"], OrganisationID: org, Created: at(requested),
			Data: map[string]any{"talent": person(name), "certificate_no": "沈人才证〔2024〕0001号", "service_type": kind, "details": kind}, Marks: ms}
	}
	startup := func(name string, approved float64, ms ...program.Mark) program.Seeded {
		return program.Seeded{CallID: calls["doctoral_startup"], OrganisationID: org, Title: name + "博士启动项目", Approved: approved,
			Data: map[string]any{"leader": person(name), "discipline": "信息科学", "amount_requested": 60000.0}, Marks: ms}
	}
	team := func(title, leader string, members []string, approved float64, ms ...program.Mark) program.Seeded {
		var rows []any
		for _, m := range members {
			rows = append(rows, map[string]any{"person": person(m), "duty": "核心成员"})
		}
		d := map[string]any{"team_leader": person(leader), "origin": "北京", "team_size": float64(len(members) + 1), "carried_results": "专利",
			"landing_entity": float64(org), "amount_requested": 5000000.0}
		if rows != nil {
			d["members"] = rows
		}
		return program.Seeded{CallID: calls["transplant_team"], OrganisationID: org, Title: title, Approved: approved, Data: d, Marks: ms}
	}
	recs := []struct {
		key string
		s   program.Seeded
	}{
		{"cert-zhang", cert("张三", "C类 地方级领军人才", mark("submitted", "2024-01-15"), mark("publicised", "2024-02-20"), mark("certified", "2024-03-01"))},
		{"cert-zhang-2018", cert("张三", "D类 拔尖人才", mark("submitted", "2017-11-01"), mark("certified", "2018-01-10"))},
		{"cert-li", cert("李四", "D类 拔尖人才", mark("submitted", "2025-05-10"), mark("publicised", "2025-06-01"))},
		{"cert-wang", cert("王五", "C类 地方级领军人才", mark("submitted", "2025-03-01"), mark("rejected", "2025-04-01"))},
		{"svc-zhang-1", service("张三", "子女入学", "2024-04-01", mark("accepted", "2024-04-02"), mark("done", "2024-04-11"))},
		{"svc-zhang-2", service("张三", "医疗保障", "2024-05-01", mark("accepted", "2024-05-02"), mark("done", "2024-05-05"))},
		{"svc-li", service("李四", "住房安居", "2024-06-01", mark("accepted", "2024-06-03"), mark("done", "2024-06-21"))},
		{"svc-wang", service("王五", "落户", "2025-06-10", mark("accepted", "2025-06-11"))},
		{"startup-wang", startup("王五", 50000, mark("submitted", "2024-11-01"), mark("approved", "2025-03-01"))},
		{"startup-zhao", startup("赵六", 50000, mark("submitted", "2024-11-02"), mark("approved", "2025-03-01"))},
		{"startup-sun", startup("孙八", 0, mark("submitted", "2024-11-03"))},
		{"team-1", team("海洋声学团队带土移植", "张三", []string{"李四"}, Team1Approved, mark("approved", "2024-03-01"), mark("in_progress", "2024-04-01"),
			program.Mark{Move: "pay", At: at("2024-05-01"), Amount: Team1Disbursed})},
		{"team-2", team("新材料团队带土移植", "赵六", nil, Team2Approved, mark("approved", "2025-03-03"))},
	}
	seeded := make([]program.Seeded, len(recs))
	for i, r := range recs {
		seeded[i] = r.s
	}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return program.Seed(ctx, tx, seeded) }); err != nil {
		return nil, fmt.Errorf("talent world: records: %w", err)
	}
	for i, r := range recs {
		w.Projects[r.key] = seeded[i].ID
	}
	// The certifications rest on catalogue items: 张三's of 2024 and 李四's
	// application on the shipped 兴沈英才计划 2022版, 张三's of 2018 on an
	// earlier version the world adds; 王五's rejected application on none.
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := talent.AddCatalogue(ctx, tx, Catalogue2018); err != nil {
			return err
		}
		var rests []talent.Rest
		for _, b := range []struct{ record, catalogue, code string }{
			{"cert-zhang", "xingshen-2022", "C3"}, {"cert-zhang-2018", "xingshen-2018", "D1"}, {"cert-li", "xingshen-2022", "D3"},
		} {
			c, err := talent.CatalogueByKey(ctx, tx, b.catalogue)
			if err != nil {
				return err
			}
			it, ok := c.ItemByCode(b.code)
			if !ok {
				return fmt.Errorf("no item %s in %s", b.code, b.catalogue)
			}
			rests = append(rests, talent.Rest{ProjectID: w.Projects[b.record], ItemID: it.ID})
		}
		return talent.RestOn(ctx, tx, rests)
	}); err != nil {
		return nil, fmt.Errorf("talent world: catalogue: %w", err)
	}
	if _, err := returns.PublishShipped(ctx, db, returnforms.Files); err != nil {
		return nil, err
	}
	f, err := returns.FormByKey(ctx, db, "talent_work")
	if err != nil {
		return nil, err
	}
	one := func(x float64) map[string]float64 { return map[string]float64{"": x} }
	if err := returns.Seed(ctx, db, f, "审核员", []returns.Seeded{
		{OrganisationID: org, Period: "2024H2", Submitted: at("2025-01-10"), Accepted: at("2025-01-15"),
			Values: returns.Values{"talents_introduced": one(400), "graduates_retained": one(90000), "talent_service_cases": one(1000)}},
		{OrganisationID: org, Period: "2025H1", Submitted: at("2025-07-10"), Accepted: at("2025-07-15"),
			Values: returns.Values{"talents_introduced": one(472), "graduates_retained": one(Graduates2025H1), "talent_service_cases": one(1200)}},
	}); err != nil {
		return nil, fmt.Errorf("talent world: returns: %w", err)
	}
	return w, nil
}
