package cli

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/bench"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// benchCmd: xinzhi bench [--engines sqlite,postgres] [--scales 1,100] … —
// the benchmark suite, each figure beside its baseline from the same run.
func benchCmd(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "bench", "bench [--engines sqlite,postgres] [--scales 1,100] [--only import,…] [--pg DSN] [-o FILE]")
	engines := fs.String("engines", "sqlite,postgres", "engines to measure, comma-separated")
	scales := fs.String("scales", "1,100", "sizes of the demo city, comma-separated (100: about a million organisations)")
	pg := fs.String("pg", envOr(env, "XINZHI_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"), "PostgreSQL the bench may create schemas in (XINZHI_BENCH_POSTGRES)")
	dir := fs.String("dir", "", "working directory for SQLite files and import files (default: a new temporary directory)")
	clients := fs.Int("clients", 50, "concurrent HTTP clients")
	requests := fs.Int("requests", 2000, "HTTP requests per measurement")
	rows := fs.Int("import-rows", 100000, "organisations per import")
	only := fs.String("only", "", "measure only these items after the demo city's load, comma-separated: "+strings.Join(bench.Items, ", ")+" (default: all)")
	out := fs.String("o", "", "also write the results as a Markdown table to this file")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg := bench.Config{PostgresDSN: *pg, Clients: *clients, Requests: *requests, ImportRows: *rows, Log: env.Stderr}
	for _, e := range strings.Split(*engines, ",") {
		switch strings.TrimSpace(e) {
		case "sqlite":
			cfg.Engines = append(cfg.Engines, store.SQLite)
		case "postgres":
			cfg.Engines = append(cfg.Engines, store.Postgres)
		default:
			return fmt.Errorf("--engines: %q is not sqlite or postgres (引擎只能是 sqlite 或 postgres)", e)
		}
	}
	if *only != "" {
		for _, it := range strings.Split(*only, ",") {
			it = strings.TrimSpace(it)
			if !slices.Contains(bench.Items, it) {
				return fmt.Errorf("--only: %q is not one of %s (只能测量这些项目之一)", it, strings.Join(bench.Items, ", "))
			}
			cfg.Only = append(cfg.Only, it)
		}
	}
	for _, s := range strings.Split(*scales, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 1000 {
			return fmt.Errorf("--scales: %q is not a number from 1 to 1000 (倍数须在 1 至 1000 之间)", s)
		}
		cfg.Scales = append(cfg.Scales, n)
	}
	cfg.Dir = *dir
	if cfg.Dir == "" {
		d, err := os.MkdirTemp("", "xinzhi-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		cfg.Dir = d
	}
	keys, seg, err := registryDeps(env, cfg.Dir, nil)
	if err != nil {
		return err
	}
	cfg.Keys, cfg.Indexer = keys, seg
	start := time.Now()
	results, err := bench.Run(ctx, cfg)
	table := bench.Markdown(results)
	fmt.Fprint(env.Stdout, table)
	if *out != "" {
		if werr := os.WriteFile(*out, []byte(table), 0o644); werr != nil && err == nil {
			err = werr
		}
	}
	fmt.Fprintf(env.Stderr, "bench took %s\n", time.Since(start).Round(time.Second))
	return err
}
