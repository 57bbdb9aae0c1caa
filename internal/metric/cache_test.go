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
			}
		}
	})
}
