// Package registry owns the records of who is in the city: organisations
// with their tags, clusters and yearly figures, people (personal data sealed
// at rest), universities' disciplines and majors, chains, and recognitions.
// It validates what comes in (by hand, from a spreadsheet or the API) and
// keeps the Chinese full-text index of organisations current.
package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Organisation is one organisation's profile.
type Organisation struct {
	ID          int64     `json:"id"`
	CreditCode  string    `json:"credit_code,omitempty"`
	Name        string    `json:"name"`
	FormerNames []string  `json:"former_names,omitempty"`
	Kind        string    `json:"kind"`
	District    string    `json:"district,omitempty"`
	Address     string    `json:"address,omitempty"`
	Founded     string    `json:"founded,omitempty"` // YYYY-MM-DD
	Size        string    `json:"size,omitempty"`    // large, medium, small, micro
	Description string    `json:"description,omitempty"`
	ParentID    int64     `json:"parent_id,omitempty"`
	Tags        []string  `json:"tags"`
	Clusters    []string  `json:"clusters"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Version     int       `json:"version"`
}

// Scope limits a query to what a principal may reach: 0 means every
// organisation, a positive id one organisation, a negative value none.
// Callers pass access.Principal.OrgScope().
type Scope int64

func (s Scope) where(col string) (string, []any) {
	switch {
	case s == 0:
		return "1 = 1", nil
	case s < 0:
		return "1 = 0", nil
	default:
		return col + " = ?", []any{int64(s)}
	}
}

const orgColumns = `o.id, COALESCE(o.credit_code, ''), o.name, o.former_names, o.kind, o.district, o.address, o.founded,
	o.size, o.description, COALESCE(o.parent_id, 0), o.created_at, o.updated_at, o.version`

func scanOrg(row interface{ Scan(...any) error }) (Organisation, error) {
	var o Organisation
	var former string
	err := row.Scan(&o.ID, &o.CreditCode, &o.Name, &former, &o.Kind, &o.District, &o.Address, &o.Founded,
		&o.Size, &o.Description, &o.ParentID, &o.CreatedAt, &o.UpdatedAt, &o.Version)
	o.FormerNames = splitLines(former)
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	o.Tags, o.Clusters = []string{}, []string{}
	return o, err
}

func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Get returns organisation id if scope reaches it; otherwise ErrNotFound, so
// an organisation user cannot tell another's record exists.
func Get(ctx context.Context, q store.Querier, scope Scope, id int64) (Organisation, error) {
	w, args := scope.where("o.id")
	o, err := scanOrg(q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations o WHERE o.id = ? AND `+w, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("organisation %d: %w", id, problem.ErrNotFound)
	}
	if err != nil {
		return o, fmt.Errorf("load organisation %d: %w", id, err)
	}
	list := []*Organisation{&o}
	return o, loadLabels(ctx, q, list)
}

// ByCreditCode returns the organisation with a credit code.
func ByCreditCode(ctx context.Context, q store.Querier, code string) (Organisation, error) {
	o, err := scanOrg(q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations o WHERE o.credit_code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("organisation %s: %w", code, problem.ErrNotFound)
	}
	if err != nil {
		return o, err
	}
	return o, loadLabels(ctx, q, []*Organisation{&o})
}

// ByName returns the first organisation with exactly this name.
func ByName(ctx context.Context, q store.Querier, name string) (Organisation, error) {
	o, err := scanOrg(q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations o WHERE o.name = ? ORDER BY o.id LIMIT 1`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("organisation %q: %w", name, problem.ErrNotFound)
	}
	return o, err
}

// loadLabels fills the tags and clusters of the given organisations.
func loadLabels(ctx context.Context, q store.Querier, orgs []*Organisation) error {
	if len(orgs) == 0 {
		return nil
	}
	byID := make(map[int64]*Organisation, len(orgs))
	ids := make([]any, len(orgs))
	for i, o := range orgs {
		byID[o.ID] = o
		ids[i] = o.ID
	}
	in := placeholders(len(ids))
	for _, part := range []struct {
		query string
		add   func(o *Organisation, name string)
	}{
		{`SELECT ot.organisation_id, t.name FROM organisation_tags ot JOIN tags t ON t.id = ot.tag_id WHERE ot.organisation_id IN (` + in + `) ORDER BY t.sort, t.name`,
			func(o *Organisation, n string) { o.Tags = append(o.Tags, n) }},
		{`SELECT oc.organisation_id, c.name FROM organisation_clusters oc JOIN clusters c ON c.id = oc.cluster_id WHERE oc.organisation_id IN (` + in + `) ORDER BY c.sort, c.name`,
			func(o *Organisation, n string) { o.Clusters = append(o.Clusters, n) }},
	} {
		rows, err := q.QueryContext(ctx, part.query, ids...)
		if err != nil {
			return fmt.Errorf("load labels: %w", err)
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return fmt.Errorf("scan label: %w", err)
			}
			if o := byID[id]; o != nil {
				part.add(o, name)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

func placeholders(n int) string {
	if n <= 0 {
		return "NULL"
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
