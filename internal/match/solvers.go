package match

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/xinzhi-platform/xinzhi/internal/search"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// SolverFields are the text fields of an organisation's profile: its names,
// its description, and what it has done (the technical problems solved in
// its projects and the challenges it won).
var SolverFields = Config{Fields: map[string]float64{"name": 2, "description": 1, "record": 1.5}}

// Solvers keeps an index of every organisation current with the database.
// It follows the audit chain: every write is audited, so the events after
// the last one seen name every organisation whose profile may have changed
// (directly, or through a recognition or a project's outcome), and only those
// are read again.
type Solvers struct {
	db  *store.DB
	seg *search.Segmenter

	mu   sync.Mutex
	ix   *Index
	seen int64 // the last audit event read
}

// NewSolvers returns a pool; the index is built on first use.
func NewSolvers(db *store.DB, seg *search.Segmenter) *Solvers {
	return &Solvers{db: db, seg: seg}
}

// rebuildAfter is how many changed organisations make a full reload cheaper
// than reading them one batch at a time.
const rebuildAfter = 50000

// Index returns the index, brought up to date with the audit chain.
func (p *Solvers) Index(ctx context.Context) (*Index, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var last int64
	if err := p.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM audit_events`).Scan(&last); err != nil {
		return nil, fmt.Errorf("match: audit head: %w", err)
	}
	if p.ix != nil && last == p.seen {
		return p.ix, nil
	}
	var changed map[int64]bool
	if p.ix != nil {
		var err error
		changed, err = p.changedSince(ctx, p.seen, last)
		if err != nil {
			return nil, err
		}
	}
	if p.ix == nil || len(changed) > rebuildAfter {
		ix, err := New(p.seg, SolverFields)
		if err != nil {
			return nil, err
		}
		docs, err := p.load(ctx, nil)
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
		ids := make([]int64, 0, len(changed))
		for id := range changed {
			ids = append(ids, id)
		}
		docs, err := p.load(ctx, ids)
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
		for _, id := range ids {
			if !found[id] {
				p.ix.Delete(id) // deleted or merged away
			}
		}
	}
	p.seen = last
	return p.ix, nil
}

// changedSince names the organisations that audit events (after, upto]
// touch.
func (p *Solvers) changedSince(ctx context.Context, after, upto int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	rows, err := p.db.QueryContext(ctx, `
SELECT e.entity, e.entity_id FROM audit_events e
WHERE e.id > ? AND e.id <= ? AND e.outcome = 'ok' AND e.entity IN ('organisation', 'recognition', 'project')`, after, upto)
	if err != nil {
		return nil, fmt.Errorf("match: read audit: %w", err)
	}
	var recs, projs []int64
	for rows.Next() {
		var entity, eid string
		if err := rows.Scan(&entity, &eid); err != nil {
			rows.Close()
			return nil, err
		}
		id, err := strconv.ParseInt(eid, 10, 64)
		if err != nil {
			continue // an event about many records, or none
		}
		switch entity {
		case "organisation":
			out[id] = true
		case "recognition":
			recs = append(recs, id)
		case "project":
			projs = append(projs, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out)+len(recs)+len(projs) > rebuildAfter {
		for i := range rebuildAfter + 1 {
			out[-int64(i)-1] = true // more than worth reading one by one
		}
		return out, nil
	}
	// add reads the organisations q names; q holds the id list twice when
	// twice is set.
	add := func(q string, ids []int64, twice bool) error {
		return inBatches(ids, func(list string, args []any) error {
			if twice {
				args = append(args, args...)
			}
			rows, err := p.db.QueryContext(ctx, fmt.Sprintf(q, list), args...)
			if err != nil {
				return fmt.Errorf("match: organisations behind changes: %w", err)
			}
			defer rows.Close()
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					return err
				}
				out[id] = true
			}
			return rows.Err()
		})
	}
	if err := add(`SELECT subject_id FROM recognitions WHERE subject = 'organisation' AND id IN (%s)`, recs, false); err != nil {
		return nil, err
	}
	// A project's owner, and for a bid the challenge's owner too.
	if err := add(`SELECT organisation_id FROM projects WHERE id IN (%s)
UNION SELECT c.organisation_id FROM projects b JOIN projects c ON c.id = b.parent_id WHERE b.id IN (%[1]s)`, projs, true); err != nil {
		return nil, err
	}
	if err := add(`SELECT b.organisation_id FROM projects b WHERE b.parent_id IN (%s)`, projs, false); err != nil {
		return nil, err
	}
	return out, nil
}

// inBatches calls fn with placeholders and arguments for ids, 500 at a time.
func inBatches(ids []int64, fn func(list string, args []any) error) error {
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

// load reads the profiles of the given organisations (all when ids is nil).
func (p *Solvers) load(ctx context.Context, ids []int64) ([]Doc, error) {
	byID := map[int64]*Doc{}
	var order []int64
	run := func(q string, args []any, scan func(*sql.Rows) error) error {
		rows, err := p.db.QueryContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("match: load profiles: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return fmt.Errorf("match: load profiles: %w", err)
			}
		}
		return rows.Err()
	}
	// each runs q, whose WHERE holds one %s, for the organisations in
	// column col: all of them, or ids 500 at a time.
	each := func(q, col string, scan func(*sql.Rows) error) error {
		if ids == nil {
			return run(strings.Replace(q, "%s", "1 = 1", 1), nil, scan)
		}
		return inBatches(ids, func(list string, args []any) error {
			return run(strings.Replace(q, "%s", col+" IN ("+list+")", 1), args, scan)
		})
	}
	orgs := `SELECT id, name, former_names, description, kind, district, size FROM organisations WHERE %s`
	if err := each(orgs, "id", func(r *sql.Rows) error {
		var d Doc
		var name, former, desc, kind, district, size string
		if err := r.Scan(&d.ID, &name, &former, &desc, &kind, &district, &size); err != nil {
			return err
		}
		d.Text = map[string]string{"name": strings.TrimSpace(name + " " + former), "description": desc}
		d.Attrs = map[string][]string{"kind": {kind}}
		if district != "" {
			d.Attrs["district"] = []string{district}
		}
		if size != "" {
			d.Attrs["size"] = []string{size}
		}
		d.Nums = map[string]float64{"problems_solved": 0, "recognitions": 0, "challenges_won": 0}
		byID[d.ID] = &d
		order = append(order, d.ID)
		return nil
	}); err != nil {
		return nil, err
	}
	attr := func(q, col, name string) error {
		return each(q, col, func(r *sql.Rows) error {
			var id int64
			var v string
			if err := r.Scan(&id, &v); err != nil {
				return err
			}
			if d := byID[id]; d != nil {
				d.Attrs[name] = append(d.Attrs[name], v)
			}
			return nil
		})
	}
	if err := attr(`SELECT oc.organisation_id, c.name FROM organisation_clusters oc JOIN clusters c ON c.id = oc.cluster_id WHERE %s`, "oc.organisation_id", "cluster"); err != nil {
		return nil, err
	}
	if err := attr(`SELECT ot.organisation_id, t.name FROM organisation_tags ot JOIN tags t ON t.id = ot.tag_id WHERE %s`, "ot.organisation_id", "tag"); err != nil {
		return nil, err
	}
	if err := attr(`SELECT DISTINCT subject_id, kind FROM recognitions WHERE subject = 'organisation' AND revoked = '' AND %s`, "subject_id", "recognition"); err != nil {
		return nil, err
	}
	for _, d := range byID {
		d.Nums["recognitions"] = float64(len(d.Attrs["recognition"]))
	}
	// What each has done: problems solved in its own projects, and in the
	// challenges whose bid it won (the challenge record is the owner's).
	record := map[int64]*strings.Builder{}
	done := func(q, col, num string) error {
		return each(q, col, func(r *sql.Rows) error {
			var id int64
			var title string
			if err := r.Scan(&id, &title); err != nil {
				return err
			}
			d := byID[id]
			if d == nil {
				return nil
			}
			d.Nums[num]++
			b := record[id]
			if b == nil {
				b = &strings.Builder{}
				record[id] = b
			}
			if b.Len() < 4000 {
				b.WriteString(title)
				b.WriteString("；")
			}
			return nil
		})
	}
	if err := done(`SELECT p.organisation_id, o.title FROM project_outcomes o JOIN projects p ON p.id = o.project_id
WHERE o.kind = 'problem' AND o.status = 'solved' AND p.child_kind <> 'bids' AND %s`, "p.organisation_id", "problems_solved"); err != nil {
		return nil, err
	}
	if err := done(`SELECT b.organisation_id, c.title FROM projects b JOIN projects c ON c.id = b.parent_id
WHERE b.child_kind = 'bids' AND b.stage IN ('selected', 'contracted') AND %s`, "b.organisation_id", "challenges_won"); err != nil {
		return nil, err
	}
	out := make([]Doc, 0, len(order))
	for _, id := range order {
		d := byID[id]
		if b := record[id]; b != nil {
			d.Text["record"] = b.String()
		}
		out = append(out, *d)
	}
	return out, nil
}
