package web

import (
	"context"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/clock"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// fragments keeps read-only pages (the cockpit and its sections: figures,
// charts, overdue proposals) rendered for one generation of the records,
// like the figure cache (metric.Cache): every write is audited and moves
// the generation, so what is kept at the current generation is what
// rendering afresh would give. It keeps a page's content by language and
// query, and the whole page by everything its layout shows as well (the
// reader's name, session token, unread notices, menu), so a reader who
// comes back is sent the bytes again and another reader gets the content
// inside a layout of their own.
type fragments struct {
	mu      sync.Mutex
	gen     int64
	content map[string]template.HTML
	pages   map[string][]byte
}

// fragmentsMax bounds the contents, and the pages, kept for one
// generation.
const fragmentsMax = 512

// serveKept serves the read-only page name: the whole page as kept for
// this reader, else its kept content in a fresh layout, else build fills
// the page's data (it reports whether what it built may be kept: a figure
// that failed may not) and the page is rendered and kept.
func (s *Server) serveKept(w http.ResponseWriter, r *http.Request, name, title string, build func(r *http.Request, pg *page) (bool, error)) error {
	// The generation is read once for the request (with the session when
	// there is one); the figures read after it are of that generation or
	// later.
	if ri := info(r); ri.session != nil {
		r = r.WithContext(audit.ReadOnlyAt(r.Context(), ri.session.Generation))
	} else {
		r = r.WithContext(audit.ReadOnly(r.Context()))
	}
	pg := s.newPage(w, r, title, nil)
	gen, err := audit.Generation(r.Context(), s.db)
	if err != nil {
		return err
	}
	// The day in China and the business day (a pinned clock) decide
	// "today"'s figures and the overdue proposals.
	key := strings.Join([]string{r.URL.Path, pg.Lang, r.URL.RawQuery, today(r.Context()), clock.Today(context.Background())}, "|")
	whole := key + "|" + layoutKey(pg)
	f := &s.frags
	f.mu.Lock()
	var body template.HTML
	var kept []byte
	if gen != 0 && gen == f.gen { // gen 0: nothing audited yet, nothing to key on
		body, kept = f.content[key], f.pages[whole]
	}
	f.mu.Unlock()
	if kept != nil {
		return site.Write(w, http.StatusOK, kept)
	}
	keep := true
	if body == "" {
		if keep, err = build(r, pg); err != nil {
			return err
		}
		if body, err = s.pages.Content(name, pg); err != nil {
			return err
		}
	}
	pg.Body = body
	b, err := s.pages.Bytes(name, pg)
	if err != nil {
		return err
	}
	if keep {
		s.keep(gen, key, whole, body, b)
	}
	return site.Write(w, http.StatusOK, b)
}

// layoutKey is everything of pg the layout shows around the content.
func layoutKey(pg *page) string {
	var b strings.Builder
	for _, v := range []string{pg.Title, pg.CSRF, strconv.Itoa(pg.Unread), pg.Back, pg.AsOf, strconv.FormatBool(pg.Demo), strconv.FormatBool(pg.Auth)} {
		b.WriteString(v)
		b.WriteByte('|')
	}
	if pg.User != nil {
		b.WriteString(pg.User.DisplayName + "|" + pg.User.Username + "|")
	}
	for _, n := range pg.Nav {
		b.WriteString(n.Key + " " + n.Href + ",")
	}
	return b.String()
}

// keep keeps a page's content and the whole page at gen, unless a newer
// generation has been seen meanwhile.
func (s *Server) keep(gen int64, key, whole string, body template.HTML, page []byte) {
	f := &s.frags
	f.mu.Lock()
	defer f.mu.Unlock()
	if gen == 0 || gen < f.gen {
		return
	}
	if gen > f.gen || f.content == nil || len(f.content) >= fragmentsMax || len(f.pages) >= fragmentsMax {
		f.gen, f.content, f.pages = gen, map[string]template.HTML{}, map[string][]byte{}
	}
	f.content[key], f.pages[whole] = body, page
}
