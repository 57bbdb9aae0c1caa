package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"github.com/xinzhi-platform/xinzhi/internal/web/programsweb"
	"net/http"
	"strconv"

	"github.com/xinzhi-platform/xinzhi/internal/clock"
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

// today is the business date of the request (clock: the pinned date, else
// the day in China).
func today(ctx context.Context) string { return clock.Today(ctx) }

// formOrg reads an organisation picker of a form (programsweb.FormOrg).
func (s *Server) formOrg(r *http.Request) (int64, error) { return programsweb.FormOrg(s.site, r) }
