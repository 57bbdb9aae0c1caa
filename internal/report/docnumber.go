package report

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// DocNumber is a 发文字号 (GB/T 9704-2012 7.2.4): the issuing unit's code
// (机关代字, e.g. 沈科提字), the year and the sequence number, printed as
// 沈科提字〔2025〕17号 — the year in 〔〕, no 第, no leading zeros.
type DocNumber struct {
	Code string
	Year int
	Seq  int
}

// String prints the number in the standard form.
func (d DocNumber) String() string {
	return fmt.Sprintf("%s〔%d〕%d号", d.Code, d.Year, d.Seq)
}

// ParseDocNumber reads a 文号 as people type it — the year in 〔〕, [], 【】,
// （）, () or ［］, a 第 before the number, leading zeros, full-width
// digits — and returns it in the standard form. It refuses a number without
// a unit code of Chinese characters, a four-digit year (1949–2999) or a
// sequence number from 1, or one ending in anything but 号.
func ParseDocNumber(s string) (DocNumber, error) {
	var d DocNumber
	in := strings.TrimSpace(width(s))
	open := strings.IndexAny(in, "〔[【(〖")
	if open < 0 {
		return d, fmt.Errorf("文号 %q: no year in 〔〕", s)
	}
	code := strings.TrimSpace(in[:open])
	if code == "" {
		return d, fmt.Errorf("文号 %q: no unit code (机关代字) before the year", s)
	}
	for _, r := range code {
		if !unicode.Is(unicode.Han, r) {
			return d, fmt.Errorf("文号 %q: unit code %q must be Chinese characters", s, code)
		}
	}
	rest := in[open:]
	_, size := firstRune(rest)
	rest = rest[size:]
	shut := strings.IndexAny(rest, "〕]】)〗")
	if shut < 0 {
		return d, fmt.Errorf("文号 %q: the year's bracket is not closed", s)
	}
	year := strings.TrimSpace(rest[:shut])
	if len(year) != 4 || !digits(year) {
		return d, fmt.Errorf("文号 %q: year %q is not four digits", s, year)
	}
	d.Year, _ = strconv.Atoi(year)
	if d.Year < 1949 || d.Year > 2999 {
		return d, fmt.Errorf("文号 %q: year %d out of range", s, d.Year)
	}
	_, size = firstRune(rest[shut:])
	seq := strings.TrimSpace(rest[shut+size:])
	if !strings.HasSuffix(seq, "号") {
		return d, fmt.Errorf("文号 %q: must end in 号", s)
	}
	seq = strings.TrimSpace(strings.TrimSuffix(seq, "号"))
	seq = strings.TrimSpace(strings.TrimPrefix(seq, "第"))
	if seq == "" || !digits(seq) || len(seq) > 9 {
		return d, fmt.Errorf("文号 %q: sequence number %q is not a number", s, seq)
	}
	d.Seq, _ = strconv.Atoi(seq)
	if d.Seq < 1 {
		return d, fmt.Errorf("文号 %q: sequence number must be 1 or more", s)
	}
	d.Code = code
	return d, nil
}

// FormatDocNumber returns s in the standard form, or an error saying what
// is wrong with it.
func FormatDocNumber(s string) (string, error) {
	d, err := ParseDocNumber(s)
	if err != nil {
		return "", err
	}
	return d.String(), nil
}

// width turns full-width digits, brackets and spaces into their half-width
// forms so that one parser reads both (〔〕 and 【】 stay as they are).
func width(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r == '（':
			return '('
		case r == '）':
			return ')'
		case r == '［':
			return '['
		case r == '］':
			return ']'
		case r == '\u3000':
			return ' '
		}
		return r
	}, s)
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func firstRune(s string) (rune, int) {
	for i, r := range s {
		_ = i
		return r, len(string(r))
	}
	return 0, 0
}
