package returns

import (
	"fmt"
	"strconv"
	"time"
)

// Periods a form may be filed for.
var Periods = []string{"month", "quarter", "half", "year"}

// Period is one reporting period of a kind: 2025-03 (month), 2025Q1
// (quarter), 2025H1 (half), 2025 (year).
type Period struct {
	Kind  string
	Year  int
	Index int // month 1–12, quarter 1–4, half 1–2; 1 for a year
}

// ParsePeriod reads a period of kind from its code.
func ParsePeriod(kind, code string) (Period, error) {
	p := Period{Kind: kind, Index: 1}
	bad := fmt.Errorf("period %q is not a %s", code, kind)
	if len(code) < 4 {
		return p, bad
	}
	y, err := strconv.Atoi(code[:4])
	if err != nil || !digits(code[:4]) || y < 1949 || y > 2200 {
		return p, bad
	}
	p.Year = y
	rest := code[4:]
	idx := func(prefix string, max int) error {
		if len(rest) <= len(prefix) || rest[:len(prefix)] != prefix {
			return bad
		}
		n, err := strconv.Atoi(rest[len(prefix):])
		if err != nil || !digits(rest[len(prefix):]) || n < 1 || n > max || (prefix == "-" && len(rest) != 3) {
			return bad
		}
		p.Index = n
		return nil
	}
	switch kind {
	case "year":
		if rest != "" {
			return p, bad
		}
	case "half":
		err = idx("H", 2)
	case "quarter":
		err = idx("Q", 4)
	case "month":
		err = idx("-", 12)
	default:
		return p, fmt.Errorf("period kind %q is not one of month, quarter, half, year", kind)
	}
	return p, err
}

// digits reports whether s is ASCII digits only: strconv.Atoi also takes a
// sign ("2000-+1" would read as 2000-01).
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// String is the period's code.
func (p Period) String() string {
	switch p.Kind {
	case "half":
		return fmt.Sprintf("%dH%d", p.Year, p.Index)
	case "quarter":
		return fmt.Sprintf("%dQ%d", p.Year, p.Index)
	case "month":
		return fmt.Sprintf("%d-%02d", p.Year, p.Index)
	}
	return strconv.Itoa(p.Year)
}

// months is how many months a period of the kind spans.
func months(kind string) int {
	return map[string]int{"month": 1, "quarter": 3, "half": 6, "year": 12}[kind]
}

// Start is the period's first day.
func (p Period) Start() time.Time {
	return time.Date(p.Year, time.Month((p.Index-1)*months(p.Kind)+1), 1, 0, 0, 0, 0, time.UTC)
}

// End is the period's last day.
func (p Period) End() time.Time { return p.Start().AddDate(0, months(p.Kind), -1) }

// Next is the period after p.
func (p Period) Next() Period {
	n := p
	n.Index++
	if n.Index > 12/months(p.Kind) {
		n.Index, n.Year = 1, p.Year+1
	}
	return n
}

// PeriodOf is the period of kind that holds day.
func PeriodOf(kind string, day time.Time) Period {
	return Period{Kind: kind, Year: day.Year(), Index: (int(day.Month())-1)/months(kind) + 1}
}

// Label is the period in words: 2025年上半年, 2025年第1季度, 2025年3月, 2025年.
func (p Period) Label(lang string) string {
	en := lang == "en"
	switch p.Kind {
	case "half":
		if en {
			return fmt.Sprintf("H%d %d", p.Index, p.Year)
		}
		return fmt.Sprintf("%d年%s半年", p.Year, map[int]string{1: "上", 2: "下"}[p.Index])
	case "quarter":
		if en {
			return fmt.Sprintf("Q%d %d", p.Index, p.Year)
		}
		return fmt.Sprintf("%d年第%d季度", p.Year, p.Index)
	case "month":
		if en {
			return p.Start().Format("Jan 2006")
		}
		return fmt.Sprintf("%d年%d月", p.Year, p.Index)
	}
	if en {
		return strconv.Itoa(p.Year)
	}
	return fmt.Sprintf("%d年", p.Year)
}
