package metrics_test

import (
	"os"
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/metrics"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestShippedIndicators: the shipped indicators load, name programs,
// stages, form fields and choices that the shipped templates have, and
// cover every program figure of the letter under its fact id.
func TestShippedIndicators(t *testing.T) {
	set, err := metric.Load(metrics.Files)
	if err != nil {
		t.Fatal(err)
	}
	templates := map[string]*program.Template{}
	names, _ := programs.Files.ReadDir(".")
	for _, n := range names {
		if src, err := programs.Files.ReadFile(n.Name()); err == nil && len(n.Name()) > 5 && n.Name()[len(n.Name())-5:] == ".yaml" {
			tpl, err := program.Parse(src)
			if err != nil {
				t.Fatal(err)
			}
			templates[tpl.Key] = tpl
		}
	}
	for _, d := range set.All() {
		if d.Model != "projects" {
			continue
		}
		for _, key := range d.Where.Program {
			tpl, ok := templates[key]
			if !ok {
				t.Errorf("%s: no program %q", d.ID, key)
				continue
			}
			some := false
			for _, st := range d.Where.Stage {
				_, has := tpl.Stage(st)
				some = some || has
			}
			if !some {
				t.Errorf("%s: program %s has none of the stages %v", d.ID, key, d.Where.Stage)
			}
			for field, vals := range d.Where.Data {
				f, ok := tpl.Field(field)
				if !ok {
					t.Errorf("%s: program %s has no field %q", d.ID, key, field)
					continue
				}
				for _, v := range vals {
					if len(f.Options) > 0 && !slices.Contains(f.Options, v) {
						t.Errorf("%s: %s.%s has no option %q", d.ID, key, field, v)
					}
				}
			}
		}
	}
	raw, err := os.ReadFile("../seed/fact_programs.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var facts map[string]struct{ Program, Stage string }
	if err := yaml.Unmarshal(raw, &facts); err != nil {
		t.Fatal(err)
	}
	for id, f := range facts {
		d, ok := set.Get(id)
		if !ok {
			t.Errorf("fact %s (program %s) has no indicator", id, f.Program)
			continue
		}
		if !slices.Contains(d.Where.Program, f.Program) || !slices.Contains(d.Where.Stage, f.Stage) {
			t.Errorf("fact %s: indicator counts %v %v, the fact's records are %s at %s", id, d.Where.Program, d.Where.Stage, f.Program, f.Stage)
		}
	}
}

// TestIndicatorsAreLetterFacts: each shipped indicator answers a fact of
// the letter under the fact's id (the letter is the first report).
func TestIndicatorsAreLetterFacts(t *testing.T) {
	set, err := metric.Load(metrics.Files)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("../seed/facts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var facts []struct{ ID string }
	if err := yaml.Unmarshal(raw, &facts); err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, f := range facts {
		known[f.ID] = true
	}
	for _, d := range set.All() {
		if !known[d.ID] && d.Kind == "simple" {
			t.Errorf("indicator %s is not a fact of seed/facts.yaml", d.ID)
		}
	}
	t.Logf("%d of %d facts have an indicator", len(set.All()), len(facts))
}
