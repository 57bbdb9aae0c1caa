package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Filter narrows a list of organisations. Zero values do not filter.
type Filter struct {
	Kind        string
	District    string
	Cluster     string // cluster name
	Tag         string // tag name
	Recognition string // recognition kind key: organisations holding one not revoked
	Figure      string // figure kind key, with Year and MinValue
	Year        int
	MinValue    *float64
	Terms       []string // search terms (from a Segmenter's QueryTerms): all must match
	Sort        string   // name (default), -name, founded, -founded, updated, -updated
	Page        int      // 1-based
	PerPage     int      // default 50, at most 1000
	// After, when not 0, is the id of the last organisation of the
	// previous page: the page starts after it in the sort order (keyset
	// pagination, no OFFSET), and Page is ignored.
	After int64
	// NoCount leaves Total at 0 (exports walk with After and need none).
	NoCount bool
}

// CountCap is how many organisations past the page's start a list counts
// at most: a list never counts a whole table per request. Past it, Total
// stops at the cap and TotalCapped says there are more.
const CountCap = 10000

// Page is one page of a list and the count of what matches, capped.
type Page struct {
	Items []Organisation `json:"items"`
	// Total counts the organisations that match, but no more than
	// CountCap past the start of the page; TotalCapped then says more
	// match than Total.
	Total       int  `json:"total"`
	TotalCapped bool `json:"total_capped,omitempty"`
	Page        int  `json:"page"`
	PerPage     int  `json:"per_page"`
	// Next is the After of the following page, 0 on the last page.
	Next int64 `json:"next,omitempty"`
}

// sortKeys maps a sort to its key column and direction; every order ends
// with o.id so that a keyset cursor is total.
var sortKeys = map[string]struct {
	col  string
	desc bool
}{
	"name": {"o.name_key", false}, "-name": {"o.name_key", true}, // by pinyin: name_key is i18n.SortKey(name)
	"founded": {"o.founded", false}, "-founded": {"o.founded", true},
	"updated": {"o.updated_at", false}, "-updated": {"o.updated_at", true},
}

// where builds the WHERE clause of f within scope.
func (f Filter) where(scope Scope) (string, []any) {
	w, args := scope.where("o.id")
	conds := []string{w}
	add := func(c string, a ...any) { conds = append(conds, c); args = append(args, a...) }
	if f.Kind != "" {
		add("o.kind = ?", f.Kind)
	}
	if f.District != "" {
		add("o.district = ?", f.District)
	}
	if f.Cluster != "" {
		add("o.id IN (SELECT oc.organisation_id FROM organisation_clusters oc JOIN clusters c ON c.id = oc.cluster_id WHERE c.name = ?)", f.Cluster)
	}
	if f.Tag != "" {
		add("o.id IN (SELECT ot.organisation_id FROM organisation_tags ot JOIN tags t ON t.id = ot.tag_id WHERE t.name = ?)", f.Tag)
	}
	if f.Recognition != "" {
		add("o.id IN (SELECT r.subject_id FROM recognitions r WHERE r.subject = 'organisation' AND r.kind = ? AND r.revoked = '')", f.Recognition)
	}
	if f.Figure != "" && f.Year > 0 {
		c := "o.id IN (SELECT f.organisation_id FROM organisation_figures f WHERE f.kind = ? AND f.year = ?"
		a := []any{f.Figure, f.Year}
		if f.MinValue != nil {
			c += " AND f.value >= ?"
			a = append(a, *f.MinValue)
		}
		add(c+")", a...)
	}
	if len(f.Terms) > 0 {
		terms := make([]any, len(f.Terms))
		for i, t := range f.Terms {
			terms[i] = t
		}
		add(fmt.Sprintf("o.id IN (SELECT t.organisation_id FROM organisation_terms t WHERE t.term IN (%s) GROUP BY t.organisation_id HAVING count(DISTINCT t.term) = %d)",
			placeholders(len(terms)), len(terms)), terms...)
	}
	return strings.Join(conds, " AND "), args
}

// List returns one page of the organisations f selects within scope. It
// counts at most CountCap organisations past the page's start, and with
// f.After reads the page by keyset instead of OFFSET.
func List(ctx context.Context, q store.Querier, scope Scope, f Filter) (Page, error) {
	p := Page{Page: max(f.Page, 1), PerPage: f.PerPage}
	if p.PerPage <= 0 {
		p.PerPage = 50
	}
	p.PerPage = min(p.PerPage, 1000)
	w, args := f.where(scope)
	key, ok := sortKeys[f.Sort]
	if !ok {
		key = sortKeys["name"]
	}
	if key.col == "o.name_key" {
		if err := fillNameKeys(ctx, q, "organisations"); err != nil {
			return p, err
		}
	}
	offset := (p.Page - 1) * p.PerPage
	if f.After != 0 {
		p.Page, offset = 0, 0
	}
	if !f.NoCount {
		// Count what matches from the page's start up to the cap: the
		// count stops there instead of scanning the whole table.
		cw, cargs := w, args
		if f.After != 0 {
			var err error
			if cw, cargs, err = keyset(ctx, q, scope, key.col, key.desc, f.After, w, args); err != nil {
				return p, err
			}
		}
		var n int
		if err := q.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) FROM (SELECT 1 FROM organisations o WHERE %s LIMIT %d) c`,
			cw, offset+CountCap+1), cargs...).Scan(&n); err != nil {
			return p, fmt.Errorf("count organisations: %w", err)
		}
		p.Total, p.TotalCapped = min(n, offset+CountCap), n > offset+CountCap
	}
	if f.After != 0 {
		var err error
		if w, args, err = keyset(ctx, q, scope, key.col, key.desc, f.After, w, args); err != nil {
			return p, err
		}
	}
	dir := ""
	if key.desc {
		dir = " DESC"
	}
	// One row more than the page says whether there is a next page.
	rows, err := q.QueryContext(ctx, fmt.Sprintf(`SELECT `+orgColumns+` FROM organisations o WHERE %s ORDER BY %s%s, o.id%s LIMIT %d OFFSET %d`,
		w, key.col, dir, dir, p.PerPage+1, offset), args...)
	if err != nil {
		return p, fmt.Errorf("list organisations: %w", err)
	}
	defer rows.Close()
	p.Items = []Organisation{}
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return p, fmt.Errorf("scan organisation: %w", err)
		}
		p.Items = append(p.Items, o)
	}
	if err := rows.Err(); err != nil {
		return p, err
	}
	if len(p.Items) > p.PerPage {
		p.Items = p.Items[:p.PerPage]
		p.Next = p.Items[p.PerPage-1].ID
	}
	ptrs := make([]*Organisation, len(p.Items))
	for i := range p.Items {
		ptrs[i] = &p.Items[i]
	}
	return p, loadLabels(ctx, q, ptrs)
}

// keyset adds to w the condition "after the organisation after in the
// order col (desc), o.id", reading after's key within scope; an id the
// caller may not see is a bad cursor.
func keyset(ctx context.Context, q store.Querier, scope Scope, col string, desc bool, after int64, w string, args []any) (string, []any, error) {
	sw, sargs := scope.where("o.id")
	var k any
	err := q.QueryRowContext(ctx, `SELECT `+col+` FROM organisations o WHERE o.id = ? AND `+sw, append([]any{after}, sargs...)...).Scan(&k)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && k == nil) {
		return "", nil, problem.Invalid("after", "registry.bad_cursor")
	}
	if err != nil {
		return "", nil, fmt.Errorf("read the cursor's organisation: %w", err)
	}
	op := ">"
	if desc {
		op = "<"
	}
	cond := fmt.Sprintf("(%[1]s %[2]s ? OR (%[1]s = ? AND o.id %[2]s ?))", col, op)
	return w + " AND " + cond, append(append([]any{}, args...), k, k, after), nil
}

// Each calls fn for every organisation f selects within scope, a page at a
// time by keyset, for exports; it stops at the first error fn returns.
func Each(ctx context.Context, q store.Querier, scope Scope, f Filter, fn func(Organisation) error) error {
	f.PerPage, f.NoCount, f.After = 1000, true, 0
	for {
		p, err := List(ctx, q, scope, f)
		if err != nil {
			return err
		}
		for _, o := range p.Items {
			if err := fn(o); err != nil {
				return err
			}
		}
		if p.Next == 0 {
			return nil
		}
		f.After = p.Next
	}
}
