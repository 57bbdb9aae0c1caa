package expertsweb

import (
	"net/http"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
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

func (s *area) expertsData(r *http.Request) (*expertsData, error) {
	es, err := program.Experts(r.Context(), s.DB)
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

func (s *area) expertsPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.expertsData(r)
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "experts.title", d)
	if k := r.URL.Query().Get("done"); k == "fields" || k == "removed" || k == "reinstated" {
		p.Flash = p.T("experts.done." + k)
	}
	return s.pages.Render(w, http.StatusOK, "experts", p)
}

// apiExperts lists the pool.
func (s *area) apiExperts(w http.ResponseWriter, r *http.Request) error {
	es, err := program.Experts(r.Context(), s.DB)
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
	return site.WriteJSON(w, http.StatusOK, map[string]any{"items": es})
}

// setExpertFields replaces an expert's technology fields (comma or 、
// separated).
func (s *area) setExpertFields(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	err = program.SetExpertFields(r.Context(), s.DB, site.Info(r).Principal, id, program.ParseFields(r.FormValue("fields")))
	return s.expertsDone(w, r, err, "fields")
}

func (s *area) removeExpert(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	err = program.RemoveExpert(r.Context(), s.DB, site.Info(r).Principal, id, r.FormValue("reason"))
	return s.expertsDone(w, r, err, "removed")
}

func (s *area) reinstateExpert(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	err = program.ReinstateExpert(r.Context(), s.DB, site.Info(r).Principal, id, r.FormValue("reason"))
	return s.expertsDone(w, r, err, "reinstated")
}

// expertsDone shows a refusal on the pool's page, or goes back to it with
// the news.
func (s *area) expertsDone(w http.ResponseWriter, r *http.Request, err error, done string) error {
	if err != nil {
		if ok, rerr := s.pages.Refuse(w, r, err, "experts.title", "experts", func() (any, error) { return s.expertsData(r) }); ok {
			return rerr
		}
		return err
	}
	http.Redirect(w, r, "/experts?done="+done, http.StatusSeeOther)
	return nil
}
