package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/xinzhi-platform/xinzhi/internal/cooperation"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
)

// The open-cooperation area (开放合作): agreements, joint labs, the enclave
// centre, events and the investment funnel by district as of the business
// day, each figure opening the records behind it, an investment project's
// stage history with its days in each stage, and the innovative-city
// ranking's history. Leaders and managers read it (cockpit.view).

// cooperationData is the area page.
type cooperationData struct {
	*cooperation.Overview
	Stages []string // the funnel's stages, in order
	Charts []titledChart
}

func (s *Server) cooperationPage(w http.ResponseWriter, r *http.Request) error {
	o, err := cooperation.Load(r.Context(), s.db, s.dataDay())
	if err != nil {
		return err
	}
	d := &cooperationData{Overview: o, Stages: cooperation.FunnelStages}
	if d.Charts, err = cooperationCharts(o, info(r).lang); err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "cooperation", s.newPage(w, r, "coop.title", d))
}

// cooperationCharts draws the funnel, the funnel by district and the
// ranking's history (places: the axis runs from the top down, first place
// highest).
func cooperationCharts(o *cooperation.Overview, lang string) ([]titledChart, error) {
	unit := i18n.T(lang, "coop.unit.projects")
	var names []string
	var total []float64
	for _, st := range cooperation.FunnelStages {
		names = append(names, i18n.T(lang, "coop.stage."+st))
		total = append(total, float64(o.Funnel.Reached(st)))
	}
	var out []titledChart
	cs, err := seriesCharts(names, []chartSeries{{Name: i18n.T(lang, "coop.chart.funnel_series"), Unit: unit, Data: total}})
	if err != nil {
		return nil, err
	}
	out = append(out, titledChart{Title: "coop.chart.funnel", chart: cs[0]})
	if len(o.Districts) > 0 {
		var districts []string
		series := make([]chartSeries, len(cooperation.FunnelStages))
		for i, st := range cooperation.FunnelStages {
			series[i] = chartSeries{Name: names[i], Unit: unit}
			for _, d := range o.Districts {
				series[i].Data = append(series[i].Data, float64(d.Reached(st)))
			}
		}
		for _, d := range o.Districts {
			districts = append(districts, coopDistrict(d.District, lang))
		}
		if cs, err = seriesCharts(districts, series); err != nil {
			return nil, err
		}
		out = append(out, titledChart{Title: "coop.chart.districts", chart: cs[0]})
	}
	if len(o.Ranking.Entries) > 0 {
		var years []string
		var ranks []float64
		for _, e := range o.Ranking.Entries {
			years = append(years, strconv.Itoa(e.Year))
			ranks = append(ranks, float64(e.Rank))
		}
		if cs, err = seriesCharts(years, []chartSeries{{Name: i18n.T(lang, "coop.chart.rank_series"), Unit: i18n.T(lang, "coop.unit.place"), Type: "line", Data: ranks}}); err != nil {
			return nil, err
		}
		c, err := inverseValueAxis(cs[0])
		if err != nil {
			return nil, err
		}
		out = append(out, titledChart{Title: "coop.chart.ranking", chart: c})
	}
	return out, nil
}

// inverseValueAxis turns a chart's value axis upside down (a rank: first
// at the top).
func inverseValueAxis(c chart) (chart, error) {
	var opt map[string]any
	if err := json.Unmarshal([]byte(c.Option), &opt); err != nil {
		return c, fmt.Errorf("chart: %w", err)
	}
	if axes, ok := opt["yAxis"].([]any); ok {
		for _, a := range axes {
			if m, ok := a.(map[string]any); ok {
				m["inverse"], m["minInterval"] = true, 1
			}
		}
	}
	b, err := json.Marshal(opt)
	if err != nil {
		return c, fmt.Errorf("chart: %w", err)
	}
	c.Option = string(b)
	return c, nil
}

// coopDistrict names a district, or says there is none.
func coopDistrict(code, lang string) string {
	switch code {
	case "":
		return i18n.T(lang, "coop.no_district")
	case cooperation.Total:
		return i18n.T(lang, "coop.total")
	}
	return districtName(code, lang)
}

// cooperationListData is the list behind one figure.
type cooperationListData struct {
	Filter  cooperation.Filter
	Listing *cooperation.Listing
	AsOf    string
}

func (s *Server) cooperationListPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := cooperation.Filter{Kind: q.Get("kind"), Scope: q.Get("scope"), State: q.Get("state"), District: q.Get("district"),
		Series: q.Get("series"), Reached: q.Get("reached"), Stage: q.Get("stage")}
	if !f.Known() {
		return problem.New(problem.ErrNotFound, "coop.unknown_list", f.Kind)
	}
	d := &cooperationListData{Filter: f, AsOf: s.dataDay()}
	var err error
	if d.Listing, err = cooperation.List(r.Context(), s.db, f, d.AsOf); err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "cooperation_list", s.newPage(w, r, "coop.list."+f.Kind, d))
}

func (s *Server) cooperationProjectPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := cooperation.ProjectOf(r.Context(), s.db, id, s.dataDay())
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "cooperation_project", s.newPage(w, r, "coop.project", p))
}
