package web

import (
	"net/http"
	"runtime"

	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// cockpitData is the data of the cockpit. The figures come with the evidence
// issue; until then every card says it has no data rather than show a number
// that no record backs.
type cockpitData struct {
	Orgs  int
	Chart string // ECharts option, JSON
}

func (s *Server) cockpit(w http.ResponseWriter, r *http.Request) error {
	var n int
	if err := s.db.QueryRowContext(r.Context(), `SELECT count(*) FROM organisations`).Scan(&n); err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "cockpit", s.newPage(w, r, "cockpit.title", cockpitData{Orgs: n}))
}

// systemData is the data of the system page.
type systemData struct {
	Version    string
	Engine     store.Engine
	GoVersion  string
	Migrations []store.AppliedMigration
	Users      int
	Orgs       int
	Events     int
}

func (s *Server) systemPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d := systemData{Version: s.cfg.Version, Engine: s.db.Engine(), GoVersion: runtime.Version()}
	var err error
	if d.Migrations, err = s.db.Status(ctx); err != nil {
		return err
	}
	for _, c := range []struct {
		q string
		n *int
	}{{`SELECT count(*) FROM users`, &d.Users}, {`SELECT count(*) FROM organisations`, &d.Orgs}, {`SELECT count(*) FROM audit_events`, &d.Events}} {
		if err := s.db.QueryRowContext(ctx, c.q).Scan(c.n); err != nil {
			return err
		}
	}
	return s.render(w, http.StatusOK, "system", s.newPage(w, r, "system.title", d))
}

// requestedOrg loads the {id} organisation within the caller's reach; one
// out of reach is not found, so its existence does not leak.
func (s *Server) requestedOrg(r *http.Request) (registry.Organisation, error) {
	id, err := pathID(r)
	if err != nil {
		return registry.Organisation{}, err
	}
	return registry.Get(r.Context(), s.db, registry.Scope(info(r).principal.OrgScope()), id)
}

// orgChoices lists organisations for a drop-down (binding accounts and
// tokens); the first thousand by name.
func (s *Server) orgChoices(r *http.Request) ([]registry.Organisation, error) {
	p, err := registry.List(r.Context(), s.db, 0, registry.Filter{PerPage: 1000})
	return p.Items, err
}
