package registry

import (
	"context"
	"fmt"
	"strings"

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
}

// Page is one page of a list and the total count that matches.
type Page struct {
	Items   []Organisation `json:"items"`
	Total   int            `json:"total"`
	Page    int            `json:"page"`
	PerPage int            `json:"per_page"`
}

var sorts = map[string]string{
	"name": "o.name_key, o.id", "-name": "o.name_key DESC, o.id DESC", // by pinyin: name_key is i18n.SortKey(name)
	"founded": "o.founded, o.id", "-founded": "o.founded DESC, o.id DESC",
	"updated": "o.updated_at, o.id", "-updated": "o.updated_at DESC, o.id DESC",
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

// List returns one page of the organisations f selects within scope.
func List(ctx context.Context, q store.Querier, scope Scope, f Filter) (Page, error) {
	p := Page{Page: max(f.Page, 1), PerPage: f.PerPage}
	if p.PerPage <= 0 {
		p.PerPage = 50
	}
	p.PerPage = min(p.PerPage, 1000)
	w, args := f.where(scope)
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM organisations o WHERE `+w, args...).Scan(&p.Total); err != nil {
		return p, fmt.Errorf("count organisations: %w", err)
	}
	order, ok := sorts[f.Sort]
	if !ok {
		order = sorts["name"]
	}
	if f.Sort == "" || f.Sort == "name" || f.Sort == "-name" || !ok {
		if err := fillNameKeys(ctx, q, "organisations"); err != nil {
			return p, err
		}
	}
	rows, err := q.QueryContext(ctx, fmt.Sprintf(`SELECT `+orgColumns+` FROM organisations o WHERE %s ORDER BY %s LIMIT %d OFFSET %d`,
		w, order, p.PerPage, (p.Page-1)*p.PerPage), args...)
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
	ptrs := make([]*Organisation, len(p.Items))
	for i := range p.Items {
		ptrs[i] = &p.Items[i]
	}
	return p, loadLabels(ctx, q, ptrs)
}

// Each calls fn for every organisation f selects within scope, in pages, for
// exports; it stops at the first error fn returns.
func Each(ctx context.Context, q store.Querier, scope Scope, f Filter, fn func(Organisation) error) error {
	f.PerPage = 1000
	for f.Page = 1; ; f.Page++ {
		p, err := List(ctx, q, scope, f)
		if err != nil {
			return err
		}
		for _, o := range p.Items {
			if err := fn(o); err != nil {
				return err
			}
		}
		if f.Page*f.PerPage >= p.Total {
			return nil
		}
	}
}
