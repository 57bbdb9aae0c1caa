package auth

import (
	"context"
	"fmt"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// NoPassword is the password hash of an account that cannot sign in with a
// password until one is set: it is no PHC string, so Verify always fails.
const NoPassword = "!"

// BulkAccount is an account a bulk load writes: the demo city's experts.
type BulkAccount struct {
	ID          int64 // set by InsertAccounts
	Username    string
	DisplayName string
	Role        access.Role
	OrgID       int64
	PersonID    int64
}

// InsertAccounts adds accounts known to be new, in a few multi-row
// statements, each with one role, the person it stands for, no password
// (NoPassword: an administrator or the demo sets one) and one audit event;
// it sets their ids. Usernames are checked as CreateUser checks them.
func InsertAccounts(ctx context.Context, tx *store.Tx, accs []BulkAccount) error {
	now := store.Now()
	changes := make([]audit.Change, 0, len(accs))
	for i := range accs {
		a := &accs[i]
		a.Username = strings.ToLower(strings.TrimSpace(a.Username))
		if !usernameRE.MatchString(a.Username) {
			return fmt.Errorf("bulk account %q: the username is not allowed", a.Username)
		}
		if err := checkRoles([]access.Role{a.Role}, a.OrgID); err != nil {
			return fmt.Errorf("bulk account %q: %w", a.Username, err)
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO users (username, display_name, email, password_hash, must_change_password, org_id, person_id, created_at, updated_at)
			VALUES (?, ?, '', ?, ?, ?, ?, ?, ?) RETURNING id`, a.Username, a.DisplayName, NoPassword, false, nullInt(a.OrgID), nullInt(a.PersonID), now, now).Scan(&a.ID); err != nil {
			return fmt.Errorf("insert account %s: %w", a.Username, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, role) VALUES (?, ?)`, a.ID, string(a.Role)); err != nil {
			return fmt.Errorf("insert role of %s: %w", a.Username, err)
		}
		changes = append(changes, audit.Change{Entity: "user", EntityID: a.ID, Action: "create",
			After: map[string]any{"username": a.Username, "display_name": a.DisplayName, "roles": []access.Role{a.Role}, "person_id": a.PersonID}})
	}
	return audit.AppendBatch(ctx, tx, changes)
}
