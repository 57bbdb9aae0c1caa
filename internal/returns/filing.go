package returns

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Values are a filing's figures: field → district → value. A form not
// filed per district keeps each figure under the district "".
type Values map[string]map[string]float64

// Statuses of a filing.
const (
	Draft     = "draft"
	Submitted = "submitted"
	Accepted  = "accepted"
	Returned  = "returned"
)

// Filing is one unit's return for one period.
type Filing struct {
	ID             int64      `json:"id"`
	Form           string     `json:"form"`
	OrganisationID int64      `json:"organisation_id"`
	Organisation   string     `json:"organisation"`
	Period         string     `json:"period"`
	PeriodEnd      string     `json:"period_end"`
	Status         string     `json:"status"`
	Values         Values     `json:"values"`
	Note           string     `json:"note,omitempty"`
	SubmittedAt    *time.Time `json:"submitted_at,omitempty"`
	Version        int        `json:"version"`
}

var shanghai = time.FixedZone("CST", 8*3600)

// Clock is the time a filing's actions are taken at (the demo city sets
// its own).
var Clock = store.Now

// Check checks values against the form: known fields, numbers in range,
// whole numbers where the field counts, districts of the city where the
// form is per district. Every problem names its field (field or
// field.district).
func (f *Form) Check(v Values) problem.List {
	var ps problem.List
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fd, ok := f.Field(k)
		if !ok {
			ps = append(ps, problem.Invalid(k, "form.unknown_field", k))
			continue
		}
		for d, x := range v[k] {
			name := k
			if f.ByDistrict {
				name = k + "." + d
				if div, ok := stdcode.LookupDivision(d); !ok || div.Level != stdcode.LevelDistrict || div.Historical {
					ps = append(ps, problem.Invalid(name, "returns.bad_district", d))
					continue
				}
			} else if d != "" {
				ps = append(ps, problem.Invalid(name, "returns.not_by_district", fd.Name))
				continue
			}
			switch {
			case math.IsNaN(x) || math.IsInf(x, 0):
				ps = append(ps, problem.Invalid(name, "form.number", fd.Name))
			case fd.Integer && x != math.Trunc(x):
				ps = append(ps, problem.Invalid(name, "returns.integer", fd.Name))
			case fd.Min != nil && x < *fd.Min:
				ps = append(ps, problem.Invalid(name, "form.min", fd.Name, *fd.Min))
			case fd.Max != nil && x > *fd.Max:
				ps = append(ps, problem.Invalid(name, "form.max", fd.Name, *fd.Max))
			}
		}
	}
	return ps
}

// missing lists the fields with no figure (per district: no district).
func (f *Form) missing(v Values) []string {
	var out []string
	for _, fd := range f.Fields {
		if len(v[fd.Key]) == 0 {
			out = append(out, fd.Name)
		}
	}
	return out
}

// may says whether p may file for organisation org: its own users when it
// must file the form, and managers for any unit.
func may(ctx context.Context, q store.Querier, p access.Principal, f *Form, org int64) error {
	if p.Can(access.ProgramManage) {
		return nil
	}
	if p.OrgID == 0 || p.OrgID != org {
		return fmt.Errorf("filing of organisation %d: %w", org, problem.ErrNotFound)
	}
	ok, err := MustFile(ctx, q, f, org)
	if err != nil {
		return err
	}
	if !ok {
		return problem.New(problem.ErrForbidden, "returns.not_a_unit", f.Name)
	}
	return nil
}

// Save keeps a unit's figures for a period as a draft, or corrects a
// draft or returned filing. version is the filing's version as read (0
// for a new one); a save over someone else's is refused.
func Save(ctx context.Context, db *store.DB, p access.Principal, f *Form, org int64, period string, v Values, version int) (Filing, error) {
	per, err := ParsePeriod(f.Period, period)
	if err != nil {
		return Filing{}, problem.Invalid("period", "returns.bad_period", period, f.Period)
	}
	if err := may(ctx, db, p, f, org); err != nil {
		return Filing{}, err
	}
	if ps := f.Check(v); len(ps) > 0 {
		return Filing{}, ps
	}
	var out Filing
	err = db.InTx(ctx, func(tx *store.Tx) error {
		cur, err := filingAt(ctx, tx, f, org, per.String())
		now := Clock()
		raw, _ := json.Marshal(v)
		switch {
		case errors.Is(err, problem.ErrNotFound):
			if version != 0 {
				return problem.New(problem.ErrConflict, "returns.changed")
			}
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO return_filings (form_id, organisation_id, period, period_end, status, filed_values, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				f.ID, org, per.String(), per.End().Format(time.DateOnly), Draft, string(raw), now, now).Scan(&id); err != nil {
				return fmt.Errorf("save filing: %w", err)
			}
			cur = Filing{ID: id, Version: 1, Status: Draft}
		case err != nil:
			return err
		default:
			if cur.Status != Draft && cur.Status != Returned {
				return problem.New(problem.ErrConflict, "returns.not_editable", statusName(cur.Status))
			}
			if version != cur.Version {
				return problem.New(problem.ErrConflict, "returns.changed")
			}
			res, err := tx.ExecContext(ctx, `UPDATE return_filings SET filed_values = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`, string(raw), now, cur.ID, cur.Version)
			if err != nil {
				return fmt.Errorf("save filing: %w", err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return problem.New(problem.ErrConflict, "returns.changed")
			}
			cur.Version++
		}
		if err := history(ctx, tx, p, cur.ID, cur.Version, "save", cur.Status, v, ""); err != nil {
			return err
		}
		if err := audit.Append(ctx, tx, audit.Change{Entity: "return_filing", EntityID: cur.ID, Action: "save", After: map[string]any{"form": f.Key, "period": per.String(), "values": v}}); err != nil {
			return err
		}
		out, err = getFiling(ctx, tx, cur.ID)
		return err
	})
	return out, err
}

// Submit sends a draft or returned filing to the bureau; every figure must
// be there.
func Submit(ctx context.Context, db *store.DB, p access.Principal, f *Form, id int64) (Filing, error) {
	return act(ctx, db, p, f, id, "submit", "", func(cur Filing) error {
		if err := may(ctx, db, p, f, cur.OrganisationID); err != nil {
			return err
		}
		if cur.Status != Draft && cur.Status != Returned {
			return problem.New(problem.ErrConflict, "returns.not_editable", statusName(cur.Status))
		}
		if m := f.missing(cur.Values); len(m) > 0 {
			return problem.New(problem.ErrInvalid, "returns.missing", joinNames(m))
		}
		return nil
	}, Submitted)
}

// Accept takes a submitted filing (managers). Its figures count from the
// day of acceptance; an earlier accepted version counts until then.
func Accept(ctx context.Context, db *store.DB, p access.Principal, f *Form, id int64) (Filing, error) {
	return act(ctx, db, p, f, id, "accept", "", func(cur Filing) error {
		if !p.Can(access.ProgramManage) {
			return problem.New(problem.ErrForbidden, "review.manager_only")
		}
		if cur.Status != Submitted {
			return problem.New(problem.ErrConflict, "returns.not_submitted", statusName(cur.Status))
		}
		return nil
	}, Accepted)
}

// Return sends a submitted filing back with the reason (managers).
func Return(ctx context.Context, db *store.DB, p access.Principal, f *Form, id int64, note string) (Filing, error) {
	return act(ctx, db, p, f, id, "return", note, func(cur Filing) error {
		if !p.Can(access.ProgramManage) {
			return problem.New(problem.ErrForbidden, "review.manager_only")
		}
		if cur.Status != Submitted {
			return problem.New(problem.ErrConflict, "returns.not_submitted", statusName(cur.Status))
		}
		return needNote(note)
	}, Returned)
}

// Reopen opens an accepted filing for correction, with the reason (the
// unit or a manager). The accepted figures stay in force until the
// corrected ones are accepted.
func Reopen(ctx context.Context, db *store.DB, p access.Principal, f *Form, id int64, note string) (Filing, error) {
	return act(ctx, db, p, f, id, "reopen", note, func(cur Filing) error {
		if err := may(ctx, db, p, f, cur.OrganisationID); err != nil {
			return err
		}
		if cur.Status != Accepted {
			return problem.New(problem.ErrConflict, "returns.not_accepted", statusName(cur.Status))
		}
		return needNote(note)
	}, Returned)
}

func needNote(note string) error {
	if len([]rune(note)) < 2 {
		return problem.Invalid("note", "returns.note_required")
	}
	return nil
}

// act moves a filing to status `to` once ok allows it, with its history,
// its audit event and, on acceptance, the figures kept as accepted.
func act(ctx context.Context, db *store.DB, p access.Principal, f *Form, id int64, action, note string, ok func(Filing) error, to string) (Filing, error) {
	var out Filing
	err := db.InTx(ctx, func(tx *store.Tx) error {
		cur, err := getFiling(ctx, tx, id)
		if err != nil {
			return err
		}
		if cur.Form != f.Key {
			return fmt.Errorf("filing %d of %s: %w", id, f.Key, problem.ErrNotFound)
		}
		if err := ok(cur); err != nil {
			return err
		}
		now := Clock()
		var submitted any
		if to == Submitted {
			submitted = now
		} else if cur.SubmittedAt != nil {
			submitted = *cur.SubmittedAt
		}
		res, err := tx.ExecContext(ctx, `UPDATE return_filings SET status = ?, note = ?, submitted_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			to, note, submitted, now, id, cur.Version)
		if err != nil {
			return fmt.Errorf("%s filing: %w", action, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return problem.New(problem.ErrConflict, "returns.changed")
		}
		if to == Accepted {
			day := now.In(shanghai).Format(time.DateOnly)
			for field, byD := range cur.Values {
				for d, x := range byD {
					if _, err := tx.ExecContext(ctx, `INSERT INTO return_accepted (filing_id, version, accepted_on, field, district, value) VALUES (?, ?, ?, ?, ?, ?)`,
						id, cur.Version+1, day, field, d, x); err != nil {
						return fmt.Errorf("keep accepted figures: %w", err)
					}
				}
			}
		}
		if err := history(ctx, tx, p, id, cur.Version+1, action, to, cur.Values, note); err != nil {
			return err
		}
		if err := audit.Append(ctx, tx, audit.Change{Entity: "return_filing", EntityID: id, Action: action, Before: map[string]any{"status": cur.Status}, After: map[string]any{"status": to, "note": note}}); err != nil {
			return err
		}
		out, err = getFiling(ctx, tx, id)
		return err
	})
	return out, err
}

func history(ctx context.Context, tx *store.Tx, p access.Principal, id int64, version int, action, status string, v Values, note string) error {
	raw, _ := json.Marshal(v)
	_, err := tx.ExecContext(ctx, `INSERT INTO return_history (filing_id, version, action, status, filed_values, note, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		id, version, action, status, string(raw), note, p.Name, Clock())
	if err != nil {
		return fmt.Errorf("filing history: %w", err)
	}
	return nil
}

const filingCols = `SELECT r.id, f.key, r.organisation_id, o.name, r.period, r.period_end, r.status, r.filed_values, r.note, r.submitted_at, r.version
FROM return_filings r JOIN return_forms f ON f.id = r.form_id JOIN organisations o ON o.id = r.organisation_id `

func scanFiling(row interface{ Scan(...any) error }) (Filing, error) {
	var x Filing
	var raw string
	var sub sql.NullTime
	if err := row.Scan(&x.ID, &x.Form, &x.OrganisationID, &x.Organisation, &x.Period, &x.PeriodEnd, &x.Status, &raw, &x.Note, &sub, &x.Version); err != nil {
		return x, err
	}
	if sub.Valid {
		t := sub.Time
		x.SubmittedAt = &t
	}
	if err := json.Unmarshal([]byte(raw), &x.Values); err != nil {
		return x, fmt.Errorf("filing %d values: %w", x.ID, err)
	}
	return x, nil
}

func getFiling(ctx context.Context, q store.Querier, id int64) (Filing, error) {
	x, err := scanFiling(q.QueryRowContext(ctx, filingCols+`WHERE r.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return x, fmt.Errorf("filing %d: %w", id, problem.ErrNotFound)
	}
	return x, err
}

func filingAt(ctx context.Context, q store.Querier, f *Form, org int64, period string) (Filing, error) {
	x, err := scanFiling(q.QueryRowContext(ctx, filingCols+`WHERE r.form_id = ? AND r.organisation_id = ? AND r.period = ?`, f.ID, org, period))
	if errors.Is(err, sql.ErrNoRows) {
		return x, fmt.Errorf("filing of %d for %s: %w", org, period, problem.ErrNotFound)
	}
	return x, err
}

// GetFiling loads a filing as p may see it: its unit's users and staff.
func GetFiling(ctx context.Context, q store.Querier, p access.Principal, id int64) (Filing, error) {
	x, err := getFiling(ctx, q, id)
	if err != nil {
		return x, err
	}
	if !p.Can(access.ProgramView) || (p.OrgID != 0 && p.OrgID != x.OrganisationID && !p.Can(access.ProgramManage)) {
		return Filing{}, fmt.Errorf("filing %d: %w", id, problem.ErrNotFound)
	}
	return x, nil
}

// Filings lists a form's filings of a period (all periods when empty),
// an organisation user's own only.
func Filings(ctx context.Context, q store.Querier, p access.Principal, f *Form, period string) ([]Filing, error) {
	sqlText := filingCols + `WHERE r.form_id = ?`
	args := []any{f.ID}
	if period != "" {
		sqlText += ` AND r.period = ?`
		args = append(args, period)
	}
	if p.OrgID != 0 && !p.Can(access.ProgramManage) {
		sqlText += ` AND r.organisation_id = ?`
		args = append(args, p.OrgID)
	}
	rows, err := q.QueryContext(ctx, sqlText+` ORDER BY r.period_end DESC, o.name`, args...)
	if err != nil {
		return nil, fmt.Errorf("filings: %w", err)
	}
	defer rows.Close()
	var out []Filing
	for rows.Next() {
		x, err := scanFiling(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// Step is one entry of a filing's history.
type Step struct {
	Version int       `json:"version"`
	Action  string    `json:"action"`
	Status  string    `json:"status"`
	Values  Values    `json:"values"`
	Note    string    `json:"note,omitempty"`
	Actor   string    `json:"actor"`
	At      time.Time `json:"at"`
}

// History lists a filing's saves, submissions, reviews and corrections,
// oldest first.
func History(ctx context.Context, q store.Querier, id int64) ([]Step, error) {
	rows, err := q.QueryContext(ctx, `SELECT version, action, status, filed_values, note, actor, at FROM return_history WHERE filing_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("filing history: %w", err)
	}
	defer rows.Close()
	var out []Step
	for rows.Next() {
		var s Step
		var raw string
		if err := rows.Scan(&s.Version, &s.Action, &s.Status, &raw, &s.Note, &s.Actor, &s.At); err != nil {
			return nil, err
		}
		_ = json.Unmarshal([]byte(raw), &s.Values)
		out = append(out, s)
	}
	return out, rows.Err()
}

func statusName(s string) string {
	return map[string]string{Draft: "草稿（draft）", Submitted: "已报送（submitted）", Accepted: "已审核通过（accepted）", Returned: "已退回（returned）"}[s]
}

func joinNames(xs []string) string {
	out := ""
	for i, x := range xs {
		if i > 0 {
			out += "、"
		}
		out += x
	}
	return out
}
