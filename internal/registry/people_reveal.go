package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// PersonShown loads one person for a page about them: masked unless reveal
// is set, and then (the caller holds person.reveal) the reveal is audited
// as People audits a list's.
func PersonShown(ctx context.Context, db *store.DB, keys *seal.Keyring, id int64, reveal bool) (Person, error) {
	if !reveal {
		return PersonByID(ctx, db, keys, id)
	}
	p, err := scanPerson(db.QueryRowContext(ctx, `SELECT `+personColumns+` FROM people p LEFT JOIN organisations o ON o.id = p.organisation_id
		WHERE p.id = ?`, id), keys)
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("person %d: %w", id, problem.ErrNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("person %d: %w", id, err)
	}
	if err := audit.Record(ctx, db, audit.Change{Entity: "person", Action: "reveal", After: map[string]any{"ids": []int64{id}}}); err != nil {
		return p, err
	}
	return p, nil
}
