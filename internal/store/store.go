// Package store opens Xinzhi's database on either engine — embedded SQLite (the
// default) or PostgreSQL — and applies the embedded, numbered migrations.
//
// Packages that own records write their SQL with '?' placeholders; the store
// rewrites them to '$n' for PostgreSQL. Writes go through Tx, which on SQLite
// runs on the single writer connection (BEGIN IMMEDIATE), beside a pool of
// read-only connections. All times are stored in UTC.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "modernc.org/sqlite"             // pure-Go SQLite driver "sqlite"
)

// Engine names a database engine.
type Engine string

// The two engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Querier is what both DB and Tx offer; record-owning packages take it so a
// function can run inside or outside a transaction.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	Engine() Engine
}

// DB is an open database: a writer and a pool of readers (the same pool on
// PostgreSQL).
type DB struct {
	engine Engine
	url    string
	w      *sql.DB
	r      *sql.DB
	// statements counts the statements run (Statements), in and outside
	// transactions.
	statements atomic.Int64
	// prepared are the readers' statements prepared once by their text
	// (SQLite, which would otherwise parse a query at every call;
	// PostgreSQL's driver caches its statements itself), up to
	// preparedMax; rebound are PostgreSQL's rewritten texts.
	prepared  sync.Map // string → *sql.Stmt
	nprepared atomic.Int32
	rebound   sync.Map // string → string
	nrebound  atomic.Int32
}

// preparedMax bounds the statements kept prepared: the application's
// fixed queries fit many times over; queries built with a varying number
// of parameters are run unprepared once it is reached. reboundMax bounds
// the rewritten texts the same way.
const (
	preparedMax = 256
	reboundMax  = 4096
)

// stmt is q prepared on the readers, or nil to run it unprepared (not
// SQLite, the bound reached, or a text SQLite would not prepare: the
// unprepared call reports what is wrong with it).
func (db *DB) stmt(ctx context.Context, q string) *sql.Stmt {
	if db.engine != SQLite {
		return nil
	}
	if st, ok := db.prepared.Load(q); ok {
		return st.(*sql.Stmt)
	}
	if db.nprepared.Load() >= preparedMax {
		return nil
	}
	st, err := db.r.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	if prev, loaded := db.prepared.LoadOrStore(q, st); loaded {
		_ = st.Close()
		return prev.(*sql.Stmt)
	}
	db.nprepared.Add(1)
	return st
}

// rebind is Rebind, remembering PostgreSQL's rewritten texts.
func (db *DB) rebind(q string) string {
	if db.engine != Postgres {
		return q
	}
	if r, ok := db.rebound.Load(q); ok {
		return r.(string)
	}
	r := Rebind(db.engine, q)
	if db.nrebound.Load() < reboundMax {
		if _, loaded := db.rebound.LoadOrStore(q, r); !loaded {
			db.nrebound.Add(1)
		}
	}
	return r
}

// Statements is how many statements (queries and executions) have been
// run on the database since it was opened: a test counts what a page costs
// by reading it before and after.
func (db *DB) Statements() int64 { return db.statements.Load() }

// ParseURL turns a --db value into an engine and a driver DSN. Accepted:
// "sqlite:PATH", "postgres://..." and "postgresql://...".
func ParseURL(raw string) (Engine, string, error) {
	switch {
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		if _, err := url.Parse(raw); err != nil {
			return "", "", fmt.Errorf("parse postgres url: %w", err)
		}
		return Postgres, raw, nil
	case strings.HasPrefix(raw, "sqlite:"):
		p := strings.TrimPrefix(raw, "sqlite:")
		p = strings.TrimPrefix(p, "//")
		if p == "" {
			return "", "", errors.New("sqlite url needs a path, e.g. sqlite:./xinzhi-data/xinzhi.db")
		}
		return SQLite, p, nil
	default:
		return "", "", fmt.Errorf("unknown database url %q: use sqlite:PATH or postgres://", raw)
	}
}

// Open opens the database named by rawURL. It does not migrate; call Migrate.
func Open(ctx context.Context, rawURL string) (*DB, error) {
	engine, dsn, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	db := &DB{engine: engine, url: rawURL}
	switch engine {
	case SQLite:
		if err := os.MkdirAll(filepath.Dir(dsn), 0o750); err != nil {
			return nil, fmt.Errorf("create database directory: %w", err)
		}
		common := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_time_format=sqlite"
		w, err := sql.Open("sqlite", "file:"+dsn+"?"+common+"&_pragma=journal_mode(WAL)&_txlock=immediate")
		if err != nil {
			return nil, fmt.Errorf("open sqlite writer: %w", err)
		}
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		w.SetConnMaxLifetime(0)
		// The writer sets WAL mode on first use; do it now so readers open a WAL database.
		if err := w.PingContext(ctx); err != nil {
			w.Close()
			return nil, fmt.Errorf("open sqlite %s: %w", dsn, err)
		}
		r, err := sql.Open("sqlite", "file:"+dsn+"?"+common+"&_pragma=query_only(1)")
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("open sqlite readers: %w", err)
		}
		r.SetMaxOpenConns(8)
		r.SetMaxIdleConns(8)
		db.w, db.r = w, r
	case Postgres:
		p, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		p.SetMaxOpenConns(20)
		p.SetMaxIdleConns(10)
		p.SetConnMaxIdleTime(5 * time.Minute)
		if err := p.PingContext(ctx); err != nil {
			p.Close()
			return nil, fmt.Errorf("connect to postgres: %w", err)
		}
		db.w, db.r = p, p
	}
	return db, nil
}

// Engine reports which engine this is.
func (db *DB) Engine() Engine { return db.engine }

// URL is the --db value the database was opened with.
func (db *DB) URL() string { return db.url }

// Close closes both pools.
func (db *DB) Close() error {
	var err error
	db.prepared.Range(func(q, st any) bool {
		err = errors.Join(err, st.(*sql.Stmt).Close())
		db.prepared.Delete(q)
		return true
	})
	err = errors.Join(err, db.w.Close())
	if db.r != db.w {
		err = errors.Join(err, db.r.Close())
	}
	return err
}

// Ping checks that the database answers (for /readyz).
func (db *DB) Ping(ctx context.Context) error { return db.r.PingContext(ctx) }

// ExecContext runs a statement on the writer outside a transaction.
func (db *DB) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	db.statements.Add(1)
	return db.w.ExecContext(ctx, db.rebind(q), args...)
}

// QueryContext runs a query on the readers.
func (db *DB) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	db.statements.Add(1)
	if st := db.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return db.r.QueryContext(ctx, db.rebind(q), args...)
}

// QueryRowContext runs a one-row query on the readers.
func (db *DB) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	db.statements.Add(1)
	if st := db.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.r.QueryRowContext(ctx, db.rebind(q), args...)
}

// Tx is a write transaction, on a connection of its own (CopyFrom reaches
// the driver's connection through it).
type Tx struct {
	engine Engine
	conn   *sql.Conn
	tx     *sql.Tx
	db     *DB // its statement count and rewritten texts
}

// Engine reports the engine of the transaction's database.
func (tx *Tx) Engine() Engine { return tx.engine }

// ExecContext runs a statement in the transaction.
func (tx *Tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	tx.db.statements.Add(1)
	return tx.tx.ExecContext(ctx, tx.db.rebind(q), args...)
}

// QueryContext runs a query in the transaction.
func (tx *Tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	tx.db.statements.Add(1)
	return tx.tx.QueryContext(ctx, tx.db.rebind(q), args...)
}

// QueryRowContext runs a one-row query in the transaction.
func (tx *Tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	tx.db.statements.Add(1)
	return tx.tx.QueryRowContext(ctx, tx.db.rebind(q), args...)
}

// InTx runs fn in a write transaction, committing when fn returns nil and
// rolling back otherwise.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer conn.Close()
	stx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = stx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = stx.Rollback()
		}
	}()
	if err = fn(&Tx{engine: db.engine, conn: conn, tx: stx, db: db}); err != nil {
		return err
	}
	if err = stx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Rebind rewrites '?' placeholders to '$1', '$2', ... for PostgreSQL, leaving
// question marks inside quoted strings and identifiers alone.
func Rebind(e Engine, q string) string {
	if e != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(fmt.Sprint(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Backup writes a consistent copy of a SQLite database to path while the
// database stays online. PostgreSQL is backed up with pg_dump.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.engine != SQLite {
		return errors.New("backup copies SQLite databases only; for PostgreSQL use pg_dump, e.g. pg_dump -Fc -f xinzhi.dump DBNAME")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup target %s exists; choose a new file", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("backup path: %w", err)
	}
	if _, err := db.w.ExecContext(ctx, "VACUUM INTO ?", abs); err != nil {
		return fmt.Errorf("backup to %s: %w", abs, err)
	}
	return nil
}

// Now is the current time as the store keeps it: UTC, to the microsecond
// (PostgreSQL's precision), so values round-trip on both engines.
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// IsUniqueViolation reports whether err is a unique-constraint failure on
// either engine.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

// Analyze refreshes the planner's statistics. After a bulk load (the demo
// city, a scaled city) the planner otherwise guesses from empty tables and
// picks plans that take minutes instead of milliseconds.
func (db *DB) Analyze(ctx context.Context) error {
	if _, err := db.ExecContext(ctx, `ANALYZE`); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}
