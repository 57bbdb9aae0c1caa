package report

import (
	"strings"
	"unicode"
)

// fullWidth maps the ASCII punctuation GB/T 9704 wants full-width in
// Chinese text.
var fullWidth = map[rune]rune{',': '，', ':': '：', ';': '；', '(': '（', ')': '）', '!': '！', '?': '？'}

// FullWidth turns the ASCII punctuation , : ; ( ) ! ? in Chinese text into
// ，：；（）！？: a mark is Chinese text when a Chinese character (or
// Chinese punctuation) stands next to it, ignoring spaces, and it does not
// stand between two digits (1,234 and 12:30 keep theirs); a closing
// parenthesis follows its opening one; a mark next to a converted one is
// converted too ("好!!" → "好！！"). Spaces around a converted mark are
// dropped. English text is left as it is.
func FullWidth(s string) string {
	for {
		out := fullWidthOnce(s)
		if out == s {
			return out
		}
		s = out
	}
}

func fullWidthOnce(s string) string {
	rs := []rune(s)
	var b strings.Builder
	var opened []bool // for each open parenthesis: was it converted
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		fw, ok := fullWidth[r]
		if !ok {
			b.WriteRune(r)
			continue
		}
		prev, next := neighbour(rs, i, -1), neighbour(rs, i, +1)
		convert := (chinese(prev) || chinese(next)) && !(isDigit(rs, i-1) && isDigit(rs, i+1))
		switch r {
		case '(':
			opened = append(opened, convert)
		case ')':
			if n := len(opened); n > 0 {
				convert = opened[n-1]
				opened = opened[:n-1]
			}
		}
		if !convert {
			b.WriteRune(r)
			continue
		}
		// Spaces around a full-width mark are not Chinese typesetting.
		out := b.String()
		if t := strings.TrimRight(out, " "); t != out {
			b.Reset()
			b.WriteString(t)
		}
		b.WriteRune(fw)
		for i+1 < len(rs) && rs[i+1] == ' ' {
			i++
		}
	}
	return b.String()
}

func neighbour(rs []rune, i, step int) rune {
	for j := i + step; j >= 0 && j < len(rs); j += step {
		if rs[j] != ' ' {
			return rs[j]
		}
	}
	return 0
}

func isDigit(rs []rune, i int) bool {
	return i >= 0 && i < len(rs) && rs[i] >= '0' && rs[i] <= '9'
}

// chinese reports whether r is a Chinese character or Chinese punctuation
// (including full-width forms, quotation marks and 《》).
func chinese(r rune) bool {
	switch {
	case unicode.Is(unicode.Han, r):
		return true
	case r >= 0x3000 && r <= 0x303F, r >= 0xFF00 && r <= 0xFFEF:
		return true
	case r == '“' || r == '”' || r == '‘' || r == '’' || r == '—' || r == '…' || r == '·':
		return true
	}
	return false
}
