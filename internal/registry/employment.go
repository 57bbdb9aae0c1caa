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
	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
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

// prepareEmployment reads where people worked: a person by ID number (they
// must be in the registry), an organisation by credit code, the dates. The
// conflict-of-interest check of expert review reads these.
func prepareEmployment(ctx context.Context, db *store.DB, deps Deps, t *tabular.Table, r *rowReader) error {
	if deps.Keys == nil {
		return fmt.Errorf("employment needs the personal-data keyring to find people")
	}
	codes, err := orgIDs(ctx, db)
	if err != nil {
		return err
	}
	seen := firstSeen{}
	for _, row := range t.Rows {
		raw := r.raw(row)
		var e Employment
		var ps []Problem
		if res, err := stdcode.CheckIDNumber(raw["id_number"], deps.Today); err != nil {
			ps = append(ps, Problem{Field: "id_number", msg: err.(*stdcode.Error)})
		} else if p, err := personByIndex(ctx, db, deps.Keys, deps.Keys.Index(res.Number, ctxIDNumber)); err != nil {
			ps = append(ps, fieldProblem("id_number", "recognition.person_unknown"))
		} else {
			e.PersonID = p.ID
		}
		var p []Problem
		e.OrganisationID, p = creditCodeID(raw["credit_code"], "credit_code", codes)
		ps = append(ps, p...)
		started, serr := ParseDate(raw["started"], deps.Today)
		if serr != nil {
			ps = append(ps, Problem{Field: "started", msg: serr})
		}
		e.Started = started
		if v := strings.TrimSpace(raw["ended"]); v != "" {
			ended, eerr := ParseDate(v, deps.Today)
			if eerr != nil {
				ps = append(ps, Problem{Field: "ended", msg: eerr})
			} else if ended < e.Started {
				ps = append(ps, fieldProblem("ended", "employment.order"))
			}
			e.Ended = ended
		}
		ps = append(ps, seen.check(fmt.Sprint(e.PersonID, "|", e.OrganisationID, "|", e.Started), row.Num, "started")...)
		if r.add(row.Num, ps) {
			continue
		}
		r.plan.addRow(func(ctx context.Context, tx *store.Tx) (string, error) { return upsertEmployment(ctx, tx, e) })
	}
	return nil
}

func upsertEmployment(ctx context.Context, tx *store.Tx, e Employment) (string, error) {
	var ended string
	err := tx.QueryRowContext(ctx, `SELECT ended FROM person_employment WHERE person_id = ? AND organisation_id = ? AND started = ?`, e.PersonID, e.OrganisationID, e.Started).Scan(&ended)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if _, err := tx.ExecContext(ctx, `INSERT INTO person_employment (person_id, organisation_id, started, ended) VALUES (?, ?, ?, ?)`, e.PersonID, e.OrganisationID, e.Started, e.Ended); err != nil {
			return "", fmt.Errorf("insert employment: %w", err)
		}
		return Created, audit.Append(ctx, tx, audit.Change{Entity: "person", EntityID: e.PersonID, Action: "add_employment", After: e})
	case err != nil:
		return "", err
	case ended == e.Ended:
		return Unchanged, nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE person_employment SET ended = ? WHERE person_id = ? AND organisation_id = ? AND started = ?`, e.Ended, e.PersonID, e.OrganisationID, e.Started); err != nil {
		return "", fmt.Errorf("update employment: %w", err)
	}
	return Updated, audit.Append(ctx, tx, audit.Change{Entity: "person", EntityID: e.PersonID, Action: "update_employment", Before: map[string]any{"ended": ended}, After: e})
}
