package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/xinzhi-platform/xinzhi/internal/clock"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
	"github.com/xinzhi-platform/xinzhi/internal/web/indicatorsweb"
)

func stdcodeDistricts() []stdcode.Division { return stdcode.Districts() }

// displayValue writes a figure the way Chinese statistics print it: shares
// and growth rates to one decimal, money in 万元 or 亿元 once large, counts
// with thousands separators. The stored value stays unrounded.
func displayValue(v float64, unit string) string {
	switch {
	case unit == "%":
		return strconv.FormatFloat(metric.Round1(v), 'f', 1, 64) + "%"
	case unit == "元" && (v >= 1e8 || v <= -1e8):
		return strconv.FormatFloat(metric.Round1(v/1e8), 'f', -1, 64) + "亿元"
	case unit == "元" && (v >= 1e4 || v <= -1e4):
		return formatNumber(metric.Round1(v/1e4)) + "万元"
	case unit != "" && unit[0] < 0x80 && unit != "%":
		return formatNumber(v) + " " + unit // English units stand apart: 61 projects
	}
	return formatNumber(v) + unit
}

// areaData is a cockpit page for one section of the letter: its figures
// as of a date, each beside its value a year before, for a district or the
// city.
type areaData struct {
	Area      int
	AsOf      string
	From      string // the start of a custom period (new figures), as given
	District  string
	Districts []districtOption
	Rows      []areaRow
	Charts    []chart // now against a year before, one chart per unit
}

type districtOption struct{ Code, Name string }

type areaRow struct {
	ID, Name, Unit string
	Now, Before    float64
	Change         string
	Undefined      bool
}

// Areas are the letter's sections, in its order.
const Areas = 9

func (s *Server) areaPage(w http.ResponseWriter, r *http.Request) error {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || n > Areas {
		return fmt.Errorf("area %q: %w", r.PathValue("n"), problem.ErrNotFound)
	}
	p, err := indicatorsweb.Params(s.site, r)
	if err != nil {
		return err
	}
	return s.serveKept(w, r, "area", "cockpit.area."+strconv.Itoa(n), func(r *http.Request, pg *page) (bool, error) {
		d, err := s.areaData(r, n, p)
		pg.Data = d
		return true, err
	})
}

// areaData are section n's figures as of p beside a year before.
func (s *Server) areaData(r *http.Request, n int, p metric.Params) (areaData, error) {
	lang := info(r).lang
	d := areaData{Area: n, AsOf: indicatorsweb.AsOfText(p), District: r.URL.Query().Get("district"), From: r.URL.Query().Get("from")}
	for _, div := range stdcodeDistricts() {
		name := div.Name
		if lang == i18n.EN {
			name = div.NameEN
		}
		d.Districts = append(d.Districts, districtOption{Code: div.Code, Name: name})
	}

	if p.AsOf.IsZero() {
		p.AsOf = clock.Now(r.Context()).In(shanghai)
	}
	var bars []chartRow
	for _, def := range s.indicators.All() {
		if def.Area != n {
			continue
		}
		name, unit := indicatorsweb.Label(def, lang)
		cur, err := s.evals.Eval(r.Context(), s.db, s.indicators, def.ID, p)
		if err != nil {
			return d, err
		}
		was := metric.Params{AsOf: p.AsOf.AddDate(-1, 0, 0), District: p.District}
		if !p.From.IsZero() { // the same period a year before
			was.From = p.From.AddDate(-1, 0, 0)
		}
		prev, err := s.evals.Eval(r.Context(), s.db, s.indicators, def.ID, was)
		if err != nil {
			return d, err
		}
		row := areaRow{ID: def.ID, Name: name, Unit: unit, Now: cur.Value, Before: prev.Value, Undefined: cur.Undefined}
		switch {
		case cur.Undefined || prev.Undefined:
		case unit == "%":
			row.Change = strconv.FormatFloat(metric.Round1(cur.Value-prev.Value), 'f', 1, 64) + i18n.T(lang, "cockpit.points") // a difference of shares in percentage points
		case prev.Value != 0:
			row.Change = strconv.FormatFloat(metric.Round1((cur.Value-prev.Value)/prev.Value*100), 'f', 1, 64) + "%"
		}
		d.Rows = append(d.Rows, row)
		bars = append(bars, chartRow{Name: name, Unit: unit, Values: []float64{cur.Value, prev.Value}})
	}
	var err error
	d.Charts, err = comparisonCharts(bars, []string{i18n.T(lang, "cockpit.now"), i18n.T(lang, "cockpit.year_before")})
	return d, err
}
