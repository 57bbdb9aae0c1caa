package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/search"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/web"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
)

// The harness is package webtest's (shared with the area packages' tests);
// env and client name its parts as package web's tests always have.

var ctx = context.Background()

const pw = webtest.Password

// env is a running server on a fresh database with an account per role.
type env struct {
	*webtest.Env
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
	w := webtest.NewConfig(t, db, strict, more)
	return &env{Env: w, t: w.T, db: w.DB, auth: w.Auth, srv: w.Server, ts: w.TS, orgA: w.OrgA, orgB: w.OrgB, users: w.Users, keys: w.Keys, seg: w.Seg}
}

// client is a browser: a cookie jar that does not follow redirects.
type client struct {
	*webtest.Client
	e *env
}

// client is a browser on e.ts (a test may point a copy of e at another
// server).
func (e *env) client() *client {
	c := e.Env.Client()
	c.Base = e.ts.URL
	return &client{Client: c, e: e}
}

func (c *client) do(method, path string, form url.Values, hdr map[string]string) (*http.Response, string) {
	c.T.Helper()
	return c.Do(method, path, form, hdr)
}

func (c *client) get(path string) (*http.Response, string) { return c.Get(path) }

// post sends a form with the CSRF token the client last saw.
func (c *client) post(path string, form url.Values) (*http.Response, string) {
	return c.Post(path, form)
}

// send posts a multipart form with files (field → name → content).
func (c *client) send(path string, fields url.Values, files map[string][2]string) (*http.Response, string) {
	c.T.Helper()
	return c.Send(path, fields, files)
}

func (c *client) raw(method, path, contentType string, body []byte) (*http.Response, string) {
	c.T.Helper()
	return c.Raw(method, path, contentType, body)
}

// signIn signs in through the real form.
func (c *client) signIn(username, password string) *http.Response {
	return c.SignIn(username, password)
}

// follow follows redirects with GET until a page, picking up its CSRF token.
func (c *client) follow(resp *http.Response) *http.Response { return c.Follow(resp) }

func idFrom(t *testing.T, location, prefix string) string {
	t.Helper()
	return webtest.IDFrom(t, location, prefix)
}

func countRows(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	return webtest.CountRows(t, db, table)
}

// testLog is where the server under test logs: nowhere, unless
// XINZHI_TEST_LOG is set (to see what a 500 was).
func testLog() io.Writer { return webtest.Log() }

var pdf = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
