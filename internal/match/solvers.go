package match

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/search"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// SolverFields are the text fields of an organisation's profile: its names,
// its description, and what it has done (the technical problems solved in
// its projects and the challenges it won).
var SolverFields = Config{Fields: map[string]float64{"name": 2, "description": 1, "record": 1.5}}

// orgSource is every organisation, as a candidate solver.
type orgSource struct{}

func (orgSource) Config() Config { return SolverFields }

// NewSolvers returns the pool of organisations as solvers.
func NewSolvers(db *store.DB, seg *search.Segmenter) *Pool {
	return NewPool(db, seg, orgSource{})
}

// Touched names the organisations that events touch: directly, through a
// recognition, or through a project (its owner, and for a bid the
// challenge's owner and the bidders).
func (orgSource) Touched(ctx context.Context, db *store.DB, evs []Event) ([]int64, error) {
	by := Of(evs, "organisation", "recognition", "project")
	out := map[int64]bool{}
	for _, id := range by["organisation"] {
		out[id] = true
	}
	// add reads the organisations q names; q holds the id list twice when
	// twice is set.
	add := func(q string, ids []int64, twice bool) error {
		return InBatches(ids, func(list string, args []any) error {
			if twice {
				args = append(args, args...)
			}
			rows, err := db.QueryContext(ctx, fmt.Sprintf(q, list), args...)
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
	if err := add(`SELECT subject_id FROM recognitions WHERE subject = 'organisation' AND id IN (%s)`, by["recognition"], false); err != nil {
		return nil, err
	}
	projs := by["project"]
	if err := add(`SELECT organisation_id FROM projects WHERE id IN (%s)
UNION SELECT c.organisation_id FROM projects b JOIN projects c ON c.id = b.parent_id WHERE b.id IN (%[1]s)`, projs, true); err != nil {
		return nil, err
	}
	if err := add(`SELECT b.organisation_id FROM projects b WHERE b.parent_id IN (%s)`, projs, false); err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(out))
	for id := range out {
		ids = append(ids, id)
	}
	return ids, nil
}

// load reads the profiles of the given organisations (all when ids is nil).
func (orgSource) Load(ctx context.Context, db *store.DB, ids []int64) ([]Doc, error) {
	byID := map[int64]*Doc{}
	var order []int64
	run := func(q string, args []any, scan func(*sql.Rows) error) error {
		rows, err := db.QueryContext(ctx, q, args...)
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
		return InBatches(ids, func(list string, args []any) error {
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
