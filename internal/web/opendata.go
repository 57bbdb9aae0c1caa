package web

import (
	"net/http"

	"github.com/xinzhi-platform/xinzhi/internal/opendata"
)

func (s *Server) publisher() opendata.Publisher {
	p := s.cfg.Publisher
	if p.Prefix == "" {
		p.Prefix = "360G-xinzhi"
	}
	if p.Name == "" {
		p.Name = "市科学技术局"
	}
	if p.ID == "" {
		p.ID = p.Prefix + "-funder"
	}
	return p
}

// openDataPage is the public page of downloads.
func (s *Server) openDataPage(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, http.StatusOK, "opendata", s.newPage(w, r, "opendata.title", s.publisher()))
}

// openGrants serves funded projects as a 360Giving data package.
func (s *Server) openGrants(w http.ResponseWriter, r *http.Request) error {
	pkg, err := opendata.Grants(r.Context(), s.db, s.publisher())
	if err != nil {
		return err
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	return writeJSON(w, http.StatusOK, pkg)
}

// openChallenges serves published challenge lists as an OCDS release package.
func (s *Server) openChallenges(w http.ResponseWriter, r *http.Request) error {
	pkg, err := opendata.Challenges(r.Context(), s.db, s.publisher(), "challenge", s.cfg.BaseURL)
	if err != nil {
		return err
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	return writeJSON(w, http.StatusOK, pkg)
}
