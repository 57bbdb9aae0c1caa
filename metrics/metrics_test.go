package metrics_test

import (
	"io/fs"
	"os"
	"slices"
	"strings"
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

// TestIndicatorsAreLetterFacts: each indicator of a letter_*.yaml file
// answers a fact of the letter under the fact's id (the letter is the first
// report), and every fact has one; the other files hold the bureau's own
// indicators (targets) and those the reply's words rest on
// (reply_words.yaml), whose ids must not pass for a fact's.
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
	files, err := fs.Glob(metrics.Files, "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	letter := 0
	for _, name := range files {
		src, err := metrics.Files.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var defs []struct{ ID, Kind string }
		if err := yaml.Unmarshal(src, &defs); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, d := range defs {
			isLetter := strings.HasPrefix(name, "letter_")
			switch {
			case isLetter && !known[d.ID] && d.Kind == "simple":
				t.Errorf("%s: indicator %s is not a fact of seed/facts.yaml", name, d.ID)
			case !isLetter && known[d.ID]:
				t.Errorf("%s: indicator %s has a fact's id; it belongs in a letter_*.yaml file", name, d.ID)
			case isLetter:
				letter++
			}
		}
	}
	for _, f := range facts { // every fact of the letter is answered now (internal/report's TestReplyFactsAreIndicators: and printed from it)
		if _, ok := set.Get(f.ID); !ok {
			t.Errorf("fact %s has no indicator", f.ID)
		}
	}
	t.Logf("%d of %d facts have an indicator (%d indicators in all)", letter, len(facts), len(set.All()))
}
