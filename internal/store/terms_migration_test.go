package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// TestTermsUncheckedKeepsTheIndex: the migration that drops the search
// index's foreign key keeps every term, the (term, organisation) key and
// the organisation index, on both engines.
func TestTermsUncheckedKeepsTheIndex(t *testing.T) {
	storetest.Each(t, func(t *testing.T, migrated *store.DB) {
		ctx := context.Background()
		ms, err := store.Migrations(store.SQLite)
		if err != nil {
			t.Fatal(err)
		}
		version := 0
		for _, m := range ms {
			if m.Name == "terms_unchecked" {
				version = m.Version
			}
		}
		if version == 0 {
			t.Fatal("no migration named terms_unchecked")
		}
		db := storetest.OpenEmpty(t, migrated.Engine())
		if _, err := db.MigrateTo(ctx, version-1); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		if _, err := db.ExecContext(ctx, `INSERT INTO organisations (id, name, kind, created_at, updated_at) VALUES (1, '沈阳甲', 'enterprise', ?, ?), (2, '沈阳乙', 'enterprise', ?, ?)`, now, now, now, now); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO organisation_terms (term, organisation_id) VALUES ('沈阳', 1), ('沈阳', 2), ('甲', 1), ('乙', 2)`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM organisation_terms t JOIN organisations o ON o.id = t.organisation_id WHERE t.term = '沈阳'`).Scan(&n); err != nil || n != 2 {
			t.Fatalf("after the migration %d organisations under 沈阳 (%v), want 2", n, err)
		}
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM organisation_terms WHERE organisation_id = 2`).Scan(&n); err != nil || n != 2 {
			t.Fatalf("after the migration organisation 2 has %d terms (%v), want 2", n, err)
		}
		_, err = db.ExecContext(ctx, `INSERT INTO organisation_terms (term, organisation_id) VALUES ('甲', 1)`)
		if !store.IsUniqueViolation(err) {
			t.Fatalf("a repeated (term, organisation): %v, want a unique violation", err)
		}
	})
}
