package cooperationweb

import (
	"net/http"
	"strconv"

	"github.com/xinzhi-platform/xinzhi/internal/cooperation"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/web/charts"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// cooperationData is the area page.
type cooperationData struct {
	*cooperation.Overview
	Stages []string // the funnel's stages, in order
	Charts []charts.Titled
}

func (s *area) cooperationPage(w http.ResponseWriter, r *http.Request) error {
	o, err := cooperation.Load(r.Context(), s.DB, s.DataDay())
	if err != nil {
		return err
	}
	d := &cooperationData{Overview: o, Stages: cooperation.FunnelStages}
	if d.Charts, err = cooperationCharts(o, site.Info(r).Lang); err != nil {
		return err
	}
	return s.pages.Render(w, http.StatusOK, "cooperation", s.NewPage(w, r, "coop.title", d))
}

// cooperationCharts draws the funnel, the funnel by district and the
// ranking's history (places: the axis runs from the top down, first place
// highest).
func cooperationCharts(o *cooperation.Overview, lang string) ([]charts.Titled, error) {
	unit := i18n.T(lang, "coop.unit.projects")
	var names []string
	var total []float64
	for _, st := range cooperation.FunnelStages {
		names = append(names, i18n.T(lang, "coop.stage."+st))
		total = append(total, float64(o.Funnel.Reached(st)))
	}
	var out []charts.Titled
	cs, err := charts.BySeries(names, []charts.Series{{Name: i18n.T(lang, "coop.chart.funnel_series"), Unit: unit, Data: total}})
	if err != nil {
		return nil, err
	}
	out = append(out, charts.Titled{Title: "coop.chart.funnel", Chart: cs[0]})
	if len(o.Districts) > 0 {
		var districts []string
		series := make([]charts.Series, len(cooperation.FunnelStages))
		for i, st := range cooperation.FunnelStages {
			series[i] = charts.Series{Name: names[i], Unit: unit}
			for _, d := range o.Districts {
				series[i].Data = append(series[i].Data, float64(d.Reached(st)))
			}
		}
		for _, d := range o.Districts {
			districts = append(districts, coopDistrict(d.District, lang))
		}
		if cs, err = charts.BySeries(districts, series); err != nil {
			return nil, err
		}
		out = append(out, charts.Titled{Title: "coop.chart.districts", Chart: cs[0]})
	}
	if len(o.Ranking.Entries) > 0 {
		var years []string
		var ranks []float64
		for _, e := range o.Ranking.Entries {
			years = append(years, strconv.Itoa(e.Year))
			ranks = append(ranks, float64(e.Rank))
		}
		if cs, err = charts.BySeries(years, []charts.Series{{Name: i18n.T(lang, "coop.chart.rank_series"), Unit: i18n.T(lang, "coop.unit.place"), Type: "line", Data: ranks}}); err != nil {
			return nil, err
		}
		c, err := charts.InverseValueAxis(cs[0])
		if err != nil {
			return nil, err
		}
		out = append(out, charts.Titled{Title: "coop.chart.ranking", Chart: c})
	}
	return out, nil
}

// coopDistrict names a district, or says there is none.
func coopDistrict(code, lang string) string {
	switch code {
	case "":
		return i18n.T(lang, "coop.no_district")
	case cooperation.Total:
		return i18n.T(lang, "coop.total")
	}
	return site.DistrictName(code, lang)
}

// cooperationListData is the list behind one figure.
type cooperationListData struct {
	Filter  cooperation.Filter
	Listing *cooperation.Listing
	AsOf    string
}

func (s *area) cooperationListPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := cooperation.Filter{Kind: q.Get("kind"), Scope: q.Get("scope"), State: q.Get("state"), District: q.Get("district"),
		Series: q.Get("series"), Reached: q.Get("reached"), Stage: q.Get("stage")}
	if !f.Known() {
		return problem.New(problem.ErrNotFound, "coop.unknown_list", f.Kind)
	}
	d := &cooperationListData{Filter: f, AsOf: s.DataDay()}
	var err error
	if d.Listing, err = cooperation.List(r.Context(), s.DB, f, d.AsOf); err != nil {
		return err
	}
	return s.pages.Render(w, http.StatusOK, "cooperation_list", s.NewPage(w, r, "coop.list."+f.Kind, d))
}

func (s *area) cooperationProjectPage(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	p, err := cooperation.ProjectOf(r.Context(), s.DB, id, s.DataDay())
	if err != nil {
		return err
	}
	return s.pages.Render(w, http.StatusOK, "cooperation_project", s.NewPage(w, r, "coop.project", p))
}
