package stdcode

import (
	"errors"
	"strings"
	"testing"
)

// wantError checks that err is an *Error with the given code whose messages
// are complete in both languages, and returns it.
func wantError(t *testing.T, err error, code string) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	if e.Code != code {
		t.Fatalf("code = %q (%v), want %q", e.Code, e, code)
	}
	checkMessages(t, e)
	return e
}

// checkMessages fails when a message is empty or has a formatting fault.
func checkMessages(t *testing.T, e *Error) {
	t.Helper()
	for _, lang := range []string{"zh-CN", "en"} {
		m := e.Message(lang)
		if m == "" || strings.Contains(m, "%!") {
			t.Errorf("Message(%q) of %q = %q", lang, e.Code, m)
		}
	}
}
