package program

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Assignment is one reviewer on one project in one round.
type Assignment struct {
	ID         int64              `json:"id"`
	ProjectID  int64              `json:"project_id"`
	Round      int                `json:"round"`
	ReviewerID int64              `json:"reviewer_id"`
	Reviewer   string             `json:"reviewer"`      // the expert's username (for the API and the audit)
	Name       string             `json:"reviewer_name"` // how pages name the expert (ExpertName)
	Status     string             `json:"status"`
	Override   string             `json:"override_reason,omitempty"`
	Declined   string             `json:"declined_reason,omitempty"`
	Comment    string             `json:"comment,omitempty"`
	Total      *float64           `json:"total,omitempty"`
	Scores     map[string]float64 `json:"scores,omitempty"`
	Version    int                `json:"version"`
}

const assignmentColumns = `a.id, a.project_id, a.round, a.reviewer_id, u.username, ` + ExpertName + `, a.status, a.override_reason, a.declined_reason, a.comment, a.total, a.version`

// ExpertName is how pages name an expert (users u): the account's display
// name, with the linked person's name after it where that differs; the
// login only when the account has no display name.
const ExpertName = `(CASE WHEN u.display_name <> '' THEN u.display_name ELSE u.username END || COALESCE((SELECT '（' || pp.name || '）' FROM people pp WHERE pp.id = u.person_id AND pp.name <> u.display_name), ''))`

func scanAssignment(s interface{ Scan(...any) error }) (Assignment, error) {
	var a Assignment
	var total sql.NullFloat64
	err := s.Scan(&a.ID, &a.ProjectID, &a.Round, &a.ReviewerID, &a.Reviewer, &a.Name, &a.Status, &a.Override, &a.Declined, &a.Comment, &total, &a.Version)
	if total.Valid {
		a.Total = &total.Float64
	}
	return a, err
}

// Assignments lists a project's assignments with their scores, by round.
func Assignments(ctx context.Context, q store.Querier, projectID int64) ([]Assignment, error) {
	return listAssignments(ctx, q, `a.project_id = ?`, projectID)
}

// ReviewerAssignments lists the assignments of one reviewer, newest first.
func ReviewerAssignments(ctx context.Context, q store.Querier, reviewerID int64) ([]Assignment, error) {
	return listAssignments(ctx, q, `a.reviewer_id = ?`, reviewerID)
}

func listAssignments(ctx context.Context, q store.Querier, cond string, args ...any) ([]Assignment, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+assignmentColumns+` FROM review_assignments a JOIN users u ON u.id = a.reviewer_id WHERE `+cond+` ORDER BY a.round, a.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list assignments: %w", err)
	}
	var out []Assignment
	for rows.Next() {
		a, err := scanAssignment(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Scores, err = scores(ctx, q, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func scores(ctx context.Context, q store.Querier, assignmentID int64) (map[string]float64, error) {
	rows, err := q.QueryContext(ctx, `SELECT criterion, score FROM review_scores WHERE assignment_id = ?`, assignmentID)
	if err != nil {
		return nil, fmt.Errorf("scores: %w", err)
	}
	defer rows.Close()
	out := map[string]float64{}
	for rows.Next() {
		var k string
		var v float64
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}

// GetAssignment reads one assignment.
func GetAssignment(ctx context.Context, q store.Querier, id int64) (Assignment, error) {
	a, err := scanAssignment(q.QueryRowContext(ctx, `SELECT `+assignmentColumns+` FROM review_assignments a JOIN users u ON u.id = a.reviewer_id WHERE a.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("assignment %d: %w", id, problem.ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("load assignment %d: %w", id, err)
	}
	a.Scores, err = scores(ctx, q, id)
	return a, err
}

// ownAssignment loads an assignment and checks it is p's.
func ownAssignment(ctx context.Context, q store.Querier, p access.Principal, id int64) (Assignment, error) {
	a, err := GetAssignment(ctx, q, id)
	if err != nil {
		return a, err
	}
	if p.UserID == 0 || a.ReviewerID != p.UserID {
		return a, fmt.Errorf("assignment %d: %w", id, problem.ErrNotFound)
	}
	return a, nil
}

// Score is a reviewer's sheet: a score per criterion and a comment.
type Score struct {
	Scores  map[string]float64
	Comment string
	Version int // the assignment version the sheet was filled against
}

// SubmitScores stores a reviewer's score sheet while the project is in its
// review stage. Every criterion must be scored within its scale; the total is
// the weighted mean of the scores, each brought to 0–100.
func SubmitScores(ctx context.Context, db *store.DB, p access.Principal, assignmentID int64, s Score) (Assignment, error) {
	var out Assignment
	err := db.InTx(ctx, func(tx *store.Tx) error {
		a, err := ownAssignment(ctx, tx, p, assignmentID)
		if err != nil {
			return err
		}
		if a.Status != Assigned && a.Status != Submitted {
			return problem.New(problem.ErrConflict, "review.not_open")
		}
		pr, err := GetProject(ctx, tx, a.ProjectID)
		if err != nil {
			return err
		}
		t, err := LoadTemplate(ctx, tx, pr.TemplateID)
		if err != nil {
			return err
		}
		if t.Review == nil || pr.Stage != t.Review.ReviewStage() {
			return problem.New(problem.ErrConflict, "review.not_in_review")
		}
		total, fields := scoreTotal(t.Review, s.Scores)
		if len(fields) > 0 {
			return fields
		}
		res, err := tx.ExecContext(ctx, `UPDATE review_assignments SET status = ?, total = ?, comment = ?, submitted_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			Submitted, total, strings.TrimSpace(s.Comment), store.Now(), a.ID, s.Version)
		if err != nil {
			return fmt.Errorf("submit scores: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return problem.New(problem.ErrConflict, "review.changed_meanwhile")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM review_scores WHERE assignment_id = ?`, a.ID); err != nil {
			return err
		}
		for _, c := range t.Review.Criteria {
			if _, err := tx.ExecContext(ctx, `INSERT INTO review_scores (assignment_id, criterion, score) VALUES (?, ?, ?)`, a.ID, c.Key, s.Scores[c.Key]); err != nil {
				return fmt.Errorf("store score: %w", err)
			}
		}
		if err := audit.Append(ctx, tx, audit.Change{Entity: "review_assignment", EntityID: a.ID, Action: "score",
			Before: map[string]any{"status": a.Status, "total": a.Total}, After: map[string]any{"status": Submitted, "total": total, "scores": s.Scores}}); err != nil {
			return err
		}
		if a.Status == Assigned { // the first sheet from this expert: the round may now be complete
			if err := noticeReviewed(ctx, tx, t, pr, a.Round); err != nil {
				return err
			}
		}
		out, err = GetAssignment(ctx, tx, a.ID)
		return err
	})
	return out, err
}

// scoreTotal is the weighted total, out of 100, of one reviewer's scores,
// or the problems with them: a criterion missing or out of its range, a
// score for no criterion.
func scoreTotal(r *Review, scores map[string]float64) (float64, problem.List) {
	var fields problem.List
	total, weights := 0.0, 0.0
	for _, c := range r.Criteria {
		v, ok := scores[c.Key]
		switch {
		case !ok || math.IsNaN(v):
			fields = append(fields, problem.Invalid("score_"+c.Key, "review.score_missing", c.Name))
		case v < c.Min || v > c.Max:
			fields = append(fields, problem.Invalid("score_"+c.Key, "review.score_range", c.Name, c.Min, c.Max))
		default:
			total += c.Weight * (v - c.Min) / (c.Max - c.Min) * 100
			weights += c.Weight
		}
	}
	for k := range scores {
		if _, ok := r.Criterion(k); !ok {
			fields = append(fields, problem.Invalid("score_"+k, "review.score_unknown", k))
		}
	}
	if len(fields) > 0 || weights == 0 {
		return 0, fields
	}
	return math.Round(total/weights*100) / 100, nil
}

// Decline turns an assignment down. When conflict is set the reviewer
// declares a relation with the project's organisations, which keeps them
// away from those organisations from then on. Either way the assignment
// draws a replacement from the pool at once.
func Decline(ctx context.Context, db *store.DB, p access.Principal, assignmentID int64, reason string, conflict bool) error {
	if strings.TrimSpace(reason) == "" {
		return problem.Invalid("reason", "review.reason_required")
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		a, err := ownAssignment(ctx, tx, p, assignmentID)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE review_assignments SET status = ?, declined_reason = ?, version = version + 1 WHERE id = ? AND status = ?`,
			Declined, reason, a.ID, Assigned)
		if err != nil {
			return fmt.Errorf("decline: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return problem.New(problem.ErrConflict, "review.not_open")
		}
		if conflict {
			orgs, err := ProjectOrganisations(ctx, tx, a.ProjectID)
			if err != nil {
				return err
			}
			for _, org := range orgs {
				if err := declare(ctx, tx, p.UserID, org, reason); err != nil {
					return err
				}
			}
		}
		if err := audit.Append(ctx, tx, audit.Change{Entity: "review_assignment", EntityID: a.ID, Action: "decline",
			After: map[string]any{"reason": reason, "conflict": conflict}}); err != nil {
			return err
		}
		// The replacement is drawn by the system on the manager's behalf.
		sys := access.Principal{Name: "system:replacement", Roles: []access.Role{access.Manager}}
		_, err = assign(ctx, tx, sys, a.ProjectID, a.Round)
		return err
	})
}

func declare(ctx context.Context, tx *store.Tx, userID, orgID int64, reason string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO reviewer_declarations (user_id, organisation_id, reason, declared_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id, organisation_id) DO NOTHING`, userID, orgID, reason, store.Now())
	if err != nil {
		return fmt.Errorf("declare conflict: %w", err)
	}
	return nil
}

// Result is a project's aggregated score in a round.
type Result struct {
	ProjectID int64     `json:"project_id"`
	Round     int       `json:"round"`
	Assigned  int       `json:"assigned"`
	Submitted int       `json:"submitted"`
	Totals    []float64 `json:"totals"`
	Score     *float64  `json:"score,omitempty"` // nil until a sheet is in
	Rank      int       `json:"rank,omitempty"`
}

// Aggregate combines totals the way the template says: mean, median, or the
// mean without the highest and lowest (trimmed_mean, when there are at least
// three).
func Aggregate(how string, totals []float64) float64 {
	if len(totals) == 0 {
		return 0
	}
	xs := append([]float64(nil), totals...)
	sort.Float64s(xs)
	switch how {
	case "median":
		n := len(xs)
		if n%2 == 1 {
			return xs[n/2]
		}
		return (xs[n/2-1] + xs[n/2]) / 2
	case "trimmed_mean":
		if len(xs) >= 3 {
			xs = xs[1 : len(xs)-1]
		}
	}
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return math.Round(sum/float64(len(xs))*100) / 100
}

// Results aggregates the score sheets of a project's round.
func Results(ctx context.Context, q store.Querier, t *Template, projectID int64, round int) (Result, error) {
	r := Result{ProjectID: projectID, Round: round, Totals: []float64{}}
	as, err := listAssignments(ctx, q, `a.project_id = ?`, projectID)
	if err != nil {
		return r, err
	}
	for _, a := range as {
		if a.Round != round || (a.Status != Assigned && a.Status != Submitted) {
			continue
		}
		r.Assigned++
		if a.Status == Submitted && a.Total != nil {
			r.Submitted++
			r.Totals = append(r.Totals, *a.Total)
		}
	}
	if r.Submitted > 0 && t.Review != nil {
		s := Aggregate(t.Review.Aggregate, r.Totals)
		r.Score = &s
	}
	return r, nil
}

// Ranking orders the projects of a call in a stage by their aggregated score
// of the round, best first; projects without a score come last.
func Ranking(ctx context.Context, q store.Querier, callID int64, stage string, round int) ([]Result, error) {
	var tid int64
	if err := q.QueryRowContext(ctx, `SELECT template_id FROM calls WHERE id = ?`, callID).Scan(&tid); err != nil {
		return nil, fmt.Errorf("call %d: %w", callID, problem.ErrNotFound)
	}
	t, err := LoadTemplate(ctx, q, tid)
	if err != nil {
		return nil, err
	}
	pids, err := ids(ctx, q, `SELECT id FROM projects WHERE call_id = ? AND stage = ? ORDER BY id`, callID, stage)
	if err != nil {
		return nil, err
	}
	out := make([]Result, 0, len(pids))
	for _, id := range pids {
		r, err := Results(ctx, q, t, id, round)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Score, out[j].Score
		switch {
		case a == nil:
			return false
		case b == nil:
			return true
		}
		return *a > *b
	})
	for i := range out {
		if out[i].Score != nil {
			out[i].Rank = i + 1
		}
	}
	return out, nil
}

// Required is how many score sheets a round needs before its results
// decide anything: the template's reviewers per record, at least one.
func (r *Review) Required() int { return max(r.ReviewersPerRecord, 1) }

// ReviewedInCall counts a call's records of t's program (a call also holds
// its records' children, a challenge's bids) in the review stage whose first
// round holds the score sheets the template requires (the indexes
// projects(call_id, stage) and review_assignments(project_id, round, …)).
func ReviewedInCall(ctx context.Context, q store.Querier, callID int64, t *Template) (int, error) {
	if t.Review == nil {
		return 0, nil
	}
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM projects p WHERE p.call_id = ? AND p.stage = ?
		AND p.template_id IN (SELECT id FROM program_templates WHERE key = ?)
		AND (SELECT count(*) FROM review_assignments a WHERE a.project_id = p.id AND a.round = 1 AND a.status = ?) >= ?`,
		callID, t.Review.ReviewStage(), t.Key, Submitted, t.Review.Required()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("reviewed records of call %d: %w", callID, err)
	}
	return n, nil
}
