// Package integrity owns the research-integrity register (科研诚信): the
// sanctions on people and organisations that bar them from applying,
// reviewing or receiving awards for a time, and the watch list. Programs
// check it when a record is submitted and when it is approved.
package integrity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Scopes a sanction bars: applying for and taking part in projects,
// reviewing, receiving awards.
var Scopes = []string{"apply", "review", "award"}

// Sources of a sanction.
var Sources = []string{"bureau", "provincial", "national"}

// Appeals a sanction may be under.
var Appeals = []string{"", "pending", "upheld", "overturned"}

// Sanction is one entry of the register.
type Sanction struct {
	ID         int64    `json:"id"`
	Subject    string   `json:"subject"` // person, organisation
	SubjectID  int64    `json:"subject_id"`
	Name       string   `json:"name,omitempty"` // the subject's name, read back
	Misconduct string   `json:"misconduct"`
	Scopes     []string `json:"scopes"`
	Starts     string   `json:"starts"`
	Ends       string   `json:"ends,omitempty"` // the last day in force; empty while indefinite
	Source     string   `json:"source"`
	Decision   string   `json:"decision,omitempty"`
	Reason     string   `json:"reason,omitempty"`
	Appeal     string   `json:"appeal,omitempty"`
	Watch      bool     `json:"watch"` // on the watch list: warns, does not bar
	Version    int      `json:"version"`
}

// InForce says whether s bars scope on day (YYYY-MM-DD): started, not yet
// ended, not overturned on appeal, not merely watched.
func (s Sanction) InForce(scope, day string) bool {
	return !s.Watch && s.Appeal != "overturned" && slices.Contains(s.Scopes, scope) && s.Starts <= day && (s.Ends == "" || s.Ends >= day)
}

// Check names every problem of an entry.
func (s Sanction) Check() problem.List {
	var ps problem.List
	if s.Subject != "person" && s.Subject != "organisation" {
		ps = append(ps, problem.Invalid("subject", "integrity.subject"))
	}
	if strings.TrimSpace(s.Misconduct) == "" || utf8.RuneCountInString(s.Misconduct) > 60 {
		ps = append(ps, problem.Invalid("misconduct", "integrity.misconduct"))
	}
	if len(s.Scopes) == 0 {
		ps = append(ps, problem.Invalid("scopes", "integrity.scopes", strings.Join(Scopes, ", ")))
	}
	for _, sc := range s.Scopes {
		if !slices.Contains(Scopes, sc) {
			ps = append(ps, problem.Invalid("scopes", "integrity.scopes", strings.Join(Scopes, ", ")))
			break
		}
	}
	for _, d := range []struct{ field, v string }{{"starts", s.Starts}, {"ends", s.Ends}} {
		if d.v == "" && d.field == "ends" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, d.v); err != nil {
			ps = append(ps, problem.Invalid(d.field, "ai.date", d.v))
		}
	}
	if s.Ends != "" && s.Ends < s.Starts {
		ps = append(ps, problem.Invalid("ends", "integrity.order"))
	}
	if !slices.Contains(Sources, s.Source) {
		ps = append(ps, problem.Invalid("source", "integrity.source", strings.Join(Sources, ", ")))
	}
	if !slices.Contains(Appeals, s.Appeal) {
		ps = append(ps, problem.Invalid("appeal", "integrity.appeal"))
	}
	return ps
}

// Add enters a sanction in the register, audited.
func Add(ctx context.Context, db *store.DB, s Sanction) (Sanction, error) {
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		s, err = AddTx(ctx, tx, s)
		return err
	})
	return s, err
}

// AddTx is Add inside a transaction (a failed acceptance bars its leader
// together with the move that decides it).
func AddTx(ctx context.Context, tx *store.Tx, s Sanction) (Sanction, error) {
	if ps := s.Check(); len(ps) > 0 {
		return s, ps
	}
	if ok, err := subjectExists(ctx, tx, s.Subject, s.SubjectID); err != nil || !ok {
		return s, errors.Join(err, problem.Invalid("subject_id", "form.ref_unknown", s.SubjectID))
	}
	now := store.Now()
	if err := tx.QueryRowContext(ctx, `INSERT INTO sanctions (subject, subject_id, misconduct, scopes, starts, ends, source, decision, reason, appeal, watch, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, s.Subject, s.SubjectID, s.Misconduct, strings.Join(s.Scopes, ","), s.Starts, s.Ends, s.Source,
		s.Decision, s.Reason, s.Appeal, s.Watch, now, now).Scan(&s.ID); err != nil {
		return s, fmt.Errorf("add sanction: %w", err)
	}
	s.Version = 1
	return s, audit.Append(ctx, tx, audit.Change{Entity: "sanction", EntityID: s.ID, Action: "create", After: s})
}

// SetAppeal records an appeal's state (and, when upheld with a shorter
// term, the new last day), refusing a change over someone else's.
func SetAppeal(ctx context.Context, db *store.DB, id int64, appeal, ends string, version int) (Sanction, error) {
	var out Sanction
	err := db.InTx(ctx, func(tx *store.Tx) error {
		cur, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return problem.New(problem.ErrConflict, "returns.changed")
		}
		next := cur
		next.Appeal = appeal
		if ends != "" {
			next.Ends = ends
		}
		if ps := next.Check(); len(ps) > 0 {
			return ps
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sanctions SET appeal = ?, ends = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			next.Appeal, next.Ends, store.Now(), id, version); err != nil {
			return fmt.Errorf("appeal: %w", err)
		}
		next.Version++
		out = next
		return audit.Append(ctx, tx, audit.Change{Entity: "sanction", EntityID: id, Action: "appeal", Before: cur, After: next})
	})
	return out, err
}

func subjectExists(ctx context.Context, q store.Querier, subject string, id int64) (bool, error) {
	table := map[string]string{"person": "people", "organisation": "organisations"}[subject]
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE id = ?`, id).Scan(&n)
	return n > 0, err
}

const cols = `SELECT s.id, s.subject, s.subject_id, COALESCE(o.name, pe.name, ''), s.misconduct, s.scopes, s.starts, s.ends, s.source, s.decision, s.reason, s.appeal, s.watch, s.version
FROM sanctions s LEFT JOIN organisations o ON s.subject = 'organisation' AND o.id = s.subject_id LEFT JOIN people pe ON s.subject = 'person' AND pe.id = s.subject_id `

func scan(row interface{ Scan(...any) error }) (Sanction, error) {
	var s Sanction
	var scopes string
	err := row.Scan(&s.ID, &s.Subject, &s.SubjectID, &s.Name, &s.Misconduct, &scopes, &s.Starts, &s.Ends, &s.Source, &s.Decision, &s.Reason, &s.Appeal, &s.Watch, &s.Version)
	s.Scopes = strings.Split(scopes, ",")
	return s, err
}

func get(ctx context.Context, q store.Querier, id int64) (Sanction, error) {
	s, err := scan(q.QueryRowContext(ctx, cols+`WHERE s.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("sanction %d: %w", id, problem.ErrNotFound)
	}
	return s, err
}

// List is the register, newest first (the watch list too).
func List(ctx context.Context, q store.Querier) ([]Sanction, error) {
	return list(ctx, q, ``)
}

func list(ctx context.Context, q store.Querier, where string, args ...any) ([]Sanction, error) {
	rows, err := q.QueryContext(ctx, cols+where+` ORDER BY s.starts DESC, s.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("sanctions: %w", err)
	}
	defer rows.Close()
	var out []Sanction
	for rows.Next() {
		s, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Subject is a person or an organisation to check.
type Subject struct {
	Kind string // person, organisation
	ID   int64
	Role string // what they are to the record: applicant, partner, team member
}

// Hit is a sanction that bars a subject, or (Watch) warns of it.
type Hit struct {
	Sanction
	Role string `json:"role"`
}

// Screen looks up the subjects in the register: the sanctions in force for
// scope on day, and the watch-list entries that cover it (warnings).
func Screen(ctx context.Context, q store.Querier, subjects []Subject, scope, day string) (bars, warns []Hit, err error) {
	for _, sub := range subjects {
		ss, err := list(ctx, q, `WHERE s.subject = ? AND s.subject_id = ?`, sub.Kind, sub.ID)
		if err != nil {
			return nil, nil, err
		}
		for _, s := range ss {
			switch {
			case s.InForce(scope, day):
				bars = append(bars, Hit{s, sub.Role})
			case s.Watch && s.Starts <= day && (s.Ends == "" || s.Ends >= day):
				warns = append(warns, Hit{s, sub.Role})
			}
		}
	}
	return bars, warns, nil
}
