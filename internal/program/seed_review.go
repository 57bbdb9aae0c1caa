package program

import (
	"context"
	"fmt"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// SeededReview is a review written whole by a bulk load: a reviewer's
// assignment to a record, scored and submitted, as the demo city's records
// that passed their expert review were reviewed.
type SeededReview struct {
	ProjectID, ReviewerID int64
	Round                 int
	Assigned, Submitted   time.Time
	Scores                map[string]float64
	Comment               string
}

// SeedReviews writes submitted reviews of records of template t, with their
// scores and totals (weighted as SubmitScores weighs them), in a few
// multi-row statements with an audit event each. Scores out of the rubric
// are refused.
func SeedReviews(ctx context.Context, tx *store.Tx, t *Template, rs []SeededReview) error {
	if t.Review == nil {
		return fmt.Errorf("seed reviews: %s has no review", t.Key)
	}
	changes := make([]audit.Change, 0, len(rs))
	for start := 0; start < len(rs); start += 200 {
		chunk := rs[start:min(start+200, len(rs))]
		var scoreRows [][]any
		for _, r := range chunk {
			total, ps := scoreTotal(t.Review, r.Scores)
			if len(ps) > 0 {
				return fmt.Errorf("seed review of %d: %w", r.ProjectID, ps)
			}
			round := max(r.Round, 1)
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO review_assignments (project_id, round, reviewer_id, status, assigned_at, assigned_by, submitted_at, comment, total)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, r.ProjectID, round, r.ReviewerID, Submitted, r.Assigned, "演示数据", r.Submitted, r.Comment, total).Scan(&id); err != nil {
				return fmt.Errorf("seed review of %d by %d: %w", r.ProjectID, r.ReviewerID, err)
			}
			for _, c := range t.Review.Criteria {
				scoreRows = append(scoreRows, []any{id, c.Key, r.Scores[c.Key]})
			}
			changes = append(changes, audit.Change{Entity: "review_assignment", EntityID: id, Action: "seed",
				After: map[string]any{"project": r.ProjectID, "reviewer": r.ReviewerID, "status": Submitted, "total": total}})
		}
		if err := insertRows(ctx, tx, `review_scores (assignment_id, criterion, score)`, scoreRows); err != nil {
			return err
		}
	}
	return audit.AppendBatch(ctx, tx, changes)
}
