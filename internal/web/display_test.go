package web

import "testing"

func TestDisplayValue(t *testing.T) {
	for _, c := range []struct {
		v    float64
		unit string
		want string
	}{{42.37, "%", "42.4%"}, {-3.04, "%", "-3.0%"}, {6.4e8, "元", "6.4亿元"}, {3.6e7, "元", "3,600万元"}, {9500, "元", "9,500元"}, {1400, "户", "1,400户"}, {0, "个", "0个"}} {
		if got := displayValue(c.v, c.unit); got != c.want {
			t.Errorf("displayValue(%v, %q) = %q, want %q", c.v, c.unit, got, c.want)
		}
	}
}

func TestDisplayValueEnglishUnits(t *testing.T) {
	if got := displayValue(61, "projects"); got != "61 projects" {
		t.Errorf("got %q", got)
	}
}
