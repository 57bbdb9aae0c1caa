package auth

import (
	"testing"
	"time"
)

func TestParseExpiry(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, true}, {"never", 0, true}, {"30d", 30 * 24 * time.Hour, true}, {"12h", 12 * time.Hour, true},
		{"90m", 90 * time.Minute, true}, {"-1h", 0, false}, {"0d", 0, false}, {"soon", 0, false}, {"99999d", 0, false},
	}
	for _, c := range cases {
		got, err := ParseExpiry(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseExpiry(%q) = %v, %v; want %v, ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
}

func FuzzParseExpiry(f *testing.F) {
	for _, s := range []string{"30d", "12h", "", "-5m", "1e9d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseExpiry(s)
		if err == nil && d < 0 {
			t.Fatalf("ParseExpiry(%q) = %v: negative lifetime accepted", s, d)
		}
	})
}
