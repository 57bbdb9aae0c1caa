package program

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// CommitRoles are who confirm a commitment: the applicant unit, and the
// project leader (confirmed through the unit's account, the leader having
// signed).
var CommitRoles = []string{"unit", "leader"}

// Confirmation is one confirmation of a record's commitment.
type Confirmation struct {
	Role    string    `json:"role"`
	Version string    `json:"version"`
	Hash    string    `json:"text_sha256"`
	Actor   string    `json:"actor"`
	At      time.Time `json:"at"`
}

func textHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// Commit records that role confirms the record's program's commitment text
// (its current version), by a user of the applicant unit.
func Commit(ctx context.Context, db *store.DB, p access.Principal, projectID int64, role string) (Confirmation, error) {
	var out Confirmation
	err := db.InTx(ctx, func(tx *store.Tx) error {
		pr, err := GetProject(ctx, tx, projectID)
		if err != nil {
			return err
		}
		if p.OrgID == 0 || p.OrgID != pr.OrganisationID {
			return fmt.Errorf("project %d: %w", projectID, problem.ErrNotFound)
		}
		t, err := LoadTemplate(ctx, tx, pr.TemplateID)
		if err != nil {
			return err
		}
		if t.Commitment == nil {
			return problem.New(problem.ErrConflict, "project.no_commitment", t.Name)
		}
		if !contains(CommitRoles, role) {
			return problem.Invalid("role", "project.commit_role")
		}
		out = Confirmation{Role: role, Version: t.Commitment.Version, Hash: textHash(t.Commitment.Text), Actor: p.Name, At: store.Now()}
		if _, err := tx.ExecContext(ctx, `DELETE FROM project_commitments WHERE project_id = ? AND role = ? AND version = ?`, projectID, role, out.Version); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO project_commitments (project_id, role, version, text_hash, user_id, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			projectID, role, out.Version, out.Hash, p.UserID, p.Name, out.At); err != nil {
			return fmt.Errorf("commit: %w", err)
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "project", EntityID: projectID, Action: "commit", After: out})
	})
	return out, err
}

// Confirmations lists a record's confirmations.
func Confirmations(ctx context.Context, q store.Querier, projectID int64) ([]Confirmation, error) {
	rows, err := q.QueryContext(ctx, `SELECT role, version, text_hash, actor, at FROM project_commitments WHERE project_id = ? ORDER BY at`, projectID)
	if err != nil {
		return nil, fmt.Errorf("confirmations: %w", err)
	}
	defer rows.Close()
	var out []Confirmation
	for rows.Next() {
		var c Confirmation
		if err := rows.Scan(&c.Role, &c.Version, &c.Hash, &c.Actor, &c.At); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// checkCommitted refuses a commit: true move until the unit and the leader
// have confirmed the current text.
func checkCommitted(ctx context.Context, q store.Querier, t *Template, pr Project, tr *Transition) error {
	if !tr.Commit || t.Commitment == nil {
		return nil
	}
	cs, err := Confirmations(ctx, q, pr.ID)
	if err != nil {
		return err
	}
	hash := textHash(t.Commitment.Text)
	for _, role := range CommitRoles {
		ok := false
		for _, c := range cs {
			ok = ok || (c.Role == role && c.Version == t.Commitment.Version && c.Hash == hash)
		}
		if !ok {
			return problem.New(problem.ErrInvalid, "project.commitment_missing", role)
		}
	}
	return nil
}
