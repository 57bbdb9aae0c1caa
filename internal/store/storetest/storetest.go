// Package storetest gives tests freshly migrated databases on every engine
// under test: SQLite always, and PostgreSQL when XINZHI_TEST_POSTGRES holds a
// DSN (each test then gets a schema of its own, dropped afterwards).
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// PostgresEnv names the variable that holds the PostgreSQL DSN for tests.
const PostgresEnv = "XINZHI_TEST_POSTGRES"

// EnginesEnv names the variable that narrows the engines tests run on:
// "postgres" leaves SQLite out (CI's PostgreSQL step, after a step that ran
// every test on SQLite); empty or "all" means every engine available.
const EnginesEnv = "XINZHI_TEST_ENGINES"

// Engines lists the engines tests run on: SQLite unless XINZHI_TEST_ENGINES
// is "postgres", and PostgreSQL when XINZHI_TEST_POSTGRES is set.
func Engines() []store.Engine {
	var es []store.Engine
	if Runs(store.SQLite) {
		es = append(es, store.SQLite)
	}
	if Runs(store.Postgres) {
		es = append(es, store.Postgres)
	}
	return es
}

// Runs reports whether tests run on engine e.
func Runs(e store.Engine) bool {
	switch e {
	case store.SQLite:
		return os.Getenv(EnginesEnv) != "postgres" || os.Getenv(PostgresEnv) == ""
	case store.Postgres:
		return os.Getenv(PostgresEnv) != ""
	}
	return false
}

// Each runs fn as a subtest once per engine, each with a new migrated database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(string(e), func(t *testing.T) {
			fn(t, Open(t, e))
		})
	}
}

// Open returns a new, migrated database on engine e, closed at cleanup.
func Open(t testing.TB, e store.Engine) *store.DB {
	t.Helper()
	db := OpenEmpty(t, e)
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", e, err)
	}
	return db
}

// OpenEmpty returns a new database on engine e with no migrations applied.
func OpenEmpty(t testing.TB, e store.Engine) *store.DB {
	t.Helper()
	ctx := context.Background()
	var raw string
	switch e {
	case store.SQLite:
		raw = "sqlite:" + filepath.Join(t.TempDir(), "test.db")
	case store.Postgres:
		raw = postgresSchema(t)
	}
	db, err := store.Open(ctx, raw)
	if err != nil {
		t.Fatalf("open %s: %v", e, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// postgresSchema creates a schema of its own for the test and returns a URL
// whose search_path points at it.
func postgresSchema(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(PostgresEnv)
	if dsn == "" {
		t.Fatalf("%s is not set", PostgresEnv)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatalf("open postgres %s: %v", dsn, err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("PostgreSQL at %s=%s is unreachable or refused: %v", PostgresEnv, dsn, err)
	}
	t.Cleanup(func() {
		c, err := sql.Open("pgx", dsn)
		if err != nil {
			return
		}
		defer c.Close()
		_, _ = c.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
