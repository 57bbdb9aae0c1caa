package web_test

import (
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/password"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/web"
)

// browserPW is the password of every browser test's accounts.
const browserPW = "long-enough-browser-test-pw-7391"

// browserAuth is a browser test's sign-in service: fast password hashing,
// demo mode (no second factor forced), and the accounts given, each with
// browserPW unless it names its own.
func browserAuth(t *testing.T, db *store.DB, users ...auth.NewUser) *auth.Service {
	t.Helper()
	cfg := auth.DefaultConfig()
	cfg.Password, cfg.Demo = password.Fast, true
	svc := auth.New(db, cfg)
	for _, u := range users {
		if u.Password == "" {
			u.Password = browserPW
		}
		if _, err := svc.CreateUser(t.Context(), u); err != nil {
			t.Fatal(err)
		}
	}
	return svc
}

// browserServe serves db through the app (demo mode on) until the test
// ends, and gives its address.
func browserServe(t *testing.T, db *store.DB, svc *auth.Service, cfg web.Config) string {
	t.Helper()
	cfg.Demo = true
	srv, err := web.New(cfg, db, svc, slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts.URL
}

// browserKeys is a personal-data keyring for one test.
func browserKeys(t *testing.T, name string) *seal.Keyring {
	t.Helper()
	line, _ := seal.NewKeyLine(name)
	keys, err := seal.ParseKeyring(line)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// signIn signs user in with browserPW at the app at base.
func (b *browser) signIn(base, user string) {
	b.t.Helper()
	b.navigate(base + "/signin")
	b.run(chromedp.SendKeys(chromedp.ID("username"), user), chromedp.SendKeys(chromedp.ID("password"), browserPW))
	b.click(`form[action="/signin"] button[type="submit"]`)
}
