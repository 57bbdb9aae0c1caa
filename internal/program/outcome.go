package program

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Outcome kinds and, for evaluations, the levels an appraisal gives.
var (
	OutcomeKinds     = []string{"milestone", "problem", "patent", "product", "standard", "evaluation"}
	EvaluationLevels = []string{"国际领先", "国际先进", "国内领先", "国内先进"}
	ProblemStatuses  = []string{"open", "solved"}
)

// Outcome is a dated milestone or result of a project.
type Outcome struct {
	ID        int64  `json:"id"`
	ProjectID int64  `json:"project_id"`
	Kind      string `json:"kind"`
	Title     string `json:"title"`
	Field     string `json:"field,omitempty"`  // technology field (problems, patents, products)
	Level     string `json:"level,omitempty"`  // evaluations: 国际先进 …
	Status    string `json:"status,omitempty"` // problems: open or solved
	Day       string `json:"day"`              // YYYY-MM-DD
	Detail    string `json:"detail,omitempty"`
}

// CheckOutcome names every field of o to fix.
func CheckOutcome(o Outcome) problem.List {
	var ps problem.List
	if !slices.Contains(OutcomeKinds, o.Kind) {
		ps = append(ps, problem.Invalid("kind", "outcome.kind", strings.Join(OutcomeKinds, ", ")))
	}
	if t := strings.TrimSpace(o.Title); t == "" || utf8.RuneCountInString(t) > 200 {
		ps = append(ps, problem.Invalid("title", "outcome.title"))
	}
	if _, err := time.Parse(time.DateOnly, o.Day); err != nil {
		ps = append(ps, problem.Invalid("day", "outcome.day", o.Day))
	}
	if o.Kind == "evaluation" && !slices.Contains(EvaluationLevels, o.Level) {
		ps = append(ps, problem.Invalid("level", "outcome.level", strings.Join(EvaluationLevels, "、")))
	}
	if o.Kind == "problem" && !slices.Contains(ProblemStatuses, o.Status) {
		ps = append(ps, problem.Invalid("status", "outcome.status"))
	}
	if utf8.RuneCountInString(o.Detail) > 2000 {
		ps = append(ps, problem.Invalid("detail", "outcome.detail"))
	}
	return ps
}

// AddOutcome records an outcome of a project, by a user of the applicant or
// a program manager.
func AddOutcome(ctx context.Context, db *store.DB, p access.Principal, o Outcome) (Outcome, error) {
	o.Title, o.Field, o.Detail = strings.TrimSpace(o.Title), strings.TrimSpace(o.Field), strings.TrimSpace(o.Detail)
	if o.Kind != "evaluation" {
		o.Level = ""
	}
	if o.Kind != "problem" {
		o.Status = ""
	}
	if ps := CheckOutcome(o); len(ps) > 0 {
		return o, ps
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		pr, err := GetProject(ctx, tx, o.ProjectID)
		if err != nil {
			return err
		}
		owner := p.OrgID != 0 && p.OrgID == pr.OrganisationID && p.Can(access.ProjectApply)
		if !owner && !p.Can(access.ProgramManage) {
			return problem.New(problem.ErrForbidden, "outcome.not_allowed")
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO project_outcomes (project_id, kind, title, field, level, status, day, detail, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, o.ProjectID, o.Kind, o.Title, o.Field, o.Level, o.Status, o.Day, o.Detail, store.Now(), p.Name).Scan(&o.ID); err != nil {
			return fmt.Errorf("add outcome: %w", err)
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "project", EntityID: o.ProjectID, Action: "add_outcome", After: o})
	})
	return o, err
}

// Outcomes lists a project's outcomes by date.
func Outcomes(ctx context.Context, q store.Querier, projectID int64) ([]Outcome, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, project_id, kind, title, field, level, status, day, detail FROM project_outcomes WHERE project_id = ? ORDER BY day, id`, projectID)
	if err != nil {
		return nil, fmt.Errorf("outcomes: %w", err)
	}
	defer rows.Close()
	out := []Outcome{}
	for rows.Next() {
		var o Outcome
		if err := rows.Scan(&o.ID, &o.ProjectID, &o.Kind, &o.Title, &o.Field, &o.Level, &o.Status, &o.Day, &o.Detail); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
