package sso

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Mapping grants Role to the provider's users whose roles claim holds
// Value.
type Mapping struct {
	Issuer    string      `json:"issuer"`
	Value     string      `json:"value"`
	Role      access.Role `json:"role"`
	CreatedAt time.Time   `json:"created_at"`
}

// Map lets the value of the roles claim (a group) from issuer grant role.
// Roles bound to an organisation cannot be mapped: the provider does not
// say which organisation. Audited.
func Map(ctx context.Context, db *store.DB, issuer, value string, role access.Role) error {
	value = strings.TrimSpace(value)
	switch {
	case issuer == "":
		return problem.Invalid("issuer", "sso.issuer_missing")
	case value == "" || len(value) > 200:
		return problem.Invalid("value", "sso.value_invalid")
	case !role.Valid():
		return problem.Invalid("role", "sso.role_unknown", string(role))
	case role.BoundToOrg():
		return problem.Invalid("role", "sso.role_bound", string(role))
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO sso_role_maps (issuer, claim_value, role, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (issuer, claim_value, role) DO NOTHING`, issuer, value, string(role), time.Now())
		if err != nil {
			return fmt.Errorf("map %s to %s: %w", value, role, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "sso_role_map", Action: "create",
			After: map[string]any{"issuer": issuer, "value": value, "role": role}})
	})
}

// Unmap removes a mapping; the role goes from its holders at their next
// single sign-on. Audited.
func Unmap(ctx context.Context, db *store.DB, issuer, value string, role access.Role) error {
	return db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sso_role_maps WHERE issuer = ? AND claim_value = ? AND role = ?`, issuer, strings.TrimSpace(value), string(role))
		if err != nil {
			return fmt.Errorf("unmap %s from %s: %w", value, role, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return problem.New(problem.ErrNotFound, "sso.mapping_unknown", value, string(role))
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "sso_role_map", Action: "delete",
			Before: map[string]any{"issuer": issuer, "value": value, "role": role}})
	})
}

// Mappings lists the mappings of issuer (every issuer when empty).
func Mappings(ctx context.Context, db store.Querier, issuer string) ([]Mapping, error) {
	rows, err := db.QueryContext(ctx, `SELECT issuer, claim_value, role, created_at FROM sso_role_maps
		WHERE ? = '' OR issuer = ? ORDER BY issuer, claim_value, role`, issuer, issuer)
	if err != nil {
		return nil, fmt.Errorf("list role mappings: %w", err)
	}
	defer rows.Close()
	var out []Mapping
	for rows.Next() {
		var m Mapping
		var r string
		if err := rows.Scan(&m.Issuer, &m.Value, &r, &m.CreatedAt); err != nil {
			return nil, fmt.Errorf("scan role mapping: %w", err)
		}
		m.Role, m.CreatedAt = access.Role(r), m.CreatedAt.UTC()
		out = append(out, m)
	}
	return out, rows.Err()
}

// rolesFor returns the roles the mapping manages for the configured issuer
// and, of those, the ones the user's claim values are mapped to.
func (s *Service) rolesFor(ctx context.Context, values []string) (managed, granted []access.Role, err error) {
	maps, err := Mappings(ctx, s.db, s.cfg.Issuer)
	if err != nil {
		return nil, nil, err
	}
	for _, m := range maps {
		if !slices.Contains(managed, m.Role) {
			managed = append(managed, m.Role)
		}
		if slices.Contains(values, m.Value) && !slices.Contains(granted, m.Role) {
			granted = append(granted, m.Role)
		}
	}
	return managed, granted, nil
}
