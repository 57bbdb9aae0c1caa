package computeweb

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/compute"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// computeData is the compute page: the register as of a day, its totals,
// and the vouchers.
type computeData struct {
	Day      string
	Capacity []compute.Capacity
	Totals   []compute.Total
	Vouchers compute.Vouchers
}

func (s *area) computeData(r *http.Request) (*computeData, error) {
	d := &computeData{Day: s.DataDay()}
	if v := r.URL.Query().Get("as_of"); v != "" {
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return nil, problem.Invalid("as_of", "finance.bad_date")
		}
		d.Day = v
	}
	var err error
	if d.Capacity, err = compute.InForce(r.Context(), s.DB, d.Day); err != nil {
		return nil, err
	}
	d.Totals = compute.Totals(d.Capacity)
	if d.Vouchers, err = compute.VoucherSummary(r.Context(), s.DB); err != nil {
		return nil, err
	}
	return d, nil
}

// computePage shows the compute register: every centre's capacity by
// precision and status on a day, totals, and the vouchers.
func (s *area) computePage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.computeData(r)
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "compute.title", d)
	if r.URL.Query().Get("registered") == "1" {
		p.Flash = p.T("compute.registered")
	}
	return s.pages.Render(w, http.StatusOK, "compute", p)
}

func (s *area) apiCompute(w http.ResponseWriter, r *http.Request) error {
	d, err := s.computeData(r)
	if err != nil {
		return err
	}
	if d.Capacity == nil {
		d.Capacity = []compute.Capacity{}
	}
	return site.WriteJSON(w, http.StatusOK, map[string]any{"as_of": d.Day, "capacity": d.Capacity, "totals": d.Totals, "vouchers": d.Vouchers})
}

// capacityFrom reads a capacity row from a form or a JSON body's strings.
func capacityFrom(get func(string) string) compute.Capacity {
	num := func(k string) float64 {
		v := strings.TrimSpace(get(k))
		if v == "" {
			return 0
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return -1 // refused, naming the field
		}
		return x
	}
	c := compute.Capacity{Phase: get("phase"), Precision: get("precision"), PFLOPS: num("pflops"), Status: get("status"),
		NationalNetwork: get("national_network") == "on" || get("national_network") == "true", Since: get("since"), Until: get("until"), Price: num("price"), Chips: get("chips")}
	c.OrganisationID, _ = strconv.ParseInt(get("organisation_id"), 10, 64)
	return c
}

func (s *area) addCapacity(r *http.Request, c compute.Capacity) (compute.Capacity, error) {
	var out compute.Capacity
	err := s.DB.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		out, err = compute.Add(r.Context(), tx, c)
		return err
	})
	return out, err
}

// registerCapacity adds a row to the compute register (a manager).
func (s *area) registerCapacity(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.addCapacity(r, capacityFrom(r.FormValue)); err != nil {
		if ok, rerr := s.pages.Refuse(w, r, err, "compute.title", "compute", func() (any, error) { return s.computeData(r) },
			"organisation_id", "phase", "precision", "pflops", "status", "since", "until", "price", "chips"); ok {
			return rerr
		}
		return err
	}
	http.Redirect(w, r, "/compute?registered=1", http.StatusSeeOther)
	return nil
}

func (s *area) apiRegisterCapacity(w http.ResponseWriter, r *http.Request) error {
	var c compute.Capacity
	raw, err := io.ReadAll(io.LimitReader(r.Body, 16<<10))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return problem.Invalid("body", "finance.bad_body")
	}
	c.ID, c.Centre = 0, ""
	out, err := s.addCapacity(r, c)
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusCreated, out)
}
