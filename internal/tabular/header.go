package tabular

import (
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// Column is a column an import understands.
type Column struct {
	Key      string   // the caller's name for it; also accepted as a header
	Headers  []string // accepted headers, e.g. "统一社会信用代码", "信用代码", "credit_code"
	Required bool
}

// Codes of header problems.
const (
	HeaderUnknown   = "unknown_column"
	HeaderDuplicate = "duplicate_column"
	HeaderMissing   = "missing_column"
)

// HeaderProblem is one thing wrong with a header row.
type HeaderProblem struct {
	Column int    // 1-based column in the file; 0 for a missing column
	Letter string // the column's letter (A, B, … AA); "" for a missing column
	Header string // the header as written; for a missing column, its first accepted header
	Key    string // the column's key; "" for an unknown column
	Code   string // HeaderUnknown, HeaderDuplicate or HeaderMissing
}

// Message says what is wrong and what to do, in lang (Chinese by default).
func (p HeaderProblem) Message(lang string) string {
	var e *Error
	switch p.Code {
	case HeaderUnknown:
		e = newError(p.Code, "第 %s 列的表头“%s”无法识别，请改用模板中的表头或删除该列",
			"Column %s's header “%s” is not recognised; use the template's header or delete the column", p.Letter, p.Header)
	case HeaderDuplicate:
		e = newError(p.Code, "第 %s 列“%s”与前面的列重复，请删除重复的列",
			"Column %s (“%s”) repeats an earlier column; delete the duplicate", p.Letter, p.Header)
	default:
		e = newError(p.Code, "缺少必填列“%s”，请按模板补上该列",
			"The required column “%s” is missing; add it as in the template", p.Header)
	}
	return e.Message(lang)
}

// MapHeader matches a header row against the columns an import knows. It
// returns each found key's 0-based index into the header (and so into
// Row.Cells) and the problems: unknown columns, duplicates (the first one
// wins) and missing required columns. Matching ignores case, spaces, the
// difference between full- and half-width characters (（）and ()), and
// the "*" templates put on required headers. Empty header cells are
// ignored.
func MapHeader(header []string, cols []Column) (map[string]int, []HeaderProblem) {
	accepted := map[string]string{} // normalised header → key
	for _, c := range cols {
		for _, h := range append([]string{c.Key}, c.Headers...) {
			if n := normHeader(h); n != "" {
				if _, taken := accepted[n]; !taken {
					accepted[n] = c.Key
				}
			}
		}
	}
	found := map[string]int{}
	var probs []HeaderProblem
	for i, h := range header {
		n := normHeader(h)
		if n == "" {
			continue
		}
		p := HeaderProblem{Column: i + 1, Letter: ColumnLetter(i), Header: h}
		key, ok := accepted[n]
		switch _, dup := found[key]; {
		case !ok:
			p.Code = HeaderUnknown
		case dup:
			p.Key, p.Code = key, HeaderDuplicate
		default:
			found[key] = i
			continue
		}
		probs = append(probs, p)
	}
	for _, c := range cols {
		if _, ok := found[c.Key]; c.Required && !ok {
			name := c.Key
			if len(c.Headers) > 0 {
				name = c.Headers[0]
			}
			probs = append(probs, HeaderProblem{Header: name, Key: c.Key, Code: HeaderMissing})
		}
	}
	return found, probs
}

// normHeader folds a header for matching: full-width to half-width, lower
// case, no spaces, 【】 as [], and no "*" at either end.
func normHeader(h string) string {
	h = strings.ToLower(width.Fold.String(h))
	h = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r), r == '\u200b', r == '\ufeff':
			return -1
		case r == '【' || r == '〔':
			return '['
		case r == '】' || r == '〕':
			return ']'
		}
		return r
	}, h)
	return strings.Trim(h, "*")
}

// ColumnLetter names a 0-based column index as Excel does: 0 → "A",
// 25 → "Z", 26 → "AA". A negative index gives "".
func ColumnLetter(i int) string {
	if i < 0 {
		return ""
	}
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}
