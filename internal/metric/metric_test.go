package metric_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

const defs = `
- {id: approved_new, name: 新立项, unit: 项, kind: simple, model: projects, where: {program: [t_fund], stage: [approved]}, window: new, period: year, measure: count, dimensions: [district]}
- {id: approved_h1, name: 上半年立项, kind: simple, model: projects, where: {program: [t_fund], stage: [approved]}, window: new, period: half, measure: count}
- {id: approved_total, name: 累计立项, kind: simple, model: projects, where: {program: [t_fund], stage: [approved]}, window: cumulative, measure: count}
- {id: approved_now, name: 处于立项阶段, kind: simple, model: projects, where: {program: [t_fund], stage: [approved]}, window: state, measure: count}
- {id: approved_big, name: 大项目, kind: simple, model: projects, where: {program: [t_fund], stage: [approved], data: {size: [大]}}, window: cumulative, measure: count}
- {id: approved_money, name: 核定资金, unit: 元, kind: simple, model: projects, where: {program: [t_fund], stage: [approved]}, window: cumulative, measure: "sum:amount_approved"}
- {id: approved_orgs, name: 立项单位, kind: simple, model: projects, where: {program: [t_fund], stage: [approved]}, window: cumulative, measure: distinct_organisations}
- {id: factories_new, name: 新认定智能工厂, kind: simple, model: recognitions, where: {kind: [smart_factory], subject: organisation}, window: new, period: year, measure: count, dimensions: [level]}
- {id: factories_ever, name: 累计智能工厂, kind: simple, model: recognitions, where: {kind: [smart_factory]}, window: cumulative, measure: count}
- {id: factories_in_force, name: 有效智能工厂, kind: simple, model: recognitions, where: {kind: [smart_factory]}, window: state, measure: count}
- {id: hightech_ic, name: 集成电路高新技术企业, kind: simple, model: organisations, where: {kind: [enterprise], cluster: [集成电路], recognition: [high_tech]}, window: state, measure: count}
- {id: problems_solved, name: 攻克技术难题, kind: simple, model: outcomes, where: {kind: [problem], status: [solved]}, window: cumulative, measure: count, dimensions: [field]}
- {id: output_ic, name: 集成电路产值, kind: simple, model: figures, where: {kind: [output_value], cluster: [集成电路]}, window: state, measure: "sum:value"}
- {id: output_ic_growth, name: 集成电路产值增长, unit: "%", kind: growth, of: output_ic}
- {id: approved_share, name: 上半年占比, unit: "%", kind: ratio, numerator: approved_h1, denominator: approved_new, scale: 100}
- {id: adv, name: 优势学科, kind: simple, model: disciplines, where: {kind: [discipline], tag: [优势学科]}, window: state, measure: count}
- {id: new3, name: 近三年新专业, kind: simple, model: disciplines, where: {kind: [major], last_years: 3}, window: state, measure: count}
- {id: new3q, name: 近三年新质专业, kind: simple, model: disciplines, where: {kind: [major], tag: [新质生产力], last_years: 3}, window: state, measure: count}
- {id: new3share, name: 占比, kind: ratio, numerator: new3q, denominator: new3, scale: 100}
- {id: approved_plus, name: 立项加认定, kind: derived, expr: "approved_total + factories_ever * 2"}
`

func date(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, s, time.FixedZone("CST", 8*3600))
	if err != nil {
		panic(err)
	}
	return t
}

const fundTemplate = `key: t_fund
name: 测试资助
version: 1
form:
  - {key: title, label: 名称, type: text}
  - {key: amount_requested, label: 申请, type: money}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: approved, name: 立项}
  - {key: running, name: 实施中, terminal: true}
transitions:
  - {key: approve, name: 立项, from: draft, to: approved, by: ["role:manager"], amount: approved}
  - {key: run, name: 实施, from: approved, to: running, by: ["role:manager"]}
`

// world builds two organisations, three projects approved on known dates,
// recognitions, an outcome and yearly figures.
func world(t *testing.T, db *store.DB) (a, b registry.Organisation) {
	t.Helper()
	ctx := context.Background()
	var err error
	a, err = registry.Create(ctx, db, registry.Organisation{Name: "芯片企业甲", Kind: "enterprise", District: "210112", Clusters: []string{"集成电路"}})
	if err != nil {
		t.Fatal(err)
	}
	b, err = registry.Create(ctx, db, registry.Organisation{Name: "装备企业乙", Kind: "enterprise", District: "210106", Clusters: []string{"高端装备"}})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := program.Publish(ctx, db, []byte(fundTemplate))
	if err != nil {
		t.Fatal(err)
	}
	call, _ := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "f-1", Name: "资助", Opens: "2020-01-01", Closes: "2099-01-01"})
	mgr := access.Principal{UserID: 1, Name: "m", Roles: []access.Role{access.Manager}}
	approve := func(org int64, day string, amount float64) int64 {
		on(t, day)
		size := "小"
		if amount >= 2e6 {
			size = "大"
		}
		p, err := program.CreateProject(ctx, db, call.ID, org, map[string]any{"title": "项目", "amount_requested": 1e7, "size": size})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := program.MoveWith(ctx, db, mgr, p.ID, "approve", program.MoveInput{Amount: &amount}); err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	p1 := approve(a.ID, "2024-03-01", 1e6)
	approve(a.ID, "2025-02-01", 2e6)
	approve(b.ID, "2025-07-01", 3e6)
	on(t, "2025-05-01")
	if _, err := program.Move(ctx, db, mgr, p1, "run", ""); err != nil {
		t.Fatal(err)
	}
	for _, r := range []registry.Recognition{
		{Kind: "smart_factory", Level: "卓越级", Subject: "organisation", SubjectID: a.ID, Granted: "2024-11-01"},
		{Kind: "smart_factory", Level: "先进级", Subject: "organisation", SubjectID: b.ID, Granted: "2025-03-01", Revoked: "2025-06-01"},
		{Kind: "high_tech", Subject: "organisation", SubjectID: a.ID, Granted: "2023-01-01"},
	} {
		if err := registry.Grant(ctx, db, r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := program.AddOutcome(ctx, db, mgr, program.Outcome{ProjectID: p1, Kind: "problem", Title: "晶圆减薄", Field: "半导体设备", Status: "solved", Day: "2025-04-01"}); err != nil {
		t.Fatal(err)
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		for _, f := range []registry.Figure{{OrganisationID: a.ID, Year: 2023, Kind: "output_value", Value: 100}, {OrganisationID: a.ID, Year: 2024, Kind: "output_value", Value: 120},
			{OrganisationID: b.ID, Year: 2024, Kind: "output_value", Value: 50}} {
			if _, err := registry.UpsertFigure(ctx, tx, f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	uni, err := registry.Create(ctx, db, registry.Organisation{Name: "东北大学", Kind: "university"})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []struct {
		kind, name, tags string
		opened           int
	}{{"discipline", "控制科学与工程", "优势学科", 1998}, {"major", "智能制造工程", "新质生产力", 2022}, {"major", "数据科学", "", 2023}, {"major", "机械工程", "", 2020}, {"major", "人工智能", "新质生产力", 2025}} {
		if _, err := db.ExecContext(ctx, `INSERT INTO disciplines (organisation_id, kind, name, opened, tags, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			uni.ID, d.kind, d.name, d.opened, d.tags, store.Now(), store.Now()); err != nil {
			t.Fatal(err)
		}
	}
	// B joins the IC cluster only for the figures check: its 2024 value has
	// no 2023 to compare with, so same-scope growth leaves it out.
	if _, err := db.ExecContext(ctx, `INSERT INTO organisation_clusters (organisation_id, cluster_id) SELECT ?, id FROM clusters WHERE name = '集成电路'`, b.ID); err != nil {
		t.Fatal(err)
	}
	return a, b
}

// on makes stage events of the test happen on a day (10:00 China time).
func on(t *testing.T, day string) {
	t.Helper()
	at := date(day).Add(10 * time.Hour).UTC()
	program.Clock = func() time.Time { return at }
	t.Cleanup(func() { program.Clock = store.Now })
}

func TestKindsAndWindows(t *testing.T) {
	set, err := metric.Load(fstest.MapFS{"test.yaml": {Data: []byte(defs)}})
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		world(t, db)
		for _, c := range []struct {
			id, asOf string
			want     float64
		}{
			{"approved_new", "2025-06-30", 1}, {"approved_new", "2025-12-31", 2}, {"approved_new", "2024-12-31", 1},
			{"approved_h1", "2025-06-30", 1}, {"approved_h1", "2025-12-31", 1},
			{"approved_total", "2025-06-30", 2}, {"approved_total", "2024-01-01", 0}, {"approved_total", "2025-12-31", 3},
			{"approved_now", "2025-04-30", 2}, {"approved_now", "2025-06-30", 1}, {"approved_now", "2025-12-31", 2},
			{"approved_money", "2025-06-30", 3e6}, {"approved_big", "2025-12-31", 2}, {"approved_orgs", "2025-06-30", 1}, {"approved_orgs", "2025-12-31", 2},
			{"factories_new", "2025-12-31", 1}, {"factories_ever", "2025-12-31", 2}, {"factories_in_force", "2025-05-01", 2}, {"factories_in_force", "2025-06-01", 1},
			{"hightech_ic", "2025-06-30", 1},
			{"problems_solved", "2025-03-31", 0}, {"problems_solved", "2025-06-30", 1},
			{"output_ic", "2025-06-30", 170}, {"output_ic_growth", "2025-06-30", 20},
			{"approved_share", "2025-12-31", 50},
			{"approved_plus", "2025-12-31", 3 + 2*2},
			{"adv", "2025-06-30", 1}, {"new3", "2025-06-30", 2}, {"new3q", "2025-06-30", 1}, {"new3share", "2025-06-30", 50}, {"new3", "2026-06-30", 2},
		} {
			got, err := metric.Eval(ctx, db, set, c.id, metric.Params{AsOf: date(c.asOf)})
			if err != nil {
				t.Fatalf("%s as of %s: %v", c.id, c.asOf, err)
			}
			if got.Value != c.want {
				t.Errorf("%s as of %s = %v, want %v (%+v)", c.id, c.asOf, got.Value, c.want, got)
			}
		}
		got, err := metric.Eval(ctx, db, set, "approved_new", metric.Params{AsOf: date("2025-12-31"), By: "district"})
		if err != nil || got.Groups["210112"] != 1 || got.Groups["210106"] != 1 || got.Records != 2 || got.From != "2025-01-01" || got.To != "2025-12-31" {
			t.Errorf("by district: %+v %v", got, err)
		}
		got, err = metric.Eval(ctx, db, set, "problems_solved", metric.Params{AsOf: date("2025-12-31"), By: "field"})
		if err != nil || got.Groups["半导体设备"] != 1 {
			t.Errorf("by field: %+v %v", got, err)
		}
		if _, err := metric.Eval(ctx, db, set, "output_ic", metric.Params{By: "program"}); err == nil {
			t.Error("figures broken down by program: no error")
		}
		// A ratio over zero is no figure, not 0%.
		if got, _ := metric.Eval(ctx, db, set, "approved_share", metric.Params{AsOf: date("2020-12-31")}); !got.Undefined {
			t.Errorf("0/0 share: %+v", got)
		}
		// The district filter.
		got, _ = metric.Eval(ctx, db, set, "approved_total", metric.Params{AsOf: date("2025-12-31"), District: []string{"210106"}})
		if got.Value != 1 {
			t.Errorf("approved_total in 210106: %v", got.Value)
		}
		// A custom period.
		got, _ = metric.Eval(ctx, db, set, "approved_new", metric.Params{AsOf: date("2025-12-31"), From: date("2024-01-01")})
		if got.Value != 3 {
			t.Errorf("custom period 2024-01-01..2025-12-31: %v", got.Value)
		}
	})
}

func TestLoadRefuses(t *testing.T) {
	for name, c := range map[string]struct{ src, want string }{
		"model":   {"- {id: x, name: X, kind: simple, model: spaceships, window: state, measure: count}", `model "spaceships"`},
		"measure": {"- {id: x, name: X, kind: simple, model: projects, where: {program: [a], stage: [b]}, window: state, measure: \"sum:title\"}", "sums amount_requested"},
		"window":  {"- {id: x, name: X, kind: simple, model: projects, where: {program: [a], stage: [b]}, window: new, measure: count}", "needs period"},
		"ref":     {"- {id: x, name: X, kind: growth, of: nowhere}", `refers to "nowhere"`},
		"cycle":   {"- {id: x, name: X, kind: derived, expr: \"y + 1\"}\n- {id: y, name: Y, kind: derived, expr: \"x * 2\"}", "circle"},
		"dup":     {"- {id: x, name: X, kind: derived, expr: \"1\"}\n- {id: x, name: X, kind: derived, expr: \"2\"}", "defined twice"},
		"unknown": {"- {id: x, name: X, kind: derived, expr: \"1\", colour: red}", "colour"},
		"line":    {"- {id: ok, name: OK, kind: derived, expr: \"1\"}\n- {id: x, name: X, kind: simple, model: projects}", "test.yaml:2"},
	} {
		_, err := metric.Load(fstest.MapFS{"test.yaml": {Data: []byte(c.src)}})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}

func TestListRecords(t *testing.T) {
	set, err := metric.Load(fstest.MapFS{"test.yaml": {Data: []byte(defs)}})
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _ := world(t, db)
		for id, want := range map[string]string{"approved_total": "芯片企业甲", "factories_ever": "卓越级", "hightech_ic": a.Name, "problems_solved": "晶圆减薄", "output_ic": "装备企业乙"} {
			r, err := metric.Eval(ctx, db, set, id, metric.Params{AsOf: date("2025-12-31"), Records: true})
			if err != nil {
				t.Fatal(err)
			}
			recs, err := metric.ListRecords(ctx, db, set, r)
			if err != nil {
				t.Fatalf("%s: %v", id, err)
			}
			if len(recs.Rows) != r.Records || len(recs.Links) != r.Records || !strings.Contains(fmt.Sprint(recs.Rows), want) || !strings.HasPrefix(recs.Links[0], "/") {
				t.Errorf("%s: %d records, rows %v, links %v; want %d and %q", id, len(recs.Rows), recs.Rows, recs.Links, r.Records, want)
			}
		}
	})
}
