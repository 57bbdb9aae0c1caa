package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/clock"
	"github.com/xinzhi-platform/xinzhi/internal/finance"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
)

// financeData is the science-finance page: products on the shelf, the
// green channel, the funds.
type financeData struct {
	Day          string
	Kind         string
	Kinds        []string
	Products     []finance.Product
	Channel      []finance.Channel
	Funds        []finance.Fund
	MayPublish   bool
	Institutions []orgOption
	Stages       []string
	Sizes        []string
	Collaterals  []string
}

type orgOption struct {
	ID   int64
	Name string
}

func (s *Server) financeData(r *http.Request) (*financeData, error) {
	ctx, pr := r.Context(), info(r).principal
	d := &financeData{Day: s.dataDay(), Kind: r.URL.Query().Get("kind"), Kinds: finance.Kinds, Stages: finance.Stages, Sizes: finance.Sizes, Collaterals: finance.Collaterals}
	if v := r.URL.Query().Get("as_of"); v != "" {
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return nil, problem.Invalid("as_of", "finance.bad_date")
		}
		d.Day = v
	}
	if d.Kind != "" && !slices.Contains(finance.Kinds, d.Kind) {
		return nil, problem.Invalid("kind", "finance.bad_kind", strings.Join(finance.Kinds, ", "))
	}
	var err error
	if d.Products, err = finance.Products(ctx, s.db, d.Day, d.Kind); err != nil {
		return nil, err
	}
	if pr.Can(access.ProgramManage) || pr.Has(access.Finance) || pr.Can(access.CockpitView) {
		if d.Channel, err = finance.GreenChannel(ctx, s.db, "", d.Day, d.Day); err != nil {
			return nil, err
		}
	}
	if d.Funds, err = finance.Funds(ctx, s.db); err != nil {
		return nil, err
	}
	d.MayPublish = pr.Can(access.ProgramManage) || pr.Has(access.Finance)
	if pr.Can(access.ProgramManage) {
		rows, err := s.db.QueryContext(ctx, `SELECT id, name FROM organisations WHERE kind IN ('bank', 'guarantor', 'insurer', 'fund') ORDER BY name_key, name`)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var o orgOption
			if err := rows.Scan(&o.ID, &o.Name); err != nil {
				return nil, err
			}
			d.Institutions = append(d.Institutions, o)
		}
	}
	return d, nil
}

// financePage lists the products, the green channel and the funds; finance
// users and managers publish products from it.
func (s *Server) financePage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.financeData(r)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "finance.title", d)
	if r.URL.Query().Get("published") == "1" {
		p.Flash = p.T("finance.published")
	}
	return s.render(w, http.StatusOK, "finance", p)
}

// productFromForm reads a product from a form; a finance user publishes for
// its own institution.
func productFromForm(r *http.Request, pr access.Principal) finance.Product {
	num := func(k string) float64 {
		v, err := strconv.ParseFloat(strings.TrimSpace(r.FormValue(k)), 64)
		if err != nil {
			return -1 // refused by Check as negative, naming the field
		}
		return v
	}
	p := finance.Product{Kind: r.FormValue("kind"), Name: r.FormValue("name"), Description: r.FormValue("description"),
		Stages: r.Form["stages"], Sizes: r.Form["sizes"], Collateral: r.FormValue("collateral"), Listed: r.FormValue("listed")}
	for _, t := range strings.FieldsFunc(r.FormValue("tags"), func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ' ' }) {
		p.Tags = append(p.Tags, t)
	}
	p.AmountMin, p.AmountMax, p.Rate = num("amount_min"), num("amount_max"), num("rate")
	if v := strings.TrimSpace(r.FormValue("promised_days")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			n = -1
		}
		p.PromisedDays = n
	}
	for _, k := range []string{"amount_min", "amount_max", "rate"} {
		if strings.TrimSpace(r.FormValue(k)) == "" {
			switch k {
			case "amount_min":
				p.AmountMin = 0
			case "amount_max":
				p.AmountMax = 0
			case "rate":
				p.Rate = 0
			}
		}
	}
	p.InstitutionID, _ = strconv.ParseInt(r.FormValue("institution_id"), 10, 64)
	if pr.Has(access.Finance) && !pr.Can(access.ProgramManage) {
		p.InstitutionID = pr.OrgID
	}
	return p
}

func (s *Server) publishProduct(w http.ResponseWriter, r *http.Request) error {
	pr := info(r).principal
	p := productFromForm(r, pr)
	if !finance.MayPublish(pr, p.InstitutionID) {
		return problem.New(problem.ErrForbidden, "finance.institution_only")
	}
	if _, err := finance.Publish(r.Context(), s.db, p); err != nil {
		if ok, rerr := s.refuse(w, r, err, "finance.title", "finance", func() (any, error) { return s.financeData(r) },
			"kind", "name", "description", "collateral", "listed", "amount_min", "amount_max", "rate", "promised_days", "tags"); ok {
			return rerr
		}
		return err
	}
	http.Redirect(w, r, "/finance?published=1", http.StatusSeeOther)
	return nil
}

// offersData is the page of products suggested for a funding need.
type offersData struct {
	View         program.View
	Offers       []finance.Offer
	Applications []finance.Application
	MaySend      bool
}

func (s *Server) offers(r *http.Request) (*offersData, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	ctx, pr := r.Context(), info(r).principal
	v, err := program.ViewOf(ctx, s.db, pr, id)
	if err != nil {
		return nil, err
	}
	d := &offersData{View: v, MaySend: v.Reach.Owner || v.Reach.Manager}
	if s.products == nil {
		return nil, problem.New(problem.ErrConflict, "match.unavailable")
	}
	if d.Offers, err = finance.Suggest(ctx, s.db, s.products, pr, id, 20); err != nil {
		return nil, err
	}
	if d.Applications, err = finance.ApplicationsOf(ctx, s.db, id, today(r.Context())); err != nil {
		return nil, err
	}
	return d, nil
}

func (s *Server) offersPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.offers(r)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "finance.offers", d)
	if r.URL.Query().Get("sent") == "1" {
		p.Flash = p.T("finance.sent")
	}
	return s.render(w, http.StatusOK, "offers", p)
}

func (s *Server) sendNeed(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	product, err := strconv.ParseInt(r.PathValue("product"), 10, 64)
	if err != nil {
		return fmt.Errorf("product %q: %w", r.PathValue("product"), problem.ErrNotFound)
	}
	if _, err := finance.Send(r.Context(), s.db, info(r).principal, id, product, clock.Now(r.Context())); err != nil {
		var pe *problem.Error
		if errors.As(err, &pe) && !errors.Is(err, problem.ErrNotFound) {
			d, derr := s.offers(r)
			if derr != nil {
				return derr
			}
			p := s.newPage(w, r, "finance.offers", d)
			p.Flash, p.Bad = pe.Message(p.Lang), true
			return s.render(w, problem.Status(err), "offers", p)
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/projects/%d/products?sent=1", id), http.StatusSeeOther)
	return nil
}

// applicationsData is an institution's inbox (or an enterprise's sent
// needs, or all of them for staff).
type applicationsData struct {
	Rows      []finance.Application
	MayDecide bool
	Today     string
}

func (s *Server) applicationList(r *http.Request) (*applicationsData, error) {
	pr := info(r).principal
	var inst, org int64
	switch {
	case pr.OrgScope() == 0:
	case pr.Has(access.Finance):
		inst = pr.OrgID
	default:
		org = pr.OrgID
	}
	rows, err := finance.Applications(r.Context(), s.db, inst, org, today(r.Context()))
	if err != nil {
		return nil, err
	}
	if dec := r.URL.Query().Get("decision"); dec != "" { // ?decision=pending: the landing's inbox
		rows = slices.DeleteFunc(rows, func(a finance.Application) bool { return a.Decision != dec })
	}
	return &applicationsData{Rows: rows, MayDecide: pr.Has(access.Finance) || pr.Can(access.ProgramManage), Today: today(r.Context())}, nil
}

func (s *Server) applicationsPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.applicationList(r)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "finance.applications", d)
	if r.URL.Query().Get("decided") == "1" {
		p.Flash = p.T("finance.decided_ok")
	}
	return s.render(w, http.StatusOK, "applications", p)
}

func (s *Server) decideApplication(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	amount, _ := strconv.ParseFloat(strings.TrimSpace(r.FormValue("amount_approved")), 64)
	version, _ := strconv.Atoi(r.FormValue("version"))
	if _, err := finance.Decide(r.Context(), s.db, info(r).principal, id, r.FormValue("decision"), amount, r.FormValue("decided_on"), r.FormValue("note"), version); err != nil {
		if ok, rerr := s.refuse(w, r, err, "finance.applications", "applications", func() (any, error) { return s.applicationList(r) }); ok {
			return rerr
		}
		return err
	}
	http.Redirect(w, r, "/finance/applications?decided=1", http.StatusSeeOther)
	return nil
}

// The API.

func (s *Server) apiProducts(w http.ResponseWriter, r *http.Request) error {
	d, err := s.financeData(r)
	if err != nil {
		return err
	}
	if d.Products == nil {
		d.Products = []finance.Product{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"as_of": d.Day, "products": d.Products})
}

func (s *Server) apiPublishProduct(w http.ResponseWriter, r *http.Request) error {
	var p finance.Product
	raw, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return problem.Invalid("body", "finance.bad_body")
	}
	pr := info(r).principal
	if pr.Has(access.Finance) && !pr.Can(access.ProgramManage) {
		p.InstitutionID = pr.OrgID
	}
	if !finance.MayPublish(pr, p.InstitutionID) {
		return problem.New(problem.ErrForbidden, "finance.institution_only")
	}
	out, err := finance.Publish(r.Context(), s.db, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, out)
}

func (s *Server) apiGreenChannel(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	ch, err := finance.GreenChannel(r.Context(), s.db, q.Get("from"), q.Get("to"), s.dataDay())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"as_of": s.dataDay(), "institutions": ch})
}

func (s *Server) apiOffers(w http.ResponseWriter, r *http.Request) error {
	d, err := s.offers(r)
	if err != nil {
		return err
	}
	if d.Offers == nil {
		d.Offers = []finance.Offer{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"need": d.View.ID, "offers": d.Offers, "applications": d.Applications})
}

func (s *Server) apiSend(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	product, err := strconv.ParseInt(r.PathValue("product"), 10, 64)
	if err != nil {
		return fmt.Errorf("product %q: %w", r.PathValue("product"), problem.ErrNotFound)
	}
	a, err := finance.Send(r.Context(), s.db, info(r).principal, id, product, clock.Now(r.Context()))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, a)
}

func (s *Server) apiApplications(w http.ResponseWriter, r *http.Request) error {
	d, err := s.applicationList(r)
	if err != nil {
		return err
	}
	if d.Rows == nil {
		d.Rows = []finance.Application{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"applications": d.Rows})
}

func (s *Server) apiDecideApplication(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var body struct {
		Decision string  `json:"decision"`
		Amount   float64 `json:"amount_approved"`
		Day      string  `json:"decided_on"`
		Note     string  `json:"note"`
		Version  int     `json:"version"`
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 16<<10))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		return problem.Invalid("body", "finance.bad_body")
	}
	a, err := finance.Decide(r.Context(), s.db, info(r).principal, id, body.Decision, body.Amount, body.Day, body.Note, body.Version)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, a)
}

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
func (s *Server) convertLeg(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := finance.ConvertLeg(r.Context(), s.db, info(r).principal, id, roundFrom(r.FormValue)); err != nil {
		if ok, rerr := s.refuse(w, r, err, "project.title", "project", func() (any, error) { return s.projectData(r, nil) },
			"round_date", "pre_money", "price", "new_money", "discount"); ok {
			return rerr
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/projects/%d?moved=converted", id), http.StatusSeeOther)
	return nil
}

func (s *Server) apiConvertLeg(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
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
	c, err := finance.ConvertLeg(r.Context(), s.db, info(r).principal, id, roundFrom(get))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, c)
}

// refuse re-renders page with a refused form's message (the first problem
// in the flash, every problem by field) and what was typed in fields; it
// returns false when err is not a problem of the form (not found, or a
// failure), for the caller to return.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, err error, title, page string, data func() (any, error), fields ...string) (bool, error) {
	return s.pages.Refuse(w, r, err, title, page, data, fields...)
}
