package search

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Span is the byte range text[Start:End] of a text.
type Span struct {
	Start, End int
}

// Highlight returns where terms (typically a query's QueryTerms) occur in
// text, as byte ranges of text in order, with overlapping or touching
// occurrences merged. Text and terms are compared after the folding that
// IndexTerms applies (full-width ASCII to ASCII, letters to lower case). A
// term of Han characters matches anywhere; a term of letters and digits
// matches whole runs of letters and digits only (its first MaxTermBytes bytes
// for a term that IndexTerms had to cut), so "5g" marks the 5G of 5G专网 but
// nothing in 15G.
func Highlight(text string, terms []string) []Span {
	if text == "" || len(terms) == 0 {
		return nil
	}
	// norm is text folded; orig[i] is the byte offset in text of norm[i]
	// for every i at the start of a character, and orig[len(norm)] is
	// len(text).
	var norm strings.Builder
	orig := make([]int, 0, len(text)+1)
	for i, r := range text {
		n := normRune(r)
		for range utf8.RuneLen(n) {
			orig = append(orig, i)
		}
		norm.WriteRune(n)
	}
	orig = append(orig, len(text))
	ns := norm.String()

	var spans []Span
	for _, t := range terms {
		t = fold(t)
		if t == "" {
			continue
		}
		first, _ := utf8.DecodeRuneInString(t)
		k, ok := kindOf(first)
		word := ok && k == wordRun
		for at := 0; at < len(ns); {
			i := strings.Index(ns[at:], t)
			if i < 0 {
				break
			}
			start, end := at+i, at+i+len(t)
			_, size := utf8.DecodeRuneInString(ns[start:])
			at = start + size
			if word && !(isWordStart(ns, start) && (len(t) > MaxTermBytes-utf8.UTFMax || isWordEnd(ns, end))) {
				continue
			}
			spans = append(spans, Span{orig[start], orig[end]})
		}
	}
	if len(spans) == 0 {
		return nil
	}
	slices.SortFunc(spans, func(a, b Span) int { return a.Start - b.Start })
	out := spans[:1]
	for _, s := range spans[1:] {
		last := &out[len(out)-1]
		if s.Start <= last.End {
			last.End = max(last.End, s.End)
			continue
		}
		out = append(out, s)
	}
	return out
}

// fold applies normRune to every character of s.
func fold(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(normRune(r))
	}
	return b.String()
}

// isWordStart reports whether no letter or digit precedes ns[start:].
func isWordStart(ns string, start int) bool {
	if start == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(ns[:start])
	k, ok := kindOf(r)
	return !ok || k != wordRun
}

// isWordEnd reports whether no letter or digit follows ns[:end].
func isWordEnd(ns string, end int) bool {
	if end >= len(ns) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(ns[end:])
	k, ok := kindOf(r)
	return !ok || k != wordRun
}
