package program

import (
	"os"
	"regexp"
	"testing"

	"go.yaml.in/yaml/v3"
)

// programFact is one figure of the letter, as much of it as this test needs.
type programFact struct {
	ID      string `yaml:"id"`
	Records string `yaml:"records"`
}

// programRecords matches the facts whose records are program records: a
// program's projects, a stage reached, recognitions granted by a program.
var programRecords = regexp.MustCompile(`(?i)program|reaching stage|reached stage|recognitions? |pilot|retrofit|library|signed|settled|introduced|certified|service cases|double first-class|joint lab|support cases|applications`)

// notProgramFigures are figures that read like program counts but come from
// other records (registry, catalogues, periodic returns, matching), each
// with the issue that builds them.
var notProgramFigures = map[string]string{
	"ai_robot_docking":                 "docking records: the matching issue",
	"chain_leaders_driving":            "the chain map: leaders at chain links",
	"service_providers_selected":       "catalogue of service providers: the markets issue",
	"graduates_retained_h1":            "periodic returns: the chains issue",
	"advantage_disciplines":            "registry disciplines",
	"provincial_target_disciplines":    "registry recognitions of disciplines",
	"provincial_first_class_majors":    "registry recognitions of majors",
	"talents_introduced_h1":            "registry talents",
	"new_majors_3y":                    "registry majors",
	"world_class_disciplines":          "registry recognitions of disciplines",
	"national_first_class_disciplines": "registry recognitions of disciplines",
	"national_first_class_majors":      "registry recognitions of majors",
	"universities_adding_majors":       "registry universities",
	"credit_product_kinds":             "financial products: the markets issue",
	"tech_credit_matching":             "funding needs: the markets issue",
	"compute_now_pflops":               "compute registry: the markets issue",
	"ai_compute_center_phase3":         "compute-centre construction project: the chains issue",
	"drone_route_first_flight":         "a milestone of a project",
	"huabeng_one_advanced":             "an outcome of a project",
}

// TestLetterFiguresHaveProgramStages: every figure of the letter that counts
// program records names a shipped program and one of its stages.
func TestLetterFiguresHaveProgramStages(t *testing.T) {
	raw, err := os.ReadFile("../../seed/facts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var facts []programFact
	if err := yaml.Unmarshal(raw, &facts); err != nil {
		t.Fatal(err)
	}
	rawMap, err := os.ReadFile("../../seed/fact_programs.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var mapping map[string]struct{ Program, Stage string }
	if err := yaml.Unmarshal(rawMap, &mapping); err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, f := range facts {
		known[f.ID] = true
		_, mapped := mapping[f.ID]
		if programRecords.MatchString(f.Records) && !mapped && notProgramFigures[f.ID] == "" {
			t.Errorf("fact %s counts program records (%q) but seed/fact_programs.yaml does not say which program and stage", f.ID, f.Records)
		}
	}
	for id, m := range mapping {
		if !known[id] {
			t.Errorf("seed/fact_programs.yaml names fact %s, which seed/facts.yaml does not have", id)
			continue
		}
		src, err := os.ReadFile("../../programs/" + m.Program + ".yaml")
		if err != nil {
			t.Errorf("fact %s: no template programs/%s.yaml", id, m.Program)
			continue
		}
		tpl, err := Parse(src)
		if err != nil {
			t.Errorf("fact %s: template %s: %v", id, m.Program, err)
			continue
		}
		if _, ok := tpl.Stage(m.Stage); !ok {
			t.Errorf("fact %s: program %s has no stage %q", id, m.Program, m.Stage)
		}
	}
	if len(mapping) < 30 {
		t.Errorf("only %d program figures mapped", len(mapping))
	}
}
