// Package metric owns indicators declared as data: what records a figure
// counts (a model with filters), how (a measure), over what time (a window
// and a period), and how figures combine (ratios, year-on-year growth,
// expressions over other indicators). Evaluation compiles to SQL on either
// engine, reads stage history and dated records so that a figure "as of" a
// past date is the figure it gave then, and lists the records behind every
// figure.
package metric

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/expr-lang/expr"
	"go.yaml.in/yaml/v3"
)

// Definition is one indicator.
type Definition struct {
	ID          string   `yaml:"id"`
	Name        string   `yaml:"name"`
	NameEN      string   `yaml:"name_en,omitempty"`
	Unit        string   `yaml:"unit,omitempty"`
	UnitEN      string   `yaml:"unit_en,omitempty"`
	Description string   `yaml:"description,omitempty"`
	Area        int      `yaml:"area,omitempty"`   // the section of the letter (1–9) the figure belongs to, for the cockpit
	Kind        string   `yaml:"kind"`             // simple, ratio, growth, derived
	Model       string   `yaml:"model,omitempty"`  // simple: projects, recognitions, organisations, outcomes, figures
	Where       Where    `yaml:"where,omitempty"`  // simple: filters of the model
	Window      string   `yaml:"window,omitempty"` // simple: new, cumulative, state
	Period      string   `yaml:"period,omitempty"` // new: year, half, quarter, month (ending at the as-of date); all
	Measure     string   `yaml:"measure,omitempty"`
	Dimensions  []string `yaml:"dimensions,omitempty"`
	Numerator   string   `yaml:"numerator,omitempty"`   // ratio
	Denominator string   `yaml:"denominator,omitempty"` // ratio
	Scale       float64  `yaml:"scale,omitempty"`       // ratio: 100 for a percentage
	Of          string   `yaml:"of,omitempty"`          // growth: the indicator compared with its value a year before
	Expr        string   `yaml:"expr,omitempty"`        // derived: over the ids of other indicators
	Line        int      `yaml:"-"`
}

// Where holds the filters a model understands; each lists accepted values
// (any of them matches).
type Where struct {
	Program     []string            `yaml:"program,omitempty"`     // projects, outcomes: template keys
	Stage       []string            `yaml:"stage,omitempty"`       // projects: stages reached (new, cumulative) or held (state); applications: the need's stage (rd, poc …); fund_investments: the investee's (seed …)
	Kind        []string            `yaml:"kind,omitempty"`        // proposals: cppcc, npc; recognitions, outcomes: kinds; organisations: organisation kinds; figures: figure kinds; products, applications: product kinds; fund_investments: fund kinds
	Level       []string            `yaml:"level,omitempty"`       // recognitions, outcomes: levels; compute: precisions (FP16 …)
	Status      []string            `yaml:"status,omitempty"`      // proposals: replied, on_time, due, rated, handling_satisfied, result_satisfied (ProposalStatuses); outcomes: problem status; compute: planned, building, operating; applications: pending, approved, declined (as decided by the as-of date); chains: mapped (links, organisations and key technologies, a bottleneck marked); chain_members: leader
	Subject     string              `yaml:"subject,omitempty"`     // recognitions: organisation, person, discipline, major
	Tag         []string            `yaml:"tag,omitempty"`         // organisations (and projects, by their applicant): tags; disciplines: tags; rankings: words the edition's note holds
	Cluster     []string            `yaml:"cluster,omitempty"`     // likewise: industry clusters
	District    []string            `yaml:"district,omitempty"`    // likewise: GB/T 2260 codes
	Size        []string            `yaml:"size,omitempty"`        // likewise: large, medium, small, micro
	Year        int                 `yaml:"year,omitempty"`        // figures: the year (0: the year before the as-of date's, the last complete one)
	Recognition []string            `yaml:"recognition,omitempty"` // organisations: holding a recognition of one of these kinds in force
	Data        map[string][]string `yaml:"data,omitempty"`        // projects: form fields holding one of the values (a choice: 认定类别 智能工厂)
	LastYears   int                 `yaml:"last_years,omitempty"`  // disciplines: opened in the N complete years before the as-of date's year
	Field       []string            `yaml:"field,omitempty"`       // returns: the form's field whose figures are summed
	Growth      float64             `yaml:"growth,omitempty"`      // clusters: the least growth, in percent, of the members' summed figure over the year before
	Class       []string            `yaml:"class,omitempty"`       // proposals: the reply's class (A, B, C …) as it stood on the as-of date; replied ones only
}

// Kinds, models, windows and dimensions the engine knows.
var (
	Kinds      = []string{"simple", "ratio", "growth", "derived"}
	Models     = []string{"projects", "recognitions", "organisations", "outcomes", "figures", "disciplines", "compute", "products", "applications", "fund_investments", "solutions", "returns", "datasets", "models", "alliances", "rankings", "chains", "chain_members", "clusters", "proposals"}
	Windows    = []string{"new", "cumulative", "state"}
	Periods    = []string{"year", "half", "quarter", "month", "all"}
	Dimensions = []string{"district", "cluster", "program", "level", "kind", "field", "unit"}
)

var (
	idRE      = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
	dataKeyRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,47}$`) // the template key rule: safe to name in SQL
)

func (d *Definition) UnmarshalYAML(n *yaml.Node) error {
	type plain Definition
	if err := unknownKeys(n, reflect.TypeOf(Definition{})); err != nil {
		return err
	}
	if err := n.Decode((*plain)(d)); err != nil {
		return err
	}
	d.Line = n.Line
	return nil
}

func (w *Where) UnmarshalYAML(n *yaml.Node) error {
	type plain Where
	if err := unknownKeys(n, reflect.TypeOf(Where{})); err != nil {
		return err
	}
	return n.Decode((*plain)(w))
}

// unknownKeys refuses a mapping key that no field of t takes: a misspelt
// filter would otherwise be ignored and the figure silently wrong.
func unknownKeys(n *yaml.Node, t reflect.Type) error {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	known := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		known[name] = true
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; !known[k.Value] {
			return fmt.Errorf("line %d: unknown key %q", k.Line, k.Value)
		}
	}
	return nil
}

// Problem is a definition that cannot be evaluated, with its line.
type Problem struct {
	File string
	Line int
	Msg  string
}

func (p Problem) Error() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg) }

// Set is a loaded set of definitions, by id.
type Set struct {
	byID  map[string]*Definition
	order []string
}

// Get returns the definition with id.
func (s *Set) Get(id string) (*Definition, bool) {
	d, ok := s.byID[id]
	return d, ok
}

// All lists the definitions by id.
func (s *Set) All() []*Definition {
	out := make([]*Definition, 0, len(s.order))
	for _, id := range s.order {
		out = append(out, s.byID[id])
	}
	return out
}

// Load reads every *.yaml file of fsys (each a list of definitions) and
// checks them together: ids unique, references resolved, no cycles.
func Load(fsys fs.FS) (*Set, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	s := &Set{byID: map[string]*Definition{}}
	var probs []error
	for _, name := range names {
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var defs []*Definition
		dec := yaml.NewDecoder(bytes.NewReader(src))
		dec.KnownFields(true)
		if err := dec.Decode(&defs); err != nil {
			probs = append(probs, Problem{File: name, Msg: err.Error()})
			continue
		}
		for _, d := range defs {
			if _, dup := s.byID[d.ID]; dup {
				probs = append(probs, Problem{File: name, Line: d.Line, Msg: fmt.Sprintf("indicator %q is defined twice", d.ID)})
				continue
			}
			for _, msg := range check(d) {
				probs = append(probs, Problem{File: name, Line: d.Line, Msg: msg})
			}
			s.byID[d.ID] = d
			s.order = append(s.order, d.ID)
		}
	}
	for _, id := range s.order {
		d := s.byID[id]
		for _, ref := range d.refs() {
			if _, ok := s.byID[ref]; !ok {
				probs = append(probs, Problem{Line: d.Line, Msg: fmt.Sprintf("indicator %s refers to %q, which is not defined", d.ID, ref)})
			}
		}
	}
	for _, id := range s.order {
		if cyc := s.cycle(id, nil); cyc != nil {
			probs = append(probs, Problem{Line: s.byID[id].Line, Msg: "indicators refer to each other in a circle: " + strings.Join(cyc, " → ")})
			break
		}
	}
	sort.Strings(s.order)
	return s, errors.Join(probs...)
}

func (s *Set) cycle(id string, path []string) []string {
	if slices.Contains(path, id) {
		return append(path, id)
	}
	d, ok := s.byID[id]
	if !ok {
		return nil
	}
	for _, ref := range d.refs() {
		if c := s.cycle(ref, append(slices.Clone(path), id)); c != nil {
			return c
		}
	}
	return nil
}

// refs are the indicators d is computed from.
func (d *Definition) refs() []string {
	switch d.Kind {
	case "ratio":
		return []string{d.Numerator, d.Denominator}
	case "growth":
		return []string{d.Of}
	case "derived":
		prog, err := expr.Compile(d.Expr)
		if err != nil {
			return nil
		}
		return identifiers(prog.Source().String())
	}
	return nil
}

var identRE = regexp.MustCompile(`[a-z][a-z0-9_]*`)

// identifiers finds the indicator ids an expression names.
func identifiers(src string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range identRE.FindAllString(src, -1) {
		switch m {
		case "and", "or", "not", "in", "true", "false", "nil", "max", "min", "abs", "round", "floor", "ceil":
			continue
		}
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	return out
}

// check lists what is wrong with one definition on its own.
func check(d *Definition) []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if !idRE.MatchString(d.ID) {
		bad("id %q: lower-case letters, digits and _, starting with a letter", d.ID)
	}
	if strings.TrimSpace(d.Name) == "" {
		bad("%s: name is required", d.ID)
	}
	if !slices.Contains(Kinds, d.Kind) {
		bad("%s: kind %q is not one of %s", d.ID, d.Kind, strings.Join(Kinds, ", "))
	}
	for _, dim := range d.Dimensions {
		if !slices.Contains(Dimensions, dim) {
			bad("%s: dimension %q is not one of %s", d.ID, dim, strings.Join(Dimensions, ", "))
		}
	}
	switch d.Kind {
	case "simple":
		if !slices.Contains(Models, d.Model) {
			bad("%s: model %q is not one of %s", d.ID, d.Model, strings.Join(Models, ", "))
		}
		if !slices.Contains(Windows, d.Window) {
			bad("%s: window %q is not one of %s", d.ID, d.Window, strings.Join(Windows, ", "))
		}
		if d.Window == "new" && !slices.Contains(Periods, d.Period) {
			bad("%s: a new-in-period window needs period: one of %s", d.ID, strings.Join(Periods, ", "))
		}
		if err := checkMeasure(d); err != "" {
			bad("%s: %s", d.ID, err)
		}
		if d.Model == "projects" && (len(d.Where.Program) == 0 || len(d.Where.Stage) == 0) {
			bad("%s: a projects indicator names where.program and where.stage", d.ID)
		}
		for k := range d.Where.Data {
			if d.Model != "projects" || !dataKeyRE.MatchString(k) {
				bad("%s: where.data applies to projects, with form field keys (got %q)", d.ID, k)
			}
		}
		if d.Model == "returns" && (len(d.Where.Kind) != 1 || len(d.Where.Field) != 1 || d.Measure != "sum:value") {
			bad("%s: a returns indicator names one where.kind (the form), one where.field and measure: sum:value", d.ID)
		}
		if d.Model == "rankings" && (len(d.Where.Kind) != 1 || d.Window != "state" || (d.Measure != "sum:rank" && d.Measure != "rises" && d.Measure != "count")) {
			bad("%s: a rankings indicator names one where.kind (the series), window: state and measure: sum:rank (the latest place), rises (the years in a row it rose) or count (the latest edition, if its note holds where.tag)", d.ID)
		}
		if d.Model == "rankings" && d.Measure == "rises" && len(d.Where.Tag) > 0 {
			bad("%s: rises reads every edition; where.tag picks editions by their note", d.ID)
		}
		if d.Model == "figures" && (len(d.Where.Kind) != 1 || d.Window != "state") {
			bad("%s: a figures indicator names one where.kind and uses window: state", d.ID)
		}
		if (d.Model == "organisations" || d.Model == "disciplines") && d.Window != "state" {
			bad("%s: organisations are counted in a state (window: state)", d.ID)
		}
		if (d.Model == "chains" || d.Model == "chain_members" || d.Model == "clusters") && (d.Window != "state" || d.Measure != "count") {
			bad("%s: the chain map keeps no history: %s are counted in a state (window: state, measure: count)", d.ID, d.Model)
		}
		if d.Model == "clusters" && (len(d.Where.Kind) != 1 || d.Where.Growth <= 0) {
			bad("%s: a clusters indicator names one figure kind (where.kind) and the least growth in percent (where.growth)", d.ID)
		}
		if d.Model == "proposals" {
			if d.Window == "state" || d.Measure != "count" {
				bad("%s: proposals count by their 交办 date (window: new or cumulative, measure: count)", d.ID)
			}
			for _, st := range d.Where.Status {
				if !slices.Contains(ProposalStatuses, st) {
					bad("%s: proposals status %q is not one of %s", d.ID, st, strings.Join(ProposalStatuses, ", "))
				}
			}
		} else if len(d.Where.Class) > 0 {
			bad("%s: where.class applies to proposals", d.ID)
		}
	case "ratio":
		if d.Numerator == "" || d.Denominator == "" {
			bad("%s: a ratio names numerator and denominator", d.ID)
		}
	case "growth":
		if d.Of == "" {
			bad("%s: a growth names the indicator it grows (of)", d.ID)
		}
	case "derived":
		if _, err := expr.Compile(d.Expr); err != nil {
			bad("%s: expr does not compile: %v", d.ID, err)
		}
	}
	return out
}

func checkMeasure(d *Definition) string {
	m := d.Measure
	switch {
	case m == "rises":
		if d.Model != "rankings" {
			return "measure rises counts a ranking's editions (model: rankings)"
		}
		return ""
	case m == "count", m == "distinct_organisations":
		if m == "distinct_organisations" && d.Model == "figures" {
			return "figures are summed (measure: sum:value)"
		}
		return ""
	case strings.HasPrefix(m, "sum:"):
		allowed := map[string][]string{"projects": {"amount_requested", "amount_approved", "amount_disbursed"}, "figures": {"value"}, "compute": {"pflops"},
			"applications": {"amount_requested", "amount_approved"}, "fund_investments": {"amount"}, "returns": {"value"}, "datasets": {"samples"}, "rankings": {"rank"}}
		if !slices.Contains(allowed[d.Model], strings.TrimPrefix(m, "sum:")) {
			return fmt.Sprintf("measure %q: %s sums %s", m, d.Model, strings.Join(allowed[d.Model], ", "))
		}
		return ""
	}
	return fmt.Sprintf("measure %q is not count, distinct_organisations, sum:FIELD or rises", m)
}
