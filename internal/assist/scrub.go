package assist

import (
	"regexp"
	"strings"
)

// Personal data never leaves: before anything is sent, Scrub removes
// resident ID numbers (18 characters, the last a digit or X; 15-digit old
// ones too), mobile numbers (1[3-9] and nine digits, with +86 and
// separators), landlines (0 and an area code, 7 or 8 digits, an
// extension), e-mail addresses, and any other run of 15 or more digits
// (bank cards). Full-width digits and ＠ are read as their ASCII forms
// first, so they cannot slip past. Each is replaced by a tag that says
// what was there ([身份证号], [电话], [邮箱], [号码]) so the model can still
// write a sentence around it.

type scrubRule struct {
	re  *regexp.Regexp
	tag string
}

var scrubRules = []scrubRule{
	{regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+`), "[邮箱]"},
	{regexp.MustCompile(`[1-9][0-9]{16}[0-9Xx]|[1-9][0-9]{14}`), "[身份证号]"},
	{regexp.MustCompile(`[0-9]{15,}`), "[号码]"},
	{regexp.MustCompile(`(?:\+?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2}`), "[电话]"},
	{regexp.MustCompile(`(?:\(0[0-9]{2,3}\)|（0[0-9]{2,3}）|0[0-9]{2,3})[ -]?[0-9]{7,8}(?:[-转][0-9]{1,5})?`), "[电话]"},
}

var widen = strings.NewReplacer("０", "0", "１", "1", "２", "2", "３", "3", "４", "4", "５", "5", "６", "6", "７", "7", "８", "8", "９", "9", "＠", "@", "＋", "+", "－", "-")

// Scrub removes personal data from s; n is how many pieces it removed.
func Scrub(s string) (out string, n int) {
	out = widen.Replace(s)
	for _, r := range scrubRules {
		out = replaceBounded(out, r, &n)
	}
	return out, n
}

// replaceBounded replaces the rule's matches that stand alone: not in the
// middle of a longer run of digits (a phone number's digits inside a
// 20-digit code are the code's — and that run is removed by the rule for
// long numbers). Letters around do not protect a number: tel13800138000.
func replaceBounded(s string, r scrubRule, n *int) string {
	idx := r.re.FindAllStringIndex(s, -1)
	if idx == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range idx {
		if m[0] > 0 && isDigit(s[m[0]-1]) || m[1] < len(s) && isDigit(s[m[1]]) {
			continue
		}
		b.WriteString(s[last:m[0]])
		b.WriteString(r.tag)
		last = m[1]
		*n++
	}
	b.WriteString(s[last:])
	return b.String()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isWordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
