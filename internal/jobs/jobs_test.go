package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/jobs"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

func runner(db *store.DB, holder string) *jobs.Runner {
	return &jobs.Runner{DB: db, Holder: holder, Lease: time.Hour, Poll: time.Millisecond, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// TestOnceAcrossNodes: three nodes try a due job at once, over and over;
// the job runs once per period (it is due again only an hour after a run
// started), never on two nodes together, and every run is kept.
func TestOnceAcrossNodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var running, overlaps, runs atomic.Int32
		job := jobs.Job{Name: "count", Every: time.Hour, Run: func(ctx context.Context) (int, error) {
			if running.Add(1) > 1 {
				overlaps.Add(1)
			}
			defer running.Add(-1)
			runs.Add(1)
			time.Sleep(5 * time.Millisecond)
			return 1, nil
		}}
		var wg sync.WaitGroup
		ran := make([]int, 3)
		for i, h := range []string{"node-a", "node-b", "node-c"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := runner(db, h)
				for range 20 {
					ok, err := r.RunDue(ctx, job)
					if err != nil {
						t.Error(err)
						return
					}
					if ok {
						ran[i]++
					}
				}
			}()
		}
		wg.Wait()
		if runs.Load() != 1 || overlaps.Load() != 0 || ran[0]+ran[1]+ran[2] != 1 {
			t.Fatalf("runs %d, overlaps %d, per node %v: want one run in the period", runs.Load(), overlaps.Load(), ran)
		}
		rs, err := jobs.Runs(ctx, db, "count")
		if err != nil || len(rs) != 1 || rs[0].Finished.IsZero() || rs[0].Done != 1 {
			t.Fatalf("runs kept: %+v, %v", rs, err)
		}
		// Due again (the period has passed): exactly one more run.
		if _, err := db.ExecContext(ctx, `UPDATE jobs SET next_run_at = ? WHERE name = 'count'`, store.Now().Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
		a, b := runner(db, "node-a"), runner(db, "node-b")
		okA, errA := a.RunDue(ctx, job)
		okB, errB := b.RunDue(ctx, job)
		if errA != nil || errB != nil || !okA || okB || runs.Load() != 2 {
			t.Fatalf("second period: a %v %v, b %v %v, runs %d", okA, errA, okB, errB, runs.Load())
		}
	})
}

// TestTakeOver: a node that dies holding a lease keeps the job from every
// other node until the lease runs out; then another node runs it.
func TestTakeOver(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		runs := 0
		job := jobs.Job{Name: "outbox", Every: time.Minute, Run: func(context.Context) (int, error) { runs++; return 0, nil }}
		// Node A took the lease and died: its run never finished.
		now := store.Now()
		if _, err := db.ExecContext(ctx, `INSERT INTO jobs (name, holder, lease_until, next_run_at) VALUES ('outbox', 'node-a', ?, ?)`, now.Add(time.Minute), now.Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
		b := runner(db, "node-b")
		if ok, err := b.RunDue(ctx, job); ok || err != nil || runs != 0 {
			t.Fatalf("ran under another node's lease: %v %v", ok, err)
		}
		if _, err := db.ExecContext(ctx, `UPDATE jobs SET lease_until = ? WHERE name = 'outbox'`, now.Add(-time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		if ok, err := b.RunDue(ctx, job); !ok || err != nil || runs != 1 {
			t.Fatalf("lease ran out, node b did not take over: %v %v, runs %d", ok, err, runs)
		}
		st, err := jobs.States(ctx, db)
		if err != nil || len(st) != 1 || st[0].Holder != "" || st[0].Runs != 1 || st[0].Last.Holder != "node-b" || st[0].Last.Finished.IsZero() {
			t.Fatalf("after the run: %+v, %v; want the lease given up and node b's run", st, err)
		}
	})
}

// TestOldRunsForgotten: a run forgets the job's runs older than KeepRuns
// and keeps the recent ones.
func TestOldRunsForgotten(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := store.Now()
		for _, age := range []time.Duration{jobs.KeepRuns + time.Hour, time.Hour} {
			if _, err := db.ExecContext(ctx, `INSERT INTO job_runs (name, holder, started_at, finished_at) VALUES ('outbox', 'old', ?, ?)`, now.Add(-age), now.Add(-age)); err != nil {
				t.Fatal(err)
			}
		}
		job := jobs.Job{Name: "outbox", Every: time.Minute, Run: func(context.Context) (int, error) { return 0, nil }}
		if ok, err := runner(db, "node-a").RunDue(ctx, job); !ok || err != nil {
			t.Fatalf("run: %v %v", ok, err)
		}
		rs, err := jobs.Runs(ctx, db, "outbox")
		if err != nil || len(rs) != 2 || rs[0].Started.Before(now.Add(-jobs.KeepRuns)) {
			t.Fatalf("runs kept: %+v, %v; want the recent one and this one", rs, err)
		}
	})
}
