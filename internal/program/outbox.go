package program

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/mail"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// outgoing is a notice to e-mail to one recipient.
type outgoing struct {
	NoticeID  int64
	Kind      string
	Args      []any
	ProjectID int64
	Email     string
	Lang      string
}

// pendingEmail lists notices of the last three days not yet e-mailed, with
// the addresses of the users they are for (a user's own, or every enabled
// user of the organisation).
func pendingEmail(ctx context.Context, q store.Querier, limit int) ([]outgoing, error) {
	rows, err := q.QueryContext(ctx, `SELECT n.id, n.kind, n.args, COALESCE(n.project_id, 0), u.email, u.lang FROM notifications n
		JOIN users u ON (u.id = n.user_id OR (n.user_id IS NULL AND u.org_id = n.organisation_id))
		WHERE n.emailed_at IS NULL AND n.created_at >= ? AND u.disabled = ? AND u.email <> ''
		ORDER BY n.id, u.id LIMIT ?`, store.Now().Add(-72*time.Hour), false, limit)
	if err != nil {
		return nil, fmt.Errorf("pending e-mail: %w", err)
	}
	defer rows.Close()
	var out []outgoing
	for rows.Next() {
		var o outgoing
		var args string
		if err := rows.Scan(&o.NoticeID, &o.Kind, &args, &o.ProjectID, &o.Email, &o.Lang); err != nil {
			return nil, err
		}
		_ = json.Unmarshal([]byte(args), &o.Args)
		out = append(out, o)
	}
	return out, rows.Err()
}

// DeliverEmail sends pending notices through the relay, each to its
// recipients in their language with a link to the record, and marks each
// notice once all its messages are sent. A failure stops the round; the
// notice is tried again next time.
func DeliverEmail(ctx context.Context, db *store.DB, relay mail.Config, baseURL string) (int, error) {
	pending, err := pendingEmail(ctx, db, 200)
	if err != nil {
		return 0, err
	}
	sent := 0
	for i, o := range pending {
		lang := i18n.Normalize(o.Lang)
		text := i18n.T(lang, "notice."+o.Kind, o.Args...)
		body := text + "\n"
		if o.ProjectID != 0 && baseURL != "" {
			body += fmt.Sprintf("\n%s/projects/%d\n", strings.TrimRight(baseURL, "/"), o.ProjectID)
		}
		body += "\n" + i18n.T(lang, "notice.footer") + "\n"
		if err := mail.Send(ctx, relay, mail.Message{To: []string{o.Email}, Subject: i18n.T(lang, "notice.subject") + text, Body: body}); err != nil {
			return sent, fmt.Errorf("e-mail notice %d: %w", o.NoticeID, err)
		}
		sent++
		if i+1 == len(pending) || pending[i+1].NoticeID != o.NoticeID {
			if _, err := db.ExecContext(ctx, `UPDATE notifications SET emailed_at = ? WHERE id = ?`, store.Now(), o.NoticeID); err != nil {
				return sent, fmt.Errorf("mark notice %d e-mailed: %w", o.NoticeID, err)
			}
		}
	}
	return sent, nil
}
