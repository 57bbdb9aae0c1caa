package search

import (
	"slices"
	"testing"
	"unicode/utf8"
)

// FuzzTerms checks, on any input: nothing panics; IndexTerms and QueryTerms
// are sorted, unique, valid UTF-8, at most MaxTermBytes bytes and no stop
// word; a text matches itself (QueryTerms(x) ⊆ IndexTerms(x)); and both give
// exactly the terms gse gives.
func FuzzTerms(f *testing.F) {
	for _, s := range append(corpus(40), tiexi, credit, eda, siasunEn, hunnanLab, blower,
		"", "的", "沈阳", "𠀀𠀁𠀂沈阳", "〇々〆", "ａＢ１２３　工业", "拓荆科", "\xff沈阳\x00新松") {
		f.Add(s)
	}
	s := seg(f)
	g := gseSeg(f)
	f.Fuzz(func(t *testing.T, x string) {
		idx, q := s.IndexTerms(x), s.QueryTerms(x)
		for name, terms := range map[string][]string{"IndexTerms": idx, "QueryTerms": q} {
			if !slices.IsSorted(terms) || len(slices.Compact(slices.Clone(terms))) != len(terms) {
				t.Errorf("%s(%q) not sorted and unique: %q", name, x, terms)
			}
			for _, w := range terms {
				if w == "" || len(w) > MaxTermBytes || !utf8.ValidString(w) || stopWords[w] {
					t.Errorf("%s(%q): bad term %q", name, x, w)
				}
			}
		}
		if !subset(q, idx) {
			t.Errorf("%q does not match itself: query terms %q, index terms %q", x, q, idx)
		}
		if want := g.IndexTerms(x); !slices.Equal(idx, want) {
			t.Errorf("IndexTerms(%q) = %q, gse gives %q", x, idx, want)
		}
		if want := g.QueryTerms(x); !slices.Equal(q, want) {
			t.Errorf("QueryTerms(%q) = %q, gse gives %q", x, q, want)
		}
	})
}
