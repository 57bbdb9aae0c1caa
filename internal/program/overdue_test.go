package program

import (
	"strings"
	"testing"
)

func TestOverdueMonths(t *testing.T) {
	for _, c := range []struct {
		end, day string
		want     int
	}{
		{"2026-03-31", "2026-03-31", 0}, // on the day: not late
		{"2026-03-31", "2026-04-30", 0}, // not a whole month
		{"2026-03-31", "2026-05-01", 1},
		{"2026-01-15", "2026-07-14", 5},
		{"2026-01-15", "2026-07-15", 6},
		{"2025-11-27", "2026-11-27", 12},
		{"2026-06-01", "2026-01-01", 0}, // ahead of the end
		{"", "2026-01-01", 0},           // no end on the form
		{"2026-13-01", "2026-01-01", 0}, // not a date
	} {
		if got := OverdueMonths(c.end, c.day); got != c.want {
			t.Errorf("OverdueMonths(%s, %s) = %d, want %d", c.end, c.day, got, c.want)
		}
	}
}

func TestCompareNamesSnapshotsTaken(t *testing.T) {
	_, err := Parse([]byte(base + "compare: [application, contract]\n"))
	ps, _ := err.(Problems)
	if len(ps) != 1 || ps[0].Key != "program.compare_invalid" {
		t.Fatalf("compare naming snapshots no move takes: %v", err)
	}
	ok := strings.Replace(base, "by: [owner]}", "by: [owner], snapshot: contract}\n  - {key: again, name: 再次, from: draft, to: done, by: [owner], snapshot: application}", 1)
	if _, err := Parse([]byte(ok + "compare: [application, contract]\n")); err != nil {
		t.Fatalf("compare of two snapshots taken: %v", err)
	}
}

// TestAmountNamesAMoneyField: a template's amount names one of its money
// fields.
func TestAmountNamesAMoneyField(t *testing.T) {
	for _, c := range []struct {
		amount string
		ok     bool
	}{{"amount", true}, {"nothing", false}} {
		_, err := Parse([]byte(base + "amount: " + c.amount + "\n"))
		ps, _ := err.(Problems)
		if c.ok != (err == nil) || (!c.ok && (len(ps) != 1 || ps[0].Key != "program.amount_field_invalid")) {
			t.Errorf("amount: %s: %v", c.amount, err)
		}
	}
}
