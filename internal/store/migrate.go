package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"time"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one numbered schema change. A file named NNNN_name.sql serves
// both engines; NNNN_name.sqlite.sql and NNNN_name.postgres.sql hold the
// versions where the dialects must differ.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// AppliedMigration is a migration and when it was applied (zero if pending).
type AppliedMigration struct {
	Migration
	AppliedAt time.Time
}

var migrationName = regexp.MustCompile(`^(\d{4})_([a-z0-9_]+?)(?:\.(sqlite|postgres))?\.sql$`)

// Migrations lists the migrations for an engine in order.
func Migrations(e Engine) ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	byVersion := map[int]Migration{}
	for _, ent := range entries {
		m := migrationName.FindStringSubmatch(ent.Name())
		if m == nil {
			return nil, fmt.Errorf("migration file %s: name must be NNNN_name[.sqlite|.postgres].sql", ent.Name())
		}
		if m[3] != "" && m[3] != string(e) {
			continue
		}
		v, _ := strconv.Atoi(m[1])
		body, err := migrationFiles.ReadFile("migrations/" + ent.Name())
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", ent.Name(), err)
		}
		if prev, dup := byVersion[v]; dup && prev.Name != m[2] {
			return nil, fmt.Errorf("migration %04d has two names: %s and %s", v, prev.Name, m[2])
		}
		if _, dup := byVersion[v]; dup {
			return nil, fmt.Errorf("migration %04d_%s exists both shared and for %s", v, m[2], e)
		}
		byVersion[v] = Migration{Version: v, Name: m[2], SQL: string(body)}
	}
	out := make([]Migration, 0, len(byVersion))
	for _, m := range byVersion {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %04d_%s: versions must run 1, 2, 3 … without gaps", m.Version, m.Name)
		}
	}
	return out, nil
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	applied_at TIMESTAMP NOT NULL
)`

// Status lists every migration with the time it was applied.
func (db *DB) Status(ctx context.Context) ([]AppliedMigration, error) {
	ms, err := Migrations(db.engine)
	if err != nil {
		return nil, err
	}
	if _, err := db.w.ExecContext(ctx, createMigrationsTable); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	applied := map[int]time.Time{}
	rows, err := db.QueryContext(ctx, `SELECT version, applied_at FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v int
		var at time.Time
		if err := rows.Scan(&v, &at); err != nil {
			return nil, fmt.Errorf("scan schema_migrations: %w", err)
		}
		applied[v] = at
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	out := make([]AppliedMigration, len(ms))
	for i, m := range ms {
		out[i] = AppliedMigration{Migration: m, AppliedAt: applied[m.Version]}
	}
	return out, nil
}

// Version is the highest applied migration, 0 for an empty database.
func (db *DB) Version(ctx context.Context) (int, error) {
	st, err := db.Status(ctx)
	if err != nil {
		return 0, err
	}
	v := 0
	for _, m := range st {
		if !m.AppliedAt.IsZero() {
			v = m.Version
		}
	}
	return v, nil
}

// Migrate applies every pending migration, each in its own transaction with
// its schema_migrations row, so a migration that fails leaves the database at
// the version before it. It returns the migrations it applied.
func (db *DB) Migrate(ctx context.Context) ([]Migration, error) {
	return db.MigrateTo(ctx, 0)
}

// MigrateTo applies pending migrations up to and including version target
// (0 means all).
func (db *DB) MigrateTo(ctx context.Context, target int) ([]Migration, error) {
	st, err := db.Status(ctx)
	if err != nil {
		return nil, err
	}
	var done []Migration
	for _, m := range st {
		if !m.AppliedAt.IsZero() || (target > 0 && m.Version > target) {
			continue
		}
		if err := db.apply(ctx, m.Migration); err != nil {
			return done, err
		}
		done = append(done, m.Migration)
	}
	return done, nil
}

// apply runs one migration and records it, in one transaction.
func (db *DB) apply(ctx context.Context, m Migration) error {
	err := db.InTx(ctx, func(tx *Tx) error {
		if db.engine == Postgres {
			// Serialise concurrent migrators; re-check under the lock.
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7262011)`); err != nil {
				return err
			}
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if _, err := tx.tx.ExecContext(ctx, m.SQL); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, m.Version, m.Name, Now())
		return err
	})
	if err != nil {
		return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
	}
	return nil
}
