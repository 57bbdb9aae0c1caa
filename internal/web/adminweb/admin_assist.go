package adminweb

import (
	"net/http"

	"github.com/xinzhi-platform/xinzhi/internal/assist"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// assistData is AI assistance's settings page.
type assistData struct {
	On           bool
	Model        string
	Used, Budget int64
	Fields       []assistField
	Calls        []assist.Call
}

type assistField struct {
	Key      string
	Personal bool
	Allowed  bool
}

func (s *area) assistData(r *http.Request) (*assistData, error) {
	ctx := r.Context()
	d := &assistData{On: s.Assist.On(), Model: s.Assist.Model()}
	var err error
	if d.Used, d.Budget, err = s.Assist.Used(ctx); err != nil {
		return nil, err
	}
	allowed, err := assist.Allowed(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	for _, f := range assist.Fields {
		d.Fields = append(d.Fields, assistField{Key: f.Key, Personal: f.Personal, Allowed: allowed[f.Key]})
	}
	if d.Calls, err = assist.Calls(ctx, s.DB, 100); err != nil {
		return nil, err
	}
	return d, nil
}

func (s *area) assistPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.assistData(r)
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "assist.admin.title", d)
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = p.T("form.saved")
	}
	return s.pages.Render(w, http.StatusOK, "assist", p)
}

// setAssistField allows or forbids one field (audited).
func (s *area) setAssistField(w http.ResponseWriter, r *http.Request) error {
	err := assist.SetField(r.Context(), s.DB, site.Info(r).Principal.Name, r.FormValue("field"), r.FormValue("allowed") == "1")
	if err != nil {
		if ok, rerr := s.pages.Refuse(w, r, err, "assist.admin.title", "assist", func() (any, error) { return s.assistData(r) }); ok {
			return rerr
		}
		return err
	}
	http.Redirect(w, r, "/admin/assist?saved=1", http.StatusSeeOther)
	return nil
}
