// Package problem names the ways a request can fail and carries the message
// that tells a user what to fix, in their language. Domain packages return
// these errors (wrapped with %w); the web layer turns them into status codes
// and RFC 9457 problem documents in one place.
package problem

import (
	"errors"
	"net/http"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
)

// The kinds of failure. Wrap them, or build an *Error with one as its Kind.
var (
	ErrInvalid      = errors.New("invalid")
	ErrNotFound     = errors.New("not found")
	ErrUnauthorized = errors.New("unauthorized")
	ErrForbidden    = errors.New("forbidden")
	ErrConflict     = errors.New("conflict")
	ErrTooMany      = errors.New("too many requests")
)

// Error is a failure with a translated message: Key names a message in the
// i18n catalogues and Args fill it. Field, when set, names the form field the
// message belongs beside.
type Error struct {
	Kind  error
	Key   string
	Args  []any
	Field string
	Err   error // an underlying cause, for logs; never shown to users
}

// New returns an *Error of the given kind.
func New(kind error, key string, args ...any) *Error {
	return &Error{Kind: kind, Key: key, Args: args}
}

// Invalid returns an ErrInvalid about one field.
func Invalid(field, key string, args ...any) *Error {
	return &Error{Kind: ErrInvalid, Key: key, Args: args, Field: field}
}

func (e *Error) Error() string {
	msg := e.Kind.Error() + ": " + i18n.T(i18n.EN, e.Key, e.Args...)
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap lets errors.Is match the kind and the cause.
func (e *Error) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Kind, e.Err}
	}
	return []error{e.Kind}
}

// Message is the text to show a user in lang.
func (e *Error) Message(lang string) string { return i18n.T(lang, e.Key, e.Args...) }

// Status maps an error to an HTTP status code.
func Status(err error) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, ErrInvalid):
		return http.StatusUnprocessableEntity
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrUnauthorized):
		return http.StatusUnauthorized
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, ErrConflict):
		return http.StatusConflict
	case errors.Is(err, ErrTooMany):
		return http.StatusTooManyRequests
	default:
		return http.StatusInternalServerError
	}
}

// Message returns the user-facing text for any error: its own message when
// it is an *Error, otherwise a generic one for its kind (internal details are
// never shown).
func Message(err error, lang string) string {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Message(lang)
	}
	return i18n.T(lang, "error.status."+statusKey(Status(err)))
}

func statusKey(code int) string {
	switch code {
	case 401:
		return "401"
	case 403:
		return "403"
	case 404:
		return "404"
	case 409:
		return "409"
	case 422:
		return "422"
	case 429:
		return "429"
	default:
		return "500"
	}
}

// List is several field problems found at once, so that a form can show a
// message beside each field. It is an ErrInvalid.
type List []*Error

func (l List) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "; ")
}

// Unwrap makes a List match ErrInvalid and lets errors.As find its first
// problem.
func (l List) Unwrap() []error {
	out := []error{ErrInvalid}
	for _, e := range l {
		out = append(out, e)
	}
	return out
}

// ByField maps each field to its message in lang (the first when a field
// has several).
func (l List) ByField(lang string) map[string]string {
	out := map[string]string{}
	for _, e := range l {
		if _, ok := out[e.Field]; !ok {
			out[e.Field] = e.Message(lang)
		}
	}
	return out
}

// OrNil returns nil for an empty list, so that callers can return it as an
// error.
func (l List) OrNil() error {
	if len(l) == 0 {
		return nil
	}
	return l
}
