package web

import (
	"net/http"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/compute"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
)

// computeData is the compute page: the register as of a day, its totals,
// and the vouchers.
type computeData struct {
	Day      string
	Capacity []compute.Capacity
	Totals   []compute.Total
	Vouchers compute.Vouchers
}

func (s *Server) computeData(r *http.Request) (*computeData, error) {
	d := &computeData{Day: s.dataDay()}
	if v := r.URL.Query().Get("as_of"); v != "" {
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return nil, problem.Invalid("as_of", "finance.bad_date")
		}
		d.Day = v
	}
	var err error
	if d.Capacity, err = compute.InForce(r.Context(), s.db, d.Day); err != nil {
		return nil, err
	}
	d.Totals = compute.Totals(d.Capacity)
	if d.Vouchers, err = compute.VoucherSummary(r.Context(), s.db); err != nil {
		return nil, err
	}
	return d, nil
}

// computePage shows the compute register: every centre's capacity by
// precision and status on a day, totals, and the vouchers.
func (s *Server) computePage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.computeData(r)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "compute", s.newPage(w, r, "compute.title", d))
}

func (s *Server) apiCompute(w http.ResponseWriter, r *http.Request) error {
	d, err := s.computeData(r)
	if err != nil {
		return err
	}
	if d.Capacity == nil {
		d.Capacity = []compute.Capacity{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"as_of": d.Day, "capacity": d.Capacity, "totals": d.Totals, "vouchers": d.Vouchers})
}
