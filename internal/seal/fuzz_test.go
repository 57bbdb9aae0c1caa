package seal

import (
	"errors"
	"strings"
	"testing"
)

// FuzzOpen feeds Open arbitrary tokens and contexts: it must never panic,
// must fail with one of the package's errors, and must open only what was
// sealed for that context.
func FuzzOpen(f *testing.F) {
	k := ring(f, "g1 "+goldenKey, newLine(f, "k2"))
	sealed, err := k.Seal(idNumber, ctxID)
	if err != nil {
		f.Fatal(err)
	}
	for _, tok := range []string{"", goldenToken, sealed, "v1:", "v1::", "v1:g1:", "v1:g1:AAAA", "v1:zz:" + goldenToken[6:],
		"v2:g1:" + goldenToken[6:], idNumber, "v1:g1:" + strings.Repeat("A", 38), "v1:\xff:", "v1:g1:====", goldenToken + ":x"} {
		f.Add(tok, ctxID)
		f.Add(tok, ctxPhone)
	}
	f.Fuzz(func(t *testing.T, token, context string) {
		plain, err := k.Open(token, context)
		if err != nil {
			if plain != "" {
				t.Fatalf("Open returned %q with error %v", plain, err)
			}
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnknownKey) && !errors.Is(err, ErrAuth) && !errors.Is(err, ErrNoContext) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if token == "" {
			return
		}
		if context != ctxID || (token != goldenToken && token != sealed) {
			t.Fatalf("Open(%q, %q) = %q: a token opened that was never sealed there", token, context, plain)
		}
		k.NeedsReseal(token)
	})
}
