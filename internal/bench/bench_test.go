package bench

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/democity"
	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/metrics"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestBaselineAgrees: the hand-written SQL the benchmarks compare with
// gives every shipped figure the engine gives, on both engines: two
// independent computations of the same numbers.
func TestBaselineAgrees(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo city")
	}
	set, err := metric.Load(metrics.Files)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := democity.Load(ctx, db, democity.Options{Programs: programs.Files}); err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, d := range set.All() {
			if d.Kind != "simple" && d.Kind != "ratio" {
				continue
			}
			for _, p := range []metric.Params{{AsOf: asOf()}, {AsOf: time.Date(2024, 12, 31, 0, 0, 0, 0, cst), From: time.Date(2024, 1, 1, 0, 0, 0, 0, cst)}} {
				want, err := metric.Eval(ctx, db, set, d.ID, p)
				if err != nil {
					t.Fatal(err)
				}
				got, err := handSQL(ctx, db, set, d.ID, p.AsOf, p.From)
				if err != nil {
					t.Fatalf("%s: %v", d.ID, err)
				}
				if !same(got, want.Value) {
					t.Errorf("%s as of %s: hand-written %v, engine %v", d.ID, p.AsOf.Format(time.DateOnly), got, want.Value)
				}
				checked++
			}
		}
		if checked < 100 {
			t.Errorf("only %d figures checked", checked)
		}
	})
}

// TestRunSmall runs the whole suite small, on SQLite: every step runs
// and gives a figure beside a baseline.
func TestRunSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the benchmark suite")
	}
	rows, err := Run(context.Background(), Config{Engines: []store.Engine{store.SQLite}, Scales: []int{1}, Dir: t.TempDir(), Clients: 4, Requests: 20, ImportRows: 300})
	if err != nil {
		t.Fatal(err)
	}
	md := Markdown(rows)
	for _, want := range []string{"render the seed reply", "heaviest indicator", "cockpit overview page over HTTP, p50", "JSON API list", "import 300 organisations (.csv)", "import 300 organisations (.xlsx)", "peak memory", "judged pairs, all: plain matcher, precision@5 / @20"} {
		if !strings.Contains(md, want) {
			t.Errorf("no %q in\n%s", want, md)
		}
	}
	for _, r := range rows {
		if r.Baseline != "" && r.Ratio <= 0 {
			t.Errorf("%s: a baseline but no ratio", r.What)
		}
	}
}
