package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// TestCopyFrom writes more rows than one statement (SQLite) holds, and
// enough for COPY (PostgreSQL), with NULLs, times and bytes; a row that
// breaks a unique key fails the copy as a unique violation, and the
// transaction leaves nothing behind.
func TestCopyFrom(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ddl := `CREATE TABLE copy_probe (id INTEGER PRIMARY KEY, code TEXT UNIQUE, at TIMESTAMP NOT NULL, key_bytes BLOB)`
		if db.Engine() == store.Postgres {
			ddl = `CREATE TABLE copy_probe (id BIGINT PRIMARY KEY, code TEXT UNIQUE, at TIMESTAMPTZ NOT NULL, key_bytes BYTEA)`
		}
		if _, err := db.ExecContext(ctx, ddl); err != nil {
			t.Fatal(err)
		}
		at := store.Now()
		rows := func(from, n int) [][]any {
			out := make([][]any, n)
			for i := range out {
				var code any
				if (from+i)%7 != 0 {
					code = fmt.Sprintf("代码%d", from+i)
				}
				out[i] = []any{int64(from + i), code, at, []byte{byte(i), 0, 0xff}}
			}
			return out
		}
		cols := []string{"id", "code", "at", "key_bytes"}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CopyFrom(ctx, "copy_probe", cols, rows(1, 2503)) }); err != nil {
			t.Fatal(err)
		}
		var n, nulls int
		var last time.Time
		var key []byte
		if err := db.QueryRowContext(ctx, `SELECT count(*), count(*) - count(code) FROM copy_probe`).Scan(&n, &nulls); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRowContext(ctx, `SELECT at, key_bytes FROM copy_probe WHERE id = 2503`).Scan(&last, &key); err != nil {
			t.Fatal(err)
		}
		if n != 2503 || nulls != 2503/7 || !last.Equal(at) || string(key) != string([]byte{byte(2502 % 256), 0, 0xff}) {
			t.Fatalf("copied %d rows, %d without code, last at %v (want %v), key %x", n, nulls, last, at, key)
		}
		// Rows 3000… are new, but one repeats a code already stored.
		bad := rows(3000, 100)
		bad[60][1] = "代码8"
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CopyFrom(ctx, "copy_probe", cols, rows(2600, 10)); err != nil {
				return err
			}
			return tx.CopyFrom(ctx, "copy_probe", cols, bad)
		})
		if !store.IsUniqueViolation(err) {
			t.Fatalf("a repeated code: %v, want a unique violation", err)
		}
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM copy_probe`).Scan(&n); err != nil || n != 2503 {
			t.Fatalf("after the failed copy %d rows (%v), want the 2503 from before", n, err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error { return tx.CopyFrom(ctx, "copy_probe", cols, [][]any{{int64(1)}}) })
		if err == nil || errors.Is(err, context.Canceled) {
			t.Fatalf("a short row: %v, want an error", err)
		}
	})
}
