package adminweb_test

import (
	"slices"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
)

// TestAuditExportKeepsTheFilter: the audit log's export link gives the
// events the filtered page lists, newest first.
func TestAuditExportKeepsTheFilter(t *testing.T) {
	e := webtest.New(t, storetest.Open(t, store.SQLite), false)
	c := e.Client()
	c.SignIn("u-auditor", webtest.Password)
	m := e.Client()
	m.SignIn("u-manager", webtest.Password)
	_, body := c.Get("/admin/audit?entity=user&action=sign_in")
	shown := webtest.TableColumn(t, body, "audit-log", 0)
	if len(shown) == 0 {
		t.Fatal("the filtered log is empty")
	}
	href := webtest.HrefOf(t, body, `/admin/audit/export[^"]*`)
	resp, data := c.Get(href)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d", href, resp.StatusCode)
	}
	if got := webtest.SheetColumn(t, []byte(data), "x.csv", "", 0); !slices.Equal(got, shown) {
		t.Errorf("%s gives events %q, the page shows %q", href, got, shown)
	}
}
