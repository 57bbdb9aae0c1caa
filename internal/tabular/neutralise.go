package tabular

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// negativeNumber is a plain negative decimal such as "-12.5": spreadsheets
// read it as a number, never as a formula, so it is left alone.
var negativeNumber = regexp.MustCompile(`^-\d+(\.\d+)?$`)

// Neutralise defuses formula injection (OWASP "CSV injection"): text that
// starts with =, +, -, @, a tab or a carriage return (or the full-width
// ＝ ＋ － ＠, which some East Asian Excel set-ups also take as a formula
// start) gets a leading apostrophe, so a spreadsheet shows it as text and
// never evaluates it. A plain negative number such as "-12.5" is not a
// formula and is left as it is.
func Neutralise(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	switch r {
	case '=', '+', '@', '\t', '\r', '＝', '＋', '－', '＠':
	case '-':
		if negativeNumber.MatchString(s) {
			return s
		}
	default:
		return s
	}
	return "'" + s
}

// unNeutralise undoes Neutralise on read, so what the platform exported
// imports back as it was: "'=x" reads as "=x". It is exact for anything
// Neutralise produced.
func unNeutralise(s string) string {
	if rest, ok := strings.CutPrefix(s, "'"); ok && rest != "" && Neutralise(rest) == s {
		return rest
	}
	return s
}
