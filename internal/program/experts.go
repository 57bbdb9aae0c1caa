package program

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// The expert pool (科研项目评审专家库): the enabled accounts holding the
// reviewer role, less those a manager removed. Each expert lists the
// technology fields they review in (a template's review.field draws only
// experts of the record's field); after each round a manager rates every
// submitted review 1–5 (timeliness and quality), and the mean shows on the
// pool's page beside the expert's reviews this year.

// Ratings run from 1 (poor) to 5 (excellent).
const (
	MinRating = 1
	MaxRating = 5
)

// maxFieldLen bounds one technology field's name, in characters.
const maxFieldLen = 40

// Expert is a member of the pool as its page shows them.
type Expert struct {
	UserID   int64    `json:"user_id"`
	Username string   `json:"username"`
	Name     string   `json:"name"`
	Fields   []string `json:"fields"`
	Load     int      `json:"reviews_this_year"` // live assignments (to review or scored) of the calendar year
	Cap      int      `json:"cap"`               // the highest yearly cap of the published review templates
	Rating   float64  `json:"rating"`            // mean rating, rounded to two places; 0 when unrated
	Ratings  int      `json:"ratings"`
	Removed  *Removal `json:"removed,omitempty"`
}

// Removal says why and by whom an expert left the pool.
type Removal struct {
	Reason string    `json:"reason"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// Rating is a manager's mark of one submitted review.
type Rating struct {
	AssignmentID int64     `json:"assignment_id"`
	Rating       int       `json:"rating"`
	Note         string    `json:"note,omitempty"`
	By           string    `json:"rated_by"`
	At           time.Time `json:"at"`
}

// ParseFields splits a list typed by hand: commas (half or full width), 、,
// semicolons and line breaks separate fields; blanks and repeats are
// dropped, the order kept.
func ParseFields(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool {
		switch r {
		case ',', '，', '、', ';', '；', '\n', '\r':
			return true
		}
		return false
	})
	var out []string
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

func mayManageExperts(p access.Principal) error {
	if !p.Can(access.ProgramManage) {
		return problem.New(problem.ErrForbidden, "expert.manager_only")
	}
	return nil
}

// expertUser checks that id is an account holding the reviewer role and
// returns its username.
func expertUser(ctx context.Context, q store.Querier, id int64) (string, error) {
	var name string
	err := q.QueryRowContext(ctx, `SELECT u.username FROM users u JOIN user_roles ur ON ur.user_id = u.id AND ur.role = 'reviewer' WHERE u.id = ?`, id).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", problem.Invalid("expert", "review.not_reviewer")
	}
	if err != nil {
		return "", fmt.Errorf("expert %d: %w", id, err)
	}
	return name, nil
}

// SetExpertFields replaces the technology fields an expert reviews in
// (managers). An empty list is allowed: such an expert is drawn only for
// templates that do not match on a field.
func SetExpertFields(ctx context.Context, db *store.DB, p access.Principal, userID int64, fields []string) error {
	if err := mayManageExperts(p); err != nil {
		return err
	}
	var clean []string
	for _, f := range fields {
		f = strings.TrimSpace(f)
		if f == "" || slices.Contains(clean, f) {
			continue
		}
		if utf8.RuneCountInString(f) > maxFieldLen {
			return problem.Invalid("fields", "expert.field_too_long", f, maxFieldLen)
		}
		clean = append(clean, f)
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		name, err := expertUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		before, err := expertFields(ctx, tx, userID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM expert_fields WHERE user_id = ?`, userID); err != nil {
			return fmt.Errorf("clear fields of %d: %w", userID, err)
		}
		for _, f := range clean {
			if _, err := tx.ExecContext(ctx, `INSERT INTO expert_fields (user_id, field) VALUES (?, ?)`, userID, f); err != nil {
				return fmt.Errorf("field of %d: %w", userID, err)
			}
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "expert", EntityID: userID, Action: "set_fields",
			Before: map[string]any{"expert": name, "fields": before}, After: map[string]any{"expert": name, "fields": clean}})
	})
}

func expertFields(ctx context.Context, q store.Querier, userID int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT field FROM expert_fields WHERE user_id = ? ORDER BY field`, userID)
	if err != nil {
		return nil, fmt.Errorf("fields of %d: %w", userID, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// allExpertFields maps each expert to their fields.
func allExpertFields(ctx context.Context, q store.Querier) (map[int64][]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT user_id, field FROM expert_fields ORDER BY user_id, field`)
	if err != nil {
		return nil, fmt.Errorf("expert fields: %w", err)
	}
	defer rows.Close()
	out := map[int64][]string{}
	for rows.Next() {
		var id int64
		var f string
		if err := rows.Scan(&id, &f); err != nil {
			return nil, err
		}
		out[id] = append(out[id], f)
	}
	return out, rows.Err()
}

// fieldMatches reports whether an expert's fields include a record's value.
func fieldMatches(fields []string, value string) bool {
	value = strings.TrimSpace(value)
	if value == "" {
		return false
	}
	for _, f := range fields {
		if strings.EqualFold(strings.TrimSpace(f), value) {
			return true
		}
	}
	return false
}

// RateExpert marks a submitted review 1–5 with a note (managers). One
// rating per assignment: rating it again revises it, and both are audited.
func RateExpert(ctx context.Context, db *store.DB, p access.Principal, assignmentID int64, rating int, note string) error {
	if err := mayManageExperts(p); err != nil {
		return err
	}
	if rating < MinRating || rating > MaxRating {
		return problem.Invalid("rating", "expert.rating_range", MinRating, MaxRating)
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 500 {
		return problem.Invalid("note", "expert.note_too_long", 500)
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		a, err := GetAssignment(ctx, tx, assignmentID)
		if err != nil {
			return err
		}
		if a.Status != Submitted {
			return problem.New(problem.ErrConflict, "expert.rate_unsubmitted")
		}
		before, err := ratingOf(ctx, tx, assignmentID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO expert_ratings (assignment_id, rating, note, rated_by, at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (assignment_id) DO UPDATE SET rating = excluded.rating, note = excluded.note, rated_by = excluded.rated_by, at = excluded.at`,
			assignmentID, rating, note, p.Name, store.Now()); err != nil {
			return fmt.Errorf("rate assignment %d: %w", assignmentID, err)
		}
		var was any
		if before != nil {
			was = map[string]any{"rating": before.Rating, "note": before.Note, "rated_by": before.By}
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "review_assignment", EntityID: assignmentID, Action: "rate_expert",
			Before: was, After: map[string]any{"expert": a.Reviewer, "project_id": a.ProjectID, "round": a.Round, "rating": rating, "note": note}})
	})
}

func ratingOf(ctx context.Context, q store.Querier, assignmentID int64) (*Rating, error) {
	r := Rating{AssignmentID: assignmentID}
	err := q.QueryRowContext(ctx, `SELECT rating, note, rated_by, at FROM expert_ratings WHERE assignment_id = ?`, assignmentID).Scan(&r.Rating, &r.Note, &r.By, &r.At)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("rating of %d: %w", assignmentID, err)
	}
	return &r, nil
}

// ProjectRatings maps each rated assignment of a project to its rating.
func ProjectRatings(ctx context.Context, q store.Querier, projectID int64) (map[int64]Rating, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.assignment_id, r.rating, r.note, r.rated_by, r.at FROM expert_ratings r
		JOIN review_assignments a ON a.id = r.assignment_id WHERE a.project_id = ?`, projectID)
	if err != nil {
		return nil, fmt.Errorf("ratings of %d: %w", projectID, err)
	}
	defer rows.Close()
	out := map[int64]Rating{}
	for rows.Next() {
		var r Rating
		if err := rows.Scan(&r.AssignmentID, &r.Rating, &r.Note, &r.By, &r.At); err != nil {
			return nil, err
		}
		out[r.AssignmentID] = r
	}
	return out, rows.Err()
}

// RemoveExpert takes an expert out of the pool with a reason (managers):
// from then on no draw, and no replacement after a decline, picks them, and
// they cannot be assigned by hand. Assignments already made stand; a manager
// withdraws them if need be.
func RemoveExpert(ctx context.Context, db *store.DB, p access.Principal, userID int64, reason string) error {
	if err := mayManageExperts(p); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return problem.Invalid("reason", "review.reason_required")
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		name, err := expertUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO expert_removals (user_id, reason, removed_by, at) VALUES (?, ?, ?, ?)`, userID, reason, p.Name, store.Now()); err != nil {
			if store.IsUniqueViolation(err) {
				return problem.New(problem.ErrConflict, "expert.already_removed", name)
			}
			return fmt.Errorf("remove expert %d: %w", userID, err)
		}
		if err := audit.Append(ctx, tx, audit.Change{Entity: "expert", EntityID: userID, Action: "remove",
			After: map[string]any{"expert": name, "reason": reason}}); err != nil {
			return err
		}
		return withdrawOpen(ctx, tx, userID, reason)
	})
}

// withdrawOpen takes a removed expert off the reviews not yet submitted and
// draws a replacement for each, as a decline would.
func withdrawOpen(ctx context.Context, tx *store.Tx, userID int64, reason string) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, project_id, round FROM review_assignments WHERE reviewer_id = ? AND status = ? ORDER BY id`, userID, Assigned)
	if err != nil {
		return fmt.Errorf("open reviews of %d: %w", userID, err)
	}
	type open struct {
		id, project int64
		round       int
	}
	var opens []open
	for rows.Next() {
		var o open
		if err := rows.Scan(&o.id, &o.project, &o.round); err != nil {
			rows.Close()
			return err
		}
		opens = append(opens, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	sys := access.Principal{Name: "system:replacement", Roles: []access.Role{access.Manager}}
	for _, o := range opens {
		if _, err := tx.ExecContext(ctx, `UPDATE review_assignments SET status = ?, declined_reason = ?, version = version + 1 WHERE id = ?`, Withdrawn, "移出专家库："+reason, o.id); err != nil {
			return fmt.Errorf("withdraw review %d: %w", o.id, err)
		}
		if err := audit.Append(ctx, tx, audit.Change{Entity: "review_assignment", EntityID: o.id, Action: "withdraw", After: map[string]any{"reason": "expert removed: " + reason}}); err != nil {
			return err
		}
		if _, err := assign(ctx, tx, sys, o.project, o.round); err != nil && !errors.Is(err, problem.ErrConflict) {
			return err // a record that has since closed needs no replacement
		}
	}
	return nil
}

// ReinstateExpert puts a removed expert back into the pool, with a reason
// (managers). The removal's reason goes into the audit event, since the row
// that held it is deleted.
func ReinstateExpert(ctx context.Context, db *store.DB, p access.Principal, userID int64, reason string) error {
	if err := mayManageExperts(p); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return problem.Invalid("reason", "review.reason_required")
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		name, err := expertUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		var was Removal
		err = tx.QueryRowContext(ctx, `SELECT reason, removed_by, at FROM expert_removals WHERE user_id = ?`, userID).Scan(&was.Reason, &was.By, &was.At)
		if errors.Is(err, sql.ErrNoRows) {
			return problem.New(problem.ErrConflict, "expert.not_removed", name)
		}
		if err != nil {
			return fmt.Errorf("removal of %d: %w", userID, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM expert_removals WHERE user_id = ?`, userID); err != nil {
			return fmt.Errorf("reinstate expert %d: %w", userID, err)
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "expert", EntityID: userID, Action: "reinstate",
			Before: map[string]any{"expert": name, "removed_reason": was.Reason, "removed_by": was.By, "removed_at": was.At},
			After:  map[string]any{"expert": name, "reason": reason}})
	})
}

// isRemoved reports whether an expert is out of the pool.
func isRemoved(ctx context.Context, q store.Querier, userID int64) (bool, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM expert_removals WHERE user_id = ?`, userID).Scan(&n); err != nil {
		return false, fmt.Errorf("removal of %d: %w", userID, err)
	}
	return n > 0, nil
}

// PoolCap is the highest yearly cap among the latest versions of the
// published templates that have a review (the default cap when none has):
// an expert with this many reviews this year is drawn for no program.
func PoolCap(ctx context.Context, q store.Querier) (int, error) {
	tids, err := ids(ctx, q, `SELECT t.id FROM program_templates t WHERE t.version = (SELECT max(v.version) FROM program_templates v WHERE v.key = t.key) ORDER BY t.id`)
	if err != nil {
		return 0, err
	}
	best := 0
	for _, id := range tids {
		t, err := LoadTemplate(ctx, q, id)
		if err != nil {
			return 0, err
		}
		if t.Review != nil && t.Review.Cap() > best {
			best = t.Review.Cap()
		}
	}
	if best == 0 {
		best = (&Review{}).Cap()
	}
	return best, nil
}

// Experts lists every enabled account holding the reviewer role, removed or
// not, with their fields, reviews this year against the cap, and mean
// rating.
func Experts(ctx context.Context, q store.Querier) ([]Expert, error) {
	rows, err := q.QueryContext(ctx, `SELECT u.id, u.username, u.display_name, x.reason, x.removed_by, x.at
		FROM users u JOIN user_roles ur ON ur.user_id = u.id AND ur.role = 'reviewer'
		LEFT JOIN expert_removals x ON x.user_id = u.id
		WHERE u.disabled = ? ORDER BY u.id`, false)
	if err != nil {
		return nil, fmt.Errorf("experts: %w", err)
	}
	var out []Expert
	for rows.Next() {
		var e Expert
		var reason, by sql.NullString
		var at sql.NullTime
		if err := rows.Scan(&e.UserID, &e.Username, &e.Name, &reason, &by, &at); err != nil {
			rows.Close()
			return nil, err
		}
		if reason.Valid {
			e.Removed = &Removal{Reason: reason.String, By: by.String, At: at.Time}
		}
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	fields, err := allExpertFields(ctx, q)
	if err != nil {
		return nil, err
	}
	loads, err := yearLoads(ctx, q, store.Now())
	if err != nil {
		return nil, err
	}
	limit, err := PoolCap(ctx, q)
	if err != nil {
		return nil, err
	}
	type mark struct {
		sum float64
		n   int
	}
	marks := map[int64]mark{}
	rr, err := q.QueryContext(ctx, `SELECT a.reviewer_id, sum(r.rating), count(*) FROM expert_ratings r
		JOIN review_assignments a ON a.id = r.assignment_id GROUP BY a.reviewer_id`)
	if err != nil {
		return nil, fmt.Errorf("expert ratings: %w", err)
	}
	for rr.Next() {
		var id int64
		var m mark
		if err := rr.Scan(&id, &m.sum, &m.n); err != nil {
			rr.Close()
			return nil, err
		}
		marks[id] = m
	}
	rr.Close()
	if err := rr.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		e := &out[i]
		e.Fields = fields[e.UserID]
		e.Load = loads[e.UserID]
		e.Cap = limit
		if m := marks[e.UserID]; m.n > 0 {
			e.Ratings = m.n
			e.Rating = math.Round(m.sum/float64(m.n)*100) / 100
		}
	}
	return out, nil
}
