// Package bench measures Xinzhi at city scale against baselines run in the
// same invocation on the same database: the seed reply against
// hand-written SQL, the cockpit and an API list over HTTP against a bare
// net/http handler returning the same bytes, the heaviest indicator
// against its hand-written SQL, an import of 100,000 organisations against
// a plain bulk insert. `xinzhi bench` runs it; BENCHMARKS.md holds its
// output.
package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/democity"
	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/metrics"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// Config says what to measure.
type Config struct {
	Engines     []store.Engine
	Scales      []int
	PostgresDSN string   // a database the bench may create and drop schemas in
	Dir         string   // where SQLite files and import files go
	Clients     int      // concurrent HTTP clients (50)
	Requests    int      // HTTP requests per measurement
	ImportRows  int      // organisations per import (100,000)
	Only        []string // measure only these items (Items' names); all when empty
	Keys        *seal.Keyring
	Indexer     registry.Indexer
	Log         io.Writer // progress
}

// Row is one measurement beside its baseline.
type Row struct {
	Engine   store.Engine
	Scale    int
	What     string
	Value    string // Xinzhi's figure
	Baseline string // the baseline's, in the same run
	Ratio    float64
	Note     string
}

// Items names the measurements after the demo city's load, in the order
// they run: the seed reply, the heaviest indicator, the HTTP pages (with
// the peak memory) and the import.
var Items = []string{"reply", "heaviest", "http", "import"}

// Run measures every engine at every scale.
func Run(ctx context.Context, cfg Config) ([]Row, error) {
	if cfg.Clients == 0 {
		cfg.Clients = 50
	}
	if cfg.Requests == 0 {
		cfg.Requests = 2000
	}
	if cfg.ImportRows == 0 {
		cfg.ImportRows = 100000
	}
	var rows []Row
	for _, e := range cfg.Engines {
		for _, n := range cfg.Scales {
			r, err := runOne(ctx, cfg, e, n)
			rows = append(rows, r...)
			if err != nil {
				return rows, fmt.Errorf("%s at %d×: %w", e, n, err)
			}
		}
	}
	return rows, nil
}

func (cfg Config) logf(format string, args ...any) {
	if cfg.Log != nil {
		fmt.Fprintf(cfg.Log, format+"\n", args...)
	}
}

// open gives a fresh, migrated database and its cleanup.
func open(ctx context.Context, cfg Config, e store.Engine, scale int) (*store.DB, func(), error) {
	switch e {
	case store.SQLite:
		path := filepath.Join(cfg.Dir, fmt.Sprintf("bench-%d.db", scale))
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			_ = os.Remove(p)
		}
		db, err := store.Open(ctx, "sqlite:"+path)
		if err != nil {
			return nil, nil, err
		}
		_, err = db.Migrate(ctx)
		return db, func() { db.Close(); _ = os.Remove(path) }, err
	case store.Postgres:
		if cfg.PostgresDSN == "" {
			return nil, nil, fmt.Errorf("PostgreSQL: give --pg DSN or XINZHI_BENCH_POSTGRES")
		}
		b := make([]byte, 4)
		_, _ = rand.Read(b)
		schema := fmt.Sprintf("bench_%d_%s", scale, hex.EncodeToString(b))
		admin, err := sql.Open("pgx", cfg.PostgresDSN)
		if err != nil {
			return nil, nil, err
		}
		if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
			admin.Close()
			return nil, nil, fmt.Errorf("PostgreSQL at %s: %w", cfg.PostgresDSN, err)
		}
		u, err := url.Parse(cfg.PostgresDSN)
		if err != nil {
			admin.Close()
			return nil, nil, err
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		db, err := store.Open(ctx, u.String())
		if err != nil {
			admin.Close()
			return nil, nil, err
		}
		_, err = db.Migrate(ctx)
		return db, func() {
			db.Close()
			_, _ = admin.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`)
			admin.Close()
		}, err
	}
	return nil, nil, fmt.Errorf("unknown engine %s", e)
}

func runOne(ctx context.Context, cfg Config, e store.Engine, scale int) ([]Row, error) {
	db, done, err := open(ctx, cfg, e, scale)
	if err != nil {
		return nil, err
	}
	defer done()
	var rows []Row
	add := func(r Row) {
		r.Engine, r.Scale = e, scale
		rows = append(rows, r)
		cfg.logf("  %-48s %14s  baseline %14s  ×%.2f %s", r.What, r.Value, r.Baseline, r.Ratio, r.Note)
	}
	cfg.logf("%s at %d×: loading the demo city", e, scale)
	last := -1
	start := time.Now()
	sum, err := democity.Load(ctx, db, democity.Options{Programs: programs.Files, Indexer: cfg.Indexer, Scale: scale, Progress: func(d, t int) {
		if p := d * 10 / t; p != last {
			last = p
			cfg.logf("  loading %d%% (%s)", p*10, time.Since(start).Round(time.Second))
		}
	}})
	if err != nil {
		return rows, err
	}
	var events int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM project_events`).Scan(&events); err != nil {
		return rows, err
	}
	add(Row{What: "load the demo city", Value: time.Since(start).Round(time.Millisecond).String(),
		Note: fmt.Sprintf("%d organisations, %d records, %d stage events", sum.Organisations, sum.Projects, events)})
	set, err := metric.Load(metrics.Files)
	if err != nil {
		return rows, err
	}
	steps := map[string]func(context.Context, Config, *store.DB, *metric.Set, func(Row)) error{
		"reply": reply, "heaviest": heaviest, "http": httpLoad, "import": imports}
	for _, name := range Items {
		if len(cfg.Only) > 0 && !slices.Contains(cfg.Only, name) {
			continue
		}
		if err := steps[name](ctx, cfg, db, set, add); err != nil {
			return rows, err
		}
	}
	return rows, nil
}

// timeIt runs fn n times and gives the median duration.
func timeIt(n int, fn func() error) (time.Duration, error) {
	ds := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		t := time.Now()
		if err := fn(); err != nil {
			return 0, err
		}
		ds = append(ds, time.Since(t))
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2], nil
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 2, 64) + " ms"
}

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// peakRSS is the process's peak resident memory (VmHWM); resetPeak starts
// counting afresh (Linux: clear_refs 5), so the server's peak is measured
// apart from the load before it.
func peakRSS() string {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return fmt.Sprintf("%d MiB (Go heap)", m.Sys>>20)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			kb, _ := strconv.Atoi(strings.Fields(line)[1])
			return fmt.Sprintf("%d MiB", kb>>10)
		}
	}
	return "?"
}

func resetPeak() {
	debug.FreeOSMemory() // what the load left behind is returned first
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// Markdown prints rows as the table BENCHMARKS.md holds.
func Markdown(rows []Row) string {
	var b strings.Builder
	b.WriteString("| engine | scale | what | Xinzhi | baseline | ratio | note |\n| --- | --- | --- | --- | --- | --- | --- |\n")
	for _, r := range rows {
		ratio := ""
		switch {
		case r.Ratio >= 0.1:
			ratio = fmt.Sprintf("%.2f", r.Ratio)
		case r.Ratio > 0:
			ratio = fmt.Sprintf("%.2g", r.Ratio) // a summary read against a recount: 0.0021
		}
		fmt.Fprintf(&b, "| %s | %d× | %s | %s | %s | %s | %s |\n", r.Engine, r.Scale, r.What, r.Value, r.Baseline, ratio, r.Note)
	}
	return b.String()
}
