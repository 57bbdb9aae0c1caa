package match_test

import (
	"context"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/match"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/search"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// TestPoolsOfTwoNodes: two app nodes keep a pool each over one database; a
// write made through either is in both pools on their next use, because a
// pool reads the audit chain's head on every use (the bound README states).
func TestPoolsOfTwoNodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		seg, err := search.Default()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := registry.Create(ctx, db, registry.Organisation{Name: "沈阳甲节点精密温控有限公司", Kind: "enterprise"}); err != nil {
			t.Fatal(err)
		}
		nodeA, nodeB := match.NewSolvers(db, seg), match.NewSolvers(db, seg)
		size := func(p *match.Pool) int {
			ix, err := p.Index(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return ix.Len()
		}
		a0, b0 := size(nodeA), size(nodeB)
		if a0 != b0 || a0 == 0 {
			t.Fatalf("pools start with %d and %d organisations", a0, b0)
		}
		if _, err := registry.Create(ctx, db, registry.Organisation{Name: "沈阳乙节点热管理科技有限公司", Kind: "enterprise"}); err != nil {
			t.Fatal(err)
		}
		if a, b := size(nodeA), size(nodeB); a != a0+1 || b != b0+1 {
			t.Fatalf("after a write: pools hold %d and %d, want %d", a, b, a0+1)
		}
	})
}
