package registry

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Import job states. Interrupted is never stored: it is a running job whose
// node stopped renewing its lease (it died; its one transaction was rolled
// back).
const (
	JobPreview     = "preview"
	JobRunning     = "running"
	JobDone        = "done"
	JobFailed      = "failed"
	JobInterrupted = "interrupted"
)

// ImportJob is an uploaded file between preview and commit, and its commit,
// kept in the database so every app node can show and commit it.
type ImportJob struct {
	ID         string
	OwnerID    int64
	Kind       ImportKind
	FileName   string
	File       []byte
	State      string
	Done       int
	Total      int
	Summary    Summary
	Error      string
	Holder     string
	LeaseUntil time.Time
	Created    time.Time
}

// importJobKeep is how long a job and its file are kept.
const importJobKeep = 24 * time.Hour

// SaveImportJob stores a new job in the preview state, and deletes the
// jobs older than a day.
func SaveImportJob(ctx context.Context, db *store.DB, j ImportJob) error {
	now := store.Now()
	return db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM import_jobs WHERE created_at < ? AND state <> ?`, now.Add(-importJobKeep), JobRunning); err != nil {
			return fmt.Errorf("import jobs: clear old: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO import_jobs (id, owner_id, kind, file_name, file, state, total, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			j.ID, j.OwnerID, string(j.Kind), j.FileName, j.File, JobPreview, j.Total, now, now)
		if err != nil {
			return fmt.Errorf("import job %s: save: %w", j.ID, err)
		}
		return nil
	})
}

// LoadImportJob reads a job of owner's (another's is not found), with its
// file when withFile.
func LoadImportJob(ctx context.Context, db *store.DB, id string, owner int64, withFile bool) (ImportJob, error) {
	file := "NULL"
	if withFile {
		file = "file"
	}
	j := ImportJob{ID: id}
	var kind, summary string
	var holder sql.NullString
	var lease sql.NullTime
	var raw []byte
	err := db.QueryRowContext(ctx, `SELECT owner_id, kind, file_name, `+file+`, state, done, total, summary, error, holder, lease_until, created_at
		FROM import_jobs WHERE id = ?`, id).Scan(&j.OwnerID, &kind, &j.FileName, &raw, &j.State, &j.Done, &j.Total, &summary, &j.Error, &holder, &lease, &j.Created)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && j.OwnerID != owner) {
		return ImportJob{}, fmt.Errorf("import %s: %w", id, problem.ErrNotFound)
	}
	if err != nil {
		return ImportJob{}, fmt.Errorf("import %s: %w", id, err)
	}
	j.Kind, j.File, j.Holder, j.LeaseUntil = ImportKind(kind), raw, holder.String, lease.Time
	if summary != "" {
		_ = json.Unmarshal([]byte(summary), &j.Summary)
	}
	if j.State == JobRunning && j.LeaseUntil.Before(store.Now()) {
		j.State = JobInterrupted
	}
	return j, nil
}

// ClaimImportJob starts the commit of a job on this node (holder): it
// succeeds for a job in preview, or one interrupted, and for one node only.
func ClaimImportJob(ctx context.Context, db *store.DB, id string, owner int64, holder string, lease time.Duration) error {
	now := store.Now()
	res, err := db.ExecContext(ctx, `UPDATE import_jobs SET state = ?, holder = ?, lease_until = ?, done = 0, error = '', updated_at = ?
		WHERE id = ? AND owner_id = ? AND (state = ? OR (state = ? AND lease_until < ?))`,
		JobRunning, holder, now.Add(lease), now, id, owner, JobPreview, JobRunning, now)
	if err != nil {
		return fmt.Errorf("import %s: claim: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return problem.New(problem.ErrConflict, "import.not_ready")
	}
	return nil
}

// ImportJobProgress records how far the commit has come and renews the
// holder's lease. It writes outside the commit's transaction: on SQLite,
// whose one writer that transaction holds, the caller keeps progress in
// memory instead.
func ImportJobProgress(ctx context.Context, db *store.DB, id, holder string, done, total int, lease time.Duration) error {
	now := store.Now()
	_, err := db.ExecContext(ctx, `UPDATE import_jobs SET done = ?, total = ?, lease_until = ?, updated_at = ? WHERE id = ? AND holder = ? AND state = ?`,
		done, total, now.Add(lease), now, id, holder, JobRunning)
	if err != nil {
		return fmt.Errorf("import %s: progress: %w", id, err)
	}
	return nil
}

// FinishImportJob records the commit's end: done with its summary, or
// failed with the error.
func FinishImportJob(ctx context.Context, db *store.DB, id, holder string, sum Summary, total int, failure error) error {
	state, msg, done := JobDone, "", total
	if failure != nil {
		state, msg, done = JobFailed, failure.Error(), 0
	}
	b, _ := json.Marshal(sum)
	_, err := db.ExecContext(ctx, `UPDATE import_jobs SET state = ?, done = ?, total = ?, summary = ?, error = ?, holder = NULL, lease_until = NULL, updated_at = ?
		WHERE id = ? AND holder = ?`, state, done, total, string(b), msg, store.Now(), id, holder)
	if err != nil {
		return fmt.Errorf("import %s: finish: %w", id, err)
	}
	return nil
}
