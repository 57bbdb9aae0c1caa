package opendata

import (
	"regexp"

	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
)

// A field marked public is still free text someone typed: a contact's
// e-mail address, mobile number or ID number written into a need or a
// summary is masked before it leaves. (Names cannot be told from words;
// the forms keep people in person fields, which never leave.)
var (
	emailRe  = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)
	mobileRe = regexp.MustCompile(`(^|[^0-9])(1[3-9][0-9]{9})([^0-9]|$)`)
	idRe     = regexp.MustCompile(`[1-9][0-9]{16}[0-9Xx]`)
)

// Masked stands where personal data was.
const Masked = "[已隐去 removed]"

func scrub(v any) any {
	switch x := v.(type) {
	case string:
		return scrubText(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = scrub(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = scrub(e)
		}
		return out
	}
	return v
}

func scrubText(s string) string {
	s = emailRe.ReplaceAllString(s, Masked)
	s = idRe.ReplaceAllStringFunc(s, func(m string) string {
		if c, err := stdcode.IDCheckChar(m[:17]); err == nil && (c == m[17] || c == 'X' && m[17] == 'x') {
			return Masked
		}
		return m
	})
	// Twice: numbers one character apart share the boundary a match takes.
	for range 2 {
		s = mobileRe.ReplaceAllString(s, "${1}"+Masked+"${3}")
	}
	return s
}
