package audit_test

import (
	"context"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// TestGenerationReadOnly: the generation moves with every audited write;
// in a ReadOnly context it is read once, and a fresh context sees the
// write.
func TestGenerationReadOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		seed(t, db, 1)
		g1, err := audit.Generation(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		ro := audit.ReadOnly(ctx)
		if g, err := audit.Generation(ro, db); err != nil || g != g1 {
			t.Fatalf("read-only: %d %v, want %d", g, err, g1)
		}
		seed(t, db, 1)
		before := db.Statements()
		if g, _ := audit.Generation(ro, db); g != g1 || db.Statements() != before {
			t.Fatalf("read-only, read again: %d after %d statements (want %d, and no read)", g, db.Statements()-before, g1)
		}
		if g, _ := audit.Generation(audit.ReadOnlyAt(ctx, 42), db); g != 42 || db.Statements() != before {
			t.Fatalf("read with the session: %d", g)
		}
		if g, _ := audit.Generation(ctx, db); g <= g1 {
			t.Fatalf("after a write: %d, want more than %d", g, g1)
		}
	})
}
