package web

import (
	"net/http"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/talent"
)

// The talent area (人才): the flows of the letter's talent work with each
// figure opening the records or people behind it, and a page per person
// with a talent role. Leaders and managers read it (cockpit.view); personal
// data shows masked unless the reader holds person.reveal and asks.

func (s *Server) talentPage(w http.ResponseWriter, r *http.Request) error {
	o, err := talent.Load(r.Context(), s.db, s.dataDay())
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "talent", s.newPage(w, r, "talent.title", o))
}

// talentListData is the list behind one figure.
type talentListData struct {
	Filter talent.Filter
	Rows   []talent.Record
	AsOf   string
}

func (s *Server) talentListPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := talent.Filter{Kind: q.Get("kind"), Stage: q.Get("stage"), Category: q.Get("category"), State: q.Get("state"), Title: q.Get("title"),
		Class: q.Get("class"), Version: q.Get("version"), Item: q.Get("item")}
	if !f.Known() {
		return problem.New(problem.ErrNotFound, "talent.unknown_list", f.Kind)
	}
	d := &talentListData{Filter: f, AsOf: s.dataDay()}
	var err error
	if d.Rows, err = talent.List(r.Context(), s.db, f, d.AsOf); err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "talent_list", s.newPage(w, r, "talent.list."+f.Kind, d))
}

// talentPersonData is one person's page in the area.
type talentPersonData struct {
	Person    registry.Person
	Profile   *talent.Profile
	Current   *talent.Record
	Revealed  bool
	CanReveal bool
}

func (s *Server) talentPersonPage(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.Keys == nil {
		return problem.New(problem.ErrConflict, "person.no_keys")
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	pr := info(r).principal
	reveal := r.URL.Query().Get("reveal") == "1"
	if reveal && !pr.Can(access.PersonReveal) {
		return problem.New(problem.ErrForbidden, "error.status.403")
	}
	prof, err := talent.ProfileOf(r.Context(), s.db, id, s.dataDay())
	if err != nil {
		return err
	}
	if !prof.HasRole() {
		return problem.New(problem.ErrNotFound, "talent.no_role")
	}
	person, err := registry.PersonShown(r.Context(), s.db, s.cfg.Keys, id, reveal)
	if err != nil {
		return err
	}
	d := &talentPersonData{Person: person, Profile: prof, Current: prof.Current(), Revealed: reveal, CanReveal: pr.Can(access.PersonReveal)}
	return s.render(w, http.StatusOK, "talent_person", s.newPage(w, r, "talent.person", d))
}
