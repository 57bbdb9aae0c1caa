package web

import (
	"context"
	"html/template"
	"net/http"
	"strings"
	"sync"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/clock"
)

// fragments keeps the rendered content of read-only pages (the cockpit
// and its sections: figures, charts, overdue proposals) for one generation
// of the records, like the figure cache (metric.Cache): every write is
// audited and moves the generation, so content kept at the current
// generation is what rendering it afresh would give. Only the content is
// kept; the layout around it (the reader's name, CSRF token, unread
// notices) is rendered for each request.
type fragments struct {
	mu  sync.Mutex
	gen int64
	m   map[string]template.HTML
}

// fragmentsMax bounds the contents kept for one generation (a key per
// page, language and query).
const fragmentsMax = 512

// fragment is the content kept for r's page, language and query on the
// day, with the generation it is keyed on; r's context must be read-only
// (audit.ReadOnly), so the figures the page then reads are of the same
// generation or later.
func (s *Server) fragment(r *http.Request) (body template.HTML, gen int64, key string, err error) {
	if gen, err = audit.Generation(r.Context(), s.db); err != nil {
		return "", 0, "", err
	}
	// The day in China and the business day (a pinned clock) decide
	// "today"'s figures and the overdue proposals.
	key = strings.Join([]string{r.URL.Path, info(r).lang, r.URL.RawQuery, today(r.Context()), clock.Today(context.Background())}, "|")
	f := &s.frags
	f.mu.Lock()
	defer f.mu.Unlock()
	if gen == 0 || gen != f.gen { // gen 0: nothing audited yet, nothing to key on
		return "", gen, key, nil
	}
	return f.m[key], gen, key, nil
}

// keep keeps body as the content for key at gen, unless a newer generation
// has been seen meanwhile.
func (s *Server) keep(gen int64, key string, body template.HTML) {
	f := &s.frags
	f.mu.Lock()
	defer f.mu.Unlock()
	if gen == 0 || gen < f.gen {
		return
	}
	if gen > f.gen || f.m == nil || len(f.m) >= fragmentsMax {
		f.gen, f.m = gen, map[string]template.HTML{}
	}
	f.m[key] = body
}
