// Package unitest builds a small world of two universities for the tests
// of the universities area: disciplines and majors with their levels,
// 双一流 funding over two years, joint labs, talents and awards. Records
// are written straight into their tables (no program workflow runs), so
// the tests see exactly the rows named here.
package unitest

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/returns"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/university"
	"github.com/xinzhi-platform/xinzhi/programs"
	"github.com/xinzhi-platform/xinzhi/returnforms"
)

// Day is the day the world is read on.
const Day = "2025-06-30"

// World names what was written.
type World struct {
	NEU, SYAU, Firm registry.Organisation
	// Records by what they are.
	Funding        []int64 // NEU 2023, NEU 2023, NEU 2024, SYAU 2024
	LabNEU, LabOff int64   // a lab naming NEU that operates, one that was rejected
	LabSYAU        int64
	Young          int64 // awarded, at NEU
	CertB          int64 // a B-class talent certified at NEU
	People         map[string]int64
	Service        int64 // NEU's accepted service return for 2024
}

// Build writes the world into db.
func Build(t testing.TB, db *store.DB) World {
	t.Helper()
	ctx := context.Background()
	var w World
	var err error
	mk := func(name, kind string) registry.Organisation {
		o, err := registry.Create(ctx, db, registry.Organisation{Name: name, Kind: kind})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	w.NEU, w.SYAU, w.Firm = mk("东北大学", "university"), mk("沈阳农业大学", "university"), mk("沈阳新松机器人自动化股份有限公司", "enterprise")
	subject := func(tx *store.Tx, org int64, kind, code, name, tags string, opened int) int64 {
		d := registry.Discipline{OrganisationID: org, Kind: kind, Code: code, Name: name, Tags: tags, Opened: opened}
		if err := registry.AddDiscipline(ctx, tx, &d); err != nil {
			t.Fatal(err)
		}
		return d.ID
	}
	grant := func(tx *store.Tx, kind, level, subj string, id int64, granted, revoked string) {
		if err := registry.GrantTx(ctx, tx, registry.Recognition{Kind: kind, Level: level, Subject: subj, SubjectID: id, Granted: granted, Revoked: revoked, Authority: "教育部"}); err != nil {
			t.Fatal(err)
		}
	}
	w.People = map[string]int64{}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		ctrl := subject(tx, w.NEU.ID, "discipline", "0811", "控制科学与工程", "优势学科", 0)
		grant(tx, "world_class_discipline", "省一流", "discipline", ctrl, "2021-03-15", "")
		grant(tx, "world_class_discipline", "世界一流", "discipline", ctrl, "2022-02-14", "")
		metal := subject(tx, w.NEU.ID, "discipline", "0806", "冶金工程", "优势学科", 0)
		grant(tx, "world_class_discipline", "国内一流", "discipline", metal, "2023-06-20", "")
		grant(tx, "world_class_discipline", "省一流", "discipline", metal, "2021-03-16", "2024-01-01")
		subject(tx, w.NEU.ID, "discipline", "0701", "数学", "", 0)
		grant(tx, "world_class_discipline", "世界一流", "discipline", subject(tx, w.NEU.ID, "discipline", "0802", "机械工程", "", 0), "2026-01-01", "") // not yet on the day
		subject(tx, w.NEU.ID, "major", "080803T", "机器人工程", "新质生产力", 2023)
		grant(tx, "first_class_major", "国家级", "major", subject(tx, w.NEU.ID, "major", "080801", "自动化", "", 1985), "2020-12-10", "")
		subject(tx, w.NEU.ID, "major", "050101", "汉语言文学", "", 1990)
		subject(tx, w.NEU.ID, "major", "080717T", "人工智能", "新质生产力", 2022)
		subject(tx, w.SYAU.ID, "discipline", "0901", "作物学", "优势学科", 0)
		grant(tx, "first_class_major", "省级", "major", subject(tx, w.SYAU.ID, "major", "090102", "园艺", "", 1952), "2021-12-10", "")
		for _, p := range []struct {
			name, level string
			org         int64
		}{{"张教授", "A", w.NEU.ID}, {"李教授", "B", w.NEU.ID}, {"王副教授", "C", w.NEU.ID}, {"赵研究员", "", w.NEU.ID}, {"钱教授", "B", w.SYAU.ID}, {"孙工程师", "A", w.Firm.ID}} {
			var level any
			if p.level != "" {
				level = p.level
			}
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO people (name, organisation_id, talent_level, title, created_at, updated_at) VALUES (?, ?, ?, '教授', ?, ?) RETURNING id`,
				p.name, p.org, level, store.Now(), store.Now()).Scan(&id); err != nil {
				t.Fatal(err)
			}
			w.People[p.name] = id
		}
		grant(tx, "distinguished_young", "国家级", "person", w.People["李教授"], "2024-05-01", "")
		grant(tx, "excellent_young", "省级", "person", w.People["王副教授"], "2023-05-01", "2024-05-01")
		grant(tx, "excellent_young", "国家级", "person", w.People["孙工程师"], "2023-05-01", "")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	write := func(query string, args ...any) int64 {
		var id int64
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.QueryRowContext(ctx, query, args...).Scan(&id) }); err != nil {
			t.Fatal(err)
		}
		return id
	}
	// The shipped programs, so that a record's page opens as it would.
	if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
		t.Fatal(err)
	}
	calls := map[string]program.Call{}
	call := func(key string) (int64, int64) {
		if c, ok := calls[key]; ok {
			return c.TemplateID, c.ID
		}
		pub, err := program.Latest(ctx, db, key)
		if err != nil {
			t.Fatal(err)
		}
		c, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: key + "-2023", Name: key + " 2023", Opens: "2023-03-01", Closes: "2023-04-30"})
		if err != nil {
			t.Fatal(err)
		}
		calls[key] = c
		return c.TemplateID, c.ID
	}
	record := func(key string, org int64, stage string, data map[string]any, approved, disbursed float64) int64 {
		tid, cid := call(key)
		raw, _ := json.Marshal(data)
		return write(`INSERT INTO projects (call_id, template_id, organisation_id, title, stage, data, amount_approved, amount_disbursed, created_at, updated_at)
			VALUES (?, ?, ?, '', ?, ?, ?, ?, ?, ?) RETURNING id`, cid, tid, org, stage, string(raw), approved, disbursed, store.Now(), store.Now())
	}
	w.Funding = []int64{
		record("double_first_class_funding", w.NEU.ID, "disbursing", map[string]any{"year": 2023}, 3000000, 2000000),
		record("double_first_class_funding", w.NEU.ID, "closed", map[string]any{"year": 2023}, 1000000, 1000000),
		record("double_first_class_funding", w.NEU.ID, "approved", map[string]any{"year": 2024}, 5000000, 0),
		record("double_first_class_funding", w.SYAU.ID, "disbursing", map[string]any{"year": 2024}, 2000000, 2000000),
	}
	w.LabNEU = record("joint_lab", w.Firm.ID, "operating", map[string]any{"lab_name": "新松—东北大学智能机器人产业创新中心", "university": w.NEU.ID}, 1000000, 0)
	w.LabOff = record("joint_lab", w.Firm.ID, "rejected", map[string]any{"lab_name": "未获批实验室", "university": w.NEU.ID}, 0, 0)
	w.LabSYAU = record("joint_lab", w.Firm.ID, "approved", map[string]any{"lab_name": "智慧农业联合实验室", "university": w.SYAU.ID}, 500000, 0)
	w.Young = record("young_scholar_recommendation", w.NEU.ID, "awarded", map[string]any{"fund_type": "优秀青年科学基金", "candidate": w.People["王副教授"]}, 500000, 0)
	record("young_scholar_recommendation", w.NEU.ID, "recommended", map[string]any{"fund_type": "杰出青年科学基金", "candidate": w.People["张教授"]}, 0, 0)
	record("talent_certification", w.NEU.ID, "certified", map[string]any{"category": "A类 顶尖人才", "talent": w.People["张教授"]}, 0, 0)
	w.CertB = record("talent_certification", w.NEU.ID, "certified", map[string]any{"category": "B类 国家级领军人才", "talent": w.People["赵研究员"]}, 0, 0)
	record("talent_certification", w.NEU.ID, "certified", map[string]any{"category": "C类 地方级领军人才", "talent": w.People["王副教授"]}, 0, 0)

	// NEU files its service return for 2024 and the bureau accepts it (today).
	if _, err := returns.PublishShipped(ctx, db, returnforms.Files); err != nil {
		t.Fatal(err)
	}
	f, err := returns.FormByKey(ctx, db, university.ServiceForm)
	if err != nil {
		t.Fatal(err)
	}
	mgr := access.Principal{UserID: 1, Name: "manager", Roles: []access.Role{access.Manager}}
	fl, err := returns.Save(ctx, db, mgr, f, w.NEU.ID, "2024", returns.Values{"national_teaching_awards": {"": 3}, "national_talents": {"": 12}, "high_level_teams": {"": 2}}, 0)
	if err == nil {
		_, err = returns.Submit(ctx, db, mgr, f, fl.ID)
	}
	if err == nil {
		_, err = returns.Accept(ctx, db, mgr, f, fl.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	w.Service = fl.ID
	return w
}
