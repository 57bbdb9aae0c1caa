package democity_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/democity"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// digest sums what a city holds: organisations, records, events.
func digest(t *testing.T, db *store.DB) string {
	t.Helper()
	h := sha256.New()
	for _, q := range []string{
		`SELECT id, name, COALESCE(credit_code, ''), district, size FROM organisations ORDER BY id`,
		`SELECT id, organisation_id, title, stage, amount_approved, amount_disbursed FROM projects ORDER BY id`,
		`SELECT id, project_id, to_stage, at FROM project_events ORDER BY id`,
		`SELECT id, name, organisation_id, gender, birth_year, degree, title, COALESCE(talent_level, '') FROM people ORDER BY id`,
		`SELECT person_id, organisation_id, started, ended FROM person_employment ORDER BY person_id, organisation_id, started`,
	} {
		rows, err := db.QueryContext(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(h, vals...)
		}
		rows.Close()
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// TestSameSeedSameCity: the generator is deterministic, and a second load
// into the same database leaves it as it was.
func TestSameSeedSameCity(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo city twice")
	}
	ctx := context.Background()
	var sums []string
	for i := 0; i < 2; i++ {
		db := storetest.Open(t, store.SQLite)
		if _, err := democity.Load(ctx, db, democity.Options{Programs: programs.Files}); err != nil {
			t.Fatal(err)
		}
		sums = append(sums, digest(t, db))
		if i == 1 {
			again, err := democity.Load(ctx, db, democity.Options{Programs: programs.Files})
			if err != nil || !again.Skipped {
				t.Fatalf("second load: %+v, %v", again, err)
			}
			if d := digest(t, db); d != sums[1] {
				t.Error("a second load changed the city")
			}
		}
	}
	if sums[0] != sums[1] {
		t.Error("the same seed wrote two different cities")
	}
}
