package store

import "context"

// ApplyForTest applies one migration the way Migrate does.
func ApplyForTest(ctx context.Context, db *DB, m Migration) error {
	return db.apply(ctx, m)
}
