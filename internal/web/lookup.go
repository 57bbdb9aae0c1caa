package web

import (
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
	"net/http"
	"strconv"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
)

// choice is one line of a picker's list: what is chosen (id), what the
// field then shows (name) and what tells it from another of a like name.
type choice struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Detail string `json:"detail"`
}

// orgChoice is an organisation in a lookup's answer.
type orgChoice struct {
	choice
	CreditCode   string `json:"credit_code,omitempty"`
	District     string `json:"district,omitempty"`
	DistrictName string `json:"district_name,omitempty"`
	Kind         string `json:"kind"`
}

// personChoice is a person in a lookup's answer.
type personChoice struct {
	choice
	Organisation string `json:"organisation,omitempty"`
	IDNumber     string `json:"id_number,omitempty"`
	Masked       bool   `json:"masked"`
}

func lookupLimit(r *http.Request) int {
	n, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	return n
}

// apiLookupOrganisations answers a picker: organisations whose name or
// credit code starts with q, or whose name holds q, at most limit (≤ 50).
func (s *Server) apiLookupOrganisations(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	var terms []string
	if s.cfg.Search != nil {
		terms = s.cfg.Search.QueryTerms(q)
	}
	found, err := registry.LookupOrganisations(r.Context(), s.db, q, terms, lookupLimit(r))
	if err != nil {
		return err
	}
	lang := info(r).lang
	items := make([]orgChoice, 0, len(found))
	for _, o := range found {
		c := orgChoice{choice: choice{ID: o.ID, Name: o.Name}, CreditCode: o.CreditCode, District: o.District, Kind: o.Kind}
		var parts []string
		if o.District != "" {
			c.DistrictName = site.DistrictName(o.District, lang)
			parts = append(parts, c.DistrictName)
		}
		if o.CreditCode != "" {
			parts = append(parts, o.CreditCode)
		}
		c.Detail = strings.Join(parts, " · ")
		items = append(items, c)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// apiLookupPeople answers a picker: people the caller may see whose name
// starts with q, with the employer and the ID number masked (revealed, and
// audited, only with reveal=1 and the permission, as on the people page).
func (s *Server) apiLookupPeople(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.Keys == nil {
		return problem.New(problem.ErrConflict, "person.no_keys")
	}
	p := info(r).principal
	reveal := r.URL.Query().Get("reveal") == "1"
	if reveal && !p.Can(access.PersonReveal) {
		return problem.New(problem.ErrForbidden, "error.status.403")
	}
	found, err := registry.LookupPeople(r.Context(), s.db, s.cfg.Keys, registry.Scope(p.OrgScope()), r.URL.Query().Get("q"), lookupLimit(r), reveal)
	if err != nil {
		return err
	}
	items := make([]personChoice, 0, len(found))
	for _, x := range found {
		c := personChoice{choice: choice{ID: x.ID, Name: x.Name}, Organisation: x.Organisation, IDNumber: x.IDNumber, Masked: x.Masked}
		var parts []string
		for _, s := range []string{x.Organisation, x.IDNumber} {
			if s != "" {
				parts = append(parts, s)
			}
		}
		c.Detail = strings.Join(parts, " · ")
		items = append(items, c)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": items, "masked": !reveal})
}
