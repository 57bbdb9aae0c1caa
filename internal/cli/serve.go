package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/xinzhi-platform/xinzhi/internal/assist"
	"github.com/xinzhi-platform/xinzhi/internal/democity"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/clock"
	"github.com/xinzhi-platform/xinzhi/internal/jobs"
	"github.com/xinzhi-platform/xinzhi/internal/mail"
	"github.com/xinzhi-platform/xinzhi/internal/opendata"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/proposal"
	"github.com/xinzhi-platform/xinzhi/internal/returns"
	"github.com/xinzhi-platform/xinzhi/internal/sso"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/web"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// serveFlags are the flags of serve and demo.
type serveFlags struct {
	dbFlags
	addr          string
	secureCookies bool
	trustProxy    bool
	idle          time.Duration
	lifetime      time.Duration
	logLevel      string
	grace         time.Duration
	outboxEvery   time.Duration // how often notices are e-mailed
	remindEvery   time.Duration // how often reminders are written
	jobLease      time.Duration // how long a node's claim on a job lasts unrenewed
	scale         int           // demo: how many times the demo city is multiplied
	asOf          string        // the business date (package clock); the demo's default is the demo city's last day
}

func envBool(env Env, key string) bool {
	b, _ := strconv.ParseBool(env.Getenv(key))
	return b
}

func envDuration(env Env, key string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(env.Getenv(key)); err == nil && d > 0 {
		return d
	}
	return def
}

func (f *serveFlags) register(fs *flag.FlagSet, env Env) {
	f.dbFlags.register(fs, env)
	fs.StringVar(&f.addr, "addr", envOr(env, "XINZHI_ADDR", "127.0.0.1:8080"), "address to listen on (XINZHI_ADDR)")
	fs.BoolVar(&f.secureCookies, "secure-cookies", envBool(env, "XINZHI_SECURE_COOKIES"), "mark cookies Secure: set when users reach Xinzhi over HTTPS (XINZHI_SECURE_COOKIES)")
	fs.BoolVar(&f.trustProxy, "trust-proxy", envBool(env, "XINZHI_TRUST_PROXY"), "take client addresses from X-Forwarded-For, behind a reverse proxy only (XINZHI_TRUST_PROXY)")
	fs.DurationVar(&f.idle, "session-idle", envDuration(env, "XINZHI_SESSION_IDLE", 30*time.Minute), "end sessions unused this long (XINZHI_SESSION_IDLE)")
	fs.DurationVar(&f.lifetime, "session-lifetime", envDuration(env, "XINZHI_SESSION_LIFETIME", 12*time.Hour), "end sessions this long after sign-in (XINZHI_SESSION_LIFETIME)")
	fs.StringVar(&f.logLevel, "log-level", envOr(env, "XINZHI_LOG_LEVEL", "info"), "debug, info, warn or error (XINZHI_LOG_LEVEL)")
	fs.StringVar(&f.asOf, "as-of", env.Getenv("XINZHI_AS_OF"), "pin the business date YYYY-MM-DD: what is open, due or overdue is judged on it (XINZHI_AS_OF; demo: "+democity.AsOf+")")
	fs.DurationVar(&f.outboxEvery, "outbox-every", envDuration(env, "XINZHI_OUTBOX_EVERY", 30*time.Second), "e-mail pending notices this often, on one node of all (XINZHI_OUTBOX_EVERY)")
	fs.DurationVar(&f.remindEvery, "remind-every", envDuration(env, "XINZHI_REMIND_EVERY", time.Hour), "write due and overdue reminders this often, on one node of all (XINZHI_REMIND_EVERY)")
	fs.DurationVar(&f.jobLease, "job-lease", envDuration(env, "XINZHI_JOB_LEASE", time.Minute), "a node's claim on a background job lasts this long unless renewed: another node takes the job over this long after its node died (XINZHI_JOB_LEASE)")
	fs.DurationVar(&f.grace, "shutdown-grace", envDuration(env, "XINZHI_SHUTDOWN_GRACE", 20*time.Second), "time for requests in flight at shutdown (XINZHI_SHUTDOWN_GRACE)")
}

func serve(ctx context.Context, env Env, args []string) error {
	var f serveFlags
	fs := newFlagSet(env, "serve", "serve [--addr 127.0.0.1:8080] [--data DIR | --db URL]")
	f.register(fs, env)
	if err := parse(fs, args); err != nil {
		return err
	}
	return run(ctx, env, f, false)
}

func demo(ctx context.Context, env Env, args []string) error {
	var f serveFlags
	fs := newFlagSet(env, "demo", "demo [--addr 127.0.0.1:8080] [--data DIR | --db URL] [--scale N]")
	f.register(fs, env)
	fs.IntVar(&f.scale, "scale", 1, "multiply the demo city N times on first load, for benchmarks: 100 gives about a million organisations and ten million stage events")
	if err := parse(fs, args); err != nil {
		return err
	}
	return run(ctx, env, f, true)
}

func run(ctx context.Context, env Env, f serveFlags, isDemo bool) error {
	log := logger(env, f.logLevel)
	db, err := f.open(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close()
	cfg := auth.DefaultConfig()
	cfg.Demo, cfg.IdleTimeout, cfg.AbsoluteLifetime = isDemo, f.idle, f.lifetime
	a := auth.New(db, cfg)
	actx := cliActor(ctx)
	keys, seg, err := registryDeps(env, f.data, log)
	if err != nil {
		return err
	}
	if isDemo && f.asOf == "" {
		f.asOf = democity.AsOf
	}
	asOf, err := clock.Parse(f.asOf)
	if err != nil {
		return err
	}
	if isDemo {
		if f.scale < 1 || f.scale > 1000 {
			return fmt.Errorf("--scale %d: give a number from 1 to 1000 (城市倍数须在 1 至 1000 之间)", f.scale)
		}
		sum, err := democity.Load(actx, db, democity.Options{Programs: programs.Files, Indexer: seg, Keys: keys, Scale: f.scale,
			Progress: progressBar(env.Stderr, "载入演示城市 Loading the demo city")})
		if err != nil {
			return err
		}
		if !sum.Skipped {
			log.Info("demo city loaded", "organisations", sum.Organisations, "records", sum.Projects, "disciplines", sum.Disciplines)
		}
		// The city's history is written on its own days (not pinned); the
		// demo's calls and accounts are set up on the business date.
		if err := seedDemo(clock.With(actx, asOf), env, db, a, f.addr); err != nil {
			return err
		}
	} else if err := firstRun(actx, env, a); err != nil {
		return err
	}
	single, err := singleSignOn(ctx, env, db, a, log)
	if err != nil {
		return err
	}
	aiCfg, aiOn, err := assist.FromEnv(env.Getenv)
	if err != nil {
		return err
	}
	if aiOn {
		log.Info("AI assistance on", "endpoint", aiCfg.BaseURL, "model", aiCfg.Model, "embed_model", aiCfg.EmbedModel, "daily_tokens", aiCfg.DailyTokens)
	}
	srv, err := web.New(web.Config{SSO: single, AI: aiCfg, AIOn: aiOn, Demo: isDemo, Version: Version, SecureCookies: f.secureCookies, TrustProxy: f.trustProxy,
		Keys: keys, Search: seg, Files: program.Files{Dir: filepath.Join(f.data, "attachments")}, BaseURL: env.Getenv("XINZHI_BASE_URL"),
		Publisher: opendata.Publisher{Prefix: env.Getenv("XINZHI_PUBLISHER_PREFIX"), ID: env.Getenv("XINZHI_PUBLISHER_ID"), Name: env.Getenv("XINZHI_PUBLISHER_NAME"), OCIDPrefix: env.Getenv("XINZHI_PUBLISHER_OCID_PREFIX"), Licence: env.Getenv("XINZHI_PUBLISHER_LICENCE")},
		AsOf:      asOf}, db, a, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another Xinzhi running? choose another with --addr)", f.addr, err)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	relay, mailOn, err := mail.FromEnv(env.Getenv)
	if err != nil {
		return err
	}
	work := []jobs.Job{remindJob(db, asOf, f.remindEvery, log)}
	if mailOn {
		log.Info("e-mailing notifications", "relay", relay.Addr)
		work = append(work, outboxJob(db, relay, env.Getenv("XINZHI_BASE_URL"), f.outboxEvery))
	}
	if single != nil && !single.Ready() {
		go single.KeepDiscovering(ctx)
	}
	runner := jobs.NewRunner(db, log)
	runner.Lease = f.jobLease
	log.Info("background jobs", "node", runner.Holder, "jobs", len(work), "lease", f.jobLease.String())
	go runner.Run(ctx, work...)
	log.Info("serving", "addr", "http://"+f.addr, "engine", db.Engine(), "demo", isDemo, "version", Version)
	if err := srv.Serve(ctx, ln, f.grace); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// singleSignOn sets up OpenID Connect sign-in when XINZHI_OIDC_ISSUER is
// set, discovering the provider once; a provider that cannot be reached is
// a warning (run retries it), not a reason to refuse to start: password
// sign-in still works.
func singleSignOn(ctx context.Context, env Env, db *store.DB, a *auth.Service, log *slog.Logger) (*sso.Service, error) {
	cfg, ok, err := sso.FromEnv(env.Getenv)
	if err != nil || !ok {
		return nil, err
	}
	s := sso.New(cfg, db, a, log)
	if err := s.Discover(ctx); err != nil {
		log.Warn("single sign-on: the provider cannot be reached at start-up; the sign-in page offers passwords only until it answers", "err", err)
	} else {
		log.Info("single sign-on ready", "issuer", cfg.Issuer, "claim", cfg.Claim, "provision", cfg.Provision, "roles_claim", cfg.RolesClaim)
	}
	return s, nil
}

// firstRun creates the first system administrator when there are no
// accounts: a one-time password, to be changed with TOTP enrolment at first
// sign-in.
func firstRun(ctx context.Context, env Env, a *auth.Service) error {
	n, err := a.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	pw := "xz-" + randomPassword()
	if _, err := a.CreateUser(ctx, auth.NewUser{Username: "admin", DisplayName: "系统管理员", Password: pw,
		Roles: []access.Role{access.SysAdmin}, MustChangePassword: true}); err != nil {
		if _, lost := a.UserByName(ctx, "admin"); lost == nil {
			// Several nodes started together on an empty database: another
			// created the administrator and printed its password.
			fmt.Fprintln(env.Stdout, "First run: another node created the system administrator and printed its one-time password (首次运行：管理员已由另一节点创建)")
			return nil
		}
		return fmt.Errorf("create the first administrator: %w", err)
	}
	fmt.Fprintf(env.Stdout, "\nFirst run: created system administrator (首次运行：已创建系统管理员)\n  username: admin\n  one-time password: %s\n"+
		"Sign in, choose a new password and enrol a second factor. This password is not shown again.\n"+
		"Create the security and audit administrators with: xinzhi user add --role secadmin|auditor\n\n", pw)
	return nil
}

// demoPassword is every demo account's password: the demo is for looking
// around, and the banner on every page says so.
const demoPassword = democity.Password

// seedDemo sets up the demo's accounts, organisations and calls (see
// democity.SetUp) and prints every account.
func seedDemo(ctx context.Context, env Env, db *store.DB, a *auth.Service, addr string) error {
	accounts, err := democity.SetUp(ctx, db, a)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "\nDemo accounts (演示账号), password %s:\n", demoPassword)
	fmt.Fprintln(tw, "  username\trole\tname (姓名)")
	for _, ac := range accounts {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", ac.Username, ac.Role, ac.Name)
	}
	fmt.Fprintf(tw, "\nOpen http://%s and sign in (打开浏览器访问并登录).\n\n", addr)
	return tw.Flush()
}

// outboxJob e-mails notifications through the relay (job "outbox").
func outboxJob(db *store.DB, relay mail.Config, baseURL string, every time.Duration) jobs.Job {
	return jobs.Job{Name: "outbox", Every: every, Run: func(ctx context.Context) (int, error) {
		return program.DeliverEmail(ctx, db, relay, baseURL)
	}}
}

// remindJob tells units of returns coming due or overdue, and lead units
// of proposals coming due or overdue (job "reminders", each reminder once).
// A server with a fixed as-of date (the demo) judges due days against that
// date.
func remindJob(db *store.DB, asOf time.Time, every time.Duration, log *slog.Logger) jobs.Job {
	return jobs.Job{Name: "reminders", Every: every, Run: func(ctx context.Context) (int, error) {
		day, _ := time.Parse(time.DateOnly, clock.Today(clock.With(ctx, asOf)))
		n, err := returns.Remind(ctx, db, day)
		if err != nil {
			return n, fmt.Errorf("return reminders: %w", err)
		}
		m, err := proposal.Remind(ctx, db, day.Format(time.DateOnly))
		if err != nil {
			return n + m, fmt.Errorf("proposal reminders: %w", err)
		}
		if n+m > 0 {
			log.Info("reminders", "returns", n, "proposals", m)
		}
		return n + m, nil
	}}
}
