package web

import "testing"

func TestFormatNumber(t *testing.T) {
	for _, c := range []struct {
		in   float64
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1,000"}, {1200000, "1,200,000"}, {-1234.5, "-1,234.5"}, {3.25, "3.25"}, {1e15, "1,000,000,000,000,000"}} {
		if got := formatNumber(c.in); got != c.want {
			t.Errorf("formatNumber(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}
