package report_test

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/report"
)

func TestApprox(t *testing.T) {
	for _, c := range []struct {
		x    float64
		want string
	}{
		{45000, "4.5万"}, {44960, "4.5万"}, {45499, "4.5万"}, {45500, "4.6万"}, {44949, "4.5万"}, {44940, "4.5万"},
		{10000, "1万"}, {9960, "1万"}, {9940, "1万"}, {9449, "9449"}, {9400, "9400"}, {0, "0"}, {123456, "12.3万"},
		{640000000, "6.4亿"}, {99999999, "1亿"}, {99940000, "1亿"}, {94000000, "9400万"}, {-5, "-5"},
	} {
		if got := report.Approx(c.x); got != c.want {
			t.Errorf("Approx(%v) = %q, want %q", c.x, got, c.want)
		}
	}
}

func TestOver(t *testing.T) {
	for _, c := range []struct {
		x    float64
		want string
	}{
		{20318, "超2万"}, {20000, "2万"}, {29999, "超2万"}, {125000, "超12万"}, {32, "30余"}, {30, "30"}, {39.5, "30余"},
		{105, "100余"}, {2480, "2000余"}, {9999, "9000余"}, {9, "9"}, {10, "10"}, {11, "10余"}, {0, "0"},
		{350000000, "超3亿"}, {-3, "-3"},
	} {
		if got := report.Over(c.x); got != c.want {
			t.Errorf("Over(%v) = %q, want %q", c.x, got, c.want)
		}
	}
}

func TestZH(t *testing.T) {
	for _, c := range []struct {
		x    float64
		want string
	}{
		{0, "零"}, {1, "一"}, {2, "两"}, {3, "三"}, {4, "四"}, {9, "九"}, {10, "十"}, {12, "十二"}, {20, "二十"}, {22, "二十二"}, {45, "四十五"},
		{99, "九十九"}, {100, "100"}, {2.5, "2.5"}, {-1, "-1"},
	} {
		if got := report.ZH(c.x); got != c.want {
			t.Errorf("ZH(%v) = %q, want %q", c.x, got, c.want)
		}
	}
}

// TestReportPeriod: the period words and the key of the figures counted
// over them follow the as-of date; the last complete year likewise.
func TestReportPeriod(t *testing.T) {
	for _, c := range []struct {
		asOf, key, words, lastYear string
	}{
		{"2025-06-30", "2025H1", "2025年上半年", "2024"},
		{"2024-12-31", "2024", "2024年", "2024"},
		{"2025-12-31", "2025", "2025年", "2025"},
		{"2025-03-31", "2025", "2025年一季度", "2024"},
		{"2025-09-30", "2025", "2025年前三季度", "2024"},
		{"2025-01-31", "2025", "2025年1月", "2024"},
		{"2025-05-31", "2025", "2025年1—5月", "2024"},
		{"2024-02-29", "2024", "2024年1—2月", "2023"},
		{"2025-06-29", "2025", "2025年以来", "2024"},
		{"2025-01-01", "2025", "2025年以来", "2024"},
	} {
		at, _ := time.Parse(time.DateOnly, c.asOf)
		key, words := report.ReportPeriod(at)
		if key != c.key || words != c.words || report.LastYear(at) != c.lastYear {
			t.Errorf("as of %s: %q %q, last year %s; want %q %q %s", c.asOf, key, words, report.LastYear(at), c.key, c.words, c.lastYear)
		}
		// The key is a period the report's figures can be counted over,
		// and it holds the as-of date.
		from, to, ok := report.Period(key)
		if !ok || at.Before(from.Add(-24*time.Hour)) || at.After(to.Add(24*time.Hour)) {
			t.Errorf("as of %s: key %q is %v to %v (%v)", c.asOf, key, from, to, ok)
		}
	}
}

// readNumber reads back what Approx, Over and ZH print: the number, the
// size of its last unit, and whether the words say "more than".
func readNumber(t *testing.T, s string) (v, unit float64, more bool) {
	t.Helper()
	unit = 1
	if r, ok := strings.CutPrefix(s, "超"); ok {
		s, more = r, true
	}
	if r, ok := strings.CutSuffix(s, "余"); ok {
		s, more = r, true
	}
	for suffix, size := range map[string]float64{"万": 1e4, "亿": 1e8} {
		if r, ok := strings.CutSuffix(s, suffix); ok {
			s, unit = r, size
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q does not read back as a number", s)
	}
	return f * unit, unit, more
}

// FuzzApprox: the rounded form is within half a step (a tenth of its unit)
// of the figure, and in 万 or 亿 only from 万 on.
func FuzzApprox(f *testing.F) {
	for _, x := range []float64{45000, 9960, 99999999, 0, 12.5, 640000000} {
		f.Add(x)
	}
	f.Fuzz(func(t *testing.T, x float64) {
		if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 || x > 1e15 {
			return
		}
		s := report.Approx(x)
		v, unit, _ := readNumber(t, s)
		if unit > 1 && math.Abs(v-x) > unit/20*1.0000001 {
			t.Errorf("Approx(%v) = %q is %v away", x, s, v-x)
		}
		if unit > 1 && x < 9500 {
			t.Errorf("Approx(%v) = %q: a unit below 万", x, s)
		}
	})
}

// FuzzOver: the floor is never above the figure, "more than" is said only
// when the figure passes it, and the figure is below the next step.
func FuzzOver(f *testing.F) {
	for _, x := range []float64{20318, 20000, 32, 30, 9.5, 105, 0} {
		f.Add(x)
	}
	f.Fuzz(func(t *testing.T, x float64) {
		if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 || x > 1e15 {
			return
		}
		s := report.Over(x)
		if x < 10 { // below the first band: the figure as is
			if s != report.Plain(x) {
				t.Errorf("Over(%v) = %q, want %q", x, s, report.Plain(x))
			}
			return
		}
		v, _, more := readNumber(t, s)
		if v > x || more != (v < x) {
			t.Errorf("Over(%v) = %q", x, s)
		}
		if x-v >= math.Pow(10, math.Floor(math.Log10(x))) {
			t.Errorf("Over(%v) = %q: a floor more than a step below", x, s)
		}
	})
}

// FuzzZH: a whole count below 100 reads back from its Chinese numerals.
func FuzzZH(f *testing.F) {
	f.Add(4.0)
	f.Add(22.0)
	f.Fuzz(func(t *testing.T, x float64) {
		s := report.ZH(x)
		if x != math.Trunc(x) || x < 0 || x >= 100 {
			if s != report.Plain(x) {
				t.Errorf("ZH(%v) = %q, want digits", x, s)
			}
			return
		}
		val := map[rune]int{'零': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
		n, cur := 0, 0
		for _, r := range s {
			if r == '十' {
				if cur == 0 {
					cur = 1
				}
				n, cur = cur*10, 0
				continue
			}
			d, ok := val[r]
			if !ok {
				t.Fatalf("ZH(%v) = %q", x, s)
			}
			cur = d
		}
		if n+cur != int(x) {
			t.Errorf("ZH(%v) = %q reads %d", x, s, n+cur)
		}
	})
}
