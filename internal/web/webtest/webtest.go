// Package webtest runs the whole web server over a real database for tests
// of package web and of its area packages (internal/web/<area>web): a
// server in demo mode with two organisations and an account per role, and
// a client that signs in through the real form and posts forms with the
// CSRF token it last saw, as a browser does.
package webtest

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
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

// Password is every test account's password.
const Password = "correct horse battery staple"

// Env is a running server on a fresh database with an account per role:
// Users[role] is named "u-"+role; roles bound to an organisation belong to
// OrgA (an enterprise); OrgB is a bank.
type Env struct {
	T      *testing.T
	DB     *store.DB
	Auth   *auth.Service
	Server *web.Server
	TS     *httptest.Server
	OrgA   registry.Organisation
	OrgB   registry.Organisation
	Users  map[access.Role]auth.User
	Keys   *seal.Keyring
	Seg    *search.Segmenter
}

// New starts a server in demo mode (no forced second factor) unless strict
// is set.
func New(t *testing.T, db *store.DB, strict bool) *Env {
	t.Helper()
	return NewConfig(t, db, strict, web.Config{})
}

// NewConfig is New with more of the server's configuration: a pinned
// business date (Config.AsOf), a model endpoint (Config.AI).
func NewConfig(t *testing.T, db *store.DB, strict bool, more web.Config) *Env {
	t.Helper()
	ctx := context.Background()
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
	srv, err := web.New(web.Config{Demo: !strict, Version: "test", Keys: keys, Search: seg, Files: program.Files{Dir: t.TempDir()}, AsOf: more.AsOf, Publisher: more.Publisher, AI: more.AI, AIOn: more.AIOn}, db, a, slog.New(slog.NewTextHandler(Log(), nil)))
	if err != nil {
		t.Fatal(err)
	}
	e := &Env{T: t, DB: db, Auth: a, Server: srv, TS: httptest.NewServer(srv), Users: map[access.Role]auth.User{}, Keys: keys, Seg: seg}
	t.Cleanup(e.TS.Close)
	e.OrgA, _ = registry.Create(ctx, db, registry.Organisation{Name: "甲企业", Kind: "enterprise"})
	e.OrgB, _ = registry.Create(ctx, db, registry.Organisation{Name: "乙银行", Kind: "bank"})
	for _, r := range access.Roles {
		org := int64(0)
		if r.BoundToOrg() {
			org = e.OrgA.ID
		}
		u, err := a.CreateUser(ctx, auth.NewUser{Username: "u-" + string(r), Password: Password, Roles: []access.Role{r}, OrgID: org})
		if err != nil {
			t.Fatal(err)
		}
		e.Users[r] = u
	}
	return e
}

// Client is a browser: a cookie jar that does not follow redirects, and
// the CSRF token of the last page it read. Every response to /api/… it
// reads is checked against the OpenAPI document (CheckAPIResponse); a
// mismatch fails the test.
type Client struct {
	T    *testing.T
	Base string // the server's URL
	HTTP *http.Client
	CSRF string
}

// Client is a new browser on e's server, signed out.
func (e *Env) Client() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{T: e.T, Base: e.TS.URL, HTTP: &http.Client{Jar: jar, Transport: checkedTransport{t: e.T, next: http.DefaultTransport},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// As is a new browser signed in as the demo account of role.
func (e *Env) As(role access.Role) *Client {
	c := e.Client()
	c.SignIn("u-"+string(role), Password)
	return c
}

var csrfRE = regexp.MustCompile(`name="csrf-token" content="([^"]*)"`)

// Do sends a request (a form when form is not nil) with the headers hdr
// and returns the response and its body; the CSRF token of a page read
// is kept for the next post.
func (c *Client) Do(method, path string, form url.Values, hdr map[string]string) (*http.Response, string) {
	c.T.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.Base+path, body)
	if err != nil {
		c.T.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return c.read(req)
}

func (c *Client) read(req *http.Request) (*http.Response, string) {
	c.T.Helper()
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.T.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if m := csrfRE.FindSubmatch(b); m != nil && len(m[1]) > 0 {
		c.CSRF = string(m[1])
	}
	return resp, string(b)
}

// Get reads a page.
func (c *Client) Get(path string) (*http.Response, string) { return c.Do("GET", path, nil, nil) }

// Post sends a form with the CSRF token the client last saw (unless the
// form carries one).
func (c *Client) Post(path string, form url.Values) (*http.Response, string) {
	if form == nil {
		form = url.Values{}
	}
	if form.Get("csrf") == "" {
		form.Set("csrf", c.CSRF)
	}
	return c.Do("POST", path, form, nil)
}

// Send posts a multipart form with the CSRF token the client last saw and
// files (field → [file name, content]).
func (c *Client) Send(path string, fields url.Values, files map[string][2]string) (*http.Response, string) {
	c.T.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", c.CSRF)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for field, f := range files {
		fw, _ := mw.CreateFormFile(field, f[0])
		fw.Write([]byte(f[1]))
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.Base+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.read(req)
}

// Raw sends body as it is (JSON to the API) with the CSRF token in its
// header, as the site's scripts do.
func (c *Client) Raw(method, path, contentType string, body []byte) (*http.Response, string) {
	c.T.Helper()
	req, _ := http.NewRequest(method, c.Base+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-CSRF-Token", c.CSRF)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.T.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

// SignIn signs in through the real form.
func (c *Client) SignIn(username, password string) *http.Response {
	c.Get("/signin")
	resp, _ := c.Post("/signin", url.Values{"username": {username}, "password": {password}})
	c.Follow(resp)
	return resp
}

// Follow follows redirects with GET until a page, picking up its CSRF
// token.
func (c *Client) Follow(resp *http.Response) *http.Response {
	for i := 0; i < 5 && resp.StatusCode == http.StatusSeeOther; i++ {
		resp, _ = c.Get(resp.Header.Get("Location"))
	}
	return resp
}

// IDFrom is the number after prefix in a location ("/needs/" in
// "/needs/12?…" is "12").
func IDFrom(t *testing.T, location, prefix string) string {
	t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(prefix) + `(\d+)`).FindStringSubmatch(location)
	if m == nil {
		t.Fatalf("no %s id in %q", prefix, location)
	}
	return m[1]
}

// CountRows is the number of rows in table.
func CountRows(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Log is where a server under test logs: nowhere, unless XINZHI_TEST_LOG
// is set (to see what a 500 was).
func Log() io.Writer {
	if os.Getenv("XINZHI_TEST_LOG") != "" {
		return os.Stderr
	}
	return io.Discard
}
