package report_test

import (
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/report"
)

func TestPeriod(t *testing.T) {
	for _, c := range []struct {
		in, from, to string
		ok           bool
	}{
		{"2024", "2024-01-01", "2024-12-31", true},
		{"2025H1", "2025-01-01", "2025-06-30", true},
		{"2025H2", "2025-07-01", "2025-12-31", true},
		{"2025H3", "", "", false},
		{"24", "", "", false},
		{"二〇二四", "", "", false},
		{"", "", "", false},
		{"0999", "", "", false},
	} {
		from, to, ok := report.Period(c.in)
		if ok != c.ok || (ok && (from.Format("2006-01-02") != c.from || to.Format("2006-01-02") != c.to)) {
			t.Errorf("Period(%q) = %v %v %v", c.in, from, to, ok)
		}
	}
}

// FuzzPeriod: any text gives a period whose start is not after its end,
// or none; never a panic.
func FuzzPeriod(f *testing.F) {
	for _, s := range []string{"2024", "2025H1", "2025H2", "", "H1", "2024H", "９９９９"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		from, to, ok := report.Period(s)
		if ok && from.After(to) {
			t.Errorf("Period(%q): %v after %v", s, from, to)
		}
	})
}
