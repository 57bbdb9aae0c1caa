package program

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestShippedTemplatesParse checks every template in programs/.
func TestShippedTemplatesParse(t *testing.T) {
	files, err := filepath.Glob("../../programs/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates in programs/: %v", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		tpl, err := Parse(data)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if filepath.Base(f) != tpl.Key+".yaml" {
			t.Errorf("%s holds template %q; name the file after its key", f, tpl.Key)
		}
	}
}

// TestRoundTrip: a parsed template written back and parsed again is the same.
func TestRoundTrip(t *testing.T) {
	data, _ := os.ReadFile("../../programs/major_special_project.yaml")
	a, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse(out)
	if err != nil {
		t.Fatalf("re-parse: %v\n%s", err, out)
	}
	clearLines(a)
	clearLines(b)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("round trip changed the template:\n%s", out)
	}
}

func clearLines(t *Template) {
	for i := range t.Form {
		t.Form[i].Line = 0
		for j := range t.Form[i].Columns {
			t.Form[i].Columns[j].Line = 0
		}
	}
	for i := range t.Stages {
		t.Stages[i].Line = 0
	}
	for i := range t.Transitions {
		t.Transitions[i].Line = 0
	}
	if t.Review != nil {
		t.Review.Line = 0
		for i := range t.Review.Criteria {
			t.Review.Criteria[i].Line = 0
		}
	}
}

const base = `key: demo
name: 演示
version: 1
form:
  - key: amount
    label: 金额
    type: money
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: done, name: 完成, terminal: true}
transitions:
  - {key: finish, name: 完成, from: draft, to: done, by: [owner]}
`

// TestBadTemplatesRefused: each kind of mistake is refused with its line.
func TestBadTemplatesRefused(t *testing.T) {
	cases := []struct {
		name     string
		yaml     string
		line     int
		key      string
		contains string
	}{
		{"unknown stage", strings.Replace(base, "to: done", "to: dne", 1), 12, "program.stage_unknown", "dne"},
		{"unreachable stage", base + "  - {key: orphan, name: 孤立}\n", 0, "", ""},
		{"unreachable stage listed", strings.Replace(base, "  - {key: done, name: 完成, terminal: true}\n", "  - {key: done, name: 完成, terminal: true}\n  - {key: lost, name: 无路可达}\n", 1), 11, "program.stage_unreachable", "lost"},
		{"rule does not compile", strings.Replace(base, "by: [owner]}", "by: [owner], rule: 'amount <= '}", 1), 12, "program.expr_invalid", "amount <="},
		{"rule names an unknown field", strings.Replace(base, "by: [owner]}", "by: [owner], rule: 'amout > 0'}", 1), 12, "program.expr_invalid", "amout"},
		{"rule not boolean", strings.Replace(base, "by: [owner]}", "by: [owner], rule: 'amount + 1'}", 1), 12, "program.expr_invalid", ""},
		{"unknown field type", strings.Replace(base, "type: money", "type: monye", 1), 5, "program.type_unknown", "monye"},
		{"misspelt key", strings.Replace(base, "type: money", "type: money\n    requried: true", 1), 8, "program.unknown_key", "requried"},
		{"bad actor", strings.Replace(base, "by: [owner]", "by: [\"role:king\"]", 1), 12, "program.by_invalid", "role:king"},
		{"two initial stages", strings.Replace(base, "terminal: true", "initial: true", 1), 9, "program.initial_count", ""},
		{"yaml syntax", base + "  - {key: x\n", 12, "program.yaml", ""},
		{"amount of no kind", strings.Replace(base, "by: [owner]}", "by: [owner], amount: repaid}", 1), 12, "program.amount_invalid", "repaid"},
		{"leftover without the spent field", strings.Replace(base, "by: [owner]}", "by: [owner], refund: {of: leftover}}", 1), 12, "program.refund_invalid", "leftover"},
		{"refund of no kind", strings.Replace(base, "by: [owner]}", "by: [owner], refund: {of: half}}", 1), 12, "program.refund_invalid", ""},
		{"snapshot name", strings.Replace(base, "by: [owner]}", "by: [owner], snapshot: Contract}", 1), 12, "program.snapshot_invalid", "Contract"},
		{"options_en not one per option", strings.Replace(base, "type: money", "type: choice\n    options: [甲, 乙]\n    options_en: [A]", 1), 5, "program.options_en_count", "options_en"},
		{"end on a money field", strings.Replace(base, "type: money", "type: money\n    end: planned", 1), 5, "program.end_invalid", "amount"},
		{"weights", base + "review:\n  rounds: 1\n  reviewers_per_record: 3\n  aggregate: mean\n  criteria:\n    - {key: a, name: A, weight: 0.5, min: 0, max: 10}\n", 14, "program.weights_sum", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.yaml))
			ps, ok := err.(Problems)
			if !ok || len(ps) == 0 {
				t.Fatalf("accepted; want refusal")
			}
			if c.key == "" {
				return
			}
			for _, p := range ps {
				if p.Key == c.key && p.Line == c.line && strings.Contains(p.Message("en"), c.contains) && strings.Contains(p.Message("zh-CN"), "第") {
					return
				}
			}
			t.Fatalf("problems %v; want %s at line %d mentioning %q", ps, c.key, c.line, c.contains)
		})
	}
}
