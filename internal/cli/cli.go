// Package cli is Xinzhi's command line: it parses flags and XINZHI_*
// variables, opens the store and hands work to the packages that own it.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Version is set at build time with -ldflags "-X .../internal/cli.Version=v1.2.3".
var Version = "0.1.0-dev"

// Env is what a command reads from its surroundings; tests pass their own.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// errUsage marks a command-line mistake (exit status 2).
var errUsage = errors.New("usage")

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env Env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "serve the web application (首次运行创建系统管理员)", serve},
		{"demo", "run the demo city on embedded SQLite (演示)", demo},
		{"migrate", "apply or list database migrations: migrate up | migrate status", migrate},
		{"user", "manage accounts: user add | passwd | disable | list | reset-mfa", userCmd},
		{"sso", "single sign-on role mapping: sso map|unmap --group G --role R, sso list", ssoCmd},
		{"token", "manage API tokens: token create | list | revoke", tokenCmd},
		{"import", "import a spreadsheet: import orgs|people|disciplines|recognitions|figures FILE [--dry-run]", importCmd},
		{"program", "program templates: validate FILE..., list, publish FILE (diff and dry run first)", programCmd},
		{"metric", "indicators: list, eval ID [--as-of DATE] [--by DIM] [--json]", metricCmd},
		{"report", "reports: render TEMPLATE [--as-of DATE] [--format html|docx|xlsx] [-o FILE] [--issue]", reportCmd},
		{"bench", "the benchmark suite: bench [--engines sqlite,postgres] [--scales 1,100] [-o FILE]", benchCmd},
		{"backup", "back up the database (SQLite online copy, or pg_dump) and the attachments into one archive: backup FILE.tar [--files-only] [--include-key]", backup},
		{"restore", "restore a backup archive into an empty data directory (and database): restore FILE.tar [--db URL] [--force]", restore},
		{"audit", "check the audit log: audit verify", auditCmd},
		{"jobs", "background jobs across app nodes: the node running each, the next and the last run", jobsCmd},
		{"version", "print the version", version},
	}
}

// Main runs the command line and returns the process exit status.
func Main(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(env.Stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(ctx, env, args[1:])
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errUsage):
				fmt.Fprintf(env.Stderr, "xinzhi %s: %v\n", c.name, err)
				return 2
			default:
				fmt.Fprintf(env.Stderr, "xinzhi %s: %v\n", c.name, err)
				return 1
			}
		}
	}
	fmt.Fprintf(env.Stderr, "xinzhi: unknown command %q\n\n", args[0])
	usage(env.Stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Xinzhi (新质): a city science and technology bureau's innovation platform.")
	fmt.Fprintln(w, "\nUsage: xinzhi COMMAND [flags]   (xinzhi COMMAND --help for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
}

// dbFlags are the flags of every command that touches the database.
type dbFlags struct {
	data string
	db   string
}

func envOr(env Env, key, def string) string {
	if v := env.Getenv(key); v != "" {
		return v
	}
	return def
}

func (d *dbFlags) register(fs *flag.FlagSet, env Env) {
	fs.StringVar(&d.data, "data", envOr(env, "XINZHI_DATA", "./xinzhi-data"), "data directory: the SQLite database and attachments (XINZHI_DATA)")
	fs.StringVar(&d.db, "db", env.Getenv("XINZHI_DB"), "database URL: sqlite:PATH or postgres://… (XINZHI_DB; default sqlite:DATA/xinzhi.db)")
}

func (d *dbFlags) url() string {
	if d.db != "" {
		return d.db
	}
	return "sqlite:" + filepath.Join(d.data, "xinzhi.db")
}

// open opens and migrates the database.
func (d *dbFlags) open(ctx context.Context, env Env) (*store.DB, error) {
	db, err := store.Open(ctx, d.url())
	if err != nil {
		return nil, err
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	for _, m := range applied {
		fmt.Fprintf(env.Stderr, "applied migration %04d_%s\n", m.Version, m.Name)
	}
	return db, nil
}

func newFlagSet(env Env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("xinzhi "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: xinzhi %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse reads flags wherever they stand among the arguments
// (xinzhi metric eval ID --as-of 2025-06-30 as well as flags first); "--"
// ends the flags.
func parse(fs *flag.FlagSet, args []string) error {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			positional = append(positional, rest...) // after "--": all positional
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	return fs.Parse(append([]string{"--"}, positional...))
}

// cliActor charges command-line writes to the operating-system user.
func cliActor(ctx context.Context) context.Context {
	name := "cli"
	if u, err := user.Current(); err == nil {
		name = "cli:" + u.Username
	}
	return audit.WithActor(ctx, audit.Actor{Name: name, Address: "local"})
}

func logger(env Env, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(env.Stderr, &slog.HandlerOptions{Level: l}))
}

func authService(db *store.DB, demo bool) *auth.Service {
	cfg := auth.DefaultConfig()
	cfg.Demo = demo
	return auth.New(db, cfg)
}

func version(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "version", "version")
	if err := parse(fs, args); err != nil {
		return err
	}
	v := Version
	if bi, ok := debug.ReadBuildInfo(); ok {
		var rev []string
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" || s.Key == "vcs.modified" {
				rev = append(rev, s.Key+"="+s.Value)
			}
		}
		sort.Strings(rev)
		fmt.Fprintf(env.Stdout, "xinzhi %s (%s) %s\n", v, bi.GoVersion, strings.Join(rev, " "))
		return nil
	}
	fmt.Fprintf(env.Stdout, "xinzhi %s\n", v)
	return nil
}

// Run is the entry point for cmd/xinzhi.
func Run() int {
	env := Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	return Main(context.Background(), os.Args[1:], env)
}
