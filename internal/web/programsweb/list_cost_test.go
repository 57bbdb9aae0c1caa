package programsweb_test

import (
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestJSONListStatements: once a JSON list has been answered, asking it
// again before any write costs the session and the audit generation, not
// the list: no count, no rows, no labels.
func TestJSONListStatements(t *testing.T) {
	const most = 2
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
			t.Fatal(err)
		}
		for i := range 5 {
			if _, err := registry.Create(ctx, db, registry.Organisation{Name: "沈阳研究所" + string(rune('甲'+i)), Kind: "institute"}); err != nil {
				t.Fatal(err)
			}
		}
		c := e.Client()
		c.SignIn("u-manager", webtest.Password)
		for _, path := range []string{"/api/v1/projects?program=talent_service", "/api/v1/organizations?per_page=3", "/api/v1/organizations?sort=-founded"} {
			if resp, body := c.Get(path); resp.StatusCode != 200 { // keeps the answer
				t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
			}
			before := db.Statements()
			if resp, body := c.Get(path); resp.StatusCode != 200 {
				t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
			}
			n := db.Statements() - before
			t.Logf("%s: %d statements", path, n)
			if n > most {
				t.Errorf("%s ran %d statements, more than %d", path, n, most)
			}
		}
	})
}
