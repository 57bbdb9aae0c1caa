package audit

import (
	"context"
	"fmt"
	"sync"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Generation is the number of audit events written so far. Every write is
// audited in its own transaction, so the generation changes whenever any
// record does: caches of derived figures key on it. Within a context from
// ReadOnly it is read once and then remembered.
func Generation(ctx context.Context, q store.Querier) (int64, error) {
	m, _ := ctx.Value(readOnlyKey{}).(*generationMemo)
	if m != nil {
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.read {
			return m.n, nil
		}
	}
	var n int64
	if err := q.QueryRowContext(ctx, `SELECT last_id FROM audit_head WHERE id = 1`).Scan(&n); err != nil {
		return 0, fmt.Errorf("audit generation: %w", err)
	}
	if m != nil {
		m.n, m.read = n, true
	}
	return n, nil
}

// ReadOnly is ctx for work that writes nothing — a page that only reads,
// such as the cockpit: the generation is read once in it, not once per
// cached figure. The work sees the records as of that reading, as if it had
// run in one instant; a write made under it would not move the generation
// it sees, so nothing that writes may run with it.
func ReadOnly(ctx context.Context) context.Context {
	return context.WithValue(ctx, readOnlyKey{}, &generationMemo{})
}

// ReadOnlyAt is ReadOnly with the generation read already (with the
// session: auth.Session.Generation), so reading it costs no query.
func ReadOnlyAt(ctx context.Context, gen int64) context.Context {
	return context.WithValue(ctx, readOnlyKey{}, &generationMemo{read: true, n: gen})
}

type readOnlyKey struct{}

// generationMemo is the generation a ReadOnly context read.
type generationMemo struct {
	mu   sync.Mutex
	read bool
	n    int64
}
