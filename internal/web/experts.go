package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
)

// expertsData is the expert pool's page (科研项目评审专家库).
type expertsData struct {
	Experts []expertRow
	In, Out int // experts in the pool and removed
}

type expertRow struct {
	program.Expert
	FieldList string // the fields as typed back into the form
}

func (s *Server) expertsData(r *http.Request) (*expertsData, error) {
	es, err := program.Experts(r.Context(), s.db)
	if err != nil {
		return nil, err
	}
	d := &expertsData{}
	for _, e := range es {
		d.Experts = append(d.Experts, expertRow{Expert: e, FieldList: strings.Join(e.Fields, "、")})
		if e.Removed != nil {
			d.Out++
		} else {
			d.In++
		}
	}
	return d, nil
}

func (s *Server) expertsPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.expertsData(r)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "experts.title", d)
	if k := r.URL.Query().Get("done"); k == "fields" || k == "removed" || k == "reinstated" {
		p.Flash = p.T("experts.done." + k)
	}
	return s.render(w, http.StatusOK, "experts", p)
}

// apiExperts lists the pool.
func (s *Server) apiExperts(w http.ResponseWriter, r *http.Request) error {
	es, err := program.Experts(r.Context(), s.db)
	if err != nil {
		return err
	}
	if es == nil {
		es = []program.Expert{}
	}
	for i := range es {
		if es[i].Fields == nil {
			es[i].Fields = []string{}
		}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": es})
}

// setExpertFields replaces an expert's technology fields (comma or 、
// separated).
func (s *Server) setExpertFields(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	err = program.SetExpertFields(r.Context(), s.db, info(r).principal, id, program.ParseFields(r.FormValue("fields")))
	return s.expertsDone(w, r, err, "fields")
}

func (s *Server) removeExpert(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	err = program.RemoveExpert(r.Context(), s.db, info(r).principal, id, r.FormValue("reason"))
	return s.expertsDone(w, r, err, "removed")
}

func (s *Server) reinstateExpert(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	err = program.ReinstateExpert(r.Context(), s.db, info(r).principal, id, r.FormValue("reason"))
	return s.expertsDone(w, r, err, "reinstated")
}

// expertsDone shows a refusal on the pool's page, or goes back to it with
// the news.
func (s *Server) expertsDone(w http.ResponseWriter, r *http.Request, err error, done string) error {
	if err != nil {
		if ok, rerr := s.refuse(w, r, err, "experts.title", "experts", func() (any, error) { return s.expertsData(r) }); ok {
			return rerr
		}
		return err
	}
	http.Redirect(w, r, "/experts?done="+done, http.StatusSeeOther)
	return nil
}

// rateExpert records a manager's rating of a submitted review, from the
// record's page.
func (s *Server) rateExpert(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	aid, err := strconv.ParseInt(r.PathValue("aid"), 10, 64)
	if err != nil {
		return fmt.Errorf("assignment %q: %w", r.PathValue("aid"), problem.ErrNotFound)
	}
	if _, err := program.ViewOf(r.Context(), s.db, info(r).principal, id); err != nil {
		return err
	}
	a, err := program.GetAssignment(r.Context(), s.db, aid)
	if err != nil {
		return err
	}
	if a.ProjectID != id {
		return fmt.Errorf("assignment %d of project %d: %w", aid, id, problem.ErrNotFound)
	}
	rating, perr := strconv.Atoi(strings.TrimSpace(r.FormValue("rating")))
	if perr != nil {
		rating = 0 // refused below with the range
	}
	if err := program.RateExpert(r.Context(), s.db, info(r).principal, aid, rating, r.FormValue("note")); err != nil {
		return s.projectError(w, r, err)
	}
	return backToProject(w, r, id, "rated")
}
