package metric_test

import (
	"context"
	"testing"
	"testing/fstest"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// TestCacheFollowsWrites: a cached figure is served until a write, and
// after it equals a fresh evaluation.
func TestCacheFollowsWrites(t *testing.T) {
	set, err := metric.Load(fstest.MapFS{"t.yaml": {Data: []byte(`- {id: sf, name: 智能工厂, kind: simple, model: recognitions, where: {kind: [smart_factory]}, window: cumulative, measure: count}`)}})
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org, err := registry.Create(ctx, db, registry.Organisation{Name: "沈阳甲工厂", Kind: "enterprise"})
		if err != nil {
			t.Fatal(err)
		}
		c := metric.NewCache(audit.Generation)
		asOf := time.Date(2025, 6, 30, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
		for i, day := range []string{"2024-01-10", "2024-05-10", "2025-03-01"} {
			if err := registry.Grant(ctx, db, registry.Recognition{Kind: "smart_factory", Level: "先进级", Subject: "organisation", SubjectID: org.ID, Granted: day}); err != nil {
				t.Fatal(err)
			}
			for range 2 { // the second read comes from the cache
				got, err := c.Eval(ctx, db, set, "sf", metric.Params{AsOf: asOf})
				if err != nil {
					t.Fatal(err)
				}
				fresh, err := metric.Eval(ctx, db, set, "sf", metric.Params{AsOf: asOf})
				if err != nil {
					t.Fatal(err)
				}
				if got.Value != fresh.Value || got.Value != float64(i+1) {
					t.Fatalf("after %d grants: cached %v, fresh %v", i+1, got.Value, fresh.Value)
				}
				today, err := c.Eval(ctx, db, set, "sf", metric.Params{}) // as of today: cached as of the day
				if err != nil {
					t.Fatal(err)
				}
				if today.Value != float64(i+1) || today.AsOf == "" {
					t.Fatalf("after %d grants, as of today: cached %v", i+1, today.Value)
				}
			}
		}
	})
}

// TestCacheOlderReader: a reader that saw an older generation (a long
// read-only request, audit.ReadOnly) neither gets nor evicts what was
// cached at a newer one; it evaluates afresh.
func TestCacheOlderReader(t *testing.T) {
	set, err := metric.Load(fstest.MapFS{"t.yaml": {Data: []byte(`- {id: sf, name: 智能工厂, kind: simple, model: recognitions, where: {kind: [smart_factory]}, window: cumulative, measure: count}`)}})
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	var gen int64 = 2
	c := metric.NewCache(func(context.Context, store.Querier) (int64, error) { return gen, nil })
	asOf := time.Date(2025, 6, 30, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
	evals := func() int64 {
		before := db.Statements()
		if _, err := c.Eval(ctx, db, set, "sf", metric.Params{AsOf: asOf}); err != nil {
			t.Fatal(err)
		}
		return db.Statements() - before
	}
	if n := evals(); n == 0 {
		t.Fatal("the first read ran no query")
	}
	if n := evals(); n != 0 {
		t.Fatalf("a cached read ran %d queries", n)
	}
	gen = 1
	if n := evals(); n == 0 {
		t.Fatal("a reader at an older generation was served the newer one's figure")
	}
	gen = 2
	if n := evals(); n != 0 {
		t.Fatalf("the older reader evicted the newer generation's figures: %d queries", n)
	}
}
