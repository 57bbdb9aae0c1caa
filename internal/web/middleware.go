package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/clock"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// Cookie names.
const (
	sessionCookie  = "xz_session"
	csrfCookie     = "xz_csrf" // double-submit token before sign-in
	langCookie     = "xz_lang"
	maxFormBytes   = 1 << 20
	maxUploadBytes = site.MaxUploadBytes
)

// reqInfo is what the middleware learns about a request.
type reqInfo struct {
	principal access.Principal
	session   *auth.Session
	user      *auth.User
	lang      string
	csrf      string
	route     *route
	bearer    bool
}

type infoKey struct{}

func info(r *http.Request) *reqInfo {
	if ri, ok := r.Context().Value(infoKey{}).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{principal: access.Anonymous, lang: i18n.ZH}
}

// mux builds the ServeMux from the route table; every route goes through
// s.wrap, which identifies, checks CSRF, authorises and renders errors.
func (s *Server) mux() (http.Handler, error) {
	m := http.NewServeMux()
	for i := range s.routes {
		rt := &s.routes[i]
		if rt.perm == "" || !access.Known(rt.perm) {
			return nil, fmt.Errorf("route %s %s declares no known permission", rt.method, rt.pattern)
		}
		m.Handle(rt.method+" "+rt.pattern, s.wrap(rt))
	}
	// Unknown paths: identified like any page, so the 404 keeps the user's
	// language and layout.
	m.Handle("/", s.wrap(&route{method: "GET", pattern: "/", perm: access.Public,
		h: func(http.ResponseWriter, *http.Request) error { return problem.ErrNotFound }}))
	cop := http.NewCrossOriginProtection()
	formAction := func() string { return "'self'" }
	if s.cfg.SSO != nil {
		// Signing out (a form) redirects to the provider's end-session
		// endpoint, and browsers hold redirects after a form to
		// form-action. Asked each time: discovery may come after start-up.
		formAction = func() string { return "'self' " + s.cfg.SSO.Origin() }
	}
	return s.observe(securityHeaders(formAction, cop.Handler(m))), nil
}

// securityHeaders sets the headers every response carries; formAction says
// where forms may go (and redirect to).
func securityHeaders(formAction func() string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		csp := "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action " + formAction() + "; frame-ancestors 'none'"
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		next.ServeHTTP(w, r)
	})
}

// wrap is the one place a request is identified and its access decided.
func (s *Server) wrap(rt *route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ri := &reqInfo{principal: access.Anonymous, route: rt}
		// The business date: what is open, due or overdue is judged on it.
		r = r.WithContext(clock.With(context.WithValue(r.Context(), infoKey{}, ri), s.cfg.AsOf))
		ri.lang = s.langOf(r, nil)
		if err := s.identify(w, r, ri); err != nil {
			s.fail(w, r, ri, err)
			return
		}
		ri.lang = s.langOf(r, ri.user)
		ctx := audit.WithActor(r.Context(), audit.Actor{ID: ri.principal.UserID, Name: ri.principal.Name, Address: clientAddr(r, s.cfg.TrustProxy)})
		ctx = site.WithRequest(ctx, &site.Request{Principal: ri.principal, Lang: ri.lang})
		r = r.WithContext(ctx)
		if err := s.authorize(w, r, ri); err != nil {
			s.fail(w, r, ri, err)
			return
		}
		if err := s.checkCSRF(r, ri); err != nil {
			s.fail(w, r, ri, err)
			return
		}
		if err := rt.h(w, r); err != nil {
			s.fail(w, r, ri, err)
		}
	})
}

// identify finds the principal: a bearer token on API routes, otherwise the
// session cookie. A bad bearer token is refused outright.
func (s *Server) identify(w http.ResponseWriter, r *http.Request, ri *reqInfo) error {
	if h := r.Header.Get("Authorization"); h != "" && ri.route.api {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return problem.New(problem.ErrUnauthorized, "auth.token_bad")
		}
		p, err := s.auth.TokenPrincipal(r.Context(), strings.TrimSpace(tok))
		if err != nil {
			return err
		}
		ri.principal, ri.bearer = p, true
		return nil
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	sess, u, err := s.auth.Session(r.Context(), c.Value)
	if err != nil {
		if errors.Is(err, problem.ErrUnauthorized) {
			s.clearCookie(w, sessionCookie)
			return nil // continue as anonymous
		}
		return err
	}
	ri.session, ri.user, ri.csrf = &sess, &u, sess.CSRF
	// Single sign-on counts as both factors (auth.SignInExternal).
	ri.principal = u.Principal((u.TOTPEnabled || sess.IDToken != "") && sess.Stage == auth.StageOK)
	if sess.Stage != auth.StageOK {
		// Half-signed-in: known, but holding no role until the stage is done.
		ri.principal = access.Principal{UserID: u.ID, Name: u.Username, Username: u.Username}
	}
	return nil
}

// stagePaths is where an unfinished sign-in must go next.
var stagePaths = map[auth.Stage]string{
	auth.StageMFA:      "/signin/code",
	auth.StagePassword: "/account/password",
	auth.StageEnrol:    "/account/mfa",
}

var errStage = errors.New("sign-in not finished")

// authorize checks the route's permission against the principal.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, ri *reqInfo) error {
	rt := ri.route
	if ri.session != nil && ri.session.Stage != auth.StageOK {
		if rt.perm == access.Public || slices.Contains(rt.stages, ri.session.Stage) {
			return nil
		}
		return errStage
	}
	if rt.perm == access.Public || ri.principal.Can(rt.perm) {
		return nil
	}
	if ri.principal.Anon {
		return problem.New(problem.ErrUnauthorized, "auth.signin_required")
	}
	_ = audit.Record(r.Context(), s.db, audit.Change{Entity: "route", EntityID: rt.method + " " + rt.pattern, Action: "access", Outcome: audit.Refused,
		After: map[string]any{"path": r.URL.Path, "permission": rt.perm}})
	return problem.New(problem.ErrForbidden, "error.status.403")
}

// checkCSRF guards every state-changing request made with a cookie: the
// token must come back in the form field "csrf" or the X-CSRF-Token header.
// Bearer-token API calls carry no ambient credentials and are exempt.
func (s *Server) checkCSRF(r *http.Request, ri *reqInfo) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	if ri.bearer {
		return nil
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		r.Body = http.MaxBytesReader(nil, r.Body, maxUploadBytes)
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return problem.Invalid("file", "import.upload_failed")
		}
	} else {
		r.Body = http.MaxBytesReader(nil, r.Body, maxFormBytes)
	}
	sent := r.Header.Get("X-CSRF-Token")
	if sent == "" {
		sent = r.PostFormValue("csrf")
	}
	want := ri.csrf
	if ri.session == nil {
		if c, err := r.Cookie(csrfCookie); err == nil {
			want = c.Value
		}
	}
	if want == "" || sent == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(want)) != 1 {
		_ = audit.Record(r.Context(), s.db, audit.Change{Entity: "route", EntityID: ri.route.method + " " + ri.route.pattern, Action: "csrf", Outcome: audit.Refused})
		return problem.New(problem.ErrForbidden, "error.csrf")
	}
	return nil
}

// fail is the one adapter from errors to responses.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, ri *reqInfo, err error) {
	api := ri.route != nil && ri.route.api
	if errors.Is(err, errStage) {
		if api || r.Method != http.MethodGet {
			err = problem.New(problem.ErrForbidden, "auth.finish_signin")
		} else {
			http.Redirect(w, r, stagePaths[ri.session.Stage], http.StatusSeeOther)
			return
		}
	}
	status := problem.Status(err)
	if status >= 500 {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if api {
		writeProblem(w, r, ri.lang, status, err)
		return
	}
	if status == http.StatusUnauthorized && r.Method == http.MethodGet {
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	s.renderError(w, r, status, err)
}

// clientAddr is the client's IP address.
func clientAddr(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			return strings.TrimSpace(strings.Split(xff, ",")[0])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// langOf chooses the language: the cookie, then the user's saved choice,
// then Accept-Language, then Chinese.
func (s *Server) langOf(r *http.Request, u *auth.User) string {
	if c, err := r.Cookie(langCookie); err == nil && c.Value != "" {
		return i18n.Normalize(c.Value)
	}
	if u != nil && u.Lang != "" {
		return i18n.Normalize(u.Lang)
	}
	return i18n.FromAcceptLanguage(r.Header.Get("Accept-Language"))
}

func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, Secure: s.cfg.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: int(maxAge.Seconds())})
}

func (s *Server) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// statusWriter records the status for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (sw *statusWriter) WriteHeader(code int) {
	if sw.status == 0 {
		sw.status = code
	}
	sw.ResponseWriter.WriteHeader(code)
}

func (sw *statusWriter) Write(b []byte) (int, error) {
	if sw.status == 0 {
		sw.status = http.StatusOK
	}
	return sw.ResponseWriter.Write(b)
}

// observe logs every request and counts it for Prometheus by route pattern.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(start)
		pattern := r.Pattern
		if pattern == "" {
			pattern = "unmatched"
		}
		s.metrics.observe(pattern, sw.status, d)
		lvl := slog.LevelInfo
		if strings.HasPrefix(r.URL.Path, "/static/") || r.URL.Path == "/healthz" || r.URL.Path == "/metrics" {
			lvl = slog.LevelDebug
		}
		s.log.Log(r.Context(), lvl, "request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"duration_ms", float64(d.Microseconds())/1000, "addr", clientAddr(r, s.cfg.TrustProxy))
	})
}
