package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestCockpitStatements: once it has been rendered, a signed-in cockpit
// page costs two statements — the session with its user, roles and the
// audit generation its kept content is keyed on; the unread notices — not
// one per figure or per proposal (issue 21: 31 before). A count is no
// timing: it fails when a change adds a query per row or per figure.
func TestCockpitStatements(t *testing.T) {
	const most = 2
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
			t.Fatal(err)
		}
		c := e.client()
		c.signIn("u-manager", pw)
		for _, path := range []string{"/cockpit", "/cockpit/areas/2"} {
			if resp, _ := c.get(path); resp.StatusCode != 200 { // fills the caches
				t.Fatalf("%s: %d", path, resp.StatusCode)
			}
			before := db.Statements()
			if resp, _ := c.get(path); resp.StatusCode != 200 {
				t.Fatalf("%s: %d", path, resp.StatusCode)
			}
			n := db.Statements() - before
			t.Logf("%s: %d statements", path, n)
			if n > most {
				t.Errorf("%s ran %d statements, more than %d", path, n, most)
			}
		}
	})
}

// firstKPI is the cockpit's first key figure: the organisations.
var firstKPI = regexp.MustCompile(`<p class="kpi-value">([^<]*)</p>`)

// TestCockpitKeptUntilWrite: the cockpit's kept content is the page
// rendered afresh, in the reader's language, and a write (audited) shows
// at once.
func TestCockpitKeptUntilWrite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		c := e.client()
		c.signIn("u-manager", pw)
		v := e.client()
		v.signIn("u-viewer", pw) // signed in before the pages are kept: a sign-in is a write
		_, first := c.get("/cockpit")
		_, again := c.get("/cockpit")
		if first != again {
			t.Fatal("the kept cockpit differs from the one rendered afresh")
		}
		before := firstKPI.FindStringSubmatch(again)
		if before == nil {
			t.Fatal("no key figure on the cockpit")
		}
		if _, err := registry.Create(ctx, db, registry.Organisation{Name: "沈阳新建研究院", Kind: "enterprise"}); err != nil {
			t.Fatal(err)
		}
		_, after := c.get("/cockpit")
		if m := firstKPI.FindStringSubmatch(after); m == nil || m[1] == before[1] {
			t.Fatalf("organisations before a new one %s, after %v", before[1], m)
		}
		if _, zh := c.get("/cockpit"); zh != after {
			t.Fatal("the cockpit changed without a write")
		}
		if _, other := v.get("/cockpit"); !strings.Contains(other, "u-viewer") || strings.Contains(other, "u-manager") || strings.Contains(other, c.CSRF) {
			t.Fatal("another reader was given the first reader's page")
		}
		if _, area := c.get("/cockpit/areas/2"); !strings.Contains(area, "u-manager") || area == after {
			t.Fatal("a section's page was given another page")
		}
		c.post("/lang", url.Values{"lang": {"en"}, "back": {"/cockpit"}})
		if _, en := c.get("/cockpit"); !strings.Contains(en, "Registered organisations") || strings.Contains(en, "登记单位") {
			t.Fatal("the English reader was given the Chinese cockpit")
		}
	})
}
