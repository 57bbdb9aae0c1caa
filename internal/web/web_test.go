package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// TestEveryRouteEveryRole asks every route as every role (and as nobody) and
// compares the answer with the permission catalogue. A new route without a
// known permission fails web.New, and so this test.
func TestEveryRouteEveryRole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		victim, err := e.auth.CreateUser(ctx, auth.NewUser{Username: "victim", Password: pw, Roles: []access.Role{access.Reviewer}})
		if err != nil {
			t.Fatal(err)
		}
		_, tok, _ := e.auth.CreateToken(ctx, auth.NewToken{Role: access.Viewer})
		ids := map[string]string{"/admin/users/{id}": strconv.FormatInt(victim.ID, 10), "/admin/tokens/{id}": strconv.FormatInt(tok.ID, 10),
			"/orgs/{id}": strconv.FormatInt(e.orgA.ID, 10), "/api/v1/organizations/{id}": strconv.FormatInt(e.orgA.ID, 10)}
		subjects := append([]access.Role{""}, access.Roles...)
		for _, rt := range e.srv.Routes() {
			if rt.Perm == "" || !access.Known(rt.Perm) {
				t.Errorf("%s %s: no known permission", rt.Method, rt.Pattern)
			}
			path := rt.Pattern
			for prefix, id := range ids {
				if strings.HasPrefix(path, prefix) {
					path = strings.Replace(path, "{id}", id, 1)
				}
			}
			path = strings.TrimSuffix(path, "{$}")
			if strings.Contains(path, "{") {
				continue // static files: public, tested elsewhere
			}
			for _, role := range subjects {
				c := e.client()
				if role != "" {
					if resp := c.signIn("u-"+string(role), pw); resp.StatusCode != http.StatusSeeOther {
						t.Fatalf("sign in as %s: %d", role, resp.StatusCode)
					}
				} else {
					c.get("/signin") // a visitor with a CSRF cookie
				}
				var resp *http.Response
				if rt.Method == "GET" {
					resp, _ = c.get(path)
				} else {
					resp, _ = c.post(path, url.Values{})
				}
				allowed := rt.Perm == access.Public || (role != "" && access.RoleGrants(role, rt.Perm))
				got := resp.StatusCode
				switch {
				case rt.Perm == access.Public && got == 403:
					t.Errorf("%s %s as %q: 403 on a public route", rt.Method, path, role)
				case rt.Perm != access.Public && allowed && (got == 401 || got == 403):
					t.Errorf("%s %s as %q: %d, want allowed (%s)", rt.Method, path, role, got, rt.Perm)
				case !allowed && role == "" && rt.API && got != 401:
					t.Errorf("%s %s anonymous: %d, want 401", rt.Method, path, got)
				case !allowed && role == "" && !rt.API && rt.Method == "GET" && !(got == 303 && strings.HasPrefix(resp.Header.Get("Location"), "/signin")):
					t.Errorf("%s %s anonymous: %d %s, want a redirect to sign in", rt.Method, path, got, resp.Header.Get("Location"))
				case !allowed && role == "" && !rt.API && rt.Method != "GET" && got != 401:
					t.Errorf("%s %s anonymous: %d, want 401", rt.Method, path, got)
				case !allowed && role != "" && got != 403:
					t.Errorf("%s %s as %q: %d, want 403 (%s)", rt.Method, path, role, got, rt.Perm)
				}
			}
		}
		refused, _ := audit.List(ctx, db, audit.Filter{Outcome: audit.Refused, Limit: 1000})
		if len(refused) == 0 {
			t.Error("refused accesses were not audited")
		}
	})
}

func TestCSRFRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		c := e.client()
		c.signIn("u-sysadmin", pw)
		form := url.Values{"username": {"mallory"}, "roles": {"viewer"}}
		for _, tok := range []string{"", "forged-token"} {
			form.Set("csrf", tok)
			resp, body := c.do("POST", "/admin/users", form, nil)
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "刷新") {
				t.Errorf("POST with csrf %q: %d; want 403 with advice to reload", tok, resp.StatusCode)
			}
		}
		if _, err := e.auth.UserByName(ctx, "mallory"); err == nil {
			t.Fatal("a request without a valid CSRF token created an account")
		}
		// With the token it works.
		form.Set("csrf", c.CSRF)
		if resp, _ := c.do("POST", "/admin/users", form, nil); resp.StatusCode != http.StatusCreated {
			t.Fatalf("POST with the token: %d", resp.StatusCode)
		}
		// The sign-in form is protected too (double-submit cookie).
		anon := e.client()
		resp, _ := anon.do("POST", "/signin", url.Values{"username": {"u-manager"}, "password": {pw}}, nil)
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("sign-in without CSRF token: %d, want 403", resp.StatusCode)
		}
		// A cross-site request is refused by origin, token or not.
		resp, _ = c.do("POST", "/admin/users", form, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("cross-site POST: %d, want 403", resp.StatusCode)
		}
	})
}

func TestObjectLevelRefusal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		c := e.client()
		c.signIn("u-org", pw) // bound to orgA
		if resp, body := c.get("/orgs/" + strconv.FormatInt(e.orgA.ID, 10)); resp.StatusCode != 200 || !strings.Contains(body, "甲企业") {
			t.Fatalf("own organisation: %d", resp.StatusCode)
		}
		if resp, body := c.get("/orgs/" + strconv.FormatInt(e.orgB.ID, 10)); resp.StatusCode != 404 || strings.Contains(body, "乙银行") {
			t.Fatalf("other organisation's page: %d; want 404 without its name", resp.StatusCode)
		}
		secret, _, _ := e.auth.CreateToken(ctx, auth.NewToken{Role: access.Org, OrgID: e.orgA.ID})
		hdr := map[string]string{"Authorization": "Bearer " + secret}
		resp, body := c.do("GET", "/api/v1/organizations/"+strconv.FormatInt(e.orgB.ID, 10), nil, hdr)
		if resp.StatusCode != 404 || resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("API other organisation: %d %s", resp.StatusCode, body)
		}
		_, body = c.do("GET", "/api/v1/organizations", nil, hdr)
		var list struct{ Items []struct{ ID int64 } }
		json.Unmarshal([]byte(body), &list)
		if len(list.Items) != 1 || list.Items[0].ID != e.orgA.ID {
			t.Fatalf("API list for an organisation user: %s", body)
		}
		// A manager sees both.
		m := e.client()
		m.signIn("u-manager", pw)
		if resp, _ := m.get("/orgs/" + strconv.FormatInt(e.orgB.ID, 10)); resp.StatusCode != 200 {
			t.Fatalf("manager reading any organisation: %d", resp.StatusCode)
		}
	})
}

func TestAPITokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		c := e.client()
		secret, tok, err := e.auth.CreateToken(ctx, auth.NewToken{Name: "统计系统", Role: access.Viewer, Expires: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		resp, body := c.do("GET", "/api/v1/me", nil, map[string]string{"Authorization": "Bearer " + secret})
		var m struct {
			Kind  string
			ID    int64
			Roles []string
		}
		if err := json.Unmarshal([]byte(body), &m); err != nil || resp.StatusCode != 200 || m.Kind != "token" || m.ID != tok.ID || m.Roles[0] != "viewer" {
			t.Fatalf("/api/v1/me with token: %d %s", resp.StatusCode, body)
		}
		// A viewer token may not list accounts.
		if resp, _ := c.do("GET", "/api/v1/users", nil, map[string]string{"Authorization": "Bearer " + secret}); resp.StatusCode != 403 {
			t.Fatalf("viewer token on /api/v1/users: %d", resp.StatusCode)
		}
		cases := []struct{ name, header, wantDetail string }{
			{"missing", "", "请先登录"},
			{"not bearer", "Basic abc", "Bearer"},
			{"unknown", "Bearer xz_nope", "Bearer"},
		}
		for _, cs := range cases {
			hdr := map[string]string{}
			if cs.header != "" {
				hdr["Authorization"] = cs.header
			}
			resp, body := c.do("GET", "/api/v1/me", nil, hdr)
			var p struct {
				Status int
				Detail string
			}
			json.Unmarshal([]byte(body), &p)
			if resp.StatusCode != 401 || resp.Header.Get("Content-Type") != "application/problem+json" || p.Status != 401 || !strings.Contains(p.Detail, cs.wantDetail) {
				t.Errorf("%s token: %d %q %s", cs.name, resp.StatusCode, resp.Header.Get("Content-Type"), body)
			}
		}
		// English problem details on request.
		_, body = c.do("GET", "/api/v1/me", nil, map[string]string{"Authorization": "Bearer xz_nope", "Accept-Language": "en"})
		if !strings.Contains(body, "Missing or invalid API token") {
			t.Errorf("English problem detail: %s", body)
		}
		// Expiry.
		e.auth.SetClock(func() time.Time { return store.Now().Add(2 * time.Hour) })
		resp, body = c.do("GET", "/api/v1/me", nil, map[string]string{"Authorization": "Bearer " + secret})
		if resp.StatusCode != 401 || !strings.Contains(body, "过期") {
			t.Fatalf("expired token: %d %s", resp.StatusCode, body)
		}
	})
}

func TestOpenAPIListsEveryAPIRoute(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite), false)
	resp, body := e.client().get("/api/openapi.json")
	if resp.StatusCode != 200 {
		t.Fatal(resp.StatusCode)
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Fatalf("document: %v %q", err, doc.OpenAPI)
	}
	var inDoc, inRoutes []string
	for p, ops := range doc.Paths {
		for m := range ops {
			inDoc = append(inDoc, strings.ToUpper(m)+" "+p)
		}
	}
	for _, r := range e.srv.Routes() {
		if r.API {
			inRoutes = append(inRoutes, r.Method+" "+r.Pattern)
		}
	}
	sort.Strings(inDoc)
	sort.Strings(inRoutes)
	if strings.Join(inDoc, "\n") != strings.Join(inRoutes, "\n") {
		t.Fatalf("OpenAPI paths and API routes differ:\ndocument:\n%s\nroutes:\n%s", strings.Join(inDoc, "\n"), strings.Join(inRoutes, "\n"))
	}
}

func TestSecurityHeadersAndStatic(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite), false)
	c := e.client()
	resp, body := c.get("/signin")
	for h, want := range map[string]string{"Content-Security-Policy": "frame-ancestors 'none'", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"} {
		if !strings.Contains(resp.Header.Get(h), want) {
			t.Errorf("%s = %q, want %q", h, resp.Header.Get(h), want)
		}
	}
	if !strings.Contains(body, "演示环境") {
		t.Error("demo banner missing")
	}
	i := strings.Index(body, `/static/`)
	href := body[i : i+strings.Index(body[i:], `"`)]
	resp, _ = c.get(href)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("static %s: %d %q", href, resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	if resp, _ := c.get("/static/0000000000/app.css"); resp.StatusCode != 404 {
		t.Fatalf("static with a wrong checksum: %d", resp.StatusCode)
	}
	for _, p := range []string{"/healthz", "/readyz", "/metrics"} {
		if resp, _ := c.get(p); resp.StatusCode != 200 {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
	if _, body := c.get("/metrics"); !strings.Contains(body, "xinzhi_http_requests_total") {
		t.Error("metrics lack the request counter")
	}
}
