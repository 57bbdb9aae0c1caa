package clock_test

import (
	"context"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/clock"
)

// TestBusinessDate: a pinned day is today whatever the wall clock says,
// at the wall clock's time of day; without one, today is the day in China.
func TestBusinessDate(t *testing.T) {
	day, err := clock.Parse("2025-06-30")
	if err != nil {
		t.Fatal(err)
	}
	ctx := clock.With(context.Background(), day)
	if got := clock.Today(ctx); got != "2025-06-30" {
		t.Errorf("pinned today = %s", got)
	}
	now, wall := clock.Now(ctx).In(clock.Shanghai), time.Now().In(clock.Shanghai)
	if now.Format(time.DateOnly) != "2025-06-30" || now.Hour() != wall.Hour() && (now.Hour()+1)%24 != wall.Hour() {
		t.Errorf("pinned now = %v, want 2025-06-30 at the wall clock's hour (%v)", now, wall)
	}
	if d, ok := clock.Pinned(ctx); !ok || d.Format(time.DateOnly) != "2025-06-30" {
		t.Errorf("pinned = %v %v", d, ok)
	}
	bare := context.Background()
	if _, ok := clock.Pinned(bare); ok || clock.Today(bare) != time.Now().In(clock.Shanghai).Format(time.DateOnly) {
		t.Error("without a pinned day, today is not the day in China")
	}
	if clock.With(bare, time.Time{}) != bare {
		t.Error("a zero day pins something")
	}
	for _, bad := range []string{"2025-6-30", "30/06/2025", "tomorrow"} {
		if _, err := clock.Parse(bad); err == nil {
			t.Errorf("%q accepted as a business date", bad)
		}
	}
	if d, err := clock.Parse(""); err != nil || !d.IsZero() {
		t.Errorf("the empty date: %v %v", d, err)
	}
}
