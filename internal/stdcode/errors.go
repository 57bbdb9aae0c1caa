package stdcode

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Error codes. Each names one way a code can be wrong; the Args an Error
// carries for it are listed with its message in the messages table.
const (
	CodeLength             = "length"
	CodeCharset            = "charset"
	CodeDivision           = "division"
	CodeCheck              = "check"
	CodeInnerCheck         = "inner_check"
	CodeBirthDate          = "birth_date"
	CodeDivisionUnknown    = "division_unknown"
	CodeDivisionHistorical = "division_historical"
)

// Error is a validation failure. Code is one of the Code constants; Args are
// the values its message interpolates, the first naming what was checked.
type Error struct {
	Code string
	Args []any
}

func newError(code string, args ...any) *Error {
	return &Error{Code: code, Args: args}
}

// Error returns the English message, starting in lower case.
func (e *Error) Error() string {
	if e == nil {
		return "<nil>"
	}
	return e.format(true)
}

// Message returns a message saying what to fix: English for "en" (and
// "en-…"), Simplified Chinese for "zh-CN" and any other language.
func (e *Error) Message(lang string) string {
	if e == nil {
		return ""
	}
	if !isEnglish(lang) {
		return e.format(false)
	}
	s := e.format(true)
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

func isEnglish(lang string) bool {
	l := strings.ToLower(strings.TrimSpace(lang))
	return l == "en" || strings.HasPrefix(l, "en-") || strings.HasPrefix(l, "en_")
}

func (e *Error) format(english bool) string {
	t, ok := messages[e.Code]
	if !ok {
		return fmt.Sprintf("%s %v", e.Code, e.Args)
	}
	f := t.zh
	if english {
		f = t.en
	}
	args := make([]any, len(e.Args))
	for i, a := range e.Args {
		args[i] = localize(a, english)
	}
	return fmt.Sprintf(f, args...)
}

// localize turns the language-dependent Args (terms and divisions) into
// text.
func localize(a any, english bool) any {
	switch v := a.(type) {
	case term:
		t := messages[string(v)]
		if english {
			return t.en
		}
		return t.zh
	case Division:
		if english {
			return v.Code + " (" + v.NameEN + ")"
		}
		return v.Code + "（" + v.Name + "）"
	}
	return a
}
