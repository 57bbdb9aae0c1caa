package registryweb

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// apiOrganisations lists the organisations the caller may see, with the
// registry page's filter and search. The answer is kept for the audit
// generation, per filter and scope.
func (s *area) apiOrganisations(w http.ResponseWriter, r *http.Request) error {
	f, _ := s.orgFilter(r)
	scope := registry.Scope(site.Info(r).Principal.OrgScope())
	fk, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("organisations list key: %w", err)
	}
	return s.orgs.Serve(w, r, s.DB, fmt.Sprintf("%s|%d", fk, scope), func(ctx context.Context) (any, error) {
		return registry.List(ctx, s.DB, scope, f)
	})
}

// apiOrganisation is one organisation within the caller's reach.
func (s *area) apiOrganisation(w http.ResponseWriter, r *http.Request) error {
	o, err := s.RequestedOrg(r)
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusOK, o)
}
