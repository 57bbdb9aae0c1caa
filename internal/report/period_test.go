package report_test

import (
	"strings"
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

// TestChartDrawn: a breakdown marked as a chart is drawn as bars in
// proportion to its values, above its table; a paragraph stays one.
func TestChartDrawn(t *testing.T) {
	html := string(report.HTML(report.Issued{Body: "一段文字。\n[[chart]]\n|区县|智能工厂（家）|\n|铁西区|1,200|\n|浑南区|300|\n|<script>|x|\n"}))
	if strings.Count(html, "<rect") != 2 || !strings.Contains(html, `width="360.0"`) || !strings.Contains(html, `width="90.0"`) {
		t.Errorf("bars not in proportion:\n%s", html)
	}
	if !strings.Contains(html, "<p>一段文字。</p>") || !strings.Contains(html, "<td>铁西区</td>") || strings.Contains(html, "<script>") {
		t.Errorf("paragraph, table or escaping:\n%s", html)
	}
}
