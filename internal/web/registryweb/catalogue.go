package registryweb

import (
	"net/http"
	"strconv"

	"github.com/xinzhi-platform/xinzhi/internal/registry"
)

// cataloguePage lists the editable tags and clusters with forms to add and
// rename them.
func (s *area) cataloguePage(w http.ResponseWriter, r *http.Request) error {
	cat, err := registry.LoadCatalogue(r.Context(), s.DB)
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "catalogue.title", cat)
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = p.T("form.saved")
	}
	return s.pages.Render(w, http.StatusOK, "catalogue", p)
}

func (s *area) catalogueSave(w http.ResponseWriter, r *http.Request) error {
	table := r.PathValue("table")
	id, _ := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	_, err := registry.SaveNamed(r.Context(), s.DB, table, registry.Named{ID: id, Name: r.PostFormValue("name"), NameEN: r.PostFormValue("name_en")})
	if err != nil {
		cat, cerr := registry.LoadCatalogue(r.Context(), s.DB)
		if cerr != nil {
			return cerr
		}
		p := s.NewPage(w, r, "catalogue.title", cat)
		return s.pages.FormError(w, r, "catalogue", p, err)
	}
	http.Redirect(w, r, "/admin/catalogues?saved=1", http.StatusSeeOther)
	return nil
}
