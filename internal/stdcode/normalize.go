package stdcode

import (
	"strings"
	"unicode"
)

// halfWidth maps full-width ASCII (U+FF01–U+FF5E) and the ideographic space
// to their half-width forms; other runes are kept.
func halfWidth(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	}
	return r
}

// upperHalfWidth is halfWidth followed by upper-casing ASCII letters only
// (Unicode case mapping would turn e.g. U+0131 into 'I').
func upperHalfWidth(r rune) rune {
	r = halfWidth(r)
	if r >= 'a' && r <= 'z' {
		r -= 'a' - 'A'
	}
	return r
}

// trimJunk trims white space and the invisible characters that travel with
// pasted text (zero-width space, byte-order mark).
func trimJunk(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == 0x200B || r == 0xFEFF
	})
}

// normalize prepares a code for checking: half-width, upper-case, trimmed.
// It is idempotent, and its result is valid UTF-8.
func normalize(s string) string {
	return trimJunk(strings.Map(upperHalfWidth, s))
}

// normalizeText is normalize without upper-casing, for e-mail addresses and
// names.
func normalizeText(s string) string {
	return trimJunk(strings.Map(halfWidth, s))
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
