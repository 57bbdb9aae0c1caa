package program_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/password"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// TestPendingUploads: a kept file is its sender's, for its field, for a
// day; once used or expired it is forgotten and its content removed.
func TestPendingUploads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := auth.New(db, auth.Config{Password: password.Fast})
		var users []int64
		for _, name := range []string{"sender", "other"} {
			u, err := svc.CreateUser(ctx, auth.NewUser{Username: name, Password: "pending-pass-2025!", Roles: []access.Role{access.Manager}})
			if err != nil {
				t.Fatal(err)
			}
			users = append(users, u.ID)
		}
		files := program.Files{Dir: t.TempDir()}
		content := []byte("%PDF-1.4\n% a plan\n%%EOF\n")
		p, err := files.KeepPending(ctx, db, users[0], program.File{Field: "plan", Name: "方案.pdf", Content: content, MIME: "application/pdf"})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name  string
			user  int64
			field string
			ok    bool
		}{
			{"its sender, its field", users[0], "plan", true},
			{"another user", users[1], "plan", false},
			{"another field", users[0], "budget", false},
		} {
			got, body, err := files.TakePending(ctx, db, c.user, p.ID, c.field)
			if c.ok != (err == nil) || (c.ok && (string(body) != string(content) || got.Name != "方案.pdf")) {
				t.Errorf("%s: %+v %v", c.name, got, err)
			}
			if !c.ok && !errors.Is(err, problem.ErrNotFound) {
				t.Errorf("%s: %v, want not found", c.name, err)
			}
		}
		stored := func() int {
			n := 0
			filepath.WalkDir(files.Dir, func(_ string, d os.DirEntry, _ error) error {
				if d != nil && !d.IsDir() {
					n++
				}
				return nil
			})
			return n
		}
		if err := files.DropPending(ctx, db, users[1], []int64{p.ID}); err != nil || stored() != 1 {
			t.Fatalf("another user dropped it: %v, %d files", err, stored())
		}
		if err := files.DropPending(ctx, db, users[0], []int64{p.ID}); err != nil || stored() != 0 {
			t.Fatalf("drop: %v, %d files left", err, stored())
		}
		if _, _, err := files.TakePending(ctx, db, users[0], p.ID, "plan"); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("a dropped file: %v", err)
		}
		// A day later it has expired, and the next keep prunes it.
		old, err := files.KeepPending(ctx, db, users[0], program.File{Field: "plan", Name: "旧.pdf", Content: content, MIME: "application/pdf"})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE pending_uploads SET created_at = ? WHERE id = ?`, store.Now().Add(-program.PendingFor-time.Minute), old.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := files.TakePending(ctx, db, users[0], old.ID, "plan"); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("an expired file: %v", err)
		}
		if _, err := files.KeepPending(ctx, db, users[1], program.File{Field: "plan", Name: "新.pdf", Content: []byte("%PDF-1.4\nother\n"), MIME: "application/pdf"}); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM pending_uploads WHERE name = ?`, "旧.pdf").Scan(&n); err != nil || n != 0 || stored() != 1 {
			t.Fatalf("the expired file was not pruned: %d rows, %d files", n, stored())
		}
	})
}
