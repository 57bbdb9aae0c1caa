package program

import (
	"cmp"
	"context"
	"fmt"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// notifyManagers tells every enabled manager account of an event on a
// record, in tx (so the notice exists exactly when the event does). The
// managers are the accounts holding the manager role: they run every
// program.
func notifyManagers(ctx context.Context, tx *store.Tx, projectID int64, kind string, args []any) error {
	rows, err := tx.QueryContext(ctx, `SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role = ? AND u.disabled = ? ORDER BY u.id`, string(access.Manager), false)
	if err != nil {
		return fmt.Errorf("managers to notify: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if err := Notify(ctx, tx, Notice{UserID: id, ProjectID: projectID, Kind: kind, Args: args}); err != nil {
			return err
		}
	}
	return nil
}

// noticeSubmitted tells the managers that the applicant handed a record
// to the bureau: an applicant's move into a stage a manager moves records
// out of (a submission, a resubmission, a bid).
func noticeSubmitted(ctx context.Context, tx *store.Tx, t *Template, p access.Principal, pr Project, tr *Transition) error {
	if p.Can(access.ProgramManage) || !contains(tr.By, "owner") || !managerMoves(t, tr.To) {
		return nil
	}
	st, _ := t.Stage(tr.To)
	return notifyManagers(ctx, tx, pr.ID, "record_submitted", []any{recordName(pr), t.Name, st.Name, cmp.Or(t.NameEN, t.Name), cmp.Or(st.NameEN, st.Name)})
}

// noticeReviewed tells the managers that a record's round of review is
// complete: no sheet of the round is outstanding and the template's number
// is in.
func noticeReviewed(ctx context.Context, tx *store.Tx, t *Template, pr Project, round int) error {
	var open, in int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(sum(CASE WHEN status = ? THEN 1 ELSE 0 END), 0), COALESCE(sum(CASE WHEN status = ? THEN 1 ELSE 0 END), 0)
		FROM review_assignments WHERE project_id = ? AND round = ?`, Assigned, Submitted, pr.ID, round).Scan(&open, &in); err != nil {
		return fmt.Errorf("round of review: %w", err)
	}
	if open > 0 || in < t.Review.Required() {
		return nil
	}
	return notifyManagers(ctx, tx, pr.ID, "reviews_complete", []any{recordName(pr), round, in})
}

// managerMoves reports whether a manager moves records out of stage.
func managerMoves(t *Template, stage string) bool {
	for _, tr := range t.Transitions {
		if contains(tr.From, stage) && contains(tr.By, "role:"+string(access.Manager)) {
			return true
		}
	}
	return false
}

func recordName(pr Project) string {
	if pr.Title != "" {
		return pr.Title
	}
	return fmt.Sprintf("#%d", pr.ID)
}
