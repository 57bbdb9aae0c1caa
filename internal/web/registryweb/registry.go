package registryweb

import (
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
)

// registryData is the data of the registry list page.
type registryData struct {
	Page      registry.Page
	Filter    registry.Filter
	Cat       *registry.Catalogue
	Districts []stdcode.Division
	Kinds     []string
	RecKinds  []registry.Named
	Years     []int
	Pages     int
	// Links that keep the page's filter, search and sort, built with net/url.
	ExportXLSX, ExportCSV, Prev, Next string
}

// orgFilterKeys are the query parameters that choose and order the list;
// export links carry all of them, paging links these and per_page.
var orgFilterKeys = []string{"q", "kind", "district", "cluster", "tag", "recognition", "figure", "year", "min", "sort"}

// orgFilter reads the list filter from the query string, and returns the
// parameters that make it, for links that must show the same list.
func (s *area) orgFilter(r *http.Request) (registry.Filter, url.Values) {
	q := r.URL.Query()
	f := registry.Filter{Kind: q.Get("kind"), District: q.Get("district"), Cluster: q.Get("cluster"), Tag: q.Get("tag"),
		Recognition: q.Get("recognition"), Sort: q.Get("sort")}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	f.PerPage, _ = strconv.Atoi(q.Get("per_page"))
	f.After, _ = strconv.ParseInt(q.Get("after"), 10, 64)
	if y, err := strconv.Atoi(q.Get("year")); err == nil {
		f.Year, f.Figure = y, q.Get("figure")
		if v, err := strconv.ParseFloat(q.Get("min"), 64); err == nil {
			f.MinValue = &v
		}
	}
	text := strings.TrimSpace(q.Get("q"))
	if text != "" && s.Search != nil {
		f.Terms = s.Search.QueryTerms(text)
		if len(f.Terms) == 0 {
			f.Terms = []string{text}
		}
	}
	return f, site.Kept(q, orgFilterKeys...)
}

func (s *area) registryPage(w http.ResponseWriter, r *http.Request) error {
	f, query := s.orgFilter(r)
	page, err := registry.List(r.Context(), s.DB, registry.Scope(site.Info(r).Principal.OrgScope()), f)
	if err != nil {
		return err
	}
	cat, err := registry.LoadCatalogue(r.Context(), s.DB)
	if err != nil {
		return err
	}
	recs, err := registry.RecognitionKinds(r.Context(), s.DB)
	if err != nil {
		return err
	}
	d := registryData{Page: page, Filter: f, Cat: cat, Districts: stdcode.Districts(), Kinds: registry.Kinds, RecKinds: recs,
		Pages:      (page.Total + page.PerPage - 1) / page.PerPage,
		ExportXLSX: site.Link("/registry/export", query, "format", "xlsx"),
		ExportCSV:  site.Link("/registry/export", query, "format", "csv")}
	if pp := r.URL.Query().Get("per_page"); pp != "" {
		query.Set("per_page", pp)
	}
	if page.Page > 1 {
		d.Prev = site.Link("/registry", query, "page", strconv.Itoa(page.Page-1))
	}
	if page.Next != 0 {
		d.Next = site.Link("/registry", query, "page", strconv.Itoa(page.Page+1))
	}
	for y := time.Now().In(site.Shanghai).Year(); y >= 2018; y-- {
		d.Years = append(d.Years, y)
	}
	p := s.NewPage(w, r, "registry.title", d)
	for k, v := range r.URL.Query() {
		p.Form[k] = v[0]
	}
	return s.pages.Render(w, http.StatusOK, "registry", p)
}
