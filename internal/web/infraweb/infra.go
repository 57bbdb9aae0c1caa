package infraweb

import (
	"cmp"
	"encoding/json"
	"errors"
	"net/http"
	"sort"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/returns"
	"github.com/xinzhi-platform/xinzhi/internal/web/charts"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// infraData is the infrastructure overview: 5G base stations by month and
// by district (from the operators' returns), private networks by industry
// and industrial internet platforms by level (from their programs).
type infraData struct {
	Day       string
	Stations  bool
	Period    string
	InService float64
	ByMonth   string // chart: built per month
	ByDist    string // chart: in service per district
	Networks  []tallyRow
	Platforms []tallyRow
}

// tallyRow is one value of a register's field with its records by stage.
type tallyRow struct {
	Value  string
	Stages map[string]int
	Total  int
}

func tallyRows(t map[string]map[string]int) []tallyRow {
	var out []tallyRow
	for v, st := range t {
		r := tallyRow{Value: v, Stages: st}
		for _, n := range st {
			r.Total += n
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Total > out[j].Total || (out[i].Total == out[j].Total && out[i].Value < out[j].Value)
	})
	return out
}

func (s *area) infraData(r *http.Request) (*infraData, error) {
	ctx := r.Context()
	d := &infraData{Day: s.DataDay()}
	day := s.Day()
	f, err := returns.FormByKey(ctx, s.DB, "base_stations")
	switch {
	case err == nil:
		d.Stations = true
		totals, err := returns.Totals(ctx, s.DB, f, day)
		if err != nil {
			return nil, err
		}
		var months []string
		for p := range totals {
			months = append(months, p)
		}
		sort.Strings(months)
		var built []float64
		for _, m := range months {
			built = append(built, totals[m]["built"])
		}
		fieldName := func(key string) (string, string) {
			fd, _ := f.Field(key)
			if site.Info(r).Lang == "en" && fd.NameEN != "" {
				return fd.NameEN, cmp.Or(fd.UnitEN, fd.Unit)
			}
			return cmp.Or(fd.Name, key), fd.Unit
		}
		name, unit := fieldName("built")
		b, _ := json.Marshal(map[string]any{"tooltip": map[string]any{"trigger": "axis"}, "xAxis": charts.CategoryAxis(months),
			"yAxis": map[string]any{"type": "value", "name": unit}, "series": []any{map[string]any{"type": "bar", "name": name, "data": built}}})
		d.ByMonth = string(b)
		dist, period, err := returns.ByDistrict(ctx, s.DB, f, "in_service", day)
		if err != nil {
			return nil, err
		}
		d.Period = period
		var names []string
		var vals []float64
		for _, x := range dist {
			names, vals = append(names, x.Name), append(vals, x.Value)
			d.InService += x.Value
		}
		name, unit = fieldName("in_service")
		b, _ = json.Marshal(map[string]any{"tooltip": map[string]any{"trigger": "axis"}, "xAxis": map[string]any{"type": "value", "name": unit},
			"yAxis": map[string]any{"type": "category", "data": names, "axisLabel": map[string]any{"interval": 0}}, // every district named
			"grid":  map[string]any{"left": 20, "right": 30, "containLabel": true}, "series": []any{map[string]any{"type": "bar", "name": name, "data": vals}}})
		d.ByDist = string(b)
	case !errors.Is(err, problem.ErrNotFound):
		return nil, err
	}
	for _, reg := range []struct {
		program, field string
		into           *[]tallyRow
	}{{"private_network", "industry", &d.Networks}, {"industrial_internet_platform", "platform_level", &d.Platforms}} {
		t, err := program.Tally(ctx, s.DB, reg.program, reg.field)
		if err != nil {
			return nil, err
		}
		*reg.into = tallyRows(t)
	}
	return d, nil
}

func (s *area) infraPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.infraData(r)
	if err != nil {
		return err
	}
	return s.pages.Render(w, http.StatusOK, "infra", s.NewPage(w, r, "infra.title", d))
}

func (s *area) apiInfra(w http.ResponseWriter, r *http.Request) error {
	d, err := s.infraData(r)
	if err != nil {
		return err
	}
	type reg struct {
		Value  string         `json:"value"`
		Stages map[string]int `json:"stages"`
		Total  int            `json:"total"`
	}
	conv := func(rs []tallyRow) []reg {
		out := []reg{}
		for _, x := range rs {
			out = append(out, reg{x.Value, x.Stages, x.Total})
		}
		return out
	}
	return site.WriteJSON(w, http.StatusOK, map[string]any{"as_of": d.Day, "base_stations_period": d.Period, "base_stations_in_service": d.InService,
		"private_networks_by_industry": conv(d.Networks), "platforms_by_level": conv(d.Platforms)})
}
