package charts

import (
	"encoding/json"
	"fmt"
	"testing"
)

// axisUnits checks an emitted option: every series sits on a value axis
// named for its unit, no axis carries two units, and every category axis
// shows all its labels. unitOf gives a series' (or category's) unit.
func axisUnits(t *testing.T, option string, unitOf map[string]string) {
	t.Helper()
	var opt struct {
		X, Y   json.RawMessage
		Series []struct {
			Name       string
			YAxisIndex int
		}
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(option), &raw); err != nil {
		t.Fatal(err)
	}
	json.Unmarshal([]byte(option), &opt)
	type axis struct {
		Type, Name string
		Data       []string
		AxisLabel  struct{ Interval *int }
	}
	axes := func(m json.RawMessage) []axis {
		var one axis
		if json.Unmarshal(m, &one) == nil {
			return []axis{one}
		}
		var many []axis
		if err := json.Unmarshal(m, &many); err != nil {
			t.Fatal(err)
		}
		return many
	}
	xs, ys := axes(raw["xAxis"]), axes(raw["yAxis"])
	for _, a := range append(append([]axis{}, xs...), ys...) {
		if a.Type == "category" && (a.AxisLabel.Interval == nil || *a.AxisLabel.Interval != 0) {
			t.Errorf("a category axis may hide labels: %+v", a)
		}
	}
	if ys[0].Type == "category" { // horizontal bars: the categories carry the units
		seen := map[string]bool{}
		for _, c := range ys[0].Data {
			seen[unitOf[c]] = true
			if unitOf[c] != xs[0].Name {
				t.Errorf("%s (%s) on an axis in %s", c, unitOf[c], xs[0].Name)
			}
		}
		if len(seen) > 1 {
			t.Errorf("one axis mixes units %v", seen)
		}
		return
	}
	on := map[int]map[string]bool{}
	for _, s := range opt.Series {
		if on[s.YAxisIndex] == nil {
			on[s.YAxisIndex] = map[string]bool{}
		}
		on[s.YAxisIndex][unitOf[s.Name]] = true
		if s.YAxisIndex >= len(ys) || ys[s.YAxisIndex].Name != unitOf[s.Name] {
			t.Errorf("series %s (%s) on axis %d of %+v", s.Name, unitOf[s.Name], s.YAxisIndex, ys)
		}
	}
	for i, us := range on {
		if len(us) > 1 {
			t.Errorf("axis %d mixes units %v", i, us)
		}
	}
}

func TestChartsNeverMixUnitsOnAnAxis(t *testing.T) {
	years := []string{"2021", "2022", "2023", "2024", "2025"}
	all := []Series{
		{Name: "高校毕业生留沈", Unit: "人", Data: []float64{80000, 85000, 90000, 95000, 98621}},
		{Name: "技术合同", Unit: "项", Data: []float64{10, 12, 14, 16, 18}},
		{Name: "研发投入", Unit: "万元", Data: []float64{300, 320, 350, 380, 400}},
		{Name: "专利授权", Unit: "件", Data: []float64{40, 42, 45, 50, 55}},
		{Name: "新型研发机构", Unit: "项", Data: []float64{1, 2, 3, 4, 5}},
	}
	unitOf := map[string]string{}
	for _, s := range all {
		unitOf[s.Name] = s.Unit
	}
	cases := []struct {
		name   string
		series []Series
		charts int
	}{
		{"one unit", []Series{all[1], all[4]}, 1},
		{"two units share a Chart, one axis each", []Series{all[0], all[1], all[4]}, 1},
		{"four units, four charts", all, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			charts, err := BySeries(years, c.series)
			if err != nil {
				t.Fatal(err)
			}
			if len(charts) != c.charts {
				t.Fatalf("%d charts, want %d", len(charts), c.charts)
			}
			for _, ch := range charts {
				axisUnits(t, ch.Option, unitOf)
			}
		})
	}
	t.Run("comparison by unit", func(t *testing.T) {
		var rows []Row
		for _, s := range all {
			rows = append(rows, Row{Name: s.Name, Unit: s.Unit, Values: []float64{s.Data[4], s.Data[3]}})
		}
		charts, err := Comparison(rows, []string{"本期", "上年同期"})
		if err != nil {
			t.Fatal(err)
		}
		if len(charts) != 4 {
			t.Fatalf("%d charts, want one per unit (4)", len(charts))
		}
		for _, ch := range charts {
			axisUnits(t, ch.Option, unitOf)
		}
	})
	t.Run("district labels all shown", func(t *testing.T) {
		var names []string
		for i := range 13 {
			names = append(names, fmt.Sprintf("区%d", i))
		}
		b, _ := json.Marshal(map[string]any{"xAxis": CategoryAxis(names), "yAxis": map[string]any{"type": "value", "name": "家"}})
		axisUnits(t, string(b), nil)
	})
}

// A rank's chart runs first place at the top, in whole places; a chart
// that is not JSON is refused, not drawn.
func TestInverseValueAxis(t *testing.T) {
	cs, err := BySeries([]string{"2023", "2024"}, []Series{{Name: "rank", Unit: "位", Type: "line", Data: []float64{18, 16}}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := InverseValueAxis(cs[0])
	if err != nil {
		t.Fatal(err)
	}
	var opt struct {
		YAxis []map[string]any `json:"yAxis"`
	}
	if err := json.Unmarshal([]byte(c.Option), &opt); err != nil {
		t.Fatal(err)
	}
	if len(opt.YAxis) != 1 || opt.YAxis[0]["inverse"] != true || opt.YAxis[0]["minInterval"] != float64(1) || opt.YAxis[0]["name"] != "位" {
		t.Errorf("value axis %v, want inverse, whole places, named 位", opt.YAxis)
	}
	if _, err := InverseValueAxis(Chart{Option: "{"}); err == nil {
		t.Error("a broken option was accepted")
	}
}
