package web

import (
	"net/http"

	"github.com/xinzhi-platform/xinzhi/internal/program"
)

func (s *Server) apiPrograms(w http.ResponseWriter, r *http.Request) error {
	ps, err := program.Programs(r.Context(), s.db)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": ps})
}

// apiProjects lists projects; an organisation user sees only their own
// organisation's (the scope is applied in the query).
func (s *Server) apiProjects(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	rows, err := program.Projects(r.Context(), s.db, program.ProjectFilter{Program: q.Get("program"), Stage: q.Get("stage"),
		Scope: info(r).principal.OrgScope()})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": rows})
}
