package web

import (
	"strings"
	"testing"
)

func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/cockpit", "//evil.example", "/\\evil", "https://evil.example", "", "/a?b=c", "/\t/evil.example", "/%0a/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		cleaned := strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return -1
			}
			if r == '\\' {
				return '/'
			}
			return r
		}, got)
		if !strings.HasPrefix(cleaned, "/") || strings.HasPrefix(cleaned, "//") {
			t.Fatalf("safeNext(%q) = %q: leaves the site", next, got)
		}
	})
}
