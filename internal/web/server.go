// Package web serves Xinzhi's pages and its JSON API: the route table, the
// one place where access is checked, sessions and CSRF, the message
// catalogues in templates, static files and operational endpoints. Areas
// with a package of their own (internal/web/<area>web, built on package
// site) declare their routes and templates there; web assembles them into
// the one table (areas.go) and checks every route's permission itself.
package web

import (
	"context"
	"fmt"
	"github.com/xinzhi-platform/xinzhi/internal/assist"
	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/compute"
	"github.com/xinzhi-platform/xinzhi/internal/digital"
	"github.com/xinzhi-platform/xinzhi/internal/finance"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/match"
	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/opendata"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/search"
	"github.com/xinzhi-platform/xinzhi/internal/sso"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
	shipped "github.com/xinzhi-platform/xinzhi/metrics"
)

// Segmenter turns Chinese text into search terms (package search).
type Segmenter = site.Segmenter

// Config is what the server needs to know about how it runs.
type Config struct {
	Keys          *seal.Keyring      // seals personal data; people pages need it
	Search        Segmenter          // Chinese full-text search; nil disables search terms
	Demo          bool               // show the demonstration banner
	Version       string             // shown on the system page
	SecureCookies bool               // set Secure on cookies (serving over TLS or behind a TLS proxy)
	TrustProxy    bool               // take the client address from X-Forwarded-For
	Files         program.Files      // where project attachments are kept
	Publisher     opendata.Publisher // who publishes open data (XINZHI_PUBLISHER_*)
	BaseURL       string             // the address users reach Xinzhi at
	AsOf          time.Time          // figures are as of this day unless a page asks otherwise; zero: today
	SSO           *sso.Service       // single sign-on (XINZHI_OIDC_*); nil: none
	AI            assist.Config      // the model endpoint (XINZHI_AI_*), used when AIOn
	AIOn          bool
}

// Server is the HTTP application.
type Server struct {
	cfg  Config
	db   *store.DB
	auth *auth.Service
	log  *slog.Logger
	// proxyWarned: a request came through a proxy without --trust-proxy
	// (warned once: sign-in throttling then sees the proxy's address).
	proxyWarned atomic.Bool
	pages       *site.Pages // package web's own templates
	site        *site.Site  // what the area packages share
	assets      *assets
	routes      []route
	metrics     *metrics
	handler     http.Handler
	// indicators are the shipped indicator definitions (metrics/).
	indicators *metric.Set
	// evals keeps evaluated figures until the next write (metric.Cache).
	evals *metric.Cache
	// solvers ranks organisations for needs (a challenge's solvers); nil
	// when there is no segmenter.
	solvers *match.Pool
	// products ranks listed financial products for funding needs.
	products *match.Pool
	// solutionsPool ranks listed 小快轻准 solutions for weak scenes.
	solutionsPool *match.Pool
	// centres ranks compute centres by free capacity for compute demands.
	centres *match.Pool
	// frags keeps the cockpit pages' rendered content, like evals.
	frags fragments
	// orgs counts the organisations for the cockpit, kept like evals.
	orgs struct {
		sync.Mutex
		gen, n int64
	}
	// openLast keeps the open-data page's latest changes, kept like evals.
	openLast struct {
		sync.Mutex
		gen  int64
		day  string
		last [3]time.Time
	}
}

// New builds the server and checks its templates and catalogues, so a broken
// template fails at start-up rather than on a page.
func New(cfg Config, db *store.DB, a *auth.Service, log *slog.Logger) (*Server, error) {
	if err := i18n.Check(); err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, db: db, auth: a, log: log}
	var err error
	s.evals = metric.NewCache(audit.Generation)
	if seg, ok := cfg.Search.(*search.Segmenter); ok && seg != nil {
		s.solvers = match.NewSolvers(db, seg)
		s.products = finance.NewProducts(db, seg)
		s.solutionsPool = digital.NewSolutions(db, seg)
		s.centres = compute.NewCentres(db, seg)
	}
	if s.indicators, err = metric.Load(shipped.Files); err != nil {
		return nil, fmt.Errorf("indicators: %w", err)
	}
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	s.site = &site.Site{DB: db, Auth: a, AsOf: cfg.AsOf, Files: cfg.Files, NewPage: s.newPage, FormOrg: s.formOrg,
		Pools: site.Pools{Products: s.products, Solutions: s.solutionsPool, Solvers: s.solvers, Centres: s.centres}, Keys: cfg.Keys, Search: cfg.Search, Log: log, Indicators: s.indicators, Evals: s.evals,
		Assist: assist.New(cfg.AI, cfg.AIOn, db, log)}
	if s.pages, err = s.parseTemplates(); err != nil {
		return nil, err
	}
	s.metrics = newMetrics(prometheus.NewRegistry())
	if s.routes, err = s.assemble(areaPackages); err != nil {
		return nil, err
	}
	s.handler, err = s.mux()
	if err != nil {
		return nil, err
	}
	return s, nil
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Serve serves on ln until ctx ends, then shuts down gracefully, letting
// requests in flight finish (up to grace).
func (s *Server) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    1 << 20,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "grace", grace.String())
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	return srv.Shutdown(sctx)
}
