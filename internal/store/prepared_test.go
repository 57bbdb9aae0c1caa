package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// TestQueriesKeptPrepared: queries answer the same however often they
// run — prepared once and kept (SQLite), rewritten once (PostgreSQL) —
// past the bound on what is kept, after a write between two runs, and a
// bad query still says what is wrong with it.
func TestQueriesKeptPrepared(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.ExecContext(ctx, `CREATE TABLE kept (id INTEGER PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 3; i++ {
			if _, err := db.ExecContext(ctx, `INSERT INTO kept (id, name) VALUES (?, ?)`, i, fmt.Sprint("n", i)); err != nil {
				t.Fatal(err)
			}
		}
		for i := 0; i < 600; i++ { // more texts than are kept
			q := fmt.Sprintf(`SELECT name FROM kept WHERE id = ? AND %d = %d`, i%300, i%300)
			var name string
			if err := db.QueryRowContext(ctx, q, i%3+1).Scan(&name); err != nil || name != fmt.Sprint("n", i%3+1) {
				t.Fatalf("%s: %q %v", q, name, err)
			}
		}
		if _, err := db.ExecContext(ctx, `UPDATE kept SET name = 'changed' WHERE id = 2`); err != nil {
			t.Fatal(err)
		}
		rows, err := db.QueryContext(ctx, `SELECT name FROM kept WHERE id >= ? ORDER BY id`, 2)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			names = append(names, n)
		}
		rows.Close()
		if strings.Join(names, ",") != "changed,n3" {
			t.Fatalf("after a write: %v", names)
		}
		if err := db.QueryRowContext(ctx, `SELECT nothing FROM kept WHERE id = ?`, 1).Scan(new(string)); err == nil || !strings.Contains(err.Error(), "nothing") {
			t.Fatalf("a bad query: %v", err)
		}
	})
}
