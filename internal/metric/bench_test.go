package metric_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"testing/fstest"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// benchProjects is the size of the indicator benchmark: 100,000 projects
// with four stage events each by default (XINZHI_BENCH_PROJECTS).
func benchProjects() int {
	if n, err := strconv.Atoi(os.Getenv("XINZHI_BENCH_PROJECTS")); err == nil && n > 0 {
		return n
	}
	return 100000
}

// BenchmarkIndicator compares, on the same database, a count read from the
// daily stage summary with the same count recomputed from the stage
// history, for each window.
func BenchmarkIndicator(b *testing.B) {
	engines := []store.Engine{store.SQLite}
	if os.Getenv("XINZHI_TEST_POSTGRES") != "" {
		engines = append(engines, store.Postgres)
	}
	for _, eng := range engines {
		b.Run(string(eng), func(b *testing.B) {
			db := storetest.Open(b, eng)
			n := benchProjects()
			fillHistory(b, db, n)
			set, err := metric.Load(fstest.MapFS{"b.yaml": {Data: []byte(`
- {id: new_year, name: N, kind: simple, model: projects, where: {program: [t_loop], stage: [approved]}, window: new, period: year, measure: count}
- {id: cumulative, name: C, kind: simple, model: projects, where: {program: [t_loop], stage: [approved]}, window: cumulative, measure: count}
- {id: state, name: S, kind: simple, model: projects, where: {program: [t_loop], stage: [approved]}, window: state, measure: count}
`)}})
			if err != nil {
				b.Fatal(err)
			}
			asOf := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
			for _, id := range []string{"new_year", "cumulative", "state"} {
				for _, full := range []bool{false, true} {
					name := id + "/summary"
					if full {
						name = id + "/recomputed"
					}
					b.Run(name, func(b *testing.B) {
						var v float64
						for b.Loop() {
							r, err := metric.Eval(context.Background(), db, set, id, metric.Params{AsOf: asOf, Full: full})
							if err != nil {
								b.Fatal(err)
							}
							v = r.Value
						}
						b.ReportMetric(v, "records")
					})
				}
			}
		})
	}
}

// fillHistory writes n projects, each created, submitted, approved and,
// for two in three, started, on days spread over 2021–2025, in bulk; the
// daily summary is then built the way migration 0008 builds it.
func fillHistory(b *testing.B, db *store.DB, n int) {
	b.Helper()
	ctx := context.Background()
	pub, err := program.Publish(ctx, db, []byte(loopTemplate))
	if err != nil {
		b.Fatal(err)
	}
	call, _ := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "bench", Name: "基准", Opens: "2020-01-01", Closes: "2099-01-01"})
	org, _ := registry.Create(ctx, db, registry.Organisation{Name: "基准企业", Kind: "enterprise"})
	start := time.Date(2021, 1, 1, 2, 0, 0, 0, time.UTC)
	err = db.InTx(ctx, func(tx *store.Tx) error {
		for i := range n {
			day := start.Add(time.Duration(i%1800) * 24 * time.Hour)
			stage := "approved"
			if i%3 != 0 {
				stage = "running"
			}
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO projects (call_id, template_id, organisation_id, title, stage, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				call.ID, pub.ID, org.ID, fmt.Sprint("项目", i), stage, day, day).Scan(&id); err != nil {
				return err
			}
			steps := [][2]string{{"", "draft"}, {"draft", "submitted"}, {"submitted", "approved"}, {"approved", "running"}}
			if stage == "approved" {
				steps = steps[:3]
			}
			for k, st := range steps {
				if _, err := tx.ExecContext(ctx, `INSERT INTO project_events (project_id, template_id, transition, from_stage, to_stage, at, actor) VALUES (?, (SELECT template_id FROM projects WHERE id = ?), 't', ?, ?, ?, 'bench')`,
					id, id, st[0], st[1], day.Add(time.Duration(k*7)*24*time.Hour)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	src, err := os.ReadFile("../store/migrations/0008_stage_daily." + string(db.Engine()) + ".sql")
	if err != nil {
		b.Fatal(err)
	}
	sql := string(src)
	if _, err := db.ExecContext(ctx, `DELETE FROM stage_daily`); err != nil {
		b.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, sql[indexOf(sql, "INSERT INTO stage_daily"):]); err != nil {
		b.Fatal(err)
	}
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	panic("no " + sub)
}
