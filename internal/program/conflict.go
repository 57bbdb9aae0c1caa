package program

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Conflict reasons, in the order they are checked. Each is an i18n key
// "conflict.REASON" that explains it.
const (
	ConflictOwnOrg         = "own_org"         // the reviewer works there now
	ConflictParent         = "parent"          // the reviewer's organisation is its parent
	ConflictChild          = "child"           // the reviewer's organisation is its subsidiary
	ConflictFormerEmployer = "former_employer" // the reviewer left it within the window
	ConflictCoApplicant    = "co_applicant"    // applied together with the reviewer or the reviewer's organisation
	ConflictDeclared       = "declared"        // the reviewer declared a relation
	ConflictAvoid          = "applicant_avoid" // the applicant asked to keep this expert away
	ExcludedCap            = "cap"             // not a conflict: the expert's yearly cap is reached
	ExcludedSanction       = "sanction"        // barred from reviewing by a research-integrity sanction
)

// Conflict is one reason a reviewer may not review a project.
type Conflict struct {
	Reason         string `json:"reason"`
	OrganisationID int64  `json:"organisation_id,omitempty"`
	Organisation   string `json:"organisation,omitempty"` // its name, where a page shows it
	Detail         string `json:"detail,omitempty"`
}

// Reviewer is an expert of the pool, as the assignment sees them.
type Reviewer struct {
	UserID   int64
	Username string
	Name     string
	OrgID    int64
	PersonID int64
}

// profile is what a reviewer is tied to, independent of any project: the
// organisations they may not review, each with its reasons.
type profile map[int64][]Conflict

func (pr profile) add(org int64, c Conflict) {
	if org == 0 {
		return
	}
	c.OrganisationID = org
	for _, x := range pr[org] {
		if x.Reason == c.Reason {
			return
		}
	}
	pr[org] = append(pr[org], c)
}

// reviewerProfile computes, from the registry and past projects, every
// organisation reviewer r is tied to. A former employer counts when the
// reviewer left it within years of now; a co-applicant when the project that
// joined them was created within the same window.
func reviewerProfile(ctx context.Context, q store.Querier, r Reviewer, years int, now time.Time) (profile, error) {
	pr := profile{}
	cutoff := now.AddDate(-years, 0, 0)
	current := map[int64]bool{}
	if r.OrgID != 0 {
		current[r.OrgID] = true
	}
	if r.PersonID != 0 {
		var org sql.NullInt64
		if err := q.QueryRowContext(ctx, `SELECT organisation_id FROM people WHERE id = ?`, r.PersonID).Scan(&org); err != nil && err != sql.ErrNoRows {
			return nil, fmt.Errorf("reviewer %d person: %w", r.UserID, err)
		}
		if org.Valid {
			current[org.Int64] = true
		}
		rows, err := q.QueryContext(ctx, `SELECT organisation_id, started, ended FROM person_employment WHERE person_id = ?`, r.PersonID)
		if err != nil {
			return nil, fmt.Errorf("reviewer %d employment: %w", r.UserID, err)
		}
		for rows.Next() {
			var org int64
			var started, ended string
			if err := rows.Scan(&org, &started, &ended); err != nil {
				rows.Close()
				return nil, err
			}
			switch {
			case ended == "":
				current[org] = true
			case ended >= cutoff.Format(time.DateOnly):
				pr.add(org, Conflict{Reason: ConflictFormerEmployer, Detail: strings.TrimSpace(started + "–" + ended)})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	for org := range current {
		pr.add(org, Conflict{Reason: ConflictOwnOrg})
		var parent sql.NullInt64
		if err := q.QueryRowContext(ctx, `SELECT parent_id FROM organisations WHERE id = ?`, org).Scan(&parent); err != nil && err != sql.ErrNoRows {
			return nil, fmt.Errorf("parent of %d: %w", org, err)
		}
		if parent.Valid {
			pr.add(parent.Int64, Conflict{Reason: ConflictParent})
		}
		kids, err := ids(ctx, q, `SELECT id FROM organisations WHERE parent_id = ?`, org)
		if err != nil {
			return nil, err
		}
		for _, k := range kids {
			pr.add(k, Conflict{Reason: ConflictChild})
		}
	}
	// Past projects the reviewer or their organisation was on, and every
	// organisation on them.
	var conds []string
	var args []any
	if r.PersonID != 0 {
		conds, args = append(conds, `p.id IN (SELECT project_id FROM project_parties WHERE person_id = ?)`), append(args, r.PersonID)
	}
	for org := range current {
		conds = append(conds, `p.organisation_id = ?`, `p.id IN (SELECT project_id FROM project_parties WHERE organisation_id = ?)`)
		args = append(args, org, org)
	}
	if len(conds) > 0 {
		args = append(args, cutoff)
		rows, err := q.QueryContext(ctx, `SELECT p.id, p.organisation_id, COALESCE(pp.organisation_id, 0) FROM projects p
			LEFT JOIN project_parties pp ON pp.project_id = p.id AND pp.organisation_id IS NOT NULL
			WHERE (`+strings.Join(conds, " OR ")+`) AND p.created_at >= ?`, args...)
		if err != nil {
			return nil, fmt.Errorf("reviewer %d past projects: %w", r.UserID, err)
		}
		for rows.Next() {
			var id, lead, partner int64
			if err := rows.Scan(&id, &lead, &partner); err != nil {
				rows.Close()
				return nil, err
			}
			for _, org := range []int64{lead, partner} {
				if !current[org] {
					pr.add(org, Conflict{Reason: ConflictCoApplicant, Detail: fmt.Sprintf("#%d", id)})
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	rows, err := q.QueryContext(ctx, `SELECT organisation_id, reason FROM reviewer_declarations WHERE user_id = ?`, r.UserID)
	if err != nil {
		return nil, fmt.Errorf("reviewer %d declarations: %w", r.UserID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var org int64
		var reason string
		if err := rows.Scan(&org, &reason); err != nil {
			return nil, err
		}
		pr.add(org, Conflict{Reason: ConflictDeclared, Detail: reason})
	}
	return pr, rows.Err()
}

// ProjectOrganisations lists the organisations on a project: the lead
// applicant first, then partners.
func ProjectOrganisations(ctx context.Context, q store.Querier, projectID int64) ([]int64, error) {
	return ids(ctx, q, `SELECT organisation_id FROM projects WHERE id = ?
		UNION ALL SELECT organisation_id FROM project_parties WHERE project_id = ? AND organisation_id IS NOT NULL`, projectID, projectID)
}

// conflictsWith is what stands between a reviewer's profile and a project.
func conflictsWith(ctx context.Context, q store.Querier, pr profile, r Reviewer, projectID int64, orgs []int64) ([]Conflict, error) {
	var out []Conflict
	for _, org := range orgs {
		out = append(out, pr[org]...)
	}
	var reason string
	err := q.QueryRowContext(ctx, `SELECT reason FROM project_avoid WHERE project_id = ? AND user_id = ?`, projectID, r.UserID).Scan(&reason)
	switch {
	case err == nil:
		out = append(out, Conflict{Reason: ConflictAvoid, Detail: reason})
	case err != sql.ErrNoRows:
		return nil, fmt.Errorf("avoid list of %d: %w", projectID, err)
	}
	return out, nil
}

// Conflicts lists every conflict between a reviewer and a project, as the
// assignment would compute it now.
func Conflicts(ctx context.Context, q store.Querier, reviewerID, projectID int64, years int) ([]Conflict, error) {
	r, err := loadReviewer(ctx, q, reviewerID)
	if err != nil {
		return nil, err
	}
	pr, err := reviewerProfile(ctx, q, r, years, store.Now())
	if err != nil {
		return nil, err
	}
	orgs, err := ProjectOrganisations(ctx, q, projectID)
	if err != nil {
		return nil, err
	}
	return conflictsWith(ctx, q, pr, r, projectID, orgs)
}

func ids(ctx context.Context, q store.Querier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list ids: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

const reviewerColumns = `u.id, u.username, u.display_name, COALESCE(u.org_id, 0), COALESCE(u.person_id, 0)`

func loadReviewer(ctx context.Context, q store.Querier, id int64) (Reviewer, error) {
	var r Reviewer
	err := q.QueryRowContext(ctx, `SELECT `+reviewerColumns+` FROM users u WHERE u.id = ?`, id).Scan(&r.UserID, &r.Username, &r.Name, &r.OrgID, &r.PersonID)
	if err != nil {
		return r, fmt.Errorf("reviewer %d: %w", id, err)
	}
	return r, nil
}

// Pool lists the enabled accounts holding the reviewer role, less the
// experts a manager removed from the pool (see experts.go).
func Pool(ctx context.Context, q store.Querier) ([]Reviewer, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+reviewerColumns+` FROM users u JOIN user_roles ur ON ur.user_id = u.id
		WHERE ur.role = 'reviewer' AND u.disabled = ? AND NOT EXISTS (SELECT 1 FROM expert_removals x WHERE x.user_id = u.id) ORDER BY u.id`, false)
	if err != nil {
		return nil, fmt.Errorf("reviewer pool: %w", err)
	}
	defer rows.Close()
	var out []Reviewer
	for rows.Next() {
		var r Reviewer
		if err := rows.Scan(&r.UserID, &r.Username, &r.Name, &r.OrgID, &r.PersonID); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
