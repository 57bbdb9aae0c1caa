package problem

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
)

func TestStatus(t *testing.T) {
	cases := []struct {
		err  error
		want int
	}{
		{fmt.Errorf("load user 3: %w", ErrNotFound), http.StatusNotFound},
		{Invalid("password", "password.too_short", 12), http.StatusUnprocessableEntity},
		{fmt.Errorf("wrapped: %w", New(ErrForbidden, "error.status.403")), http.StatusForbidden},
		{ErrConflict, http.StatusConflict},
		{ErrTooMany, http.StatusTooManyRequests},
		{ErrUnauthorized, http.StatusUnauthorized},
		{errors.New("disk on fire"), http.StatusInternalServerError},
	}
	for _, c := range cases {
		if got := Status(c.err); got != c.want {
			t.Errorf("Status(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}

func TestMessageHidesInternals(t *testing.T) {
	err := fmt.Errorf("query: %w", errors.New("pq: relation secrets does not exist"))
	for _, lang := range []string{"zh-CN", "en"} {
		if m := Message(err, lang); m == "" || m == err.Error() {
			t.Errorf("Message(%s) = %q; want a generic message", lang, m)
		}
	}
}
