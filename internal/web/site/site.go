// Package site is what every area of the web layer shares: the request as
// the middleware identified it, the page every template receives, rendering
// an area's templates inside the one layout, and the route and handler types
// an area declares its routes with. Package web assembles the areas' routes
// into the one table, identifies each request and checks its permission in
// one place; an area package (internal/web/<area>web) imports site, never
// web.
package site

import (
	"context"
	"github.com/xinzhi-platform/xinzhi/internal/assist"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/clock"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/match"
	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Handler serves a request or returns an error, which the one adapter in
// package web turns into a status code and a page or problem document.
type Handler func(w http.ResponseWriter, r *http.Request) error

// Route is one entry of the route table. Every route names the permission
// it needs; package web checks it before the handler runs.
type Route struct {
	Method  string
	Pattern string
	Perm    access.Permission
	H       Handler
	API     bool         // JSON API: bearer tokens accepted, errors as problem+json
	Stages  []auth.Stage // unfinished sign-in stages that may reach this route
	Summary string       // for the route listing and API documentation
}

// Request is what the middleware learned about a request: who asks, and
// in which language.
type Request struct {
	Principal access.Principal
	Lang      string
}

type requestKey struct{}

// WithRequest returns ctx carrying rq (package web's middleware).
func WithRequest(ctx context.Context, rq *Request) context.Context {
	return context.WithValue(ctx, requestKey{}, rq)
}

// Info is the request as the middleware identified it; an anonymous
// Chinese reader when it did not.
func Info(r *http.Request) *Request {
	if rq, ok := r.Context().Value(requestKey{}).(*Request); ok {
		return rq
	}
	return &Request{Principal: access.Anonymous, Lang: i18n.ZH}
}

// Pools are the matching engines' pools the areas rank with (nil without
// a segmenter).
type Pools struct {
	Products  *match.Pool // listed financial products for funding needs
	Solutions *match.Pool // listed 小快轻准 solutions for weak scenes
	Solvers   *match.Pool // organisations for needs (a challenge's solvers)
	Centres   *match.Pool // compute centres by free capacity for compute demands
}

// Segmenter cuts Chinese text into the terms a search indexes and asks
// for (package search).
type Segmenter interface {
	IndexTerms(text string) []string
	QueryTerms(q string) []string
}

// Site is the shared part of the server an area's handlers use; package
// web fills it once at start-up.
type Site struct {
	DB    *store.DB
	Auth  *auth.Service
	AsOf  time.Time // figures are as of this day unless a page asks otherwise; zero: today
	Files program.Files
	Pools Pools
	// Keys seal personal data (nil: people cannot be read); Search segments
	// Chinese text for search (nil: none); Log is the server's logger.
	Keys   *seal.Keyring
	Search Segmenter
	Log    *slog.Logger
	// Indicators are the shipped indicator definitions (metrics/) that
	// figures and reports are evaluated from.
	Indicators *metric.Set
	// Evals keeps evaluated figures until the next write.
	Evals *metric.Cache
	// Assist is AI assistance through the configured model endpoint; nil
	// when none is configured, and then no page offers it.
	Assist *assist.Service
	// NewPage fills the common parts of a page for r: language, principal,
	// navigation, CSRF token, notices (package web).
	NewPage func(w http.ResponseWriter, r *http.Request, title string, data any) *Page
	// FormOrg reads an organisation picker of a form: the text org_name
	// with the chosen id org_id; a refusal is beside org_id (package web).
	FormOrg func(r *http.Request) (int64, error)
	// Layout is the shared layout template; Funcs the functions every
	// template may call.
	Layout string
	Funcs  template.FuncMap
}

// DataDay is the day figures are as of: the configured one, else the
// business date (pinned, else the day in China).
func (s *Site) DataDay() string {
	if !s.AsOf.IsZero() {
		return s.AsOf.Format(time.DateOnly)
	}
	return clock.Today(context.Background())
}

// OrgName names an organisation by id for a picker's text ("" for none).
func (s *Site) OrgName(ctx context.Context, id int64) string {
	if id <= 0 {
		return ""
	}
	names, _ := registry.OrgNames(ctx, s.DB, []int64{id})
	return names[id]
}

// RequestedOrg loads the {id} organisation of the path within the
// caller's reach; one out of reach is not found, so its existence does not
// leak.
func (s *Site) RequestedOrg(r *http.Request) (registry.Organisation, error) {
	id, err := PathID(r)
	if err != nil {
		return registry.Organisation{}, err
	}
	return registry.Get(r.Context(), s.DB, registry.Scope(Info(r).Principal.OrgScope()), id)
}

// Day is DataDay as a time (midnight UTC): the day boards judge due and
// overdue against.
func (s *Site) Day() time.Time {
	d, _ := time.Parse(time.DateOnly, s.DataDay())
	return d
}

// Shanghai is China Standard Time; times are stored in UTC and shown in CST.
var Shanghai = time.FixedZone("CST", 8*3600)
