package programsweb

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/finance"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// The 拨投结合 conversion is taken on a record's page (a refusal shows the
// record again), so it stays beside the project pages; the rest of science
// finance is package financeweb.

// roundFrom reads the first market round a grant leg converts at.
func roundFrom(get func(string) string) finance.Round {
	num := func(k string) float64 {
		v, err := strconv.ParseFloat(strings.TrimSpace(get(k)), 64)
		if err != nil {
			return -1 // refused, naming the field
		}
		return v
	}
	r := finance.Round{Date: get("round_date"), PreMoney: num("pre_money"), Price: num("price"), NewMoney: num("new_money"), Discount: num("discount")}
	if strings.TrimSpace(get("discount")) == "" {
		r.Discount = 0
	}
	return r
}

// convertLeg converts a disbursed grant leg at the first market round.
func (s *area) convertLeg(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	if _, err := finance.ConvertLeg(r.Context(), s.DB, site.Info(r).Principal, id, roundFrom(r.FormValue)); err != nil {
		if ok, rerr := s.pages.Refuse(w, r, err, "project.title", "project", func() (any, error) { return s.projectData(r, nil) },
			"round_date", "pre_money", "price", "new_money", "discount"); ok {
			return rerr
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/projects/%d?moved=converted", id), http.StatusSeeOther)
	return nil
}

func (s *area) apiConvertLeg(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	var body map[string]any
	raw, err := io.ReadAll(io.LimitReader(r.Body, 16<<10))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		return problem.Invalid("body", "finance.bad_body")
	}
	get := func(k string) string {
		switch v := body[k].(type) {
		case string:
			return v
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		return ""
	}
	c, err := finance.ConvertLeg(r.Context(), s.DB, site.Info(r).Principal, id, roundFrom(get))
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusCreated, c)
}
