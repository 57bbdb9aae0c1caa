package returnsweb

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/returns"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

func (s *area) apiReturns(w http.ResponseWriter, r *http.Request) error {
	d, err := s.returnsList(r)
	if err != nil {
		return err
	}
	type item struct {
		*returns.Form
		Units     int    `json:"units"`
		Period    string `json:"last_period"`
		Submitted int    `json:"submitted"`
		Accepted  int    `json:"accepted"`
		Overdue   int    `json:"overdue"`
	}
	out := []item{}
	for _, f := range d.Forms {
		out = append(out, item{f.Form, f.Units, f.Period, f.Submitted, f.Accepted, f.Overdue})
	}
	return site.WriteJSON(w, http.StatusOK, map[string]any{"items": out})
}

// apiPublishReturnForm takes a form as YAML.
func (s *area) apiPublishReturnForm(w http.ResponseWriter, r *http.Request) error {
	src, err := io.ReadAll(io.LimitReader(r.Body, 64<<10+1))
	if err != nil || len(src) > 64<<10 {
		return problem.Invalid("body", "program.too_big")
	}
	f, err := returns.Publish(r.Context(), s.DB, src)
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusCreated, f)
}

func (s *area) apiAddReturnUnit(w http.ResponseWriter, r *http.Request) error {
	f, err := returns.FormByKey(r.Context(), s.DB, r.PathValue("key"))
	if err != nil {
		return err
	}
	var body struct {
		Organisation any `json:"organisation"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 4<<10)).Decode(&body); err != nil {
		return problem.Invalid("body", "returns.bad_body")
	}
	raw := ""
	switch v := body.Organisation.(type) {
	case float64:
		raw = strconv.FormatInt(int64(v), 10)
	case string:
		raw = v
	}
	if err := s.addUnit(r, f, raw); err != nil {
		return err
	}
	units, err := returns.Units(r.Context(), s.DB, f)
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusCreated, map[string]any{"units": units})
}

func (s *area) apiFilings(w http.ResponseWriter, r *http.Request) error {
	f, err := returns.FormByKey(r.Context(), s.DB, r.PathValue("key"))
	if err != nil {
		return err
	}
	xs, err := returns.Filings(r.Context(), s.DB, site.Info(r).Principal, f, r.URL.Query().Get("period"))
	if err != nil {
		return err
	}
	if xs == nil {
		xs = []returns.Filing{}
	}
	return site.WriteJSON(w, http.StatusOK, map[string]any{"form": f, "items": xs})
}

// apiSaveFiling saves a unit's figures for a period: {"values": {...},
// "version": n} and, for managers, "organisation_id".
func (s *area) apiSaveFiling(w http.ResponseWriter, r *http.Request) error {
	f, err := returns.FormByKey(r.Context(), s.DB, r.PathValue("key"))
	if err != nil {
		return err
	}
	var body struct {
		OrganisationID int64          `json:"organisation_id"`
		Values         map[string]any `json:"values"`
		Version        int            `json:"version"`
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 256<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		return problem.Invalid("body", "returns.bad_body")
	}
	pr := site.Info(r).Principal
	org := pr.OrgID
	if pr.Can(access.ProgramManage) || org == 0 {
		org = body.OrganisationID
	}
	v, ps := f.ParseValues(body.Values)
	if len(ps) > 0 {
		return ps
	}
	x, err := returns.Save(r.Context(), s.DB, pr, f, org, r.PathValue("period"), v, body.Version)
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusOK, x)
}

func (s *area) apiFiling(w http.ResponseWriter, r *http.Request) error {
	d, err := s.filingData(r)
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusOK, map[string]any{"filing": d.Filing, "history": d.History})
}

func (s *area) apiFilingAction(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Note string `json:"note"`
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 16<<10))
	if err != nil {
		return err
	}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &body); err != nil {
			return problem.Invalid("body", "returns.bad_body")
		}
	}
	x, err := s.actOnFiling(r, body.Note)
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusOK, x)
}
