package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// TokenPrefix starts every API token, so a leaked one is easy to recognise.
const TokenPrefix = "xz_"

// Token is an API token's record (its secret is shown once at creation and
// only its hash is kept).
type Token struct {
	ID         int64       `json:"id"`
	Name       string      `json:"name"`
	Prefix     string      `json:"prefix"`
	Role       access.Role `json:"role"`
	OrgID      int64       `json:"org_id,omitempty"`
	CreatedBy  string      `json:"created_by"`
	CreatedAt  time.Time   `json:"created_at"`
	ExpiresAt  time.Time   `json:"expires_at,omitzero"`
	RevokedAt  time.Time   `json:"revoked_at,omitzero"`
	LastUsedAt time.Time   `json:"last_used_at,omitzero"`
}

// Active reports whether the token can be used at t.
func (t Token) Active(now time.Time) bool {
	return t.RevokedAt.IsZero() && (t.ExpiresAt.IsZero() || now.Before(t.ExpiresAt))
}

// NewToken is what CreateToken needs. Expires 0 means no expiry.
type NewToken struct {
	Name    string
	Role    access.Role
	OrgID   int64
	Expires time.Duration
}

// CreateToken makes an API token and returns its secret, which is never
// stored or shown again.
func (s *Service) CreateToken(ctx context.Context, nt NewToken) (string, Token, error) {
	nt.Name = strings.TrimSpace(nt.Name)
	if nt.Name == "" {
		nt.Name = string(nt.Role) + " token"
	}
	if !nt.Role.Valid() {
		return "", Token{}, problem.Invalid("role", "token.role_invalid", string(nt.Role))
	}
	if nt.Role.Admin() {
		return "", Token{}, problem.Invalid("role", "token.role_admin")
	}
	if nt.Role.BoundToOrg() && nt.OrgID == 0 {
		return "", Token{}, problem.Invalid("org_id", "user.org_required")
	}
	if nt.Expires < 0 {
		return "", Token{}, problem.Invalid("expires", "token.expiry_invalid")
	}
	secret := TokenPrefix + randomToken(32)
	now := s.now()
	t := Token{Name: nt.Name, Prefix: secret[:len(TokenPrefix)+6], Role: nt.Role, OrgID: nt.OrgID,
		CreatedBy: audit.ActorFrom(ctx).Name, CreatedAt: now}
	var expires any
	if nt.Expires > 0 {
		t.ExpiresAt = now.Add(nt.Expires)
		expires = t.ExpiresAt
	}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (name, token_hash, prefix, role, org_id, created_by, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			t.Name, hashToken(secret), t.Prefix, string(t.Role), nullInt(t.OrgID), t.CreatedBy, now, expires).Scan(&t.ID)
		if err != nil {
			if isFK(err) {
				return problem.Invalid("org_id", "user.org_unknown", t.OrgID)
			}
			return fmt.Errorf("insert token: %w", err)
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "api_token", EntityID: t.ID, Action: "create", After: t})
	})
	if err != nil {
		return "", Token{}, err
	}
	return secret, t, nil
}

const tokenColumns = `id, name, prefix, role, org_id, created_by, created_at, expires_at, revoked_at, last_used_at`

func scanToken(row interface{ Scan(...any) error }) (Token, error) {
	var t Token
	var role string
	var org sql.NullInt64
	var exp, rev, used sql.NullTime
	if err := row.Scan(&t.ID, &t.Name, &t.Prefix, &role, &org, &t.CreatedBy, &t.CreatedAt, &exp, &rev, &used); err != nil {
		return t, err
	}
	t.Role, t.OrgID, t.CreatedAt = access.Role(role), org.Int64, t.CreatedAt.UTC()
	if exp.Valid {
		t.ExpiresAt = exp.Time.UTC()
	}
	if rev.Valid {
		t.RevokedAt = rev.Time.UTC()
	}
	if used.Valid {
		t.LastUsedAt = used.Time.UTC()
	}
	return t, nil
}

// Tokens lists every API token, newest first.
func (s *Service) Tokens(ctx context.Context) ([]Token, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("scan token: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken ends a token at once.
func (s *Service) RevokeToken(ctx context.Context, id int64) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, s.now(), id)
		if err != nil {
			return fmt.Errorf("revoke token %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("token %d: %w", id, problem.ErrNotFound)
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "api_token", EntityID: id, Action: "revoke"})
	})
}

// TokenPrincipal authenticates a bearer token. Unknown, revoked and expired
// tokens are ErrUnauthorized.
func (s *Service) TokenPrincipal(ctx context.Context, secret string) (access.Principal, error) {
	if !strings.HasPrefix(secret, TokenPrefix) || len(secret) > 100 {
		return access.Principal{}, problem.New(problem.ErrUnauthorized, "auth.token_bad")
	}
	t, err := scanToken(s.db.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE token_hash = ?`, hashToken(secret)))
	if errors.Is(err, sql.ErrNoRows) {
		return access.Principal{}, problem.New(problem.ErrUnauthorized, "auth.token_bad")
	}
	if err != nil {
		return access.Principal{}, fmt.Errorf("load token: %w", err)
	}
	now := s.now()
	if !t.Active(now) {
		return access.Principal{}, problem.New(problem.ErrUnauthorized, "auth.token_expired")
	}
	if t.LastUsedAt.IsZero() || now.Sub(t.LastUsedAt) > time.Minute {
		if _, err := s.db.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, now, t.ID); err != nil {
			return access.Principal{}, fmt.Errorf("touch token: %w", err)
		}
	}
	return access.Principal{TokenID: t.ID, Name: "token:" + t.Name, Roles: []access.Role{t.Role}, OrgID: t.OrgID, MFA: true}, nil
}
