package password

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxLen is the longest password Check accepts, in Unicode code points.
const MaxLen = 128

// Policy error codes, the values of PolicyError.Code.
const (
	CodeTooShort = "too_short"
	CodeTooLong  = "too_long"
	CodeCommon   = "common"
	CodeRepeated = "repeated"
)

// Sentinel errors wrapped by *PolicyError, for use with errors.Is.
var (
	ErrTooShort = errors.New("password: too short")
	ErrTooLong  = errors.New("password: too long")
	ErrCommon   = errors.New("password: too common")
	ErrRepeated = errors.New("password: one character repeated")
)

// PolicyError says why Check refused a password. Code is one of the Code*
// constants; Min is the minimum length (in code points) that applied.
// It unwraps to the matching Err* sentinel.
type PolicyError struct {
	Code string
	Min  int
}

// Error returns the English message, prefixed with "password: ".
func (e *PolicyError) Error() string { return "password: " + e.Message("en") }

// Unwrap returns the sentinel error for e.Code.
func (e *PolicyError) Unwrap() error {
	switch e.Code {
	case CodeTooShort:
		return ErrTooShort
	case CodeTooLong:
		return ErrTooLong
	case CodeCommon:
		return ErrCommon
	case CodeRepeated:
		return ErrRepeated
	}
	return nil
}

// Message returns a user-facing message saying what to fix. lang "en" (or
// any "en-…" tag) gives English; anything else, including "zh-CN" and "",
// gives Simplified Chinese.
func (e *PolicyError) Message(lang string) string {
	en := lang == "en" || strings.HasPrefix(strings.ToLower(lang), "en-")
	switch e.Code {
	case CodeTooShort:
		if en {
			return fmt.Sprintf("Password must be at least %d characters.", e.Min)
		}
		return fmt.Sprintf("密码至少需要 %d 个字符。", e.Min)
	case CodeTooLong:
		if en {
			return fmt.Sprintf("Password must be at most %d characters.", MaxLen)
		}
		return fmt.Sprintf("密码不能超过 %d 个字符。", MaxLen)
	case CodeCommon:
		if en {
			return "This password is too common and easy to guess. Please choose another."
		}
		return "这个密码太常见，容易被猜到，请换一个。"
	case CodeRepeated:
		if en {
			return "Password must not be a single character repeated. Please choose another."
		}
		return "密码不能只由同一个字符重复组成，请换一个。"
	}
	if en {
		return "Password is not acceptable."
	}
	return "密码不符合要求。"
}

// Check applies the password policy to a new password: at least minLen and
// at most MaxLen Unicode code points (callers pass 8, or 12 for
// administrators; values below 1 count as 1), not one character repeated,
// and not on the common-password list (compared case-insensitively after
// trimming surrounding white space). There are no composition rules.
// A refusal is returned as a *PolicyError.
func Check(pw string, minLen int) error {
	minLen = max(minLen, 1)
	n := utf8.RuneCountInString(pw)
	switch {
	case n < minLen:
		return &PolicyError{Code: CodeTooShort, Min: minLen}
	case n > MaxLen:
		return &PolicyError{Code: CodeTooLong, Min: minLen}
	case repeated(pw):
		return &PolicyError{Code: CodeRepeated, Min: minLen}
	case isCommon(pw):
		return &PolicyError{Code: CodeCommon, Min: minLen}
	}
	return nil
}

// repeated reports whether s is at least two copies of one code point
// (compared as bytes, so distinct invalid UTF-8 bytes are not a repeat).
func repeated(s string) bool {
	_, size := utf8.DecodeRuneInString(s)
	if size == 0 || size == len(s) || len(s)%size != 0 {
		return false
	}
	return s == strings.Repeat(s[:size], len(s)/size)
}
