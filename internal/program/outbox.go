package program

import (
	"context"
	"crypto/rand"
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
	UserID    int64
	Kind      string
	Args      []any
	ProjectID int64
	Email     string
	Lang      string
}

// emailClaim is how long a node may take over a notice's messages before
// another may take the notice over.
const emailClaim = 5 * time.Minute

// pendingNotices lists notices of the last three days not yet e-mailed and
// claimed by no delivery now.
func pendingNotices(ctx context.Context, q store.Querier, now time.Time, limit int) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM notifications
		WHERE emailed_at IS NULL AND created_at >= ? AND (email_claim_until IS NULL OR email_claim_until < ?)
		ORDER BY id LIMIT ?`, now.Add(-72*time.Hour), now, limit)
	if err != nil {
		return nil, fmt.Errorf("pending e-mail: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// recipients lists a notice's messages not yet sent: to its user, or to
// every enabled user of its organisation, with an address.
func recipients(ctx context.Context, q store.Querier, noticeID int64) ([]outgoing, error) {
	rows, err := q.QueryContext(ctx, `SELECT n.id, u.id, n.kind, n.args, COALESCE(n.project_id, 0), u.email, u.lang FROM notifications n
		JOIN users u ON (u.id = n.user_id OR (n.user_id IS NULL AND u.org_id = n.organisation_id))
		WHERE n.id = ? AND u.disabled = ? AND u.email <> ''
		AND NOT EXISTS (SELECT 1 FROM notification_emails e WHERE e.notification_id = n.id AND e.user_id = u.id)
		ORDER BY u.id`, noticeID, false)
	if err != nil {
		return nil, fmt.Errorf("notice %d recipients: %w", noticeID, err)
	}
	defer rows.Close()
	var out []outgoing
	for rows.Next() {
		var o outgoing
		var args string
		if err := rows.Scan(&o.NoticeID, &o.UserID, &o.Kind, &args, &o.ProjectID, &o.Email, &o.Lang); err != nil {
			return nil, err
		}
		_ = json.Unmarshal([]byte(args), &o.Args)
		out = append(out, o)
	}
	return out, rows.Err()
}

// DeliverEmail sends pending notices through the relay, each to its
// recipients in their language with a link to the record. Several app
// nodes may run it at once: a notice is claimed by one UPDATE before its
// messages go out (another node skips it while the claim lasts), each
// message is recorded as it is sent (a notice taken over after a crash
// goes only to those who had not had it; the window is between the relay
// accepting a message and that record, and a copy sent in it carries the
// same Message-ID), and the notice is marked e-mailed once all are sent. A
// failure stops the round and frees the notice for the next.
func DeliverEmail(ctx context.Context, db *store.DB, relay mail.Config, baseURL string) (int, error) {
	holder := rand.Text()
	ids, err := pendingNotices(ctx, db, store.Now(), 100)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, id := range ids {
		now := store.Now()
		res, err := db.ExecContext(ctx, `UPDATE notifications SET email_claim = ?, email_claim_until = ?
			WHERE id = ? AND emailed_at IS NULL AND (email_claim_until IS NULL OR email_claim_until < ?)`, holder, now.Add(emailClaim), id, now)
		if err != nil {
			return sent, fmt.Errorf("claim notice %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue // another node has it, or sent it
		}
		n, err := deliverNotice(ctx, db, relay, baseURL, holder, id)
		sent += n
		if err != nil {
			_, _ = db.ExecContext(context.WithoutCancel(ctx), `UPDATE notifications SET email_claim = NULL, email_claim_until = NULL WHERE id = ? AND email_claim = ?`, id, holder)
			return sent, err
		}
	}
	return sent, nil
}

// deliverNotice sends a claimed notice's messages not yet sent and marks it
// e-mailed.
func deliverNotice(ctx context.Context, db *store.DB, relay mail.Config, baseURL, holder string, id int64) (int, error) {
	out, err := recipients(ctx, db, id)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, o := range out {
		lang := i18n.Normalize(o.Lang)
		text := i18n.T(lang, "notice."+o.Kind, o.Args...)
		body := text + "\n"
		if o.ProjectID != 0 && baseURL != "" {
			body += fmt.Sprintf("\n%s/projects/%d\n", strings.TrimRight(baseURL, "/"), o.ProjectID)
		}
		body += "\n" + i18n.T(lang, "notice.footer") + "\n"
		msg := mail.Message{To: []string{o.Email}, Subject: i18n.T(lang, "notice.subject") + text, Body: body, ID: fmt.Sprintf("notice-%d-%d", o.NoticeID, o.UserID)}
		if err := mail.Send(ctx, relay, msg); err != nil {
			return sent, fmt.Errorf("e-mail notice %d: %w", o.NoticeID, err)
		}
		sent++
		if _, err := db.ExecContext(context.WithoutCancel(ctx), `INSERT INTO notification_emails (notification_id, user_id, sent_at, holder) VALUES (?, ?, ?, ?)`,
			o.NoticeID, o.UserID, store.Now(), holder); err != nil {
			return sent, fmt.Errorf("record notice %d e-mailed to user %d: %w", o.NoticeID, o.UserID, err)
		}
	}
	if _, err := db.ExecContext(context.WithoutCancel(ctx), `UPDATE notifications SET emailed_at = ?, email_claim = NULL, email_claim_until = NULL WHERE id = ? AND email_claim = ?`,
		store.Now(), id, holder); err != nil {
		return sent, fmt.Errorf("mark notice %d e-mailed: %w", id, err)
	}
	return sent, nil
}
