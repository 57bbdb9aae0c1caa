// Package jobs runs background work once across app nodes. Every node that
// shares a database runs a Runner with the same jobs; a job runs on the node
// that takes its lease, a row of the jobs table claimed by one UPDATE that
// succeeds only when the job is due and no other node holds an unexpired
// lease. The holder renews the lease while it works and gives it up with the
// next due time when done; a node that dies stops renewing, and another
// takes the job over once the lease has run out. Every run is kept in
// job_runs. Handlers must still be idempotent: a node can die after doing
// part of its work, and the next run does the rest.
package jobs

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Job is work done every Every on one node at a time.
type Job struct {
	Name  string
	Every time.Duration
	// Run does the work and says how many things it did (notices sent,
	// reminders written).
	Run func(ctx context.Context) (int, error)
}

// Runner takes the leases of its jobs for one node.
type Runner struct {
	DB     *store.DB
	Holder string        // this node's name in the jobs table
	Lease  time.Duration // how long a lease lasts without renewal (1 minute)
	Poll   time.Duration // how often a due job is looked for (5 seconds)
	Log    *slog.Logger
}

// NewRunner is a runner for this process: its holder name is the host, the
// process id and a random suffix, so two nodes never share one.
func NewRunner(db *store.DB, log *slog.Logger) *Runner {
	host, _ := os.Hostname()
	return &Runner{DB: db, Holder: fmt.Sprintf("%s:%d:%s", host, os.Getpid(), rand.Text()[:6]), Lease: time.Minute, Poll: 5 * time.Second, Log: log}
}

// Run runs the jobs until ctx ends: each is looked at every Poll (or the
// shortest Every, if shorter) and run when this node takes its lease.
func (r *Runner) Run(ctx context.Context, jobs ...Job) {
	poll := r.Poll
	for _, j := range jobs {
		poll = min(poll, j.Every)
	}
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		for _, j := range jobs {
			if ctx.Err() != nil {
				return
			}
			if _, err := r.RunDue(ctx, j); err != nil && ctx.Err() == nil {
				r.Log.Warn("job", "job", j.Name, "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// RunDue runs j if it is due and this node takes its lease, and reports
// whether it ran.
func (r *Runner) RunDue(ctx context.Context, j Job) (bool, error) {
	start := store.Now()
	ok, err := r.claim(ctx, j, start)
	if err != nil || !ok {
		return false, err
	}
	var runID int64
	if err := r.DB.InTx(ctx, func(tx *store.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO job_runs (name, holder, started_at) VALUES (?, ?, ?) RETURNING id`, j.Name, r.Holder, start).Scan(&runID)
	}); err != nil {
		r.release(j, start)
		return true, fmt.Errorf("job %s: record run: %w", j.Name, err)
	}
	rctx, cancel := context.WithCancel(ctx)
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		r.renew(rctx, cancel, j)
	}()
	n, runErr := j.Run(rctx)
	cancel()
	<-renewed
	msg := ""
	if runErr != nil {
		msg = runErr.Error()
	}
	// The run's record and the lease are written even when ctx has ended
	// (a shutdown): the next node should not wait out the lease.
	bg := context.WithoutCancel(ctx)
	if _, err := r.DB.ExecContext(bg, `UPDATE job_runs SET finished_at = ?, done = ?, error = ? WHERE id = ?`, store.Now(), n, msg, runID); err != nil {
		return true, errors.Join(runErr, fmt.Errorf("job %s: finish run: %w", j.Name, err))
	}
	if err := r.release(j, start); err != nil {
		return true, errors.Join(runErr, err)
	}
	if runErr == nil && n > 0 {
		r.Log.Info("job", "job", j.Name, "done", n)
	}
	return true, runErr
}

// claim takes j's lease when j is due and nobody else holds it.
func (r *Runner) claim(ctx context.Context, j Job, now time.Time) (bool, error) {
	if _, err := r.DB.ExecContext(ctx, `INSERT INTO jobs (name, next_run_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, j.Name, now); err != nil {
		return false, fmt.Errorf("job %s: %w", j.Name, err)
	}
	res, err := r.DB.ExecContext(ctx, `UPDATE jobs SET holder = ?, lease_until = ?
		WHERE name = ? AND next_run_at <= ? AND (lease_until IS NULL OR lease_until < ?)`, r.Holder, now.Add(r.Lease), j.Name, now, now)
	if err != nil {
		return false, fmt.Errorf("job %s: take lease: %w", j.Name, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// renew extends the lease every third of its length until ctx ends; when
// the lease was lost (this node stalled past it and another took the job)
// the run is cancelled.
func (r *Runner) renew(ctx context.Context, cancel context.CancelFunc, j Job) {
	tick := time.NewTicker(r.Lease / 3)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		res, err := r.DB.ExecContext(ctx, `UPDATE jobs SET lease_until = ? WHERE name = ? AND holder = ?`, store.Now().Add(r.Lease), j.Name, r.Holder)
		if err != nil {
			continue // the database is away: try again; the lease may still hold
		}
		if n, _ := res.RowsAffected(); n == 0 {
			r.Log.Warn("job lease lost, run stopped", "job", j.Name)
			cancel()
			return
		}
	}
}

// KeepRuns is how long job_runs keeps a run.
const KeepRuns = 30 * 24 * time.Hour

// release gives the lease up and sets the next run, Every after this one
// started, and forgets the job's runs older than KeepRuns.
func (r *Runner) release(j Job, started time.Time) error {
	ctx := context.Background()
	_, err := r.DB.ExecContext(ctx, `UPDATE jobs SET holder = NULL, lease_until = NULL, next_run_at = ?, runs = runs + 1 WHERE name = ? AND holder = ?`,
		started.Add(j.Every), j.Name, r.Holder)
	if err != nil {
		return fmt.Errorf("job %s: release lease: %w", j.Name, err)
	}
	if _, err := r.DB.ExecContext(ctx, `DELETE FROM job_runs WHERE name = ? AND started_at < ?`, j.Name, started.Add(-KeepRuns)); err != nil {
		return fmt.Errorf("job %s: forget old runs: %w", j.Name, err)
	}
	return nil
}

// State is a job as the jobs table holds it, with its last run.
type State struct {
	Name       string
	Holder     string    // the node running it now; empty when none
	LeaseUntil time.Time // the holder's lease
	NextRun    time.Time
	Runs       int64
	Last       Run // zero before the first run
}

// States lists every job that has run or been tried, by name.
func States(ctx context.Context, q store.Querier) ([]State, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, holder, lease_until, next_run_at, runs FROM jobs ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	var out []State
	for rows.Next() {
		var st State
		var holder sql.NullString
		var lease sql.NullTime
		if err := rows.Scan(&st.Name, &holder, &lease, &st.NextRun, &st.Runs); err != nil {
			rows.Close()
			return nil, err
		}
		st.Holder, st.LeaseUntil = holder.String, lease.Time
		out = append(out, st)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		var fin sql.NullTime
		r := &out[i].Last
		err := q.QueryRowContext(ctx, `SELECT id, name, holder, started_at, finished_at, done, error FROM job_runs WHERE name = ? ORDER BY started_at DESC, id DESC LIMIT 1`, out[i].Name).
			Scan(&r.ID, &r.Name, &r.Holder, &r.Started, &fin, &r.Done, &r.Error)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("job %s: last run: %w", out[i].Name, err)
		}
		r.Finished = fin.Time
	}
	return out, nil
}

// Run is one run of a job, as job_runs keeps it.
type Run struct {
	ID       int64
	Name     string
	Holder   string
	Started  time.Time
	Finished time.Time // zero while running, or when the node died
	Done     int
	Error    string
}

// Runs lists the runs of a job, oldest first.
func Runs(ctx context.Context, q store.Querier, name string) ([]Run, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, holder, started_at, finished_at, done, error FROM job_runs WHERE name = ? ORDER BY started_at, id`, name)
	if err != nil {
		return nil, fmt.Errorf("job runs: %w", err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var x Run
		var fin sql.NullTime
		if err := rows.Scan(&x.ID, &x.Name, &x.Holder, &x.Started, &fin, &x.Done, &x.Error); err != nil {
			return nil, err
		}
		x.Finished = fin.Time
		out = append(out, x)
	}
	return out, rows.Err()
}
