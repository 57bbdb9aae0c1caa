package web

import (
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// The table holds every area's routes with the permission each declares,
// and a pattern declared by two packages stops the server from starting.
func TestAssembleAreas(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	s, err := New(Config{}, db, auth.New(db, auth.DefaultConfig()), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	perms := map[string]access.Permission{}
	for _, rt := range s.Routes() {
		perms[rt.Method+" "+rt.Pattern] = rt.Perm
	}
	for key, want := range map[string]access.Permission{"GET /compute": access.ProgramView, "POST /finance/products": access.ProductPublish,
		"GET /admin/audit/export": access.AuditExport, "GET /chains/{id}": access.RegistryView, "GET /healthz": access.Public} {
		if perms[key] != want {
			t.Errorf("%s: permission %q, want %q", key, perms[key], want)
		}
	}
	twice := func(*site.Site) ([]site.Route, error) {
		return []site.Route{{Method: "GET", Pattern: "/compute", Perm: access.Public, H: func(http.ResponseWriter, *http.Request) error { return nil }}}, nil
	}
	if _, err := s.assemble(append(slices.Clone(areaPackages), twice)); err == nil || !strings.Contains(err.Error(), "GET /compute declared twice") {
		t.Fatalf("a route declared twice: %v", err)
	}
}
