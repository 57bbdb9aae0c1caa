package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

func sessionCookie(c *client, e *env) string {
	u, _ := url.Parse(e.ts.URL)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == "xz_session" {
			return ck.Value
		}
	}
	return ""
}

var secretRE = regexp.MustCompile(`data-secret="([A-Z2-7]+)"`)

// TestFirstSignInForcesPasswordAndSecondFactor walks the first sign-in of a
// new administrator through the pages: every other page sends them back to
// the step they must finish, the session id changes at each step, and only
// then does the application open.
func TestFirstSignInForcesPasswordAndSecondFactor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, true)
		if _, err := e.auth.CreateUser(ctx, auth.NewUser{Username: "admin", Password: "one time password xyz", Roles: []access.Role{access.SysAdmin}, MustChangePassword: true}); err != nil {
			t.Fatal(err)
		}
		c := e.client()
		c.get("/signin")
		before := sessionCookie(c, e)
		resp, _ := c.post("/signin", url.Values{"username": {"admin"}, "password": {"one time password xyz"}})
		if loc := resp.Header.Get("Location"); loc != "/account/password" {
			t.Fatalf("after sign-in: %s, want the password page", loc)
		}
		s1 := sessionCookie(c, e)
		if s1 == "" || s1 == before {
			t.Fatal("no new session id at sign-in")
		}
		c.get("/account/password")
		if resp, _ := c.get("/admin/users"); resp.Header.Get("Location") != "/account/password" {
			t.Fatalf("unfinished sign-in reached /admin/users: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, _ := c.do("GET", "/api/v1/me", nil, nil); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("unfinished sign-in on the API: %d", resp.StatusCode)
		}
		// A too-short password is refused beside its field, and nothing changes.
		resp, body := c.post("/account/password", url.Values{"current": {"one time password xyz"}, "password": {"short"}, "password2": {"short"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "至少需要 12 个字符") {
			t.Fatalf("short password: %d", resp.StatusCode)
		}
		resp, _ = c.post("/account/password", url.Values{"current": {"one time password xyz"}, "password": {"my own long passphrase"}, "password2": {"my own long passphrase"}})
		if loc := resp.Header.Get("Location"); loc != "/account/mfa" {
			t.Fatalf("after password change: %d %s, want the enrolment page", resp.StatusCode, loc)
		}
		s2 := sessionCookie(c, e)
		if s2 == s1 {
			t.Fatal("session id not renewed after the password change")
		}
		_, body = c.get("/account/mfa")
		m := secretRE.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("enrolment page lacks the secret")
		}
		checkEnrolmentQR(t, body, m[1])
		code, _ := totp.GenerateCode(m[1], time.Now())
		resp, body = c.post("/account/mfa", url.Values{"code": {code}})
		if resp.StatusCode != http.StatusOK || strings.Count(body, "-") < 20 {
			t.Fatalf("enrolment: %d", resp.StatusCode)
		}
		if sessionCookie(c, e) == s2 {
			t.Fatal("session id not renewed after enrolment")
		}
		if resp, _ := c.get("/admin/users"); resp.StatusCode != http.StatusOK {
			t.Fatalf("after enrolment /admin/users: %d", resp.StatusCode)
		}
		// Signing out ends the session on the server.
		old := sessionCookie(c, e)
		c.post("/signout", nil)
		if _, _, err := e.auth.Session(ctx, old); err == nil {
			t.Fatal("session still valid after sign-out")
		}
	})
}

func TestLanguageSwitchIsRemembered(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite), false)
	c := e.client()
	c.signIn("u-manager", pw)
	resp, _ := c.post("/lang", url.Values{"lang": {"en"}, "back": {"/cockpit"}})
	if resp.Header.Get("Location") != "/cockpit" {
		t.Fatalf("after switching: %s", resp.Header.Get("Location"))
	}
	// The switch on a page with a query returns to the same query.
	if _, body := c.get("/registry?q=%E6%B2%88%E9%98%B3&kind=enterprise"); !strings.Contains(body, `name="back" value="/registry?q=%E6%B2%88%E9%98%B3&amp;kind=enterprise"`) {
		t.Error("the language switch forgets the page's query")
	}
	resp, body := c.get("/cockpit")
	if !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "Cockpit") {
		t.Fatal("page not in English after switching")
	}
	// An unknown path keeps the language and the signed-in layout.
	resp, body = c.get("/no/such/page")
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "sidenav") {
		t.Fatalf("404 for a signed-in English user: %d", resp.StatusCode)
	}
	u, _ := e.auth.UserByName(ctx, "u-manager")
	if u.Lang != "en" {
		t.Fatalf("language not saved on the account: %q", u.Lang)
	}
	// An open redirect through "back" is refused.
	resp, _ = c.post("/lang", url.Values{"lang": {"zh-CN"}, "back": {"//evil.example/x"}})
	if resp.Header.Get("Location") != "/" {
		t.Fatalf("back to another site: %s", resp.Header.Get("Location"))
	}
}

func TestSignInPageThrottlesAndLocks(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite), false)
	c := e.client()
	c.get("/signin")
	var body string
	var resp *http.Response
	for i := 0; i < 5; i++ {
		resp, body = c.post("/signin", url.Values{"username": {"u-viewer"}, "password": {"wrong wrong wrong"}})
	}
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "用户名或密码不正确") {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}
	// Locked: the right password fails with the same message.
	resp, body = c.post("/signin", url.Values{"username": {"u-viewer"}, "password": {pw}})
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "用户名或密码不正确") {
		t.Fatalf("locked account: %d", resp.StatusCode)
	}
}
