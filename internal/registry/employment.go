package registry

import (
	"context"
	"fmt"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Employment is a spell of a person at an organisation. Ended is empty while
// the person is still there. Dates are YYYY-MM-DD.
type Employment struct {
	PersonID       int64  `json:"person_id"`
	OrganisationID int64  `json:"organisation_id"`
	Started        string `json:"started"`
	Ended          string `json:"ended,omitempty"`
}

// AddEmployment records where a person worked; expert review reads it to
// keep reviewers away from their employers, current and recent.
func AddEmployment(ctx context.Context, db *store.DB, e Employment) error {
	for _, d := range []struct{ field, v string }{{"started", e.Started}, {"ended", e.Ended}} {
		if d.v == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, d.v); err != nil {
			return problem.Invalid(d.field, "employment.date", d.v)
		}
	}
	if e.Ended != "" && e.Started > e.Ended {
		return problem.Invalid("ended", "employment.order")
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO person_employment (person_id, organisation_id, started, ended) VALUES (?, ?, ?, ?)`,
			e.PersonID, e.OrganisationID, e.Started, e.Ended); err != nil {
			if store.IsUniqueViolation(err) {
				return problem.Invalid("started", "employment.duplicate")
			}
			return fmt.Errorf("add employment: %w", err)
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "person", EntityID: e.PersonID, Action: "add_employment", After: e})
	})
}

// EmploymentOf lists a person's employment, latest first.
func EmploymentOf(ctx context.Context, q store.Querier, personID int64) ([]Employment, error) {
	rows, err := q.QueryContext(ctx, `SELECT person_id, organisation_id, started, ended FROM person_employment WHERE person_id = ? ORDER BY started DESC`, personID)
	if err != nil {
		return nil, fmt.Errorf("employment of %d: %w", personID, err)
	}
	defer rows.Close()
	var out []Employment
	for rows.Next() {
		var e Employment
		if err := rows.Scan(&e.PersonID, &e.OrganisationID, &e.Started, &e.Ended); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
