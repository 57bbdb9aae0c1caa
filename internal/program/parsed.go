package program

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// parsed keeps templates parsed from their source text, so that a list
// naming each record's stage does not parse YAML on every request. It is
// keyed by the source itself, not the id: a stored version's source never
// changes, and two databases (tests, the bench) may share ids.
var parsed struct {
	sync.Mutex
	m map[string]*Template
}

// parsedCap bounds the cache; past it, it starts again empty.
const parsedCap = 256

// sharedTemplate is LoadTemplate for readers that only read the template:
// the *Template returned is shared and must not be changed.
func sharedTemplate(ctx context.Context, q store.Querier, id int64) (*Template, error) {
	var src string
	err := q.QueryRowContext(ctx, `SELECT source FROM program_templates WHERE id = ?`, id).Scan(&src)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("template %d: %w", id, problem.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load template %d: %w", id, err)
	}
	parsed.Lock()
	t, ok := parsed.m[src]
	parsed.Unlock()
	if ok {
		return t, nil
	}
	if t, err = Parse([]byte(src)); err != nil {
		return nil, err
	}
	parsed.Lock()
	if parsed.m == nil || len(parsed.m) >= parsedCap {
		parsed.m = map[string]*Template{}
	}
	parsed.m[src] = t
	parsed.Unlock()
	return t, nil
}
