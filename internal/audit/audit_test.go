package audit_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

func seed(t *testing.T, db *store.DB, n int) {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{ID: 0, Name: "tester", Address: "127.0.0.1"})
	for i := 0; i < n; i++ {
		err := audit.Record(ctx, db, audit.Change{Entity: "user", EntityID: i, Action: "update",
			Before: map[string]any{"name": "旧"}, After: map[string]any{"name": "新"}})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// tamper lets a test do what an attacker with database access could: switch
// off the append-only triggers and run a statement.
func tamper(t *testing.T, db *store.DB, stmt string) {
	t.Helper()
	ctx := context.Background()
	var err error
	if db.Engine() == store.Postgres {
		_, err = db.ExecContext(ctx, `ALTER TABLE audit_events DISABLE TRIGGER USER; `+stmt+`; ALTER TABLE audit_events ENABLE TRIGGER USER`)
	} else {
		_, err = db.ExecContext(ctx, `DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete; `+stmt)
	}
	if err != nil {
		t.Fatalf("tamper: %v", err)
	}
}

func TestChainVerifies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seed(t, db, 5)
		rep, err := audit.Verify(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK() || rep.Checked != 5 {
			t.Fatalf("intact chain: %+v", rep)
		}
		evs, err := audit.List(context.Background(), db, audit.Filter{Actor: "tester", Limit: 2})
		if err != nil || len(evs) != 2 || evs[0].ID != 5 || evs[0].After != `{"name":"新"}` {
			t.Fatalf("list: %+v, %v", evs, err)
		}
	})
}

func TestLogRefusesUpdateAndDelete(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seed(t, db, 2)
		ctx := context.Background()
		for _, stmt := range []string{`UPDATE audit_events SET actor = 'x' WHERE id = 1`, `DELETE FROM audit_events WHERE id = 1`} {
			if _, err := db.ExecContext(ctx, stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v; want append-only refusal", stmt, err)
			}
		}
	})
}

func TestVerifyFindsTampering(t *testing.T) {
	cases := []struct {
		name   string
		stmt   string
		wantID int64
		want   string
	}{
		{"edited", `UPDATE audit_events SET after_json = '{"name":"伪造"}' WHERE id = 3`, 3, "changed"},
		{"deleted in the middle", `DELETE FROM audit_events WHERE id = 2`, 3, "missing"},
		{"deleted at the end", `DELETE FROM audit_events WHERE id = 5`, 5, "deleted"},
		{"reordered", `UPDATE audit_events SET id = -2 WHERE id = 2; UPDATE audit_events SET id = 2 WHERE id = 3; UPDATE audit_events SET id = 3 WHERE id = -2`, 2, "does not follow"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				seed(t, db, 5)
				tamper(t, db, c.stmt)
				rep, err := audit.Verify(context.Background(), db)
				if err != nil {
					t.Fatal(err)
				}
				if rep.OK() {
					t.Fatal("Verify found nothing after tampering")
				}
				p := rep.Problems[0]
				if p.ID != c.wantID || !strings.Contains(p.Reason, c.want) {
					t.Fatalf("problem = %+v; want id %d with %q", p, c.wantID, c.want)
				}
			})
		})
	}
}

func TestConcurrentAppendsKeepOneChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for i := 0; i < 40; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				errs <- audit.Record(ctx, db, audit.Change{Entity: "x", EntityID: i, Action: "create"})
			}(i)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		rep, err := audit.Verify(ctx, db)
		if err != nil || !rep.OK() || rep.Checked != 40 {
			t.Fatalf("after concurrent appends: %+v %v", rep, err)
		}
	})
}

func TestAppendBatchKeepsTheChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		seed(t, db, 2)
		var cs []audit.Change
		for i := 0; i < 450; i++ {
			cs = append(cs, audit.Change{Entity: "organisation", EntityID: i, Action: "create", After: map[string]any{"n": i}})
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return audit.AppendBatch(ctx, tx, cs) }); err != nil {
			t.Fatal(err)
		}
		seed(t, db, 1)
		rep, err := audit.Verify(ctx, db)
		if err != nil || !rep.OK() || rep.Checked != 453 {
			t.Fatalf("after a batch: %+v %v", rep, err)
		}
	})
}

// TestVerifyWhileOthersWrite: a verification run while others append finds
// the chain intact every time (it used to report the events written during
// the walk as deleted), and still finds a deletion made under the same load.
func TestVerifyWhileOthersWrite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := audit.WithActor(context.Background(), audit.Actor{Name: "writer", Address: "127.0.0.1"})
		seed(t, db, 20)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					var err error
					if i%5 == 4 {
						cs := []audit.Change{{Entity: "x", EntityID: i, Action: "create"}, {Entity: "x", EntityID: i, Action: "update"}, {Entity: "x", EntityID: i, Action: "delete"}}
						err = db.InTx(ctx, func(tx *store.Tx) error { return audit.AppendBatch(ctx, tx, cs) })
					} else {
						err = audit.Record(ctx, db, audit.Change{Entity: "x", EntityID: w*100000 + i, Action: "update"})
					}
					if err != nil {
						errs <- err
						return
					}
				}
			}(w)
		}
		// Verify again and again until the writers have added 200 events
		// since the first run, so the walks overlap the writes.
		gen := func() int64 {
			n, err := audit.Generation(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		for gen() < 30 {
			time.Sleep(time.Millisecond)
		}
		start, runs := gen(), 0
		for ; gen() < start+200 && runs < 2000; runs++ {
			rep, err := audit.Verify(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.OK() {
				t.Fatalf("run %d under load: %+v", runs, rep.Problems)
			}
		}
		if gen() < start+200 {
			t.Fatalf("the writers added only %d events in %d verifications", gen()-start, runs)
		}
		tamper(t, db, `DELETE FROM audit_events WHERE id = 7`)
		rep, err := audit.Verify(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		close(stop)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if rep.OK() || rep.Problems[0].ID != 8 || !strings.Contains(rep.Problems[0].Reason, "missing") {
			t.Fatalf("a deletion under load: %+v", rep.Problems)
		}
	})
}
