package metric

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Cache keeps evaluated figures until the records change. Every write
// appends to the audit chain in its own transaction, so the chain's length
// (the generation) moves whenever a figure can; a figure is served from the
// cache only while the generation it was computed at is current, so a
// cached figure always equals a fresh evaluation.
type Cache struct {
	generation func(context.Context, store.Querier) (int64, error)
	mu         sync.Mutex
	gen        int64
	m          map[string]Result
}

// cacheMax bounds the entries kept for one generation.
const cacheMax = 20000

// NewCache makes a cache that reads the generation with gen
// (audit.Generation).
func NewCache(gen func(context.Context, store.Querier) (int64, error)) *Cache {
	return &Cache{generation: gen, m: map[string]Result{}}
}

// Eval is Eval through the cache. Figures asked with their records are
// evaluated afresh; a figure as of "today" (no date) is cached as of the
// day in China it is evaluated on, which is what Eval takes it to mean.
func (c *Cache) Eval(ctx context.Context, q store.Querier, s *Set, id string, p Params) (Result, error) {
	if c == nil || p.Records {
		return Eval(ctx, q, s, id, p)
	}
	if p.AsOf.IsZero() {
		p.AsOf = day(store.Now())
	}
	gen, err := c.generation(ctx, q)
	if err != nil {
		return Result{}, err
	}
	if gen == 0 { // nothing audited yet: nothing to key on
		return Eval(ctx, q, s, id, p)
	}
	key := fmt.Sprint(id, "|", p.AsOf.Unix(), "|", p.From.Unix(), "|", p.By, "|", strings.Join(p.District, ","), "|", p.Full)
	c.mu.Lock()
	if gen > c.gen {
		c.gen, c.m = gen, map[string]Result{}
	}
	r, ok := c.m[key]
	ok = ok && gen == c.gen // a reader that saw an older generation (a long read-only request) evaluates afresh
	c.mu.Unlock()
	if ok {
		return r, nil
	}
	r, err = Eval(ctx, q, s, id, p)
	if err != nil {
		return r, err
	}
	c.mu.Lock()
	if c.gen == gen {
		if len(c.m) >= cacheMax {
			c.m = map[string]Result{}
		}
		c.m[key] = r
	}
	c.mu.Unlock()
	return r, nil
}
