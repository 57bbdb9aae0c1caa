package digital_test

import (
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/digital"
)

func model(t *testing.T) *digital.Model {
	t.Helper()
	m, err := digital.SME2024()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func scenes(m *digital.Model, mandatoryAt, othersAt, mandatoryN int) map[string]int {
	out := map[string]int{}
	n := 0
	for _, s := range m.Scenes {
		switch {
		case s.Mandatory && n < mandatoryN:
			out[s.Name] = mandatoryAt
			n++
		case s.Mandatory:
			out[s.Name] = 0
		default:
			out[s.Name] = othersAt
		}
	}
	return out
}

// TestWorkedExamples: the 2024 assessment on worked examples.
func TestWorkedExamples(t *testing.T) {
	m := model(t)
	all := func(lv int) map[string]int {
		out := map[string]int{}
		for _, s := range m.Scenes {
			out[s.Name] = lv
		}
		return out
	}
	full := digital.Answers{Rates: map[string]float64{"equipment": 100, "collection": 80, "resources": 61},
		Ticked:  map[string][]string{"systems": {"ERP", "MES", "PLM", "SCM", "CRM", "WMS"}, "security": {"安全管理制度", "数据定期备份", "网络安全等级保护", "安全培训"}, "planning": {"转型规划", "专项预算", "专职负责人", "考核机制"}},
		Changes: map[string]string{"green": "better", "quality": "better", "market": "better"}, Scenes: all(4)}
	// 15 + 5 + 5 + 5 = 30; 7.5 + 3.75 = 11.25; 7 + 3.5 + 0 = 10.5; total 51.75.
	typical := digital.Answers{Rates: map[string]float64{"equipment": 50, "collection": 30, "resources": 15},
		Ticked:  map[string][]string{"systems": {"ERP", "MES", "CRM"}, "security": {"安全管理制度", "数据定期备份"}, "planning": {"转型规划", "专项预算"}},
		Changes: map[string]string{"green": "better", "quality": "flat", "market": "worse"}, Scenes: scenes(m, 2, 2, 4)}
	for _, c := range []struct {
		name      string
		a         digital.Answers
		score     float64
		dims      []float64
		level     int
		why       []string // keys of what the next level lacks
		firstWeak string
	}{
		{"everything", full, 100, []float64{50, 30, 20}, 4, nil, ""},
		{"typical SME", typical, 51.75, []float64{30, 11.25, 10.5}, 2, []string{"digital.gap_score", "digital.gap_scenes", "digital.gap_mandatory"}, "产品设计"},
		// 5 mandatory scenes at 2, the other five at 0, the six others at 1:
		// five scenes at 2+ are one short of level 2.
		{"high score, few scenes", digital.Answers{Rates: full.Rates, Ticked: full.Ticked, Changes: full.Changes, Scenes: scenes(m, 2, 1, 5)}, 100, []float64{50, 30, 20}, 1,
			[]string{"digital.gap_scenes"}, "安全生产"},
		// Only two mandatory scenes rated: not even level 1, whatever else.
		{"mandatory scenes short", digital.Answers{Rates: full.Rates, Ticked: full.Ticked, Changes: full.Changes, Scenes: scenes(m, 2, 2, 2)}, 100, []float64{50, 30, 20}, 0,
			[]string{"digital.gap_mandatory"}, "生产管控"},
		{"nothing", digital.Answers{}, 0, []float64{0, 0, 0}, 0, []string{"digital.gap_score", "digital.gap_scenes", "digital.gap_mandatory"}, "产品设计"},
	} {
		r, ps := m.Assess(c.a)
		if len(ps) > 0 {
			t.Errorf("%s: refused: %v", c.name, ps)
			continue
		}
		if r.Score != c.score || r.Level != c.level {
			t.Errorf("%s: score %v level %d, want %v and %d", c.name, r.Score, r.Level, c.score, c.level)
		}
		for i, d := range r.Dimensions {
			if d.Score != c.dims[i] {
				t.Errorf("%s: %s %v, want %v", c.name, d.Key, d.Score, c.dims[i])
			}
		}
		var keys []string
		for _, w := range r.Why {
			keys = append(keys, w.Key)
			if w.ZH == "" || w.EN == "" || strings.Contains(w.ZH, "%!") {
				t.Errorf("%s: reason %+v is not written out", c.name, w)
			}
		}
		if strings.Join(keys, ",") != strings.Join(c.why, ",") {
			t.Errorf("%s: next level lacks %v, want %v", c.name, keys, c.why)
		}
		if c.firstWeak != "" && (len(r.Weak) == 0 || r.Weak[0] != c.firstWeak) {
			t.Errorf("%s: weak scenes %v, want %s first", c.name, r.Weak, c.firstWeak)
		}
	}
}

func TestBands(t *testing.T) {
	m := model(t)
	for _, c := range []struct {
		rate, want float64
	}{{0, 0}, {10, 0}, {10.5, 5}, {20, 5}, {40, 10}, {40.01, 15}, {60, 15}, {60.1, 20}, {100, 20}} {
		r, ps := m.Assess(digital.Answers{Rates: map[string]float64{"equipment": c.rate}})
		if len(ps) > 0 || r.Dimensions[0].Score != c.want {
			t.Errorf("rate %v: %v %v, want %v of 20", c.rate, r.Dimensions[0].Score, ps, c.want)
		}
	}
}

func TestRefused(t *testing.T) {
	m := model(t)
	for _, c := range []struct {
		a     digital.Answers
		field string
	}{
		{digital.Answers{Rates: map[string]float64{"equipment": 120}}, "equipment"},
		{digital.Answers{Ticked: map[string][]string{"systems": {"SAP"}}}, "systems"},
		{digital.Answers{Changes: map[string]string{"green": "up"}}, "green"},
		{digital.Answers{Scenes: map[string]int{"产品设计": 5}}, "scene:产品设计"},
		{digital.Answers{Scenes: map[string]int{"炼丹": 1}}, "scene:炼丹"},
		{digital.Answers{Rates: map[string]float64{"revenue": 1}}, "revenue"},
	} {
		_, ps := m.Assess(c.a)
		if len(ps) != 1 || ps[0].Field != c.field {
			t.Errorf("%+v: %v, want %s refused", c.a, ps, c.field)
		}
	}
	if _, err := digital.ParseModel([]byte("dimensions: [{key: a, points: 60, items: [{key: x, points: 50, kind: band}]}]")); err == nil {
		t.Error("a model whose points do not add up was accepted")
	}
}
