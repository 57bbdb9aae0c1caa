package cli

import (
	"context"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

func tamperSQLite(t *testing.T, path string) {
	t.Helper()
	db, err := store.Open(context.Background(), "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), `DROP TRIGGER audit_events_no_update; UPDATE audit_events SET actor = 'someone else' WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
}
