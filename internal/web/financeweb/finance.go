package financeweb

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
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
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

func (s *area) financeData(r *http.Request) (*financeData, error) {
	ctx, pr := r.Context(), site.Info(r).Principal
	d := &financeData{Day: s.DataDay(), Kind: r.URL.Query().Get("kind"), Kinds: finance.Kinds, Stages: finance.Stages, Sizes: finance.Sizes, Collaterals: finance.Collaterals}
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
	if d.Products, err = finance.Products(ctx, s.DB, d.Day, d.Kind); err != nil {
		return nil, err
	}
	if pr.Can(access.ProgramManage) || pr.Has(access.Finance) || pr.Can(access.CockpitView) {
		if d.Channel, err = finance.GreenChannel(ctx, s.DB, "", d.Day, d.Day); err != nil {
			return nil, err
		}
	}
	if d.Funds, err = finance.Funds(ctx, s.DB); err != nil {
		return nil, err
	}
	d.MayPublish = pr.Can(access.ProgramManage) || pr.Has(access.Finance)
	if pr.Can(access.ProgramManage) {
		rows, err := s.DB.QueryContext(ctx, `SELECT id, name FROM organisations WHERE kind IN ('bank', 'guarantor', 'insurer', 'fund') ORDER BY name_key, name`)
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
func (s *area) financePage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.financeData(r)
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "finance.title", d)
	if r.URL.Query().Get("published") == "1" {
		p.Flash = p.T("finance.published")
	}
	return s.pages.Render(w, http.StatusOK, "finance", p)
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

func (s *area) publishProduct(w http.ResponseWriter, r *http.Request) error {
	pr := site.Info(r).Principal
	p := productFromForm(r, pr)
	if !finance.MayPublish(pr, p.InstitutionID) {
		return problem.New(problem.ErrForbidden, "finance.institution_only")
	}
	if _, err := finance.Publish(r.Context(), s.DB, p); err != nil {
		if ok, rerr := s.pages.Refuse(w, r, err, "finance.title", "finance", func() (any, error) { return s.financeData(r) },
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

func (s *area) offers(r *http.Request) (*offersData, error) {
	id, err := site.PathID(r)
	if err != nil {
		return nil, err
	}
	ctx, pr := r.Context(), site.Info(r).Principal
	v, err := program.ViewOf(ctx, s.DB, pr, id)
	if err != nil {
		return nil, err
	}
	d := &offersData{View: v, MaySend: v.Reach.Owner || v.Reach.Manager}
	if s.Pools.Products == nil {
		return nil, problem.New(problem.ErrConflict, "match.unavailable")
	}
	if d.Offers, err = finance.Suggest(ctx, s.DB, s.Pools.Products, pr, id, 20); err != nil {
		return nil, err
	}
	if d.Applications, err = finance.ApplicationsOf(ctx, s.DB, id, clock.Today(r.Context())); err != nil {
		return nil, err
	}
	return d, nil
}

func (s *area) offersPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.offers(r)
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "finance.offers", d)
	if r.URL.Query().Get("sent") == "1" {
		p.Flash = p.T("finance.sent")
	}
	return s.pages.Render(w, http.StatusOK, "offers", p)
}

func (s *area) sendNeed(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	product, err := strconv.ParseInt(r.PathValue("product"), 10, 64)
	if err != nil {
		return fmt.Errorf("product %q: %w", r.PathValue("product"), problem.ErrNotFound)
	}
	if _, err := finance.Send(r.Context(), s.DB, site.Info(r).Principal, id, product, clock.Now(r.Context())); err != nil {
		var pe *problem.Error
		if errors.As(err, &pe) && !errors.Is(err, problem.ErrNotFound) {
			d, derr := s.offers(r)
			if derr != nil {
				return derr
			}
			p := s.NewPage(w, r, "finance.offers", d)
			p.Flash, p.Bad = pe.Message(p.Lang), true
			return s.pages.Render(w, problem.Status(err), "offers", p)
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

func (s *area) applicationList(r *http.Request) (*applicationsData, error) {
	pr := site.Info(r).Principal
	var inst, org int64
	switch {
	case pr.OrgScope() == 0:
	case pr.Has(access.Finance):
		inst = pr.OrgID
	default:
		org = pr.OrgID
	}
	rows, err := finance.Applications(r.Context(), s.DB, inst, org, clock.Today(r.Context()))
	if err != nil {
		return nil, err
	}
	if dec := r.URL.Query().Get("decision"); dec != "" { // ?decision=pending: the landing's inbox
		rows = slices.DeleteFunc(rows, func(a finance.Application) bool { return a.Decision != dec })
	}
	return &applicationsData{Rows: rows, MayDecide: pr.Has(access.Finance) || pr.Can(access.ProgramManage), Today: clock.Today(r.Context())}, nil
}

func (s *area) applicationsPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.applicationList(r)
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "finance.applications", d)
	if r.URL.Query().Get("decided") == "1" {
		p.Flash = p.T("finance.decided_ok")
	}
	return s.pages.Render(w, http.StatusOK, "applications", p)
}

func (s *area) decideApplication(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	amount, _ := strconv.ParseFloat(strings.TrimSpace(r.FormValue("amount_approved")), 64)
	version, _ := strconv.Atoi(r.FormValue("version"))
	if _, err := finance.Decide(r.Context(), s.DB, site.Info(r).Principal, id, r.FormValue("decision"), amount, r.FormValue("decided_on"), r.FormValue("note"), version); err != nil {
		if ok, rerr := s.pages.Refuse(w, r, err, "finance.applications", "applications", func() (any, error) { return s.applicationList(r) }); ok {
			return rerr
		}
		return err
	}
	http.Redirect(w, r, "/finance/applications?decided=1", http.StatusSeeOther)
	return nil
}

// The API.

func (s *area) apiProducts(w http.ResponseWriter, r *http.Request) error {
	d, err := s.financeData(r)
	if err != nil {
		return err
	}
	if d.Products == nil {
		d.Products = []finance.Product{}
	}
	return site.WriteJSON(w, http.StatusOK, map[string]any{"as_of": d.Day, "products": d.Products})
}

func (s *area) apiPublishProduct(w http.ResponseWriter, r *http.Request) error {
	var p finance.Product
	raw, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return problem.Invalid("body", "finance.bad_body")
	}
	pr := site.Info(r).Principal
	if pr.Has(access.Finance) && !pr.Can(access.ProgramManage) {
		p.InstitutionID = pr.OrgID
	}
	if !finance.MayPublish(pr, p.InstitutionID) {
		return problem.New(problem.ErrForbidden, "finance.institution_only")
	}
	out, err := finance.Publish(r.Context(), s.DB, p)
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusCreated, out)
}

func (s *area) apiGreenChannel(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	ch, err := finance.GreenChannel(r.Context(), s.DB, q.Get("from"), q.Get("to"), s.DataDay())
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusOK, map[string]any{"as_of": s.DataDay(), "institutions": ch})
}

func (s *area) apiOffers(w http.ResponseWriter, r *http.Request) error {
	d, err := s.offers(r)
	if err != nil {
		return err
	}
	if d.Offers == nil {
		d.Offers = []finance.Offer{}
	}
	return site.WriteJSON(w, http.StatusOK, map[string]any{"need": d.View.ID, "offers": d.Offers, "applications": d.Applications})
}

func (s *area) apiSend(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	product, err := strconv.ParseInt(r.PathValue("product"), 10, 64)
	if err != nil {
		return fmt.Errorf("product %q: %w", r.PathValue("product"), problem.ErrNotFound)
	}
	a, err := finance.Send(r.Context(), s.DB, site.Info(r).Principal, id, product, clock.Now(r.Context()))
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusCreated, a)
}

func (s *area) apiApplications(w http.ResponseWriter, r *http.Request) error {
	d, err := s.applicationList(r)
	if err != nil {
		return err
	}
	if d.Rows == nil {
		d.Rows = []finance.Application{}
	}
	return site.WriteJSON(w, http.StatusOK, map[string]any{"applications": d.Rows})
}

func (s *area) apiDecideApplication(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
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
	a, err := finance.Decide(r.Context(), s.DB, site.Info(r).Principal, id, body.Decision, body.Amount, body.Day, body.Note, body.Version)
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusOK, a)
}
