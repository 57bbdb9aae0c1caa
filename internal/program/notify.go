package program

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Notice is an in-app notification: to one user, or to every user of an
// organisation. Kind names an i18n message "notice.KIND" that Args fill.
type Notice struct {
	ID             int64     `json:"id"`
	UserID         int64     `json:"-"`
	OrganisationID int64     `json:"-"`
	ProjectID      int64     `json:"project_id,omitempty"`
	Kind           string    `json:"kind"`
	Args           []any     `json:"args,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	Read           bool      `json:"read"`
}

// Notify stores a notice in tx, so it exists exactly when the change it tells
// of does.
func Notify(ctx context.Context, tx *store.Tx, n Notice) error {
	args, err := json.Marshal(n.Args)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO notifications (user_id, organisation_id, project_id, kind, args, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		nullID(n.UserID), nullID(n.OrganisationID), nullID(n.ProjectID), n.Kind, string(args), store.Now())
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	return nil
}

// NotifyOnce stores a notice unless one with the same key was ever
// stored, and reports whether it did: reminders that two app nodes, or a
// run retried after a crash, might both write are written once.
func NotifyOnce(ctx context.Context, tx *store.Tx, n Notice, key string) (bool, error) {
	args, err := json.Marshal(n.Args)
	if err != nil {
		return false, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO notifications (user_id, organisation_id, project_id, kind, args, created_at, once_key) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (once_key) DO NOTHING`,
		nullID(n.UserID), nullID(n.OrganisationID), nullID(n.ProjectID), n.Kind, string(args), store.Now(), key)
	if err != nil {
		return false, fmt.Errorf("notify once: %w", err)
	}
	k, err := res.RowsAffected()
	return k == 1, err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Notices lists the newest notices for a user (theirs and their
// organisation's).
func Notices(ctx context.Context, q store.Querier, userID, orgID int64, limit int) ([]Notice, error) {
	rows, err := q.QueryContext(ctx, `SELECT n.id, COALESCE(n.project_id, 0), n.kind, n.args, n.created_at, n.read_at IS NOT NULL, COALESCE(p.title, '')
		FROM notifications n LEFT JOIN projects p ON p.id = n.project_id
		WHERE n.user_id = ? OR n.organisation_id = ? ORDER BY n.id DESC LIMIT ?`, userID, orgID, limit)
	if err != nil {
		return nil, fmt.Errorf("notices: %w", err)
	}
	defer rows.Close()
	out := []Notice{}
	for rows.Next() {
		var n Notice
		var args, title string
		if err := rows.Scan(&n.ID, &n.ProjectID, &n.Kind, &args, &n.CreatedAt, &n.Read, &title); err != nil {
			return nil, err
		}
		_ = json.Unmarshal([]byte(args), &n.Args)
		if n.ProjectID != 0 && len(n.Args) > 0 && n.Args[0] == "" && title != "" {
			n.Args[0] = title // a notice written while the record's title was blank names it as it is now
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Unread counts a user's unread notices.
func Unread(ctx context.Context, q store.Querier, userID, orgID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM notifications WHERE (user_id = ? OR organisation_id = ?) AND read_at IS NULL`, userID, orgID).Scan(&n)
	return n, err
}

// MarkRead marks a user's notices read.
func MarkRead(ctx context.Context, db *store.DB, userID, orgID int64) error {
	return db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = ? WHERE (user_id = ? OR organisation_id = ?) AND read_at IS NULL`, store.Now(), userID, orgID)
		return err
	})
}

// Link is the page a notice points to.
func (n Notice) Link() string {
	switch {
	case n.ProjectID != 0:
		return fmt.Sprintf("/projects/%d", n.ProjectID)
	case n.Kind == "call_opened":
		return "/programs"
	case (n.Kind == "proposal_due" || n.Kind == "proposal_overdue") && len(n.Args) > 2:
		return fmt.Sprintf("/proposals/%v", n.Args[2]) // a proposal's reminder names it third
	}
	return ""
}
