package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	zoidc "github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/password"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/sso"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
)

// idp is a real OpenID provider started for the test: zitadel/oidc's op
// package with its example in-memory storage and login page. What the test
// changes is provider-side, as a misbehaving or hostile provider would: the
// groups it asserts, a nonce other than the one asked for, ID tokens that
// are already expired.
type idp struct {
	*storage.Storage
	ts          *httptest.Server
	postLogout  string
	groups      map[string][]string // subject → groups claim
	wrongNonce  atomic.Bool
	expiredIDTs atomic.Bool
}

// users of the provider: subject → account. Their names are the
// preferred_username claim.
type idpUsers map[string]*storage.User

func (u idpUsers) GetUserByID(id string) *storage.User { return u[id] }
func (u idpUsers) GetUserByUsername(name string) *storage.User {
	for _, v := range u {
		if v.Username == name {
			return v
		}
	}
	return nil
}
func (u idpUsers) ExampleClientID() string { return storage.ServiceUserID }

const (
	idpClientID     = "xinzhi"
	idpClientSecret = "client-secret-for-the-test"
	idpPassword     = "provider password"
)

func startIDP(t *testing.T, redirect, postLogout string) *idp {
	t.Helper()
	users := idpUsers{}
	for _, u := range []struct{ sub, name, display string }{
		{"sub-zhang", "zhang.wei", "张伟"}, {"sub-wang", "wang.fang", "王芳"}, {"sub-li", "li.na", "李娜"},
	} {
		users[u.sub] = &storage.User{ID: u.sub, Username: u.name, Password: idpPassword, FirstName: u.display, Email: u.name + "@city.example", EmailVerified: true}
	}
	clients := map[string]*storage.Client{idpClientID: storage.WebClient(idpClientID, idpClientSecret, redirect)}
	p := &idp{Storage: storage.NewStorageWithClients(users, clients), postLogout: postLogout, groups: map[string][]string{}}
	var h http.Handler
	p.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(p.ts.Close)
	h = exampleop.SetupServer(p.ts.URL, p, nil, false)
	return p
}

func (p *idp) CreateAuthRequest(ctx context.Context, req *zoidc.AuthRequest, userID string) (op.AuthRequest, error) {
	if p.wrongNonce.Load() {
		req.Nonce = "a-nonce-xinzhi-never-sent"
	}
	return p.Storage.CreateAuthRequest(ctx, req, userID)
}

func (p *idp) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := p.Storage.GetClientByClientID(ctx, id)
	if err != nil {
		return nil, err
	}
	return &idpClient{Client: c, p: p}, nil
}

// SetUserinfoFromRequest puts the groups claim in the ID token (the
// example puts the profile claims only in userinfo, which Xinzhi reads
// when the ID token lacks the matching claim).
func (p *idp) SetUserinfoFromRequest(ctx context.Context, ui *zoidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	if err := p.Storage.SetUserinfoFromRequest(ctx, ui, req, scopes); err != nil {
		return err
	}
	if g, ok := p.groups[req.GetSubject()]; ok {
		ui.AppendClaims("groups", g)
	}
	return nil
}

type idpClient struct {
	op.Client
	p *idp
}

func (c *idpClient) IDTokenLifetime() time.Duration {
	if c.p.expiredIDTs.Load() {
		return -time.Hour
	}
	return c.Client.IDTokenLifetime()
}

func (c *idpClient) PostLogoutRedirectURIs() []string { return []string{c.p.postLogout} }

// ssoEnv is Xinzhi, not in demo mode (second factors enforced for
// passwords), with single sign-on against a provider of its own.
type ssoEnv struct {
	t    *testing.T
	db   *store.DB
	auth *auth.Service
	idp  *idp
	sso  *sso.Service
	ts   *httptest.Server
}

func newSSOEnv(t *testing.T, db *store.DB) *ssoEnv {
	t.Helper()
	var h http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	p := startIDP(t, ts.URL+"/signin/sso/callback", ts.URL+"/signin")
	acfg := auth.DefaultConfig()
	acfg.Password = password.Fast
	a := auth.New(db, acfg)
	log := slog.New(slog.NewTextHandler(testLog(), nil))
	s := sso.New(sso.Config{Issuer: p.ts.URL, ClientID: idpClientID, ClientSecret: idpClientSecret, RedirectURL: ts.URL + "/signin/sso/callback",
		Claim: "preferred_username", Provision: true, RolesClaim: "groups", Scopes: []string{"profile", "email"}, PostLogoutURL: ts.URL + "/signin"}, db, a, log)
	if err := s.Discover(ctx); err != nil {
		t.Fatal(err)
	}
	line, _ := seal.NewKeyLine("ktest")
	keys, err := seal.ParseKeyring(line)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Config{Version: "test", Keys: keys, SSO: s}, db, a, log)
	if err != nil {
		t.Fatal(err)
	}
	h = srv
	return &ssoEnv{t: t, db: db, auth: a, idp: p, sso: s, ts: ts}
}

func (e *ssoEnv) browser() *webtest.Client {
	return (&webtest.Env{T: e.t, TS: e.ts}).Client()
}

// hop sends one request of the browser c to an absolute URL, without
// following redirects, and returns the response, its body and where it
// redirects to (absolute).
func hop(t *testing.T, c *webtest.Client, method, to string, form url.Values) (*http.Response, string, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, to, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	next := ""
	if loc := resp.Header.Get("Location"); loc != "" {
		u, err := req.URL.Parse(loc)
		if err != nil {
			t.Fatal(err)
		}
		next = u.String()
	}
	return resp, string(b), next
}

var authRequestIDRE = regexp.MustCompile(`name="id" value="([^"]+)"`)

// toProvider starts single sign-on in browser c and signs in at the
// provider's login page as username; it returns the URL the provider sends
// the browser back to Xinzhi with (not yet visited).
func (e *ssoEnv) toProvider(c *webtest.Client, username string) string {
	t := e.t
	t.Helper()
	resp, _ := c.Get("/signin/sso")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), e.idp.ts.URL) {
		t.Fatalf("/signin/sso: %d %s, want a redirect to the provider", resp.StatusCode, resp.Header.Get("Location"))
	}
	authz, _ := url.Parse(resp.Header.Get("Location"))
	q := authz.Query()
	if q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256" || q.Get("nonce") == "" || q.Get("state") == "" {
		t.Fatalf("authorization request lacks PKCE, nonce or state: %s", authz.RawQuery)
	}
	_, _, next := hop(t, c, "GET", authz.String(), nil)
	_, page, _ := hop(t, c, "GET", next, nil) // the provider's login page
	m := authRequestIDRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("provider login page without its auth request id: %.300s", page)
	}
	resp, body, next := hop(t, c, "POST", e.idp.ts.URL+"/login/username", url.Values{"id": {m[1]}, "username": {username}, "password": {idpPassword}})
	for range 5 {
		if strings.HasPrefix(next, e.ts.URL) {
			return next
		}
		if next == "" {
			t.Fatalf("provider stopped at %d: %.300s", resp.StatusCode, body)
		}
		resp, body, next = hop(t, c, "GET", next, nil)
	}
	t.Fatalf("provider never sent the browser back: %s", next)
	return ""
}

// back visits Xinzhi's callback URL.
func (e *ssoEnv) back(c *webtest.Client, callback string) (*http.Response, string) {
	e.t.Helper()
	return c.Get(strings.TrimPrefix(callback, e.ts.URL))
}

func (e *ssoEnv) signedIn(c *webtest.Client) bool {
	e.t.Helper()
	resp, _ := c.Get("/account")
	return resp.StatusCode == http.StatusOK
}

func (e *ssoEnv) refusals(reason string) int {
	e.t.Helper()
	events, err := audit.List(ctx, e.db, audit.Filter{Outcome: audit.Refused, Limit: 1000})
	if err != nil {
		e.t.Fatal(err)
	}
	n := 0
	for _, ev := range events {
		if ev.Action == "sign_in" && strings.Contains(ev.After, reason) {
			n++
		}
	}
	return n
}

// TestSingleSignOn signs in through a real OpenID provider: a new user is
// provisioned with the roles the administrator mapped and no other, an
// existing account is matched by the claim and keeps its own roles,
// roles follow the mapping at every sign-in, and sign-out ends both
// sessions.
func TestSingleSignOn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newSSOEnv(t, db)
		issuer := e.idp.ts.URL
		for _, m := range []struct {
			group string
			role  access.Role
		}{{"科技局-项目处", access.Manager}, {"科技局-领导", access.Viewer}, {"信息中心", access.SysAdmin}} {
			if err := sso.Map(ctx, db, issuer, m.group, m.role); err != nil {
				t.Fatal(err)
			}
		}
		if err := sso.Map(ctx, db, issuer, "企业", access.Org); err == nil {
			t.Error("a role bound to an organisation was mapped")
		}
		e.idp.groups["sub-zhang"] = []string{"科技局-项目处", "某个未映射的组"}

		c := e.browser()
		resp, page := c.Get("/signin")
		if !strings.Contains(page, `id="sso"`) || !strings.Contains(page, "统一身份认证登录") {
			t.Fatalf("sign-in page lacks the single sign-on button: %d", resp.StatusCode)
		}
		resp, _ = e.back(c, e.toProvider(c, "zhang.wei"))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
			t.Fatalf("callback: %d %s, want signed in and sent home", resp.StatusCode, resp.Header.Get("Location"))
		}
		u, err := e.auth.UserByName(ctx, "zhang.wei")
		if err != nil {
			t.Fatalf("user not provisioned: %v", err)
		}
		if !slices.Equal(u.Roles, []access.Role{access.Manager}) || u.DisplayName == "" {
			t.Fatalf("provisioned user: roles %v name %q, want the mapped role only", u.Roles, u.DisplayName)
		}
		// Single sign-on counts as both factors: a manager reaches the
		// cockpit without enrolling a second factor here.
		if resp, _ := c.Get("/cockpit"); resp.StatusCode != http.StatusOK {
			t.Fatalf("cockpit after single sign-on: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		// The provisioned account has no password to sign in with.
		if resp := e.browser().SignIn("zhang.wei", ""); resp.StatusCode == http.StatusSeeOther {
			t.Fatal("a provisioned account signed in with an empty password")
		}

		// Sign-out ends the Xinzhi session and sends the browser to the
		// provider's end-session endpoint with the ID token as hint; the
		// provider accepts it and returns the browser to Xinzhi.
		c.Get("/account")
		resp, _ = c.Post("/signout", url.Values{})
		end, _ := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(end.String(), issuer+"/end_session") {
			t.Fatalf("sign-out: %d %s, want the provider's end-session endpoint", resp.StatusCode, end)
		}
		if end.Query().Get("id_token_hint") == "" || end.Query().Get("post_logout_redirect_uri") != e.ts.URL+"/signin" {
			t.Fatalf("end-session request lacks the hint or the way back: %s", end.RawQuery)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' "+issuer) {
			t.Errorf("CSP does not let the sign-out form go on to the provider: %s", csp)
		}
		if e.signedIn(c) {
			t.Fatal("still signed in to Xinzhi after sign-out")
		}
		resp, body, next := hop(t, c, "GET", end.String(), nil)
		if next != e.ts.URL+"/signin" {
			t.Fatalf("provider end-session: %d %s %.200s, want back to Xinzhi's sign-in", resp.StatusCode, next, body)
		}

		// An existing account is matched by the claim and linked; its own
		// roles stay (viewer is mapped but its groups hold none of it? it
		// keeps reviewer, which no mapping manages).
		if _, err := e.auth.CreateUser(ctx, auth.NewUser{Username: "wang.fang", Password: "a local password 123", Roles: []access.Role{access.Reviewer}}); err != nil {
			t.Fatal(err)
		}
		e.idp.groups["sub-wang"] = []string{"科技局-领导"}
		c2 := e.browser()
		if resp, _ := e.back(c2, e.toProvider(c2, "wang.fang")); resp.StatusCode != http.StatusSeeOther || !e.signedIn(c2) {
			t.Fatalf("existing account: %d", resp.StatusCode)
		}
		w, _ := e.auth.UserByName(ctx, "wang.fang")
		if !slices.Equal(w.Roles, []access.Role{access.Reviewer, access.Viewer}) {
			t.Fatalf("matched account roles %v, want its own reviewer and the mapped viewer", w.Roles)
		}
		// Roles follow the mapping at every sign-in: the group leaves the
		// mapping, the role leaves the user; her own role stays.
		if err := sso.Unmap(ctx, db, issuer, "科技局-领导", access.Viewer); err != nil {
			t.Fatal(err)
		}
		if err := sso.Map(ctx, db, issuer, "科技局-办公室", access.Viewer); err != nil {
			t.Fatal(err)
		}
		c3 := e.browser()
		e.back(c3, e.toProvider(c3, "wang.fang"))
		w, _ = e.auth.UserByName(ctx, "wang.fang")
		if !slices.Equal(w.Roles, []access.Role{access.Reviewer}) {
			t.Fatalf("after unmapping: roles %v, want reviewer only", w.Roles)
		}
		var links int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM user_identities WHERE issuer = ?`, issuer).Scan(&links); err != nil || links != 2 {
			t.Fatalf("identity links: %d %v, want 2", links, err)
		}
		// The local password still signs her in (and asks no second
		// factor of a reviewer): accounts keep their own way in.
		if resp := e.browser().SignIn("wang.fang", "a local password 123"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("local password sign-in: %d", resp.StatusCode)
		}
		// The mapping's page: a system administrator (by single sign-on,
		// through the group mapped to sysadmin) adds and removes mappings;
		// a reviewer may not see it.
		e.idp.groups["sub-li"] = []string{"信息中心"}
		ca := e.browser()
		if resp, _ := e.back(ca, e.toProvider(ca, "li.na")); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("administrator's single sign-on: %d", resp.StatusCode)
		}
		if resp, page := ca.Get("/admin/sso"); resp.StatusCode != http.StatusOK || !strings.Contains(page, "科技局-项目处") || !strings.Contains(page, issuer) {
			t.Fatalf("/admin/sso: %d", resp.StatusCode)
		}
		if resp, _ := ca.Post("/admin/sso", url.Values{"action": {"map"}, "group": {"科技局-统计处"}, "role": {"viewer"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("map on the page: %d", resp.StatusCode)
		}
		if resp, page := ca.Post("/admin/sso", url.Values{"action": {"map"}, "group": {"企业"}, "role": {"org"}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "须绑定单位") {
			t.Fatalf("mapping a bound role on the page: %d", resp.StatusCode)
		}
		if resp, _ := ca.Post("/admin/sso", url.Values{"action": {"unmap"}, "group": {"科技局-统计处"}, "role": {"viewer"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("unmap on the page: %d", resp.StatusCode)
		}
		if resp, _ := c2.Get("/admin/sso"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("/admin/sso as a reviewer: %d, want 403", resp.StatusCode)
		}
		var mapped int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM audit_events WHERE entity = 'sso_role_map'`).Scan(&mapped); err != nil || mapped != 7 {
			t.Errorf("role mapping changes audited: %d %v, want 7", mapped, err)
		}
	})
}

// TestSingleSignOnRefusals: a return with another state, a reused state,
// a code exchanged without its PKCE verifier, an ID token with another
// nonce, an expired ID token and a disabled account are each refused,
// audited, and sign no one in.
func TestSingleSignOnRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newSSOEnv(t, db)
		refused := func(c *webtest.Client, callback string, status int, msg, reason string) {
			t.Helper()
			before := e.refusals(reason)
			resp, body := e.back(c, callback)
			if resp.StatusCode != status || !strings.Contains(body, msg) {
				t.Errorf("%s: %d, want %d with %q", reason, resp.StatusCode, status, msg)
			}
			if e.signedIn(c) {
				t.Errorf("%s: signed in", reason)
			}
			if e.refusals(reason) != before+1 {
				t.Errorf("%s: refusal not audited", reason)
			}
		}

		// Wrong state: the provider's return names a state this browser
		// was not given.
		c := e.browser()
		cb, _ := url.Parse(e.toProvider(c, "zhang.wei"))
		good := *cb
		q := cb.Query()
		q.Set("state", "another-state-"+strings.Repeat("x", 20))
		cb.RawQuery = q.Encode()
		refused(c, cb.String(), http.StatusUnauthorized, "state 不符", "state does not match")
		// The right state from another browser (login CSRF) is refused too.
		refused(e.browser(), good.String(), http.StatusUnauthorized, "state 不符", "state does not match")

		// A state is used once: a replayed return is refused.
		c = e.browser()
		cb1 := e.toProvider(c, "zhang.wei")
		if resp, _ := e.back(c, cb1); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign-in: %d", resp.StatusCode)
		}
		c.Get("/account")
		if resp, _ := c.Post("/signout", url.Values{}); resp.StatusCode != http.StatusSeeOther || e.signedIn(c) {
			t.Fatalf("sign-out: %d", resp.StatusCode)
		}
		c.HTTP.Jar.SetCookies(mustURL(e.ts.URL+"/signin/sso"), []*http.Cookie{{Name: "xz_sso", Value: mustURL(cb1).Query().Get("state"), Path: "/signin/sso"}})
		refused(c, cb1, http.StatusUnauthorized, "state 不符", "state unknown or used")

		// Wrong nonce: the provider's ID token carries a nonce other than
		// the one this sign-in sent.
		e.idp.wrongNonce.Store(true)
		c = e.browser()
		refused(c, e.toProvider(c, "zhang.wei"), http.StatusUnauthorized, "nonce 不匹配", "nonce does not match")
		e.idp.wrongNonce.Store(false)

		// PKCE: a code exchanged without the verifier it was issued for is
		// worth nothing (the stored verifier is replaced before the return).
		c = e.browser()
		cb2 := e.toProvider(c, "zhang.wei")
		if _, err := db.ExecContext(ctx, `UPDATE sso_logins SET verifier = ?`, strings.Repeat("v", 50)); err != nil {
			t.Fatal(err)
		}
		refused(c, cb2, http.StatusUnauthorized, "未确认本次登录", "code exchange")

		// Expired: the provider mints an ID token that expired an hour ago.
		e.idp.expiredIDTs.Store(true)
		c = e.browser()
		refused(c, e.toProvider(c, "zhang.wei"), http.StatusUnauthorized, "已过期", "ID token expired")
		e.idp.expiredIDTs.Store(false)

		// Disabled: the provider vouches for her, but her Xinzhi account is
		// disabled.
		li, err := e.auth.CreateUser(ctx, auth.NewUser{Username: "li.na", Password: "a local password 123", Roles: []access.Role{access.Reviewer}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.auth.SetDisabled(ctx, li.ID, true); err != nil {
			t.Fatal(err)
		}
		c = e.browser()
		refused(c, e.toProvider(c, "li.na"), http.StatusForbidden, "已停用", "disabled")

		// After all that, a proper sign-in still works.
		c = e.browser()
		if resp, _ := e.back(c, e.toProvider(c, "zhang.wei")); resp.StatusCode != http.StatusSeeOther || !e.signedIn(c) {
			r2, _ := c.Get("/account")
			t.Fatalf("sign-in after refusals: %d %s; /account %d %s", resp.StatusCode, resp.Header.Get("Location"), r2.StatusCode, r2.Header.Get("Location"))
		}
	})
}

// TestSingleSignOnProviderDown: a configured provider that cannot be
// reached shows no button (no dead end) and the password still works.
func TestSingleSignOnProviderDown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		dead := httptest.NewServer(http.NotFoundHandler())
		dead.Close()
		acfg := auth.DefaultConfig()
		acfg.Password = password.Fast
		a := auth.New(db, acfg)
		log := slog.New(slog.NewTextHandler(testLog(), nil))
		s := sso.New(sso.Config{Issuer: dead.URL, ClientID: idpClientID, RedirectURL: "http://127.0.0.1/signin/sso/callback", Claim: "preferred_username"}, db, a, log)
		if err := s.Discover(ctx); err == nil {
			t.Fatal("discovery of a closed server succeeded")
		}
		srv, err := web.New(web.Config{Version: "test", SSO: s}, db, a, log)
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv)
		defer ts.Close()
		c := (&webtest.Env{T: t, TS: ts}).Client()
		if _, page := c.Get("/signin"); strings.Contains(page, `id="sso"`) {
			t.Error("sign-in page offers single sign-on while the provider is down")
		}
		if resp, _ := c.Get("/signin/sso"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("/signin/sso while the provider is down: %d, want 404", resp.StatusCode)
		}
		if _, err := a.CreateUser(ctx, auth.NewUser{Username: "zhao.lei", Password: "a local password 123", Roles: []access.Role{access.Reviewer}}); err != nil {
			t.Fatal(err)
		}
		if resp := c.SignIn("zhao.lei", "a local password 123"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("password sign-in with the provider down: %d", resp.StatusCode)
		}
	})
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
