package registry_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/password"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// TestImportJobClaims: an import job is in the database: one node of two
// takes its commit, a node that dies leaves it interrupted once its lease
// has run out, and then another node may take it over; nobody but its owner
// sees it.
func TestImportJobClaims(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := auth.New(db, auth.Config{Password: password.Fast})
		u, err := svc.CreateUser(ctx, auth.NewUser{Username: "importer", Password: "long-enough-pw-2025", Roles: []access.Role{access.Manager}})
		if err != nil {
			t.Fatal(err)
		}
		file := []byte("名称,统一社会信用代码\n甲,x\n")
		if err := registry.SaveImportJob(ctx, db, registry.ImportJob{ID: "job1", OwnerID: u.ID, Kind: registry.ImportOrgs, FileName: "a.csv", File: file, Total: 1}); err != nil {
			t.Fatal(err)
		}
		j, err := registry.LoadImportJob(ctx, db, "job1", u.ID, true)
		if err != nil || j.State != registry.JobPreview || string(j.File) != string(file) {
			t.Fatalf("loaded %+v, %v", j, err)
		}
		if _, err := registry.LoadImportJob(ctx, db, "job1", u.ID+1, false); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("another user's job: %v", err)
		}
		if err := registry.ClaimImportJob(ctx, db, "job1", u.ID, "node-a", time.Minute); err != nil {
			t.Fatal(err)
		}
		if err := registry.ClaimImportJob(ctx, db, "job1", u.ID, "node-b", time.Minute); !errors.Is(err, problem.ErrConflict) {
			t.Fatalf("second node took a running job: %v", err)
		}
		if err := registry.ImportJobProgress(ctx, db, "job1", "node-a", 1, 2, time.Minute); err != nil {
			t.Fatal(err)
		}
		if j, _ := registry.LoadImportJob(ctx, db, "job1", u.ID, false); j.State != registry.JobRunning || j.Done != 1 || j.Total != 2 || j.Holder != "node-a" {
			t.Fatalf("progress seen elsewhere: %+v", j)
		}
		// node-a dies: its lease runs out.
		if _, err := db.ExecContext(ctx, `UPDATE import_jobs SET lease_until = ? WHERE id = 'job1'`, store.Now().Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
		if j, _ := registry.LoadImportJob(ctx, db, "job1", u.ID, false); j.State != registry.JobInterrupted {
			t.Fatalf("dead node's job shows %s", j.State)
		}
		if err := registry.ClaimImportJob(ctx, db, "job1", u.ID, "node-b", time.Minute); err != nil {
			t.Fatalf("take over: %v", err)
		}
		// The dead node's late writes change nothing.
		if err := registry.FinishImportJob(ctx, db, "job1", "node-a", registry.Summary{}, 1, errors.New("late")); err != nil {
			t.Fatal(err)
		}
		if err := registry.FinishImportJob(ctx, db, "job1", "node-b", registry.Summary{Created: 1}, 1, nil); err != nil {
			t.Fatal(err)
		}
		if j, _ := registry.LoadImportJob(ctx, db, "job1", u.ID, false); j.State != registry.JobDone || j.Summary.Created != 1 || j.Done != 1 {
			t.Fatalf("finished: %+v", j)
		}
		if err := registry.ClaimImportJob(ctx, db, "job1", u.ID, "node-a", time.Minute); !errors.Is(err, problem.ErrConflict) {
			t.Fatalf("a done job committed again: %v", err)
		}
	})
}
