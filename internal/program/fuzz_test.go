package program_test

import (
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/program"
)

// FuzzParse: any bytes either parse into a template that passes its checks
// or are refused with problems that name lines; never a panic.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"major_special_project", "challenge", "finance_support_case"} {
		src, err := os.ReadFile("../../programs/" + name + ".yaml")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte(parentTemplate))
	f.Add([]byte("key: x\nversion: 1\nstages: [{key: a, initial: true}]\ntransitions: [{key: t, from: a, to: a, rule: '1 +'}]"))
	f.Fuzz(func(t *testing.T, src []byte) {
		tpl, err := program.Parse(src)
		if err != nil {
			if ps, ok := err.(program.Problems); ok {
				for _, p := range ps {
					if p.Line < 0 {
						t.Fatalf("problem with line %d: %v", p.Line, p)
					}
				}
			}
			return
		}
		if len(program.Check(tpl)) > 0 {
			t.Fatalf("Parse accepted a template Check refuses: %v", program.Check(tpl))
		}
	})
}

// FuzzFromForm: whatever a browser posts, reading and checking the form
// neither panics nor keeps a value of the wrong type.
func FuzzFromForm(f *testing.F) {
	tpl, err := program.Parse([]byte(smallReview))
	if err != nil {
		f.Fatal(err)
	}
	src, _ := os.ReadFile("../../programs/central_guidance_fund.yaml")
	big, err := program.Parse(src)
	if err != nil {
		f.Fatal(err)
	}
	f.Add("title=abc&partner=12")
	f.Add("title=&amount_requested=1,000元&performance_targets.0.indicator=x&performance_targets.1.target=&category=科技创新基地建设")
	f.Add("partner=-1&title=%00")
	f.Fuzz(func(t *testing.T, query string) {
		v, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		for _, tp := range []*program.Template{tpl, big} {
			data, _ := program.FromForm(tp, v)
			for k, val := range data {
				fd, ok := tp.Field(k)
				if !ok {
					t.Fatalf("FromForm kept unknown field %q", k)
				}
				switch fd.Type {
				case "number", "money", "percentage", "organisation", "person":
					if _, ok := val.(float64); !ok {
						t.Fatalf("%s: %T", k, val)
					}
				}
			}
			for _, p := range program.CheckData(tp, data, true) {
				if p.Field == "" || strings.TrimSpace(p.Message("zh-CN")) == "" {
					t.Fatalf("a problem without a field or message: %+v", p)
				}
			}
		}
	})
}
