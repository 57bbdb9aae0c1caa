package program

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// PendingFor is how long a file sent with a refused form is kept for its
// sender to re-use.
const PendingFor = 24 * time.Hour

// Pending is a file sent with a form that came back with errors, kept (its
// content stored like an attachment's, under its hash) so that its sender
// need not choose it again. Only the user who sent it may use it, only for
// the field it was sent for, and only for PendingFor.
type Pending struct {
	ID    int64
	Field string
	Name  string
	Size  int64
	MIME  string
	sum   string
}

// KeepPending stores a checked file (ReadUpload's) for user to send again.
// Expired pending files of anyone are dropped on the way.
func (f Files) KeepPending(ctx context.Context, db *store.DB, userID int64, file File) (Pending, error) {
	if userID <= 0 {
		return Pending{}, errors.New("keep upload: no user")
	}
	if err := f.prunePending(ctx, db); err != nil {
		return Pending{}, err
	}
	h := sha256.Sum256(file.Content)
	p := Pending{Field: file.Field, Name: file.Name, Size: int64(len(file.Content)), MIME: file.MIME, sum: hex.EncodeToString(h[:])}
	if err := f.write(p.sum, file.Content); err != nil {
		return p, err
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO pending_uploads (user_id, field, name, sha256, size, mime, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			userID, p.Field, p.Name, p.sum, p.Size, p.MIME, store.Now()).Scan(&p.ID)
	})
	if err != nil {
		return p, fmt.Errorf("keep upload: %w", err)
	}
	return p, nil
}

// TakePending reads back a pending file of user's for field, as an upload
// to check again like any other. Another user's, another field's or an
// expired one is not found.
func (f Files) TakePending(ctx context.Context, db *store.DB, userID, id int64, field string) (Pending, []byte, error) {
	var p Pending
	err := db.QueryRowContext(ctx, `SELECT id, field, name, sha256, size, mime FROM pending_uploads
		WHERE id = ? AND user_id = ? AND field = ? AND created_at > ?`, id, userID, field, store.Now().Add(-PendingFor)).
		Scan(&p.ID, &p.Field, &p.Name, &p.sum, &p.Size, &p.MIME)
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil, fmt.Errorf("pending upload %d: %w", id, problem.ErrNotFound)
	}
	if err != nil {
		return p, nil, fmt.Errorf("pending upload %d: %w", id, err)
	}
	content, err := os.ReadFile(f.path(p.sum))
	if err != nil {
		return p, nil, fmt.Errorf("pending upload %d: %w", id, err)
	}
	return p, content, nil
}

// DropPending forgets user's pending files once used; their content stays
// while an attachment or another pending file has the same hash.
func (f Files) DropPending(ctx context.Context, db *store.DB, userID int64, ids []int64) error {
	for _, id := range ids {
		var sum string
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.QueryRowContext(ctx, `DELETE FROM pending_uploads WHERE id = ? AND user_id = ? RETURNING sha256`, id, userID).Scan(&sum)
		})
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return fmt.Errorf("drop pending upload %d: %w", id, err)
		}
		if err := f.removeUnused(ctx, db, sum); err != nil {
			return err
		}
	}
	return nil
}

// prunePending drops pending files older than PendingFor.
func (f Files) prunePending(ctx context.Context, db *store.DB) error {
	var sums []string
	err := db.InTx(ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, `DELETE FROM pending_uploads WHERE created_at <= ? RETURNING sha256`, store.Now().Add(-PendingFor))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				return err
			}
			sums = append(sums, s)
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("prune pending uploads: %w", err)
	}
	for _, s := range sums {
		if err := f.removeUnused(ctx, db, s); err != nil {
			return err
		}
	}
	return nil
}

// removeUnused deletes a stored content no attachment or pending file uses.
func (f Files) removeUnused(ctx context.Context, db *store.DB, sum string) error {
	if len(sum) != 64 {
		return nil
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM attachments WHERE sha256 = ?) + (SELECT count(*) FROM pending_uploads WHERE sha256 = ?)`, sum, sum).Scan(&n); err != nil {
		return fmt.Errorf("content in use: %w", err)
	}
	if n > 0 {
		return nil
	}
	if err := os.Remove(f.path(sum)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove unused content: %w", err)
	}
	return nil
}
