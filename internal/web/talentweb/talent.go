package talentweb

import (
	"net/http"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/talent"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// The talent area (人才): the flows of the letter's talent work with each
// figure opening the records or people behind it, and a page per person
// with a talent role. Leaders and managers read it (cockpit.view); personal
// data shows masked unless the reader holds person.reveal and asks.
func (s *area) talentPage(w http.ResponseWriter, r *http.Request) error {
	o, err := talent.Load(r.Context(), s.DB, s.DataDay())
	if err != nil {
		return err
	}
	return s.pages.Render(w, http.StatusOK, "talent", s.NewPage(w, r, "talent.title", o))
}

// listData is the list behind one figure.
type listData struct {
	Filter talent.Filter
	Rows   []talent.Record
	AsOf   string
}

func (s *area) talentListPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := talent.Filter{Kind: q.Get("kind"), Stage: q.Get("stage"), Category: q.Get("category"), State: q.Get("state"), Title: q.Get("title"),
		Class: q.Get("class"), Version: q.Get("version"), Item: q.Get("item")}
	if !f.Known() {
		return problem.New(problem.ErrNotFound, "talent.unknown_list", f.Kind)
	}
	d := &listData{Filter: f, AsOf: s.DataDay()}
	var err error
	if d.Rows, err = talent.List(r.Context(), s.DB, f, d.AsOf); err != nil {
		return err
	}
	return s.pages.Render(w, http.StatusOK, "talent_list", s.NewPage(w, r, "talent.list."+f.Kind, d))
}

// personData is one person's page in the area.
type personData struct {
	Person    registry.Person
	Profile   *talent.Profile
	Current   *talent.Record
	Revealed  bool
	CanReveal bool
	// Choices are, for one who keeps the catalogues, the catalogue
	// versions each certification may rest on (those of its
	// jurisdiction), by record.
	Choices map[int64][]talent.Catalogue
}

func (s *area) talentPersonPage(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	d, err := s.personData(r, id)
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "talent.person", d)
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = p.T("talent.basis_saved")
	}
	return s.pages.Render(w, http.StatusOK, "talent_person", p)
}

// personData reads a person's page; ?reveal=1 shows personal data to one
// who may see it (audited by registry.PersonShown).
func (s *area) personData(r *http.Request, id int64) (*personData, error) {
	if s.Keys == nil {
		return nil, problem.New(problem.ErrConflict, "person.no_keys")
	}
	pr := site.Info(r).Principal
	reveal := r.URL.Query().Get("reveal") == "1"
	if reveal && !pr.Can(access.PersonReveal) {
		return nil, problem.New(problem.ErrForbidden, "error.status.403")
	}
	prof, err := talent.ProfileOf(r.Context(), s.DB, id, s.DataDay())
	if err != nil {
		return nil, err
	}
	if !prof.HasRole() {
		return nil, problem.New(problem.ErrNotFound, "talent.no_role")
	}
	person, err := registry.PersonShown(r.Context(), s.DB, s.Keys, id, reveal)
	if err != nil {
		return nil, err
	}
	d := &personData{Person: person, Profile: prof, Current: prof.Current(), Revealed: reveal, CanReveal: pr.Can(access.PersonReveal)}
	if pr.Can(access.CatalogueEdit) && len(prof.Certifications) > 0 {
		if d.Choices, err = s.choices(r, prof.Certifications); err != nil {
			return nil, err
		}
	}
	return d, nil
}
