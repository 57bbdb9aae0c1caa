package match

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/xinzhi-platform/xinzhi/internal/search"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Source is where a pool's documents come from: organisations, financial
// products, solutions, compute centres.
type Source interface {
	// Config gives the index's text fields and their weights.
	Config() Config
	// Load reads the documents with these IDs (all of them when ids is
	// nil); an ID not returned is deleted from the index.
	Load(ctx context.Context, db *store.DB, ids []int64) ([]Doc, error)
	// Touched names the documents that audit events may have changed.
	Touched(ctx context.Context, db *store.DB, events []Event) ([]int64, error)
}

// Event is one audited write: its entity and the entity's ID.
type Event struct {
	Entity string
	ID     int64
}

// Pool keeps an index of a source current with the database. It follows
// the audit chain: every write is audited, so the events after the last one
// seen name every document that may have changed, and only those are read
// again.
type Pool struct {
	db  *store.DB
	seg *search.Segmenter
	src Source

	mu   sync.Mutex
	ix   *Index
	seen int64 // the last audit event read
}

// NewPool returns a pool; the index is built on first use.
func NewPool(db *store.DB, seg *search.Segmenter, src Source) *Pool {
	return &Pool{db: db, seg: seg, src: src}
}

// rebuildAfter is how many changed documents make a full reload cheaper
// than reading them one batch at a time.
const rebuildAfter = 50000

// Index returns the index, brought up to date with the audit chain.
func (p *Pool) Index(ctx context.Context) (*Index, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var last int64
	if err := p.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM audit_events`).Scan(&last); err != nil {
		return nil, fmt.Errorf("match: audit head: %w", err)
	}
	if p.ix != nil && last == p.seen {
		return p.ix, nil
	}
	var changed []int64
	full := p.ix == nil
	if !full {
		evs, err := p.events(ctx, p.seen, last)
		if err != nil {
			return nil, err
		}
		if len(evs) > rebuildAfter {
			full = true
		} else if changed, err = p.src.Touched(ctx, p.db, evs); err != nil {
			return nil, err
		}
	}
	if full || len(changed) > rebuildAfter {
		ix, err := New(p.seg, p.src.Config())
		if err != nil {
			return nil, err
		}
		docs, err := p.src.Load(ctx, p.db, nil)
		if err != nil {
			return nil, err
		}
		if err := ix.PutAll(docs); err != nil {
			return nil, err
		}
		p.ix, p.seen = ix, last
		return ix, nil
	}
	if len(changed) > 0 {
		docs, err := p.src.Load(ctx, p.db, changed)
		if err != nil {
			return nil, err
		}
		found := map[int64]bool{}
		for _, d := range docs {
			found[d.ID] = true
		}
		if err := p.ix.PutAll(docs); err != nil {
			return nil, err
		}
		for _, id := range changed {
			if !found[id] {
				p.ix.Delete(id) // deleted, merged away or withdrawn
			}
		}
	}
	p.seen = last
	return p.ix, nil
}

// events reads the successful audit events in (after, upto].
func (p *Pool) events(ctx context.Context, after, upto int64) ([]Event, error) {
	rows, err := p.db.QueryContext(ctx, `SELECT entity, entity_id FROM audit_events WHERE id > ? AND id <= ? AND outcome = 'ok'`, after, upto)
	if err != nil {
		return nil, fmt.Errorf("match: read audit: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var entity, eid string
		if err := rows.Scan(&entity, &eid); err != nil {
			return nil, err
		}
		if id, err := strconv.ParseInt(eid, 10, 64); err == nil {
			out = append(out, Event{entity, id})
		}
	}
	return out, rows.Err()
}

// Of picks the events of these entities' IDs.
func Of(evs []Event, entities ...string) map[string][]int64 {
	out := map[string][]int64{}
	for _, e := range evs {
		for _, want := range entities {
			if e.Entity == want {
				out[want] = append(out[want], e.ID)
			}
		}
	}
	return out
}

// InBatches calls fn with placeholders and arguments for ids, 500 at a
// time.
func InBatches(ids []int64, fn func(list string, args []any) error) error {
	for lo := 0; lo < len(ids); lo += 500 {
		part := ids[lo:min(len(ids), lo+500)]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		if err := fn(strings.TrimSuffix(strings.Repeat("?,", len(part)), ","), args); err != nil {
			return err
		}
	}
	return nil
}
