package web_test

import (
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestCockpitStatements: once its figures are cached, a signed-in
// cockpit page costs a handful of statements, not one per figure or per
// proposal — session, figures, organisations and the overdue proposals
// included (issue 21). A count is no timing: it fails when a change adds
// a query per row or per figure.
func TestCockpitStatements(t *testing.T) {
	const most = 8
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
