// Package registry owns the records of who is in the city. For now it holds
// the organisation record that accounts bind to; the registry issue grows it
// (credit codes, districts, people, clusters, chains, ...).
package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Organisation is one organisation's profile.
type Organisation struct {
	ID         int64     `json:"id"`
	CreditCode string    `json:"credit_code,omitempty"`
	Name       string    `json:"name"`
	Kind       string    `json:"kind"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	Version    int       `json:"version"`
}

// Scope limits a query to what a principal may reach: 0 means every
// organisation, a positive id one organisation, a negative value none.
// Callers pass access.Principal.OrgScope().
type Scope int64

func (s Scope) where() (string, []any) {
	switch {
	case s == 0:
		return "1 = 1", nil
	case s < 0:
		return "1 = 0", nil
	default:
		return "id = ?", []any{int64(s)}
	}
}

const orgColumns = `id, COALESCE(credit_code, ''), name, kind, created_at, updated_at, version`

func scanOrg(row interface{ Scan(...any) error }) (Organisation, error) {
	var o Organisation
	err := row.Scan(&o.ID, &o.CreditCode, &o.Name, &o.Kind, &o.CreatedAt, &o.UpdatedAt, &o.Version)
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return o, err
}

// Get returns organisation id if scope reaches it; otherwise ErrNotFound, so
// an organisation user cannot tell another's record exists.
func Get(ctx context.Context, q store.Querier, scope Scope, id int64) (Organisation, error) {
	w, args := scope.where()
	o, err := scanOrg(q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE id = ? AND `+w, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("organisation %d: %w", id, problem.ErrNotFound)
	}
	if err != nil {
		return o, fmt.Errorf("load organisation %d: %w", id, err)
	}
	return o, nil
}

// List returns the organisations scope reaches, by name.
func List(ctx context.Context, q store.Querier, scope Scope, limit int) ([]Organisation, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	w, args := scope.where()
	rows, err := q.QueryContext(ctx, fmt.Sprintf(`SELECT `+orgColumns+` FROM organisations WHERE `+w+` ORDER BY name, id LIMIT %d`, limit), args...)
	if err != nil {
		return nil, fmt.Errorf("list organisations: %w", err)
	}
	defer rows.Close()
	var out []Organisation
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, fmt.Errorf("scan organisation: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Create adds an organisation.
func Create(ctx context.Context, db *store.DB, o Organisation) (Organisation, error) {
	o.Name = strings.TrimSpace(o.Name)
	if o.Name == "" {
		return o, problem.Invalid("name", "org.name_required")
	}
	if o.Kind == "" {
		o.Kind = "other"
	}
	now := store.Now()
	o.CreatedAt, o.UpdatedAt, o.Version = now, now, 1
	var code any
	if o.CreditCode != "" {
		code = o.CreditCode
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO organisations (credit_code, name, kind, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			code, o.Name, o.Kind, now, now).Scan(&o.ID)
		if store.IsUniqueViolation(err) {
			return problem.Invalid("credit_code", "org.code_taken", o.CreditCode)
		}
		if err != nil {
			return fmt.Errorf("insert organisation: %w", err)
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "organisation", EntityID: o.ID, Action: "create", After: o})
	})
	return o, err
}

// ByName returns the organisation with exactly this name, if there is one.
func ByName(ctx context.Context, q store.Querier, name string) (Organisation, error) {
	o, err := scanOrg(q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE name = ? ORDER BY id LIMIT 1`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("organisation %q: %w", name, problem.ErrNotFound)
	}
	return o, err
}
