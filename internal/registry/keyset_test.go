package registry_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// TestListKeyset: walking a list with After, page after page, gives every
// organisation exactly once and in the order of the whole list, for every
// sort, ties in the sort key (same names, same founding dates, one empty)
// included; Next is 0 only on the last page; Total counts from the page's
// start; a cursor outside the caller's scope is refused.
func TestListKeyset(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var firstID int64
		for i := range 23 {
			o := registry.Organisation{Name: fmt.Sprintf("沈阳%d科技", i%7), Kind: "enterprise"}
			if i%4 != 0 {
				o.Founded = fmt.Sprintf("20%02d-01-01", 10+i%5)
			}
			c, err := registry.Create(ctx, db, o)
			if err != nil {
				t.Fatal(err)
			}
			if firstID == 0 {
				firstID = c.ID
			}
		}
		ids := func(p registry.Page) []int64 {
			var out []int64
			for _, o := range p.Items {
				out = append(out, o.ID)
			}
			return out
		}
		for _, sort := range []string{"", "name", "-name", "founded", "-founded", "updated", "-updated"} {
			whole, err := registry.List(ctx, db, 0, registry.Filter{Sort: sort, PerPage: 1000})
			if err != nil {
				t.Fatal(err)
			}
			if len(whole.Items) != 23 || whole.Total != 23 || whole.TotalCapped || whole.Next != 0 {
				t.Fatalf("sort %q: whole list of %d, total %d, capped %v, next %d; want 23, 23, false, 0", sort, len(whole.Items), whole.Total, whole.TotalCapped, whole.Next)
			}
			var got []int64
			f := registry.Filter{Sort: sort, PerPage: 5}
			for pages := 0; ; pages++ {
				if pages > 10 {
					t.Fatalf("sort %q: the walk does not end: %v", sort, got)
				}
				p, err := registry.List(ctx, db, 0, f)
				if err != nil {
					t.Fatal(err)
				}
				if want := 23 - len(got); p.Total != want {
					t.Errorf("sort %q after %d: total %d, want %d (counted from the page's start)", sort, f.After, p.Total, want)
				}
				got = append(got, ids(p)...)
				if p.Next == 0 {
					break
				}
				if p.Next != p.Items[len(p.Items)-1].ID {
					t.Fatalf("sort %q: next %d is not the page's last id %d", sort, p.Next, p.Items[len(p.Items)-1].ID)
				}
				f.After = p.Next
			}
			if want := ids(whole); !slices.Equal(got, want) {
				t.Errorf("sort %q: walked %v, want %v", sort, got, want)
			}
		}
		// Each walks by keyset too.
		var each []int64
		if err := registry.Each(ctx, db, 0, registry.Filter{}, func(o registry.Organisation) error { each = append(each, o.ID); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(each) != 23 {
			t.Errorf("Each gave %d organisations, want 23", len(each))
		}
		// A cursor outside the scope (another organisation's user) is bad input.
		other := registry.Scope(firstID + 1)
		_, err := registry.List(ctx, db, other, registry.Filter{After: firstID})
		var pe *problem.Error
		if !errors.As(err, &pe) || !errors.Is(err, problem.ErrInvalid) || pe.Field != "after" {
			t.Errorf("a cursor outside the scope: %v, want an invalid after", err)
		}
	})
}
