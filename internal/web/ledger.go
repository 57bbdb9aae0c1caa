package web

import (
	"net/http"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
)

// ledgerData is one person's places across programs (限项台账).
type ledgerData struct {
	Person registry.Person
	Ledger program.PersonLedger
}

func (s *Server) ledgerData(r *http.Request) (*ledgerData, error) {
	if s.cfg.Keys == nil {
		return nil, problem.New(problem.ErrConflict, "person.no_keys")
	}
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	person, err := registry.PersonByID(r.Context(), s.db, s.cfg.Keys, id)
	if err != nil {
		return nil, err
	}
	l, err := program.LedgerOf(r.Context(), s.db, id)
	if err != nil {
		return nil, err
	}
	return &ledgerData{Person: person, Ledger: l}, nil
}

// ledgerPage shows a person's places on records of every program that
// marks its people, with the figures limit rules ask (managers).
func (s *Server) ledgerPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.ledgerData(r)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "ledger", s.newPage(w, r, "ledger.title", d))
}

func (s *Server) apiLedger(w http.ResponseWriter, r *http.Request) error {
	d, err := s.ledgerData(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"person": d.Person, "ledger": d.Ledger})
}
