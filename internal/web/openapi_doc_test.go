package web_test

import (
	"encoding/json"
	"html"
	"html/template"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web"
)

// zhThenEn: Chinese first, then English: the first letter is a Han
// character and, after a full stop (。), an English sentence follows.
var enAfterZh = regexp.MustCompile("。\\s*[A-Za-z0-9\"'`(]")

func zhThenEn(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			if !unicode.Is(unicode.Han, r) {
				return false
			}
			break
		}
	}
	loc := enAfterZh.FindStringIndex(s)
	if loc == nil {
		return false
	}
	words := 0
	for _, w := range strings.Fields(s[loc[0]:]) {
		if strings.IndexFunc(w, func(r rune) bool { return r < unicode.MaxASCII && unicode.IsLetter(r) }) >= 0 {
			words++
		}
	}
	return words >= 1
}

// TestOpenAPIDocumented: every operation of the served document has a
// declared tag, a summary and a description, every tag a description and
// every parameter, response and schema property a description, each in Chinese first with
// English, so the reference page reads in both and a new operation or
// field without them fails here.
func TestOpenAPIDocumented(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite), false)
	resp, body := e.client().get("/api/openapi.json")
	if resp.StatusCode != 200 {
		t.Fatal(resp.StatusCode)
	}
	var doc struct {
		Tags []struct {
			Name        string `json:"name"`
			Description string `json:"description"`
		} `json:"tags"`
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	for _, tg := range doc.Tags {
		declared[tg.Name] = true
		if !zhThenEn(tg.Name) && !zhThenEn(tg.Description) {
			t.Errorf("tag %q: description %q is not Chinese then English", tg.Name, tg.Description)
		}
	}
	var bad []string
	used := map[string]bool{}
	for p, ops := range doc.Paths {
		for m, raw := range ops {
			if m == "parameters" {
				continue
			}
			var op struct {
				Tags        []string `json:"tags"`
				Summary     string   `json:"summary"`
				Description string   `json:"description"`
				Parameters  []struct {
					Name        string `json:"name"`
					Description string `json:"description"`
				} `json:"parameters"`
				Responses map[string]struct {
					Ref         string `json:"$ref"`
					Description string `json:"description"`
				} `json:"responses"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatal(err)
			}
			at := strings.ToUpper(m) + " " + p
			if len(op.Tags) == 0 {
				bad = append(bad, at+": no tag")
			}
			for _, tg := range op.Tags {
				used[tg] = true
				if !declared[tg] {
					bad = append(bad, at+": tag "+tg+" not declared in tags")
				}
			}
			if !zhThenEn(op.Summary) {
				bad = append(bad, at+": summary not Chinese then English: "+op.Summary)
			}
			if !zhThenEn(op.Description) {
				bad = append(bad, at+": description not Chinese then English: "+op.Description)
			}
			for code, r := range op.Responses {
				if (r.Ref == "" || r.Description != "") && !zhThenEn(r.Description) {
					bad = append(bad, at+": response "+code+" description not Chinese then English: "+r.Description)
				}
			}
			for _, prm := range op.Parameters {
				if !zhThenEn(prm.Description) {
					bad = append(bad, at+": parameter "+prm.Name+" description not Chinese then English: "+prm.Description)
				}
			}
		}
	}
	for tg := range declared {
		if !used[tg] {
			bad = append(bad, "tag "+tg+" used by no operation")
		}
	}
	var all any
	if err := json.Unmarshal([]byte(body), &all); err != nil {
		t.Fatal(err)
	}
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch v := v.(type) {
		case map[string]any:
			if props, ok := v["properties"].(map[string]any); ok {
				for name, s := range props {
					sm, _ := s.(map[string]any)
					d, _ := sm["description"].(string)
					if !zhThenEn(d) {
						bad = append(bad, at+"."+name+": property description not Chinese then English: "+d)
					}
				}
			}
			for k, x := range v {
				walk(x, at+"/"+k)
			}
		case []any:
			for _, x := range v {
				walk(x, at)
			}
		}
	}
	walk(all, "")
	if comps, ok := all.(map[string]any)["components"].(map[string]any); ok {
		responses, _ := comps["responses"].(map[string]any)
		for name, r := range responses {
			d, _ := r.(map[string]any)["description"].(string)
			if !zhThenEn(d) {
				bad = append(bad, "components/responses/"+name+": description not Chinese then English: "+d)
			}
		}
	}
	sort.Strings(bad)
	if len(bad) > 0 {
		t.Errorf("%d gaps in the OpenAPI document:\n%s", len(bad), strings.Join(bad, "\n"))
	}
}

// TestOpenAPIReferencePage: anyone reads the API reference, rendered on
// the server from the document in either language: every operation under
// its tag with its Chinese-then-English summary, every schema an
// operation links to present, every property of every schema (inline
// bodies and nested objects too) with its description, and no script from
// elsewhere.
func TestOpenAPIReferencePage(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite), false)
	_, body := e.client().get("/api/openapi.json")
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string `json:"operationId"`
			Summary     string `json:"summary"`
		} `json:"paths"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	// Every property's description, wherever its schema is (a component,
	// an inline body, an object inside an array inside either).
	var all any
	if err := json.Unmarshal([]byte(body), &all); err != nil {
		t.Fatal(err)
	}
	var propDescriptions []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if props, ok := v["properties"].(map[string]any); ok {
				for _, p := range props {
					if d, _ := p.(map[string]any)["description"].(string); d != "" {
						propDescriptions = append(propDescriptions, d)
					}
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(all)
	if len(propDescriptions) < 100 {
		t.Fatalf("only %d property descriptions in the document", len(propDescriptions))
	}
	for lang, title := range map[string]string{"zh-CN": "接口参考", "en": "API reference"} {
		c := e.client()
		c.get("/")
		c.post("/lang", url.Values{"lang": {lang}, "back": {"/api/docs"}})
		resp, page := c.get("/api/docs")
		if resp.StatusCode != 200 || !strings.Contains(page, title) {
			t.Fatalf("%s: %d, title %q missing", lang, resp.StatusCode, title)
		}
		for p, ops := range doc.Paths {
			for m, op := range ops {
				if !strings.Contains(page, `id="op-`+op.OperationID+`"`) || !strings.Contains(page, template.HTMLEscapeString(op.Summary)) ||
					!strings.Contains(page, strings.ToUpper(m)+" "+template.HTMLEscapeString(p)) {
					t.Errorf("%s: %s %s (%s) missing from the reference", lang, m, p, op.OperationID)
				}
			}
		}
		for _, m := range regexp.MustCompile(`href="#schema-([A-Za-z]+)"`).FindAllStringSubmatch(page, -1) {
			if !strings.Contains(page, `id="schema-`+m[1]+`"`) {
				t.Errorf("%s: link to schema %s goes nowhere", lang, m[1])
			}
		}
		if !strings.Contains(page, `id="schema-Problem"`) || !strings.Contains(page, `id="tag-registry"`) {
			t.Errorf("%s: no schemas or tags", lang)
		}
		text := html.UnescapeString(page)
		for _, d := range propDescriptions {
			if !strings.Contains(text, d) {
				t.Errorf("%s: the property described %q is not on the page", lang, d)
			}
		}
		if regexp.MustCompile(`<script[^>]+src="(https?:)?//`).MatchString(page) {
			t.Errorf("%s: a script from elsewhere", lang)
		}
	}
}

// TestOpenAPIErrorsAreProblems: every error status of every operation
// (4xx) answers an RFC 9457 problem document — application/problem+json
// and nothing else, its schema the shared Problem (or one that requires
// what Problem requires) — through the shared components.responses, so a
// client reads every error the same way.
func TestOpenAPIErrorsAreProblems(t *testing.T) {
	var doc struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Responses map[string]docResp `json:"responses"`
			Schemas   map[string]struct {
				Required []string `json:"required"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(web.OpenAPIDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	problemLike := func(ref string) bool {
		name, ok := strings.CutPrefix(ref, "#/components/schemas/")
		if !ok {
			return false
		}
		req := doc.Components.Schemas[name].Required
		return slices.Contains(req, "type") && slices.Contains(req, "title") && slices.Contains(req, "status")
	}
	checkContent := func(at string, r docResp) {
		if len(r.Content) != 1 || r.Content["application/problem+json"].Schema.Ref == "" || !problemLike(r.Content["application/problem+json"].Schema.Ref) {
			t.Errorf("%s: not a problem document: %v", at, r.Content)
		}
	}
	for name, r := range doc.Components.Responses {
		checkContent("components/responses/"+name, r)
	}
	for p, ops := range doc.Paths {
		for m, raw := range ops {
			var op struct {
				Responses map[string]docResp `json:"responses"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatal(err)
			}
			for code, r := range op.Responses {
				if code < "400" {
					continue
				}
				at := strings.ToUpper(m) + " " + p + " " + code
				if name, ok := strings.CutPrefix(r.Ref, "#/components/responses/"); ok {
					shared, ok := doc.Components.Responses[name]
					if !ok {
						t.Errorf("%s: %s is not among the shared responses", at, r.Ref)
					}
					r = shared
				} else if code != "422" {
					t.Errorf("%s: not the shared response for its status", at)
				}
				checkContent(at, r)
			}
		}
	}
}

type docResp struct {
	Ref     string `json:"$ref"`
	Content map[string]struct {
		Schema struct {
			Ref string `json:"$ref"`
		} `json:"schema"`
	} `json:"content"`
}
