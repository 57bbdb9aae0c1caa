package returns

import (
	"testing"
	"time"
)

func TestPeriods(t *testing.T) {
	for _, c := range []struct {
		kind, code, start, end, next, zh string
	}{
		{"month", "2025-02", "2025-02-01", "2025-02-28", "2025-03", "2025年2月"},
		{"month", "2024-12", "2024-12-01", "2024-12-31", "2025-01", "2024年12月"},
		{"quarter", "2025Q1", "2025-01-01", "2025-03-31", "2025Q2", "2025年第1季度"},
		{"half", "2025H1", "2025-01-01", "2025-06-30", "2025H2", "2025年上半年"},
		{"half", "2024H2", "2024-07-01", "2024-12-31", "2025H1", "2024年下半年"},
		{"year", "2024", "2024-01-01", "2024-12-31", "2025", "2024年"},
	} {
		p, err := ParsePeriod(c.kind, c.code)
		if err != nil {
			t.Fatalf("%s %s: %v", c.kind, c.code, err)
		}
		if p.String() != c.code || p.Start().Format(time.DateOnly) != c.start || p.End().Format(time.DateOnly) != c.end || p.Next().String() != c.next || p.Label("zh-CN") != c.zh {
			t.Errorf("%s: %s %s..%s next %s %s", c.code, p, p.Start().Format(time.DateOnly), p.End().Format(time.DateOnly), p.Next(), p.Label("zh-CN"))
		}
		if got := PeriodOf(c.kind, p.End()); got != p {
			t.Errorf("PeriodOf(%s) = %v, want %v", p.End(), got, p)
		}
	}
	for _, c := range []struct{ kind, code string }{
		{"month", "2025-13"}, {"month", "2025-3"}, {"month", "2025Q1"}, {"quarter", "2025Q5"}, {"half", "2025H3"}, {"half", "2025"},
		{"year", "2025H1"}, {"year", "25"}, {"year", "１２３４"}, {"week", "2025W01"}, {"half", "2025H"},
		{"month", "2000-+1"}, {"quarter", "2025Q+1"}, {"half", "2025H-1"},
	} {
		if _, err := ParsePeriod(c.kind, c.code); err == nil {
			t.Errorf("%s %q accepted", c.kind, c.code)
		}
	}
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2025-03", "2025Q1", "2025H1", "2025", "0000-00", "2025Q0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		for _, k := range Periods {
			p, err := ParsePeriod(k, code)
			if err != nil {
				continue
			}
			if p.String() != code {
				t.Fatalf("%s %q reads back as %q", k, code, p)
			}
			if p.End().Before(p.Start()) {
				t.Fatalf("%s %q ends before it starts", k, code)
			}
		}
	})
}
