// Package digital holds SME digital transformation: the digital-level
// assessment as data (dimensions, items, option scoring, scenes, level
// thresholds) and its scoring, and the catalogue of service providers and
// their 小快轻准 solutions matched to an SME's weak scenes.
package digital

import (
	_ "embed"
	"fmt"
	"math"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
)

//go:embed sme2024.yaml
var sme2024 []byte

// Model is an edition of the assessment.
type Model struct {
	Edition    string      `yaml:"edition" json:"edition"`
	Name       string      `yaml:"name" json:"name"`
	NameEN     string      `yaml:"name_en" json:"name_en"`
	Dimensions []Dimension `yaml:"dimensions" json:"dimensions"`
	Bands      []Band      `yaml:"bands" json:"bands"`
	Change     struct {
		Worse float64 `yaml:"worse" json:"worse"`
		Flat  float64 `yaml:"flat" json:"flat"`
		Bet   float64 `yaml:"better" json:"better"`
	} `yaml:"change" json:"change"`
	Scenes []Scene     `yaml:"scenes" json:"scenes"`
	Levels []LevelRule `yaml:"levels" json:"levels"`
}

// Dimension is a scored part of the assessment.
type Dimension struct {
	Key    string  `yaml:"key" json:"key"`
	Name   string  `yaml:"name" json:"name"`
	NameEN string  `yaml:"name_en" json:"name_en"`
	Points float64 `yaml:"points" json:"points"`
	Items  []Item  `yaml:"items" json:"items"`
}

// Item is one scored question: band (a rate 0–100), multi (options ticked,
// an equal share each) or change (worse, flat or better than last year).
type Item struct {
	Key     string   `yaml:"key" json:"key"`
	Name    string   `yaml:"name" json:"name"`
	NameEN  string   `yaml:"name_en" json:"name_en"`
	Points  float64  `yaml:"points" json:"points"`
	Kind    string   `yaml:"kind" json:"kind"`
	Unit    string   `yaml:"unit,omitempty" json:"unit,omitempty"`
	Options []string `yaml:"options,omitempty" json:"options,omitempty"`
}

// Band gives a rate up to To (from the band before) a share of the item.
type Band struct {
	To    float64 `yaml:"to" json:"to"`
	Share float64 `yaml:"share" json:"share"`
}

// Scene is a business scene rated level 0–4.
type Scene struct {
	Name      string `yaml:"name" json:"name"`
	Mandatory bool   `yaml:"mandatory" json:"mandatory"`
}

// LevelRule is what a level asks.
type LevelRule struct {
	Level        int     `yaml:"level" json:"level"`
	Name         string  `yaml:"name" json:"name"`
	NameEN       string  `yaml:"name_en" json:"name_en"`
	MinScore     float64 `yaml:"min_score" json:"min_score"`
	SceneLevel   int     `yaml:"scene_level" json:"scene_level"`
	MinScenes    int     `yaml:"min_scenes" json:"min_scenes"`
	MinMandatory int     `yaml:"min_mandatory" json:"min_mandatory"`
}

// SME2024 is the 2024 edition.
func SME2024() (*Model, error) { return ParseModel(sme2024) }

// ParseModel reads and checks a model: points add up, bands cover 0–100,
// levels run from the highest down.
func ParseModel(src []byte) (*Model, error) {
	var m Model
	if err := yaml.Unmarshal(src, &m); err != nil {
		return nil, fmt.Errorf("digital: model: %w", err)
	}
	total := 0.0
	for _, d := range m.Dimensions {
		sum := 0.0
		for _, it := range d.Items {
			sum += it.Points
			switch it.Kind {
			case "band", "change":
			case "multi":
				if len(it.Options) == 0 {
					return nil, fmt.Errorf("digital: item %s has no options", it.Key)
				}
			default:
				return nil, fmt.Errorf("digital: item %s: unknown kind %q", it.Key, it.Kind)
			}
		}
		if math.Abs(sum-d.Points) > 1e-9 {
			return nil, fmt.Errorf("digital: dimension %s: items add up to %v, not %v", d.Key, sum, d.Points)
		}
		total += d.Points
	}
	if math.Abs(total-100) > 1e-9 {
		return nil, fmt.Errorf("digital: dimensions add up to %v, not 100", total)
	}
	if len(m.Bands) == 0 || m.Bands[len(m.Bands)-1].To != 100 {
		return nil, fmt.Errorf("digital: rate bands must end at 100")
	}
	for i := 1; i < len(m.Levels); i++ {
		if m.Levels[i].Level >= m.Levels[i-1].Level {
			return nil, fmt.Errorf("digital: levels must run from the highest down")
		}
	}
	return &m, nil
}

// Answers are an SME's answers: per item a rate (band), the options ticked
// (multi) or worse/flat/better (change); per scene its level 0–4.
type Answers struct {
	Rates   map[string]float64  `json:"rates"`
	Ticked  map[string][]string `json:"ticked"`
	Changes map[string]string   `json:"changes"`
	Scenes  map[string]int      `json:"scenes"`
}

// Result is an assessment's outcome.
type Result struct {
	Score      float64      `json:"score"`
	Dimensions []DimScore   `json:"dimensions"`
	Scenes     []SceneLevel `json:"scenes"`
	Level      int          `json:"level"` // 0: below level 1
	LevelName  string       `json:"level_name"`
	LevelEN    string       `json:"level_name_en"`
	Next       *LevelRule   `json:"next,omitempty"`
	Why        []Reason     `json:"why_not_next,omitempty"` // what the next level lacks
	Weak       []string     `json:"weak_scenes,omitempty"`  // scenes below the next level's scene level, mandatory first
}

// DimScore is one dimension's points.
type DimScore struct {
	Key    string  `json:"key"`
	Name   string  `json:"name"`
	NameEN string  `json:"name_en"`
	Score  float64 `json:"score"`
	Max    float64 `json:"max"`
}

// SceneLevel is one scene as rated.
type SceneLevel struct {
	Name      string `json:"name"`
	Mandatory bool   `json:"mandatory"`
	Level     int    `json:"level"`
}

// Assess scores answers; every answer out of range or unknown is named.
// Unanswered items score nothing; unrated scenes are level 0.
func (m *Model) Assess(a Answers) (Result, problem.List) {
	var ps problem.List
	var r Result
	known := map[string]Item{}
	for _, d := range m.Dimensions {
		ds := DimScore{Key: d.Key, Name: d.Name, NameEN: d.NameEN, Max: d.Points}
		for _, it := range d.Items {
			known[it.Key] = it
			share := 0.0
			switch it.Kind {
			case "band":
				if v, ok := a.Rates[it.Key]; ok {
					if !(v >= 0 && v <= 100) {
						ps = append(ps, problem.Invalid(it.Key, "digital.rate", it.Name))
						continue
					}
					share = m.bandShare(v)
				}
			case "multi":
				seen := map[string]bool{}
				for _, o := range a.Ticked[it.Key] {
					if !slices.Contains(it.Options, o) {
						ps = append(ps, problem.Invalid(it.Key, "digital.option", o, it.Name, strings.Join(it.Options, "、")))
						continue
					}
					seen[o] = true
				}
				share = float64(len(seen)) / float64(len(it.Options))
			case "change":
				switch a.Changes[it.Key] {
				case "":
				case "worse":
					share = m.Change.Worse
				case "flat":
					share = m.Change.Flat
				case "better":
					share = m.Change.Bet
				default:
					ps = append(ps, problem.Invalid(it.Key, "digital.change", it.Name))
				}
			}
			ds.Score += share * it.Points
		}
		ds.Score = math.Round(ds.Score*100) / 100
		r.Score += ds.Score
		r.Dimensions = append(r.Dimensions, ds)
	}
	for k := range a.Rates {
		if _, ok := known[k]; !ok {
			ps = append(ps, problem.Invalid(k, "digital.unknown_item", k))
		}
	}
	for k := range a.Ticked {
		if _, ok := known[k]; !ok {
			ps = append(ps, problem.Invalid(k, "digital.unknown_item", k))
		}
	}
	for k := range a.Changes {
		if _, ok := known[k]; !ok {
			ps = append(ps, problem.Invalid(k, "digital.unknown_item", k))
		}
	}
	scenes := map[string]bool{}
	for _, s := range m.Scenes {
		scenes[s.Name] = true
		lv := a.Scenes[s.Name]
		if lv < 0 || lv > 4 {
			ps = append(ps, problem.Invalid("scene:"+s.Name, "digital.scene_level", s.Name))
		}
		r.Scenes = append(r.Scenes, SceneLevel{Name: s.Name, Mandatory: s.Mandatory, Level: lv})
	}
	for k := range a.Scenes {
		if !scenes[k] {
			ps = append(ps, problem.Invalid("scene:"+k, "digital.unknown_scene", k))
		}
	}
	if len(ps) > 0 {
		return Result{}, ps
	}
	r.Score = math.Round(r.Score*100) / 100
	var next *LevelRule
	for i := range m.Levels {
		lr := m.Levels[i]
		if m.reaches(r, lr) {
			r.Level, r.LevelName, r.LevelEN = lr.Level, lr.Name, lr.NameEN
			break
		}
		next = &m.Levels[i]
	}
	if r.Level == 0 {
		r.LevelName, r.LevelEN = "未达一级", "Below level 1"
	}
	if next != nil {
		r.Next = next
		r.Why, r.Weak = m.gaps(r, *next)
	}
	return r, nil
}

func (m *Model) bandShare(v float64) float64 {
	for _, b := range m.Bands {
		if v <= b.To {
			return b.Share
		}
	}
	return m.Bands[len(m.Bands)-1].Share
}

// counts is how many scenes, and mandatory ones, reach level lv.
func counts(r Result, lv int) (all, mandatory int) {
	for _, s := range r.Scenes {
		if s.Level >= lv {
			all++
			if s.Mandatory {
				mandatory++
			}
		}
	}
	return all, mandatory
}

func (m *Model) reaches(r Result, lr LevelRule) bool {
	all, mand := counts(r, lr.SceneLevel)
	return r.Score >= lr.MinScore && all >= lr.MinScenes && mand >= lr.MinMandatory
}

// gaps says what level lr lacks, and which scenes are below its scene
// level (mandatory ones first).
func (m *Model) gaps(r Result, lr LevelRule) ([]Reason, []string) {
	var why []Reason
	if r.Score < lr.MinScore {
		why = append(why, reason("digital.gap_score", lr.Name, lr.MinScore, r.Score, math.Round((lr.MinScore-r.Score)*100)/100))
	}
	all, mand := counts(r, lr.SceneLevel)
	if all < lr.MinScenes {
		why = append(why, reason("digital.gap_scenes", lr.Name, lr.MinScenes, lr.SceneLevel, all))
	}
	if mand < lr.MinMandatory {
		why = append(why, reason("digital.gap_mandatory", lr.Name, lr.MinMandatory, lr.SceneLevel, mand))
	}
	var weak []string
	for _, mandatory := range []bool{true, false} {
		for _, s := range r.Scenes {
			if s.Mandatory == mandatory && s.Level < lr.SceneLevel {
				weak = append(weak, s.Name)
			}
		}
	}
	return why, weak
}

// Reason is one thing the next level lacks, in both languages.
type Reason struct {
	Key string `json:"key"`
	ZH  string `json:"zh"`
	EN  string `json:"en"`
}

func reason(key string, args ...any) Reason {
	return Reason{Key: key, ZH: i18n.T(i18n.ZH, key, args...), EN: i18n.T(i18n.EN, key, args...)}
}

// Text is the reason in lang.
func (r Reason) Text(lang string) string {
	if lang == i18n.EN {
		return r.EN
	}
	return r.ZH
}
