package democity

import (
	"context"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// TestDemoCallsNamedInEnglish: every demo call of a program with an English
// name has one, so English pages do not show "…（演示批次）".
func TestDemoCallsNamedInEnglish(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	if err := openDemoCalls(ctx, db); err != nil {
		t.Fatal(err)
	}
	calls, err := program.Calls(ctx, db, "")
	if err != nil || len(calls) == 0 {
		t.Fatalf("calls: %d %v", len(calls), err)
	}
	for _, c := range calls {
		if want := c.ProgramNameEN + " (demo call)"; c.ProgramNameEN != "" && c.NameEN != want {
			t.Errorf("%s: English name %q, want %q", c.Key, c.NameEN, want)
		}
	}
}
