package metric_test

import (
	"context"
	"fmt"
	"math/rand/v2"
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

const loopTemplate = `key: t_loop
name: 往返流程
version: 1
form:
  - {key: title, label: 名称, type: text}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: submitted, name: 已提交}
  - {key: returned, name: 退回}
  - {key: approved, name: 立项}
  - {key: running, name: 实施}
  - {key: rejected, name: 未立项, terminal: true}
  - {key: closed, name: 结项, terminal: true}
transitions:
  - {key: submit, name: 提交, from: [draft, returned], to: submitted, by: ["role:manager"]}
  - {key: return, name: 退回, from: [submitted, approved], to: returned, by: ["role:manager"]}
  - {key: approve, name: 立项, from: submitted, to: approved, by: ["role:manager"]}
  - {key: reject, name: 不予立项, from: submitted, to: rejected, by: ["role:manager"]}
  - {key: run, name: 实施, from: approved, to: running, by: ["role:manager"]}
  - {key: close, name: 结项, from: running, to: closed, by: ["role:manager"]}
`

// TestSummaryEqualsRecomputation is a property test: after random creates
// and moves (records returned and resubmitted, some reaching a stage twice)
// on random days, every count the daily summary answers equals the count
// recomputed from the records, for every stage, window and many dates.
func TestSummaryEqualsRecomputation(t *testing.T) {
	stages := []string{"draft", "submitted", "returned", "approved", "running", "rejected", "closed"}
	src := ""
	for _, st := range stages {
		src += fmt.Sprintf("- {id: new_%[1]s, name: N, kind: simple, model: projects, where: {program: [t_loop], stage: [%[1]s]}, window: new, period: quarter, measure: count}\n", st)
		src += fmt.Sprintf("- {id: year_%[1]s, name: Y, kind: simple, model: projects, where: {program: [t_loop], stage: [%[1]s]}, window: new, period: year, measure: count}\n", st)
		src += fmt.Sprintf("- {id: cum_%[1]s, name: C, kind: simple, model: projects, where: {program: [t_loop], stage: [%[1]s]}, window: cumulative, measure: count}\n", st)
		src += fmt.Sprintf("- {id: now_%[1]s, name: S, kind: simple, model: projects, where: {program: [t_loop], stage: [%[1]s]}, window: state, measure: count}\n", st)
	}
	set, err := metric.Load(fstest.MapFS{"p.yaml": {Data: []byte(src)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { checkSummary(t, set, seed) })
	}
}

func checkSummary(t *testing.T, set *metric.Set, seed uint64) {
	{
		storetest.Each(t, func(t *testing.T, db *store.DB) {
			ctx := context.Background()
			rng := rand.New(rand.NewPCG(seed, 99))
			pub, err := program.Publish(ctx, db, []byte(loopTemplate))
			if err != nil {
				t.Fatal(err)
			}
			call, _ := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "loop", Name: "往返", Opens: "2020-01-01", Closes: "2099-01-01"})
			org, _ := registry.Create(ctx, db, registry.Organisation{Name: "随机企业", Kind: "enterprise"})
			mgr := access.Principal{UserID: 1, Name: "m", Roles: []access.Role{access.Manager}}
			tpl, _ := program.LoadTemplate(ctx, db, pub.ID)
			clock := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
			program.Clock = func() time.Time { return clock }
			defer func() { program.Clock = store.Now }()
			var ids []int64
			for range 160 {
				clock = clock.Add(time.Duration(rng.IntN(40)) * time.Hour) // several events a day, some days none, across day boundaries
				if len(ids) == 0 || rng.IntN(4) == 0 {
					p, err := program.CreateProject(ctx, db, call.ID, org.ID, map[string]any{"title": "随机"})
					if err != nil {
						t.Fatal(err)
					}
					ids = append(ids, p.ID)
					continue
				}
				id := ids[rng.IntN(len(ids))]
				p, _ := program.GetProject(ctx, db, id)
				var open []string
				for _, tr := range tpl.Transitions {
					for _, f := range tr.From {
						if f == p.Stage {
							open = append(open, tr.Key)
						}
					}
				}
				if len(open) == 0 {
					continue
				}
				if _, err := program.Move(ctx, db, mgr, id, open[rng.IntN(len(open))], ""); err != nil {
					t.Fatal(err)
				}
			}
			end := clock
			checked := 0
			for range 25 {
				asOf := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.Int64N(int64(end.Sub(time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC))) + 1)))
				for _, d := range set.All() {
					fast, err := metric.Eval(ctx, db, set, d.ID, metric.Params{AsOf: asOf})
					if err != nil {
						t.Fatal(err)
					}
					full, err := metric.Eval(ctx, db, set, d.ID, metric.Params{AsOf: asOf, Full: true})
					if err != nil {
						t.Fatal(err)
					}
					if fast.Value != full.Value {
						t.Fatalf("seed %d, %s as of %s: summary %v, records %v", seed, d.ID, fast.AsOf, fast.Value, full.Value)
					}
					checked++
				}
			}
			if checked == 0 {
				t.Fatal("nothing compared")
			}
		})
	}
}
