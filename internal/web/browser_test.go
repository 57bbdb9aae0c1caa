package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/pquerna/otp/totp"
	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/password"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web"
)

// Environment variables of the browser test.
const (
	browserEnvPath        = "XINZHI_CHROMIUM"     // path of the browser; overrides the search
	browserEnvRequired    = "XINZHI_TEST_BROWSER" // "1": a missing browser fails the test (CI)
	browserEnvScreenshots = "XINZHI_SCREENSHOTS"  // a directory that receives copies of the screenshots
	browserInstallHint    = "install Debian's chromium (apt-get install chromium) or set " + browserEnvPath + " to a Chromium or Chrome binary"
)

// TestBrowserSignIn drives headless Chromium through the real pages: it signs
// a manager in with password and TOTP, switches to English and back, and
// signs out. It fails on any JavaScript exception, console error or browser
// log error (a Content-Security-Policy violation is one), which shows that
// htmx, ECharts and app.js load and run under the strict CSP.
func TestBrowserSignIn(t *testing.T) {
	exe := browserExecutable(t)
	start := time.Now()

	// A manager with TOTP enrolled.
	db := storetest.Open(t, store.SQLite)
	cfg := auth.DefaultConfig()
	cfg.Password = password.Fast
	svc := auth.New(db, cfg)
	const username, pw = "browser.manager", "long-enough-browser-test-pw-7391"
	ctx := t.Context()
	u, err := svc.CreateUser(ctx, auth.NewUser{Username: username, DisplayName: "浏览器测试", Password: pw, Roles: []access.Role{access.Manager}})
	if err != nil {
		t.Fatalf("create user: %v", err)
	}
	secret, _, err := svc.BeginEnrolment(ctx, u.ID)
	if err != nil {
		t.Fatalf("begin enrolment: %v", err)
	}
	// Enrolment consumes the TOTP step of its code, and a step is accepted
	// only once, so a code from the step of the sign-in would be refused.
	// Waiting for the next 30-second step would cost up to 30 s, and using a
	// code from the previous step races with the step boundary. Instead the
	// service's clock runs two steps (60 s) behind while the enrolment is
	// confirmed: whatever the timing, the step it records is at least one
	// step before the real current one, so the code typed into the browser
	// later is always fresh. The clock is put back before the server starts,
	// so no request sees the shifted clock.
	svc.SetClock(func() time.Time { return store.Now().Add(-2 * auth.TOTPPeriod) })
	enrolCode, err := totp.GenerateCode(secret, time.Now().Add(-2*auth.TOTPPeriod))
	if err != nil {
		t.Fatalf("totp code: %v", err)
	}
	if _, err := svc.ConfirmEnrolment(ctx, u.ID, enrolCode); err != nil {
		t.Fatalf("confirm enrolment: %v", err)
	}
	svc.SetClock(store.Now)

	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := web.New(web.Config{}, db, svc, logger)
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close) // after the browser's cleanup, which is registered later

	b := newBrowser(t, exe)
	shots := t.TempDir()

	// The sign-in page, in Chinese because the browser prefers Chinese.
	b.navigate(ts.URL + "/signin")
	b.expectPage("/signin", "登录", "zh-CN")
	b.screenshot(shots, "signin-zh.png")

	// Password, then the second factor.
	b.run(chromedp.SendKeys(chromedp.ID("username"), username))
	b.run(chromedp.SendKeys(chromedp.ID("password"), pw))
	b.click(`form[action="/signin"] button[type="submit"]`)
	b.expectPage("/signin/code", "二次验证", "zh-CN")
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatalf("totp code: %v", err)
	}
	b.run(chromedp.SendKeys(chromedp.ID("code"), code))
	b.click(`form[action="/signin/code"] button[type="submit"]`)

	// Signed in: a manager lands on what waits for a decision.
	b.expectPage("/", "待办事项", "zh-CN")
	b.expectPressed("zh-CN")
	b.expectScripts()
	session := b.sessionCookie(ts.URL)
	if session == nil {
		t.Fatal("no session cookie after sign-in")
	}
	if !session.HTTPOnly {
		t.Errorf("session cookie %s is not HttpOnly", session.Name)
	}
	// The session cookie works outside the browser too.
	if status, name := browserWhoAmI(t, ts.URL, session); status != http.StatusOK || name != username {
		t.Errorf("GET /api/v1/me with the browser's session cookie: status %d, name %q; want 200, %q", status, name, username)
	}
	// And a fresh visit keeps the session.
	b.navigate(ts.URL + "/cockpit")
	b.expectPage("/cockpit", "驾驶舱", "zh-CN")

	// English.
	b.click(`form.lang-switch button[value="en"]`)
	b.expectPage("/cockpit", "Cockpit", "en")
	b.expectPressed("en")
	b.expectScripts()
	b.screenshot(shots, "cockpit-en.png")

	// And back to Chinese.
	b.click(`form.lang-switch button[value="zh-CN"]`)
	b.expectPage("/cockpit", "驾驶舱", "zh-CN")
	b.expectPressed("zh-CN")

	// Sign out.
	b.click("button#signout")
	b.expectPage("/signin", "登录", "zh-CN")
	if c := b.sessionCookie(ts.URL); c != nil {
		t.Errorf("session cookie still set after sign-out: %q", c.Value)
	}
	if status, _ := browserWhoAmI(t, ts.URL, session); status != http.StatusUnauthorized {
		t.Errorf("GET /api/v1/me with the signed-out session cookie: status %d, want 401", status)
	}
	b.navigate(ts.URL + "/cockpit")
	b.expectPage("/signin", "登录", "zh-CN")

	b.expectNoProblems()

	// The check above only means something if a CSP violation reaches it.
	// Serve a page that breaks the app's own CSP header and see it reported.
	b.canary(ts.URL)

	t.Logf("browser test took %v (browser %s)", time.Since(start).Round(time.Millisecond), exe)
}

// browser is a headless Chromium tab with the console problems it has seen.
type browser struct {
	t   *testing.T
	ctx context.Context

	mu       sync.Mutex
	problems []string // fail the test
	ignored  []string // logged only
}

// newBrowser starts Chromium at exe. It stops when the test ends.
func newBrowser(t *testing.T, exe string) *browser {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 180*time.Second)
	out := &browserOutput{}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox, // tests run as root in CI containers
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		// A browser that prefers Chinese, as the platform's users' do.
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("accept-lang", "zh-CN,zh"),
		chromedp.CombinedOutput(out),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc() // waits for the browser to exit, before t.TempDir is removed
		cancel()
		if t.Failed() && out.Len() > 0 {
			t.Logf("browser output:\n%s", out)
		}
	})
	b := &browser{t: t, ctx: tabCtx}
	// Listen starts the browser. Its func runs in the tab's event loop, before
	// the commands that follow an event return, so expectNoProblems sees
	// everything that happened up to then.
	if err := chromedp.Listen(tabCtx, b.record); err != nil {
		t.Fatalf("start browser %s: %v", exe, err)
	}
	return b
}

// record notes exceptions, console.error calls and browser log errors (CSP
// violations, failed loads).
func (b *browser) record(ev any) {
	var p string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		p = fmt.Sprintf("JavaScript exception at %s:%d:%d: %s", d.URL, d.LineNumber+1, d.ColumnNumber+1, text)
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError {
			return
		}
		args := make([]string, len(ev.Args))
		for i, a := range ev.Args {
			switch {
			case a.Description != "":
				args[i] = a.Description
			case len(a.Value) > 0:
				args[i] = string(a.Value)
			default:
				args[i] = string(a.Type)
			}
		}
		p = "console.error: " + strings.Join(args, " ")
	case *log.EventEntryAdded:
		e := ev.Entry
		if e == nil || e.Level != log.EntryLevelError {
			return
		}
		p = fmt.Sprintf("browser log (%s) %s: %s", e.Source, e.URL, e.Text)
		if e.Source == log.EntrySourceNetwork && strings.HasSuffix(e.URL, "/favicon.ico") {
			// The browser asks for /favicon.ico by itself; no markup of the
			// app refers to it. The app serves none (a 404), which is noted
			// but does not fail the test.
			b.mu.Lock()
			b.ignored = append(b.ignored, p)
			b.mu.Unlock()
			return
		}
	default:
		return
	}
	b.mu.Lock()
	b.problems = append(b.problems, p)
	b.mu.Unlock()
}

// takeProblems returns the problems seen so far and forgets them.
func (b *browser) takeProblems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.problems
	b.problems = nil
	return p
}

func (b *browser) expectNoProblems() {
	b.t.Helper()
	b.mu.Lock()
	ignored := b.ignored
	b.ignored = nil
	b.mu.Unlock()
	if len(ignored) > 0 {
		b.t.Logf("the browser reported %d ignored problem(s):\n  %s", len(ignored), strings.Join(ignored, "\n  "))
	}
	if p := b.takeProblems(); len(p) > 0 {
		b.t.Errorf("the browser reported %d problem(s):\n  %s", len(p), strings.Join(p, "\n  "))
	}
}

// run runs steps, failing the test on an error.
func (b *browser) run(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// navigate loads u and checks that the page answers 200.
func (b *browser) navigate(u string) {
	b.t.Helper()
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(u))
	if err != nil {
		b.t.Fatalf("navigate to %s: %v", u, err)
	}
	if resp.Status != http.StatusOK {
		b.t.Fatalf("navigate to %s: ended at %s with status %d", u, resp.URL, resp.Status)
	}
}

// click clicks the element that sel selects and waits for the page that
// follows (after any redirects), which must answer 200.
func (b *browser) click(sel string) {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("click %s: %v", sel, err)
	}
	if resp.Status != http.StatusOK {
		b.t.Fatalf("click %s: ended at %s with status %d", sel, resp.URL, resp.Status)
	}
}

// expectPage checks the path of the page, the text of its h1 and the lang
// attribute of its html element.
func (b *browser) expectPage(path, h1, lang string) {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("location: %v", err)
	}
	lu, err := url.Parse(loc)
	if err != nil {
		b.t.Fatalf("location %q: %v", loc, err)
	}
	if lu.Path != path {
		b.t.Fatalf("at %s, want path %s", loc, path)
	}
	got, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil {
		b.t.Fatalf("%s: h1: %v", path, err)
	}
	if strings.TrimSpace(got) != h1 {
		b.t.Errorf("%s: h1 is %q, want %q", path, got, h1)
	}
	attr, err := chromedp.Run(b.ctx, chromedp.AttributeValue(chromedp.CSS("html"), "lang"))
	if err != nil {
		b.t.Fatalf("%s: html lang: %v", path, err)
	}
	if attr.Value != lang {
		b.t.Errorf("%s: html lang is %q, want %q", path, attr.Value, lang)
	}
}

// expectPressed checks that the language switch shows lang as chosen.
func (b *browser) expectPressed(lang string) {
	b.t.Helper()
	for _, l := range []string{"zh-CN", "en"} {
		sel := fmt.Sprintf(`form.lang-switch button[value=%q]`, l)
		attr, err := chromedp.Run(b.ctx, chromedp.AttributeValue(chromedp.CSS(sel), "aria-pressed"))
		if err != nil {
			b.t.Fatalf("%s aria-pressed: %v", sel, err)
		}
		want := fmt.Sprint(l == lang)
		if attr.Value != want {
			b.t.Errorf("%s has aria-pressed=%q, want %q", sel, attr.Value, want)
		}
	}
}

// expectScripts checks that the deferred scripts ran: a script that the CSP
// blocked would leave its global undefined.
func (b *browser) expectScripts() {
	b.t.Helper()
	got, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`typeof window.htmx + " " + typeof window.echarts`))
	if err != nil {
		b.t.Fatalf("evaluate: %v", err)
	}
	if got != "object object" {
		b.t.Errorf("typeof htmx, echarts = %s, want object object", got)
	}
}

// sessionCookie returns the browser's session cookie for base, or nil.
func (b *browser) sessionCookie(base string) *network.Cookie {
	b.t.Helper()
	res, err := chromedp.Call(b.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{base + "/"}})
	if err != nil {
		b.t.Fatalf("get cookies: %v", err)
	}
	for _, c := range res.Cookies {
		if c.Name == "xz_session" {
			return c
		}
	}
	return nil
}

// screenshot saves the whole page as name in dir and, when
// XINZHI_SCREENSHOTS names a directory, there as well.
func (b *browser) screenshot(dir, name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	dirs := []string{dir}
	if d := os.Getenv(browserEnvScreenshots); d != "" {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			dirs = append(dirs, d)
		} else {
			b.t.Logf("%s=%s is not a directory; screenshots stay in %s", browserEnvScreenshots, d, dir)
		}
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if err := os.WriteFile(p, png, 0o644); err != nil {
			b.t.Fatalf("write screenshot: %v", err)
		}
		b.t.Logf("screenshot: %s", p)
	}
}

// canary loads a page that carries the app's own Content-Security-Policy
// header and breaks it with an inline script, and checks that the violation
// is reported. It proves that expectNoProblems would see a CSP violation of
// the real pages, whatever the browser version.
func (b *browser) canary(appURL string) {
	b.t.Helper()
	resp, err := http.Get(appURL + "/signin")
	if err != nil {
		b.t.Fatalf("get /signin: %v", err)
	}
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	if csp == "" {
		b.t.Fatal("/signin has no Content-Security-Policy header")
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!doctype html><html lang="en"><title>canary</title><h1>canary</h1><script>document.title = "inline ran"</script>`)
	}))
	defer ts.Close()
	b.takeProblems()
	b.navigate(ts.URL + "/")
	title, err := chromedp.Run(b.ctx, chromedp.Title())
	if err != nil {
		b.t.Fatalf("title: %v", err)
	}
	if title != "canary" {
		b.t.Errorf("the app's CSP did not block an inline script (title %q)", title)
	}
	p := b.takeProblems()
	found := false
	for _, s := range p {
		if strings.Contains(s, "Content Security Policy") {
			found = true
			b.t.Logf("canary, reported as it should be: %s", s)
		}
	}
	if !found {
		b.t.Errorf("an inline script under the app's CSP was not reported as a problem; reported: %q", p)
	}
}

// browserWhoAmI asks GET /api/v1/me with the session cookie c and returns
// the status and the name it gives.
func browserWhoAmI(t *testing.T, base string, c *network.Cookie) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/api/v1/me", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET /api/v1/me: %v", err)
	}
	defer resp.Body.Close()
	var me struct {
		Name string `json:"name"`
	}
	if resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(&me); err != nil {
			t.Fatalf("decode /api/v1/me: %v", err)
		}
	}
	return resp.StatusCode, me.Name
}

// browserExecutable returns the browser to drive. Without one the test is
// skipped, or fails when XINZHI_TEST_BROWSER=1 (CI sets it).
func browserExecutable(t *testing.T) string {
	t.Helper()
	exe, why := findChromium()
	if exe != "" {
		return exe
	}
	if os.Getenv(browserEnvRequired) == "1" {
		t.Fatalf("%s; %s (%s=1 requires the browser test)", why, browserInstallHint, browserEnvRequired)
	}
	t.Skipf("%s; %s", why, browserInstallHint)
	return ""
}

// findChromium looks at XINZHI_CHROMIUM and, when it is unset, at the usual
// places. An explicit path that does not work is not replaced by a search.
func findChromium() (exe, why string) {
	if p := os.Getenv(browserEnvPath); p != "" {
		if isExecutable(p) {
			return p, ""
		}
		return "", fmt.Sprintf("%s=%s is not an executable file", browserEnvPath, p)
	}
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if isExecutable(p) {
			return p, ""
		}
	}
	if p, err := exec.LookPath("google-chrome"); err == nil {
		return p, ""
	}
	return "", "no Chromium found (/usr/bin/chromium, /usr/bin/chromium-browser, google-chrome on PATH)"
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// browserOutput collects what the browser writes to stdout and stderr.
type browserOutput struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *browserOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

func (o *browserOutput) Len() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Len()
}

func (o *browserOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}
