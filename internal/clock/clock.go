// Package clock is the one place Xinzhi asks what day its business runs on.
//
// A server may pin a business date (the demo city runs on 2025-06-30, and
// `--as-of` or XINZHI_AS_OF pins any server). Everything that judges
// "today" — whether a call is open, a deadline passed, a return overdue —
// asks here through the request's context, never the wall clock directly.
// Timestamps of what happens (audit events, stage history, notices) stay on
// the wall clock.
package clock

import (
	"context"
	"fmt"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Shanghai is China Standard Time: the city's days begin and end in it.
var Shanghai = time.FixedZone("CST", 8*3600)

type key struct{}

// With pins the business date day in ctx; a zero day leaves ctx as it is.
func With(ctx context.Context, day time.Time) context.Context {
	if day.IsZero() {
		return ctx
	}
	y, m, d := day.In(Shanghai).Date()
	return context.WithValue(ctx, key{}, time.Date(y, m, d, 0, 0, 0, 0, Shanghai))
}

// Pinned is the business date pinned in ctx (midnight, China time) and
// whether one is.
func Pinned(ctx context.Context) (time.Time, bool) {
	d, ok := ctx.Value(key{}).(time.Time)
	return d, ok
}

// Now is the business instant: on a pinned date, that day at the wall
// clock's time of day (China time), so moves within the day keep their
// order; otherwise the wall clock.
func Now(ctx context.Context) time.Time {
	now := store.Now()
	d, ok := Pinned(ctx)
	if !ok {
		return now
	}
	return At(d, now)
}

// At is day at the time of day of now, both in China time, in UTC.
func At(day, now time.Time) time.Time {
	c := now.In(Shanghai)
	y, m, dd := day.In(Shanghai).Date()
	return time.Date(y, m, dd, c.Hour(), c.Minute(), c.Second(), c.Nanosecond(), Shanghai).UTC()
}

// Today is the business date as YYYY-MM-DD.
func Today(ctx context.Context) string {
	return Now(ctx).In(Shanghai).Format(time.DateOnly)
}

// Parse reads a business date given as YYYY-MM-DD (a flag or XINZHI_AS_OF);
// the empty string is no date.
func Parse(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, s, Shanghai)
	if err != nil {
		return time.Time{}, fmt.Errorf("business date %q: give it as YYYY-MM-DD (业务日期格式应为 YYYY-MM-DD)", s)
	}
	return d, nil
}
