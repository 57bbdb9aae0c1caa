package returnsweb

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/returns"
	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
	"github.com/xinzhi-platform/xinzhi/internal/web/charts"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// returnsData is the list of forms: for staff all of them with the last
// period's standing, for a unit the forms it files with its own cells.
type returnsData struct {
	Forms []returnSummary
}

type returnSummary struct {
	Form                                *returns.Form
	Units, Submitted, Accepted, Overdue int
	Period                              string
	Cells                               []returns.Cell // a unit's own
}

func (s *area) returnsList(r *http.Request) (*returnsData, error) {
	ctx := r.Context()
	pr := site.Info(r).Principal
	forms, err := returns.Forms(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	d := &returnsData{}
	for _, f := range forms {
		staff := pr.OrgID == 0 || pr.Can(access.ProgramManage)
		if !staff {
			if ok, err := returns.MustFile(ctx, s.DB, f, pr.OrgID); err != nil || !ok {
				if err != nil {
					return nil, err
				}
				continue
			}
		}
		periods, cells, err := returns.Board(ctx, s.DB, f, s.Day(), 1)
		if err != nil {
			return nil, err
		}
		sum := returnSummary{Form: f}
		if len(periods) > 0 {
			sum.Period = periods[0]
		}
		for _, c := range cells {
			if !staff && c.Unit.ID != pr.OrgID {
				continue
			}
			sum.Units++
			switch {
			case c.Status == returns.Submitted:
				sum.Submitted++
			case c.Status == returns.Accepted:
				sum.Accepted++
			case c.Overdue:
				sum.Overdue++
			}
			if !staff {
				sum.Cells = append(sum.Cells, c)
			}
		}
		d.Forms = append(d.Forms, sum)
	}
	return d, nil
}

func (s *area) returnsPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.returnsList(r)
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "returns.title", d)
	if r.URL.Query().Get("published") != "" {
		p.Flash = p.T("returns.published", r.URL.Query().Get("published"))
	}
	return s.pages.Render(w, http.StatusOK, "returns", p)
}

// publishReturnForm publishes a form from its YAML (managers).
func (s *area) publishReturnForm(w http.ResponseWriter, r *http.Request) error {
	f, err := returns.Publish(r.Context(), s.DB, []byte(r.FormValue("source")))
	if err != nil {
		if ok, rerr := s.pages.Refuse(w, r, err, "returns.title", "returns", func() (any, error) { return s.returnsList(r) }, "source"); ok {
			return rerr
		}
		return err
	}
	http.Redirect(w, r, "/returns?published="+url.QueryEscape(f.Name), http.StatusSeeOther)
	return nil
}

// returnFormData is one form's page: its fields, who must file it, the
// board of the last periods and the totals drawn by period.
type returnFormData struct {
	Form    *returns.Form
	Units   []returns.Unit
	Periods []string
	Rows    []returnBoardRow
	Charts  []charts.Chart
	Day     string
}

type returnBoardRow struct {
	Unit  returns.Unit
	Cells []returns.Cell
}

func (s *area) returnFormData(r *http.Request) (*returnFormData, error) {
	ctx := r.Context()
	f, err := returns.FormByKey(ctx, s.DB, r.PathValue("key"))
	if err != nil {
		return nil, err
	}
	pr := site.Info(r).Principal
	staff := pr.OrgID == 0 || pr.Can(access.ProgramManage)
	if !staff {
		if ok, err := returns.MustFile(ctx, s.DB, f, pr.OrgID); err != nil || !ok {
			return nil, errors.Join(err, fmt.Errorf("return form %s: %w", f.Key, problem.ErrNotFound))
		}
	}
	d := &returnFormData{Form: f, Day: s.DataDay()}
	if d.Units, err = returns.Units(ctx, s.DB, f); err != nil {
		return nil, err
	}
	periods, cells, err := returns.Board(ctx, s.DB, f, s.Day(), 6)
	if err != nil {
		return nil, err
	}
	d.Periods = periods
	at := map[int64]int{} // unit → its row
	for _, c := range cells {
		if !staff && c.Unit.ID != pr.OrgID {
			continue
		}
		i, ok := at[c.Unit.ID]
		if !ok {
			i = len(d.Rows)
			at[c.Unit.ID] = i
			d.Rows = append(d.Rows, returnBoardRow{Unit: c.Unit})
		}
		d.Rows[i].Cells = append(d.Rows[i].Cells, c)
	}
	if staff {
		totals, err := returns.Totals(ctx, s.DB, f, s.Day())
		if err != nil {
			return nil, err
		}
		d.Charts = returnChart(f, periods, totals, site.Info(r).Lang)
	}
	return d, nil
}

// returnChart draws each field's total by period, oldest first; fields in
// different units do not share an axis.
func returnChart(f *returns.Form, periods []string, totals map[string]map[string]float64, lang string) []charts.Chart {
	var xs []string
	for i := len(periods) - 1; i >= 0; i-- {
		xs = append(xs, periods[i])
	}
	var series []charts.Series
	for _, fd := range f.Fields {
		name, unit := fd.Name, fd.Unit
		if lang == "en" && fd.NameEN != "" {
			name = fd.NameEN
		}
		if lang == "en" && fd.UnitEN != "" {
			unit = fd.UnitEN
		}
		var ys []float64
		for _, p := range xs {
			ys = append(ys, totals[p][fd.Key])
		}
		series = append(series, charts.Series{Name: name, Unit: unit, Data: ys})
	}
	charts, _ := charts.BySeries(xs, series) // plain data marshals
	return charts
}

func (s *area) returnFormPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.returnFormData(r)
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "returns.title", d)
	if r.URL.Query().Get("unit") == "1" {
		p.Flash = p.T("returns.unit_added")
	}
	return s.pages.Render(w, http.StatusOK, "return_form", p)
}

// addReturnUnit names an organisation (id, credit code or name) as one of
// a form's units (managers).
func (s *area) addReturnUnit(w http.ResponseWriter, r *http.Request) error {
	f, err := returns.FormByKey(r.Context(), s.DB, r.PathValue("key"))
	if err != nil {
		return err
	}
	err = s.addUnit(r, f, r.FormValue("organisation"))
	if err != nil {
		if ok, rerr := s.pages.Refuse(w, r, err, "returns.title", "return_form", func() (any, error) { return s.returnFormData(r) }, "organisation"); ok {
			return rerr
		}
		return err
	}
	http.Redirect(w, r, "/returns/"+f.Key+"?unit=1", http.StatusSeeOther)
	return nil
}

func (s *area) addUnit(r *http.Request, f *returns.Form, raw string) error {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return problem.Invalid("organisation", "returns.unit_required")
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		o, lerr := registry.ByCreditCode(r.Context(), s.DB, strings.ToUpper(raw))
		if lerr != nil {
			o, lerr = registry.ByName(r.Context(), s.DB, raw)
		}
		if lerr != nil {
			return problem.Invalid("organisation", "form.org_unknown", raw)
		}
		id = o.ID
	}
	return returns.AddUnit(r.Context(), s.DB, f, id)
}

// fillData is the form a unit fills for a period (or a manager on its
// behalf), with the filing so far.
type fillData struct {
	Form      *returns.Form
	Org       returns.Unit
	Period    string
	Label     string
	Filing    *returns.Filing
	Districts []stdcode.Division
	Values    returns.Values
	Raw       map[string]string // what was typed, when refused
}

func (s *area) fillData(r *http.Request) (*fillData, error) {
	ctx := r.Context()
	f, err := returns.FormByKey(ctx, s.DB, r.PathValue("key"))
	if err != nil {
		return nil, err
	}
	pr := site.Info(r).Principal
	org := pr.OrgID
	if pr.Can(access.ProgramManage) {
		if org, err = strconv.ParseInt(r.FormValue("org"), 10, 64); err != nil {
			return nil, problem.Invalid("org", "returns.unit_required")
		}
	}
	if ok, err := returns.MustFile(ctx, s.DB, f, org); err != nil || !ok {
		return nil, errors.Join(err, fmt.Errorf("unit %d of %s: %w", org, f.Key, problem.ErrNotFound))
	}
	per, err := returns.ParsePeriod(f.Period, r.FormValue("period"))
	if err != nil {
		return nil, problem.Invalid("period", "returns.bad_period", r.FormValue("period"), f.Period)
	}
	d := &fillData{Form: f, Period: per.String(), Label: per.Label(site.Info(r).Lang), Values: returns.Values{}, Raw: map[string]string{}}
	if err := s.DB.QueryRowContext(ctx, `SELECT id, name FROM organisations WHERE id = ?`, org).Scan(&d.Org.ID, &d.Org.Name); err != nil {
		return nil, err
	}
	if f.ByDistrict {
		d.Districts = returns.CityDistricts()
	}
	fs, err := returns.Filings(ctx, s.DB, pr, f, per.String())
	if err != nil {
		return nil, err
	}
	for i := range fs {
		if fs[i].OrganisationID == org {
			d.Filing, d.Values = &fs[i], fs[i].Values
		}
	}
	return d, nil
}

func (s *area) fillPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.fillData(r)
	if err != nil {
		return err
	}
	return s.pages.Render(w, http.StatusOK, "return_fill", s.NewPage(w, r, "returns.fill", d))
}

// fill saves the figures typed (and submits them when asked). Refused
// figures come back as typed, each with its message; nothing is kept.
func (s *area) fill(w http.ResponseWriter, r *http.Request) error {
	d, err := s.fillData(r)
	if err != nil {
		return err
	}
	in := map[string]any{}
	for _, fd := range d.Form.Fields {
		if d.Form.ByDistrict {
			m := map[string]any{}
			for _, dv := range d.Districts {
				name := "v." + fd.Key + "." + dv.Code
				if raw := strings.TrimSpace(r.FormValue(name)); raw != "" {
					m[dv.Code], d.Raw[fd.Key+"."+dv.Code] = raw, raw
				}
			}
			in[fd.Key] = m
		} else if raw := strings.TrimSpace(r.FormValue("v." + fd.Key)); raw != "" {
			in[fd.Key], d.Raw[fd.Key] = raw, raw
		}
	}
	version, _ := strconv.Atoi(r.FormValue("version"))
	v, ps := d.Form.ParseValues(in)
	var filing returns.Filing
	if len(ps) > 0 {
		err = ps
	} else if filing, err = returns.Save(r.Context(), s.DB, site.Info(r).Principal, d.Form, d.Org.ID, d.Period, v, version); err == nil && r.FormValue("submit") == "1" {
		filing, err = returns.Submit(r.Context(), s.DB, site.Info(r).Principal, d.Form, filing.ID)
	}
	if err != nil {
		if ok, rerr := s.pages.Refuse(w, r, err, "returns.fill", "return_fill", func() (any, error) { return d, nil }); ok {
			return rerr
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/return-filings/%d?saved=1", filing.ID), http.StatusSeeOther)
	return nil
}

// filingData is one filing with its history and the actions the caller
// may take.
type filingData struct {
	Form      *returns.Form
	Filing    returns.Filing
	Label     string
	History   []returns.Step
	Districts []stdcode.Division
	Manager   bool
}

func (s *area) filingData(r *http.Request) (*filingData, error) {
	id, err := site.PathID(r)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	pr := site.Info(r).Principal
	x, err := returns.GetFiling(ctx, s.DB, pr, id)
	if err != nil {
		return nil, err
	}
	f, err := returns.FormByKey(ctx, s.DB, x.Form)
	if err != nil {
		return nil, err
	}
	per, _ := returns.ParsePeriod(f.Period, x.Period)
	d := &filingData{Form: f, Filing: x, Label: per.Label(site.Info(r).Lang), Manager: pr.Can(access.ProgramManage)}
	if f.ByDistrict {
		d.Districts = returns.CityDistricts()
	}
	d.History, err = returns.History(ctx, s.DB, id)
	return d, err
}

func (s *area) filingPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.filingData(r)
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "returns.filing", d)
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = p.T("returns.saved")
	}
	return s.pages.Render(w, http.StatusOK, "return_filing", p)
}

// filingAction submits, accepts, returns or reopens a filing.
func (s *area) filingAction(w http.ResponseWriter, r *http.Request) error {
	x, err := s.actOnFiling(r, r.FormValue("note"))
	if err != nil {
		if ok, rerr := s.pages.Refuse(w, r, err, "returns.filing", "return_filing", func() (any, error) { return s.filingData(r) }, "note"); ok {
			return rerr
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/return-filings/%d?saved=1", x.ID), http.StatusSeeOther)
	return nil
}

func (s *area) actOnFiling(r *http.Request, note string) (returns.Filing, error) {
	id, err := site.PathID(r)
	if err != nil {
		return returns.Filing{}, err
	}
	ctx := r.Context()
	pr := site.Info(r).Principal
	x, err := returns.GetFiling(ctx, s.DB, pr, id)
	if err != nil {
		return x, err
	}
	f, err := returns.FormByKey(ctx, s.DB, x.Form)
	if err != nil {
		return x, err
	}
	switch r.PathValue("action") {
	case "submit":
		return returns.Submit(ctx, s.DB, pr, f, id)
	case "accept":
		return returns.Accept(ctx, s.DB, pr, f, id)
	case "return":
		return returns.Return(ctx, s.DB, pr, f, id, note)
	case "reopen":
		return returns.Reopen(ctx, s.DB, pr, f, id, note)
	}
	return x, fmt.Errorf("action %q: %w", r.PathValue("action"), problem.ErrNotFound)
}

// returnTemplate sends the form as a spreadsheet to fill in, with the
// figures of a period filled when ?period= and (for managers) ?org= name
// a filing.
func (s *area) returnTemplate(w http.ResponseWriter, r *http.Request) error {
	f, err := returns.FormByKey(r.Context(), s.DB, r.PathValue("key"))
	if err != nil {
		return err
	}
	v := returns.Values{}
	if r.URL.Query().Get("period") != "" {
		d, err := s.fillData(r)
		if err != nil {
			return err
		}
		v = d.Values
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.xlsx"`, f.Key))
	return tabular.WriteXLSX(w, f.Sheet(v))
}

// uploadReturn reads a filled-in spreadsheet into the period's filing as a
// draft: all of it or, with every bad cell named, none of it.
func (s *area) uploadReturn(w http.ResponseWriter, r *http.Request) error {
	d, err := s.fillData(r)
	if err != nil {
		return err
	}
	var v returns.Values
	t, err := site.UploadedSheet(r)
	if err == nil {
		var ps problem.List
		if v, ps = d.Form.FromTable(t); len(ps) > 0 {
			err = ps
		}
	} else if !errors.Is(err, problem.ErrInvalid) {
		return err
	}
	if err == nil {
		version := 0
		if d.Filing != nil {
			version = d.Filing.Version
		}
		var x returns.Filing
		if x, err = returns.Save(r.Context(), s.DB, site.Info(r).Principal, d.Form, d.Org.ID, d.Period, v, version); err == nil {
			http.Redirect(w, r, fmt.Sprintf("/return-filings/%d?saved=1", x.ID), http.StatusSeeOther)
			return nil
		}
	}
	if ok, rerr := s.pages.Refuse(w, r, err, "returns.fill", "return_fill", func() (any, error) { return d, nil }); ok {
		return rerr
	}
	return err
}
