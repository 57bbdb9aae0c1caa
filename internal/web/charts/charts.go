// Package charts builds ECharts options for the pages: never two units on
// one value axis, every category labelled.
package charts

import (
	"cmp"
	"encoding/json"
	"fmt"
)

// Charts never put two units on one value axis: 98,621 graduates (人) next
// to 12 platforms (个) flatten the small bars to nothing. The builders here
// group what they draw by unit, and label every category (ECharts hides
// every other label of a crowded axis unless told otherwise).

// Chart is one ECharts option with the unit its value axis (or axes) are in.
type Chart struct {
	Unit   string // the unit of its value axis; two, joined by " / ", for a chart with a second axis
	Option string // the option as JSON, for data-option
}

// Series is one line or bar over a chart's categories.
type Series struct {
	Name, Unit string
	Type       string // "bar" (default) or "line"
	Data       []float64
}

// CategoryAxis is a category axis that shows every label, slanted
// when there are many.
func CategoryAxis(labels []string) map[string]any {
	label := map[string]any{"interval": 0}
	if len(labels) > 6 {
		label["rotate"] = 30
	}
	return map[string]any{"type": "category", "data": labels, "axisLabel": label}
}

// BySeries draws series over the same categories (years, periods) with
// no axis mixing units: one unit, one chart; exactly two, one chart with a
// second value axis on the right; more, one chart per unit, in the order
// the units first appear.
func BySeries(categories []string, series []Series) ([]Chart, error) {
	var units []string
	byUnit := map[string][]Series{}
	for _, s := range series {
		if _, ok := byUnit[s.Unit]; !ok {
			units = append(units, s.Unit)
		}
		byUnit[s.Unit] = append(byUnit[s.Unit], s)
	}
	groups := [][]string{}
	if len(units) == 2 {
		groups = append(groups, units)
	} else {
		for _, u := range units {
			groups = append(groups, []string{u})
		}
	}
	var out []Chart
	for _, g := range groups {
		var axes, ser []any
		for i, u := range g {
			axes = append(axes, map[string]any{"type": "value", "name": u})
			for _, s := range byUnit[u] {
				ser = append(ser, map[string]any{"type": cmp.Or(s.Type, "bar"), "name": s.Name, "data": s.Data, "yAxisIndex": i})
			}
		}
		opt := map[string]any{
			"tooltip": map[string]any{"trigger": "axis"}, "legend": map[string]any{"top": 0, "type": "scroll"},
			"grid":  map[string]any{"left": 20, "right": 20, "top": 48, "bottom": 20, "containLabel": true},
			"xAxis": CategoryAxis(categories), "yAxis": axes, "series": ser,
		}
		b, err := json.Marshal(opt)
		if err != nil {
			return nil, fmt.Errorf("chart: %w", err)
		}
		unit := g[0]
		if len(g) == 2 {
			unit += " / " + g[1]
		}
		out = append(out, Chart{Unit: unit, Option: string(b)})
	}
	return out, nil
}

// Row is one category of a comparison: a name, its unit, and one value
// per compared series (now, a year before).
type Row struct {
	Name, Unit string
	Values     []float64
}

// Comparison draws rows as horizontal bars, one chart per unit (rows
// in different units are different categories, so no second axis helps),
// with one bar series per name in seriesNames.
func Comparison(rows []Row, seriesNames []string) ([]Chart, error) {
	var units []string
	byUnit := map[string][]Row{}
	for _, r := range rows {
		if _, ok := byUnit[r.Unit]; !ok {
			units = append(units, r.Unit)
		}
		byUnit[r.Unit] = append(byUnit[r.Unit], r)
	}
	var out []Chart
	for _, u := range units {
		rs := byUnit[u]
		names := make([]string, len(rs))
		for i, r := range rs {
			names[i] = r.Name
		}
		var ser []any
		for j, sn := range seriesNames {
			vals := make([]float64, len(rs))
			for i, r := range rs {
				if j < len(r.Values) {
					vals[i] = r.Values[j]
				}
			}
			ser = append(ser, map[string]any{"type": "bar", "name": sn, "data": vals})
		}
		opt := map[string]any{
			"tooltip": map[string]any{"trigger": "axis"}, "legend": map[string]any{"top": 0},
			"grid":   map[string]any{"left": 20, "right": 30, "top": 36, "bottom": 20, "containLabel": true},
			"xAxis":  map[string]any{"type": "value", "name": u},
			"yAxis":  map[string]any{"type": "category", "data": names, "axisLabel": map[string]any{"interval": 0}},
			"series": ser,
		}
		b, err := json.Marshal(opt)
		if err != nil {
			return nil, fmt.Errorf("chart: %w", err)
		}
		out = append(out, Chart{Unit: u, Option: string(b)})
	}
	return out, nil
}

// Titled is a chart with the message that heads it.
type Titled struct {
	Title string
	Chart
}

// InverseValueAxis turns a chart's value axis upside down (a rank: first
// at the top, whole places).
func InverseValueAxis(c Chart) (Chart, error) {
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
