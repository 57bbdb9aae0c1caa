package registry_test

import (
	"context"
	"errors"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

func TestScopedReads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, err := registry.Create(ctx, db, registry.Organisation{Name: "沈阳甲公司", Kind: "enterprise"})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := registry.Create(ctx, db, registry.Organisation{Name: "沈阳乙公司", Kind: "enterprise"})
		if _, err := registry.Get(ctx, db, registry.Scope(a.ID), b.ID); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("org A reading org B: err = %v; want not found", err)
		}
		if got, err := registry.Get(ctx, db, registry.Scope(a.ID), a.ID); err != nil || got.Name != "沈阳甲公司" {
			t.Fatalf("org A reading itself: %+v %v", got, err)
		}
		if got, _ := registry.List(ctx, db, registry.Scope(a.ID), registry.Filter{}); len(got.Items) != 1 || got.Items[0].ID != a.ID {
			t.Fatalf("scoped list: %+v", got)
		}
		if got, _ := registry.List(ctx, db, 0, registry.Filter{}); got.Total != 2 {
			t.Fatalf("bureau list: %d, want 2", got.Total)
		}
		if got, _ := registry.List(ctx, db, -1, registry.Filter{}); got.Total != 0 {
			t.Fatalf("no-scope list: %d, want 0", got.Total)
		}
		if _, err := registry.Create(ctx, db, registry.Organisation{Name: " "}); !errors.Is(err, problem.ErrInvalid) {
			t.Fatalf("empty name: %v", err)
		}
	})
}
