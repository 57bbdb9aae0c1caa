package registryweb_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
)

// TestOrganisationsAPIKeyset walks /api/v1/organizations with after= (the
// next of each page): every organisation once, in the order of page=1 of
// the whole list, for both sorts the registry page offers most; a bad
// cursor is a 422 that changes nothing. Every answer is checked against
// the OpenAPI document by the harness.
func TestOrganisationsAPIKeyset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		for i := range 8 {
			if _, err := registry.Create(ctx, db, registry.Organisation{Name: fmt.Sprintf("沈阳%d号研究所", i%3), Kind: "institute", Founded: fmt.Sprintf("201%d-06-01", i%2)}); err != nil {
				t.Fatal(err)
			}
		}
		m := e.Client()
		m.SignIn("u-manager", webtest.Password)
		type page struct {
			Items []struct{ ID int64 }
			Total int
			Next  int64
		}
		get := func(path string) page {
			resp, body := m.Get(path)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
			}
			var p page
			if err := json.Unmarshal([]byte(body), &p); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			return p
		}
		for _, sort := range []string{"name", "-founded"} {
			whole := get("/api/v1/organizations?per_page=1000&sort=" + sort)
			var want []int64
			for _, o := range whole.Items {
				want = append(want, o.ID)
			}
			if len(want) < 8 || whole.Next != 0 {
				t.Fatalf("sort %s: whole list %v, next %d", sort, want, whole.Next)
			}
			var got []int64
			path := "/api/v1/organizations?per_page=3&sort=" + sort
			for p := get(path); ; p = get(fmt.Sprintf("%s&after=%d", path, p.Next)) {
				for _, o := range p.Items {
					got = append(got, o.ID)
				}
				if p.Next == 0 || len(got) > len(want) {
					break
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("sort %s: walked %v, want %v", sort, got, want)
			}
		}
		if resp, body := m.Get("/api/v1/organizations?after=999999"); resp.StatusCode != 422 {
			t.Errorf("a cursor naming no organisation: %d %s", resp.StatusCode, body)
		}
	})
}
