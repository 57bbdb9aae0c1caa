package registryweb

import (
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
	"net/http"
	"strconv"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
)

// peopleData is the data of the people page.
type peopleData struct {
	People    []registry.Person
	Total     int
	Capped    bool // more people match than Total
	Page      int
	Revealed  bool
	CanReveal bool
}

func (s *area) peopleFilter(r *http.Request) registry.PeopleFilter {
	q := r.URL.Query()
	f := registry.PeopleFilter{Name: q.Get("name"), TalentLevel: q.Get("level")}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	f.PerPage, _ = strconv.Atoi(q.Get("per_page"))
	f.OrganisationID, _ = strconv.ParseInt(q.Get("org"), 10, 64)
	return f
}

// listPeople lists people masked, or unmasked (and audited) when the caller
// asks with reveal=1 and holds person.reveal.
func (s *area) listPeople(r *http.Request) (peopleData, error) {
	if s.Keys == nil {
		return peopleData{}, problem.New(problem.ErrConflict, "person.no_keys")
	}
	p := site.Info(r).Principal
	reveal := r.URL.Query().Get("reveal") == "1"
	if reveal && !p.Can(access.PersonReveal) {
		return peopleData{}, problem.New(problem.ErrForbidden, "error.status.403")
	}
	f := s.peopleFilter(r)
	people, total, capped, err := registry.People(r.Context(), s.DB, s.Keys, registry.Scope(p.OrgScope()), f, reveal)
	if people == nil {
		people = []registry.Person{}
	}
	return peopleData{People: people, Total: total, Capped: capped, Page: max(f.Page, 1), Revealed: reveal, CanReveal: p.Can(access.PersonReveal)}, err
}

func (s *area) peoplePage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.listPeople(r)
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "people.title", d)
	p.Form["name"] = r.URL.Query().Get("name")
	return s.pages.Render(w, http.StatusOK, "people", p)
}

func (s *area) apiPeople(w http.ResponseWriter, r *http.Request) error {
	d, err := s.listPeople(r)
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusOK, map[string]any{"items": d.People, "total": d.Total, "total_capped": d.Capped, "page": d.Page, "masked": !d.Revealed})
}
