package store_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

func TestRebind(t *testing.T) {
	cases := []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"a = ? AND b = ?", "a = $1 AND b = $2"},
		{"name = '?' AND x = ?", "name = '?' AND x = $1"},
		{`"we?ird" = ?`, `"we?ird" = $1`},
	}
	for _, c := range cases {
		if got := store.Rebind(store.Postgres, c.in); got != c.want {
			t.Errorf("Rebind(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := store.Rebind(store.SQLite, c.in); got != c.in {
			t.Errorf("SQLite Rebind changed %q to %q", c.in, got)
		}
	}
}

func TestParseURL(t *testing.T) {
	cases := []struct {
		in      string
		engine  store.Engine
		wantErr bool
	}{
		{"sqlite:./x/y.db", store.SQLite, false},
		{"sqlite:", "", true},
		{"postgres://postgres@127.0.0.1:5432/test", store.Postgres, false},
		{"postgresql://h/db", store.Postgres, false},
		{"mysql://x", "", true},
	}
	for _, c := range cases {
		e, _, err := store.ParseURL(c.in)
		if (err != nil) != c.wantErr || e != c.engine {
			t.Errorf("ParseURL(%q) = %q, %v; want %q, err=%v", c.in, e, err, c.engine, c.wantErr)
		}
	}
}

func TestMigrateFreshAndIdempotent(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			db := storetest.OpenEmpty(t, e)
			v, err := db.Version(ctx)
			if err != nil || v != 0 {
				t.Fatalf("fresh version = %d, %v; want 0", v, err)
			}
			applied, err := db.Migrate(ctx)
			if err != nil {
				t.Fatal(err)
			}
			all, _ := store.Migrations(e)
			if len(applied) != len(all) || len(all) == 0 {
				t.Fatalf("applied %d of %d migrations", len(applied), len(all))
			}
			again, err := db.Migrate(ctx)
			if err != nil || len(again) != 0 {
				t.Fatalf("second migrate applied %d, err %v; want 0, nil", len(again), err)
			}
			st, err := db.Status(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range st {
				if m.AppliedAt.IsZero() {
					t.Errorf("migration %d not marked applied", m.Version)
				}
			}
			// The schema is really there.
			var n int
			if err := db.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil || n != 0 {
				t.Fatalf("users table: n=%d err=%v", n, err)
			}
		})
	}
}

func TestFailedMigrationLeavesPreviousVersion(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			db := storetest.Open(t, e)
			before, _ := db.Version(ctx)
			bad := store.Migration{Version: before + 1, Name: "broken", SQL: `CREATE TABLE half_done (id INTEGER); INSERT INTO no_such_table VALUES (1);`}
			err := store.ApplyForTest(ctx, db, bad)
			if err == nil || !strings.Contains(err.Error(), "broken") {
				t.Fatalf("bad migration: err = %v; want an error naming it", err)
			}
			after, _ := db.Version(ctx)
			if after != before {
				t.Fatalf("version after failed migration = %d, want %d", after, before)
			}
			if _, err := db.QueryContext(ctx, `SELECT * FROM half_done`); err == nil {
				t.Fatal("table from failed migration exists; migration was not rolled back")
			}
		})
	}
}

func TestBackupSQLite(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	if _, err := db.ExecContext(ctx, `INSERT INTO organisations (name, kind, created_at, updated_at) VALUES (?, 'enterprise', ?, ?)`, "沈阳测试企业", store.Now(), store.Now()); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "copy.db")
	if err := db.Backup(ctx, dst); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, dst); err == nil {
		t.Fatal("backup over an existing file should be refused")
	}
	cp, err := store.Open(ctx, "sqlite:"+dst)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	var name string
	if err := cp.QueryRowContext(ctx, `SELECT name FROM organisations`).Scan(&name); err != nil || name != "沈阳测试企业" {
		t.Fatalf("backup copy: name=%q err=%v", name, err)
	}
}

func TestBackupPostgresRefers(t *testing.T) {
	if len(storetest.Engines()) < 2 {
		t.Skip("PostgreSQL not configured")
	}
	db := storetest.Open(t, store.Postgres)
	err := db.Backup(context.Background(), filepath.Join(t.TempDir(), "x"))
	if err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Fatalf("postgres backup err = %v; want advice to use pg_dump", err)
	}
}
