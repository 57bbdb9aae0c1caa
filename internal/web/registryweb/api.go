package registryweb

import (
	"net/http"

	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// apiOrganisations lists the organisations the caller may see, with the
// registry page's filter and search.
func (s *area) apiOrganisations(w http.ResponseWriter, r *http.Request) error {
	f, _ := s.orgFilter(r)
	page, err := registry.List(r.Context(), s.DB, registry.Scope(site.Info(r).Principal.OrgScope()), f)
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusOK, page)
}

// apiOrganisation is one organisation within the caller's reach.
func (s *area) apiOrganisation(w http.ResponseWriter, r *http.Request) error {
	o, err := s.RequestedOrg(r)
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusOK, o)
}
