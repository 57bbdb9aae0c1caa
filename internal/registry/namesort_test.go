package registry_test

import (
	"context"
	"slices"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// TestListsSortByPinyin: organisations and people listed by name come in
// pinyin order (阿 < 北 < 长 < 张), pages included, both ways; a row written
// without a sort key (before the column, or by raw SQL) takes its place too.
func TestListsSortByPinyin(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		want := []string{"阿尔特汽车技术", "北方重工集团", "长安汽车沈阳分公司", "张氏科技有限公司"}
		for _, n := range []string{want[3], want[1], want[0]} {
			if _, err := registry.Create(ctx, db, registry.Organisation{Name: n, Kind: "enterprise"}); err != nil {
				t.Fatal(err)
			}
		}
		// An older row: no key.
		if _, err := db.ExecContext(ctx, `INSERT INTO organisations (name, kind, created_at, updated_at) VALUES (?, 'enterprise', ?, ?)`, want[2], store.Now(), store.Now()); err != nil {
			t.Fatal(err)
		}
		names := func(sort string, page int) []string {
			p, err := registry.List(ctx, db, 0, registry.Filter{Sort: sort, Page: page, PerPage: 2})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, o := range p.Items {
				out = append(out, o.Name)
			}
			return out
		}
		if got := append(names("name", 1), names("name", 2)...); !slices.Equal(got, want) {
			t.Errorf("by name: %q, want %q", got, want)
		}
		rev := slices.Clone(want)
		slices.Reverse(rev)
		if got := append(names("-name", 1), names("-name", 2)...); !slices.Equal(got, rev) {
			t.Errorf("by name, descending: %q, want %q", got, rev)
		}

		d := deps(t)
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for i, n := range []string{"张伟", "长孙无忌", "北岛", "阿明"} {
				if _, _, err := registry.UpsertPerson(ctx, tx, d.Keys, registry.Person{Name: n, IDNumber: "id-" + string(rune('a'+i))}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		ps, _, _, err := registry.People(ctx, db, d.Keys, 0, registry.PeopleFilter{}, false)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range ps {
			got = append(got, p.Name)
		}
		if w := []string{"阿明", "北岛", "长孙无忌", "张伟"}; !slices.Equal(got, w) {
			t.Errorf("people: %q, want %q", got, w)
		}
	})
}
