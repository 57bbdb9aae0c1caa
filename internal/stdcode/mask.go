package stdcode

import "strings"

// MaskIDNumber hides an ID number for display, keeping its length: the
// first 3 and last 2 characters stay visible ("210*************3X"). Input
// is normalised first; a value of 5 characters or fewer is hidden entirely.
func MaskIDNumber(s string) string {
	return maskMiddle(normalize(s), 3, 2)
}

// MaskPhone hides a phone number for display. An 11-digit mainland mobile
// number (spaces and hyphens ignored) becomes "138****5678"; anything else
// keeps its first 3 and last 2 characters and its length.
func MaskPhone(s string) string {
	n := normalize(s)
	digits := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, n)
	if len(digits) == 11 && digits[0] == '1' && allDigits(digits) {
		return digits[:3] + "****" + digits[7:]
	}
	return maskMiddle(n, 3, 2)
}

// MaskEmail hides the local part of an e-mail address but its first
// character ("z***@example.com"); the stars do not reveal its length. A
// one-character local part is hidden entirely.
func MaskEmail(s string) string {
	e := normalizeText(s)
	if e == "" {
		return ""
	}
	local, domain := e, ""
	if at := strings.LastIndexByte(e, '@'); at >= 0 {
		local, domain = e[:at], e[at:]
	}
	if r := []rune(local); len(r) > 1 {
		return string(r[0]) + "***" + domain
	}
	return "***" + domain
}

// maskMiddle replaces all but the first head and last tail runes with '*'.
func maskMiddle(s string, head, tail int) string {
	r := []rune(s)
	if len(r) <= head+tail {
		return strings.Repeat("*", len(r))
	}
	return string(r[:head]) + strings.Repeat("*", len(r)-head-tail) + string(r[len(r)-tail:])
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}
