package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/password"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/search"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/web"
)

var ctx = context.Background()

const pw = "correct horse battery staple"

// env is a running server on a fresh database with an account per role.
type env struct {
	t     *testing.T
	db    *store.DB
	auth  *auth.Service
	srv   *web.Server
	ts    *httptest.Server
	orgA  registry.Organisation
	orgB  registry.Organisation
	users map[access.Role]auth.User
	keys  *seal.Keyring
	seg   *search.Segmenter
}

// newEnv starts a server in demo mode (no forced second factor) unless
// strict is set.
func newEnv(t *testing.T, db *store.DB, strict bool) *env {
	t.Helper()
	return newEnvCfg(t, db, strict, web.Config{})
}

// newEnvCfg is newEnv with more of the server's configuration (a pinned
// business date: Config.AsOf).
func newEnvCfg(t *testing.T, db *store.DB, strict bool, more web.Config) *env {
	t.Helper()
	cfg := auth.DefaultConfig()
	cfg.Password = password.Fast
	cfg.Demo = !strict
	a := auth.New(db, cfg)
	line, _ := seal.NewKeyLine("ktest")
	keys, err := seal.ParseKeyring(line)
	if err != nil {
		t.Fatal(err)
	}
	seg, err := search.Default()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Config{Demo: !strict, Version: "test", Keys: keys, Search: seg, Files: program.Files{Dir: t.TempDir()}, AsOf: more.AsOf}, db, a, slog.New(slog.NewTextHandler(testLog(), nil)))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, db: db, auth: a, srv: srv, ts: httptest.NewServer(srv), users: map[access.Role]auth.User{}, keys: keys, seg: seg}
	t.Cleanup(e.ts.Close)
	e.orgA, _ = registry.Create(ctx, db, registry.Organisation{Name: "甲企业", Kind: "enterprise"})
	e.orgB, _ = registry.Create(ctx, db, registry.Organisation{Name: "乙银行", Kind: "bank"})
	for _, r := range access.Roles {
		org := int64(0)
		if r.BoundToOrg() {
			org = e.orgA.ID
		}
		u, err := a.CreateUser(ctx, auth.NewUser{Username: "u-" + string(r), Password: pw, Roles: []access.Role{r}, OrgID: org})
		if err != nil {
			t.Fatal(err)
		}
		e.users[r] = u
	}
	return e
}

// client is a browser: a cookie jar that does not follow redirects.
type client struct {
	e    *env
	http *http.Client
	csrf string
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfRE = regexp.MustCompile(`name="csrf-token" content="([^"]*)"`)

func (c *client) do(method, path string, form url.Values, hdr map[string]string) (*http.Response, string) {
	c.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.e.ts.URL+path, body)
	if err != nil {
		c.e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if m := csrfRE.FindSubmatch(b); m != nil && len(m[1]) > 0 {
		c.csrf = string(m[1])
	}
	return resp, string(b)
}

func (c *client) get(path string) (*http.Response, string) { return c.do("GET", path, nil, nil) }

// post sends a form with the CSRF token the client last saw.
func (c *client) post(path string, form url.Values) (*http.Response, string) {
	if form == nil {
		form = url.Values{}
	}
	if form.Get("csrf") == "" {
		form.Set("csrf", c.csrf)
	}
	return c.do("POST", path, form, nil)
}

// signIn signs in through the real form.
func (c *client) signIn(username, password string) *http.Response {
	c.get("/signin")
	resp, _ := c.post("/signin", url.Values{"username": {username}, "password": {password}})
	c.follow(resp)
	return resp
}

// follow follows redirects with GET until a page, picking up its CSRF token.
func (c *client) follow(resp *http.Response) *http.Response {
	for i := 0; i < 5 && resp.StatusCode == http.StatusSeeOther; i++ {
		resp, _ = c.get(resp.Header.Get("Location"))
	}
	return resp
}

// testLog is where the server under test logs: nowhere, unless
// XINZHI_TEST_LOG is set (to see what a 500 was).
func testLog() io.Writer {
	if os.Getenv("XINZHI_TEST_LOG") != "" {
		return os.Stderr
	}
	return io.Discard
}
