package web

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
	"net/http"
	"strconv"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
)

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func asProblem(err error, target **problem.Error) bool { return errors.As(err, target) }

// pathID parses the {id} path value.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("id %q: %w", r.PathValue("id"), problem.ErrNotFound)
	}
	return id, nil
}

// refuse re-renders page with a refused form's message (the first problem
// in the flash, every problem by field) and what was typed in fields; it
// returns false when err is not a problem of the form (not found, or a
// failure), for the caller to return.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, err error, title, page string, data func() (any, error), fields ...string) (bool, error) {
	return s.pages.Refuse(w, r, err, title, page, data, fields...)
}

// uploadedSheet reads the spreadsheet sent in a form's "file" part: a
// missing file or one that cannot be read is a problem of the field.
func uploadedSheet(r *http.Request) (*tabular.Table, error) { return site.UploadedSheet(r) }
