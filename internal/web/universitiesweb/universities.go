package universitiesweb

import (
	"cmp"
	"errors"
	"math"
	"net/http"
	"slices"
	"strconv"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/returns"
	"github.com/xinzhi-platform/xinzhi/internal/university"
	"github.com/xinzhi-platform/xinzhi/internal/web/charts"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// uniColumn is a sortable column of the comparison: its key in ?sort=, its
// heading's message, the anchor of the university page it opens, and the
// value it sorts by.
type uniColumn struct {
	Key, Label, Anchor string
	value              func(uniRow) float64
}

// uniRow is a university's row with its share of majors serving a cluster
// in per cent (one decimal).
type uniRow struct {
	university.Summary
	Share float64
}

var uniColumns = []uniColumn{
	{"disciplines", "university.col.disciplines", "disciplines", func(r uniRow) float64 { return float64(r.Disciplines) }},
	{"advantage", "university.col.advantage", "disciplines", func(r uniRow) float64 { return float64(r.Advantage) }},
	{"world", "university.col.world", "disciplines", func(r uniRow) float64 { return float64(r.WorldClass) }},
	{"national", "university.col.national", "disciplines", func(r uniRow) float64 { return float64(r.NationalClass) }},
	{"majors", "university.col.majors", "majors", func(r uniRow) float64 { return float64(r.Majors) }},
	{"national_majors", "university.col.national_majors", "majors", func(r uniRow) float64 { return float64(r.NationalMajors) }},
	{"new_quality", "university.col.new_quality", "majors", func(r uniRow) float64 { return float64(r.NewQuality) }},
	{"share", "university.col.share", "majors", func(r uniRow) float64 { return r.Share }},
	{"awarded", "university.col.awarded", "funds", func(r uniRow) float64 { return r.Awarded }},
	{"disbursed", "university.col.disbursed", "funds", func(r uniRow) float64 { return r.Disbursed }},
	{"labs", "university.col.labs", "labs", func(r uniRow) float64 { return float64(r.JointLabs) }},
	{"talents", "university.col.talents", "talents", func(r uniRow) float64 { return float64(r.Talents) }},
	{"awards", "university.col.awards", "awards", func(r uniRow) float64 { return float64(r.YoungAwards) }},
}

// universitiesData is the comparison page.
type universitiesData struct {
	Day     string
	Rows    []uniRow
	Total   uniRow // the city's sum; its share is of all majors
	Columns []uniColumn
	Sort    string // a column key, or "name"
	Desc    bool
	Charts  []charts.Titled
}

func percent(x float64) float64 { return math.Round(x*1000) / 10 }

func (s *area) universitiesPage(w http.ResponseWriter, r *http.Request) error {
	lang := site.Info(r).Lang
	d := &universitiesData{Day: s.DataDay(), Columns: uniColumns, Sort: "name"}
	all, err := university.List(r.Context(), s.DB, d.Day)
	if err != nil {
		return err
	}
	t0 := &d.Total.Summary
	for _, x := range all {
		d.Rows = append(d.Rows, uniRow{x, percent(x.ServingShare())})
		t0.Disciplines, t0.Advantage, t0.WorldClass, t0.NationalClass = t0.Disciplines+x.Disciplines, t0.Advantage+x.Advantage, t0.WorldClass+x.WorldClass, t0.NationalClass+x.NationalClass
		t0.Majors, t0.NationalMajors, t0.NewQuality, t0.MajorsServing = t0.Majors+x.Majors, t0.NationalMajors+x.NationalMajors, t0.NewQuality+x.NewQuality, t0.MajorsServing+x.MajorsServing
		t0.Awarded, t0.Disbursed, t0.JointLabs, t0.Talents, t0.YoungAwards = t0.Awarded+x.Awarded, t0.Disbursed+x.Disbursed, t0.JointLabs+x.JointLabs, t0.Talents+x.Talents, t0.YoungAwards+x.YoungAwards
	}
	d.Total.Share = percent(t0.ServingShare())
	i18n.SortByName(d.Rows, func(r uniRow) string { return r.Name })
	q := r.URL.Query()
	d.Desc = q.Get("dir") == "desc"
	if i := slices.IndexFunc(uniColumns, func(c uniColumn) bool { return c.Key == q.Get("sort") }); i >= 0 {
		d.Sort = uniColumns[i].Key
		v, sign := uniColumns[i].value, 1
		if d.Desc {
			sign = -1
		}
		slices.SortStableFunc(d.Rows, func(a, b uniRow) int { return sign * cmp.Compare(v(a), v(b)) }) // ties stay by name
	} else if d.Desc {
		slices.Reverse(d.Rows)
	}
	names := make([]string, len(d.Rows))
	for i, x := range d.Rows {
		names[i] = x.Name
	}
	t := func(k string) string { return i18n.T(lang, k) }
	count, wan, pct := t("university.unit.count"), t("university.unit.wan"), "%"
	series := func(col string, unit string, scale float64) charts.Series {
		i := slices.IndexFunc(uniColumns, func(c uniColumn) bool { return c.Key == col })
		out := charts.Series{Name: t(uniColumns[i].Label), Unit: unit}
		for _, x := range d.Rows {
			out.Data = append(out.Data, uniColumns[i].value(x)*scale)
		}
		return out
	}
	for _, g := range []struct {
		title  string
		series []charts.Series
	}{
		{"university.chart.subjects", []charts.Series{series("advantage", count, 1), series("world", count, 1), series("national", count, 1), series("national_majors", count, 1), series("new_quality", count, 1)}},
		{"university.chart.funds", []charts.Series{series("awarded", wan, 1e-4), series("disbursed", wan, 1e-4)}},
		{"university.chart.share", []charts.Series{series("share", pct, 1)}},
	} {
		cs, err := charts.BySeries(names, g.series)
		if err != nil {
			return err
		}
		for _, c := range cs {
			d.Charts = append(d.Charts, charts.Titled{Title: g.title, Chart: c})
		}
	}
	return s.pages.Render(w, http.StatusOK, "universities", s.NewPage(w, r, "university.title", d))
}

// universityData is one university's page.
type universityData struct {
	*university.Profile
	Day      string
	Share    float64
	Cat      *registry.Catalogue // names clusters in the page's language
	Clusters []clusterCount
	Charts   []charts.Titled
	Service  *serviceReturns // what it filed in the service return; nil when the form is not published
}

// serviceReturns are a university's figures from the service return: the
// form's fields, and per period the filing and the value of each field.
type serviceReturns struct {
	Fields  []returns.Field
	Periods []servicePeriod
}

type servicePeriod struct {
	Period   string
	FilingID int64
	Values   []*float64 // by Fields; nil: not filed
}

// clusterCount is how many of a university's majors serve a cluster.
type clusterCount struct {
	Name  string
	Count int
}

// universityPage is a university's page: within the caller's reach (an
// organisation user sees its own university only); an organisation that is
// not a university is not found.
func (s *area) universityPage(w http.ResponseWriter, r *http.Request) error {
	o, err := s.RequestedOrg(r)
	if err != nil {
		return err
	}
	if o.Kind != "university" {
		return problem.New(problem.ErrNotFound, "error.status.404")
	}
	lang := site.Info(r).Lang
	d := &universityData{Day: s.DataDay()}
	if d.Profile, err = university.Get(r.Context(), s.DB, o.ID, d.Day); err != nil {
		return err
	}
	if d.Cat, err = registry.LoadCatalogue(r.Context(), s.DB); err != nil {
		return err
	}
	d.Share = percent(d.ServingShare())
	by := map[string]int{}
	for _, m := range d.Majors {
		if m.Cluster != "" {
			by[m.Cluster]++
		}
	}
	for n, c := range by {
		d.Clusters = append(d.Clusters, clusterCount{n, c})
	}
	slices.SortFunc(d.Clusters, func(a, b clusterCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), i18n.CompareNames(a.Name, b.Name))
	})
	if len(d.Years) > 0 {
		var years []string
		aw := charts.Series{Name: i18n.T(lang, "university.col.awarded"), Unit: i18n.T(lang, "university.unit.wan")}
		di := charts.Series{Name: i18n.T(lang, "university.col.disbursed"), Unit: aw.Unit}
		for _, y := range d.Years {
			years = append(years, strconv.Itoa(y.Year))
			aw.Data, di.Data = append(aw.Data, y.Awarded/1e4), append(di.Data, y.Disbursed/1e4)
		}
		cs, err := charts.BySeries(years, []charts.Series{aw, di})
		if err != nil {
			return err
		}
		for _, c := range cs {
			d.Charts = append(d.Charts, charts.Titled{Title: "university.funds_by_year", Chart: c})
		}
	}
	if d.Service, err = s.serviceReturns(r, o.ID, d.Day); err != nil {
		return err
	}
	p := s.NewPage(w, r, "university.title", d)
	p.Title = o.Name
	return s.pages.Render(w, http.StatusOK, "university", p)
}

// serviceReturns reads what the university filed in the service return,
// as accepted by day.
func (s *area) serviceReturns(r *http.Request, id int64, day string) (*serviceReturns, error) {
	f, err := returns.FormByKey(r.Context(), s.DB, university.ServiceForm)
	if errors.Is(err, problem.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	filed, err := university.Returned(r.Context(), s.DB, id, day)
	if err != nil {
		return nil, err
	}
	out := &serviceReturns{Fields: f.Fields}
	for _, x := range filed {
		if n := len(out.Periods); n == 0 || out.Periods[n-1].FilingID != x.FilingID {
			out.Periods = append(out.Periods, servicePeriod{Period: x.Period, FilingID: x.FilingID, Values: make([]*float64, len(f.Fields))})
		}
		if i := slices.IndexFunc(f.Fields, func(fd returns.Field) bool { return fd.Key == x.Field }); i >= 0 {
			v := x.Value
			out.Periods[len(out.Periods)-1].Values[i] = &v
		}
	}
	return out, nil
}
