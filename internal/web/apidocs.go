package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
)

// The API reference page (/api/docs): the OpenAPI document rendered on
// the server, operations grouped by tag with their parameters, bodies and
// responses, and the schemas with their properties; no script, no CDN.

type apiDocs struct {
	Title, Version, Summary, Description string
	Tags                                 []apiDocTag
	Schemas                              []apiDocSchema
}

type apiDocTag struct {
	Name, Description string
	Ops               []apiDocOp
}

type apiDocOp struct {
	ID, Method, Path, Summary, Description string
	Params                                 []apiDocParam
	Bodies                                 []apiDocBody
	Responses                              []apiDocResponse
}

type apiDocParam struct {
	Name, In, Type, Description string
	Required                    bool
}

// apiDocBody is a request or response body: a media type and its schema,
// Link the component schema it names, Props the properties of an inline
// one.
type apiDocBody struct {
	Media, Type, Link string
	Props             []apiDocParam
}

type apiDocResponse struct {
	Status, Description string
	Bodies              []apiDocBody
}

type apiDocSchema struct {
	Name, Description, Type string
	Props                   []apiDocParam
}

// apiReference reads the embedded document once.
var apiReference = sync.OnceValues(func() (apiDocs, error) { return readAPIDocs(openAPIDoc) })

func readAPIDocs(raw []byte) (apiDocs, error) {
	var doc struct {
		Info struct {
			Title, Version, Summary, Description string
		} `json:"info"`
		Tags []struct {
			Name, Description string
		} `json:"tags"`
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Responses map[string]docResponse `json:"responses"`
			Schemas   map[string]docSchema   `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return apiDocs{}, fmt.Errorf("api docs: read the OpenAPI document: %w", err)
	}
	out := apiDocs{Title: doc.Info.Title, Version: doc.Info.Version, Summary: doc.Info.Summary, Description: doc.Info.Description}
	byTag := map[string]int{}
	for _, t := range doc.Tags {
		byTag[t.Name] = len(out.Tags)
		out.Tags = append(out.Tags, apiDocTag{Name: t.Name, Description: t.Description})
	}
	paths := make([]string, 0, len(doc.Paths))
	for p := range doc.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		for _, m := range []string{"get", "post", "put", "patch", "delete"} {
			raw, ok := doc.Paths[p][m]
			if !ok {
				continue
			}
			var op struct {
				OperationID string   `json:"operationId"`
				Tags        []string `json:"tags"`
				Summary     string   `json:"summary"`
				Description string   `json:"description"`
				Parameters  []struct {
					Name        string    `json:"name"`
					In          string    `json:"in"`
					Required    bool      `json:"required"`
					Description string    `json:"description"`
					Schema      docSchema `json:"schema"`
				} `json:"parameters"`
				RequestBody *struct {
					Content map[string]struct {
						Schema docSchema `json:"schema"`
					} `json:"content"`
				} `json:"requestBody"`
				Responses map[string]docResponse `json:"responses"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				return apiDocs{}, fmt.Errorf("api docs: %s %s: %w", m, p, err)
			}
			o := apiDocOp{ID: op.OperationID, Method: strings.ToUpper(m), Path: p, Summary: op.Summary, Description: op.Description}
			for _, prm := range op.Parameters {
				o.Params = append(o.Params, apiDocParam{Name: prm.Name, In: prm.In, Required: prm.Required, Description: prm.Description, Type: prm.Schema.typeName()})
			}
			if op.RequestBody != nil {
				o.Bodies = bodies(op.RequestBody.Content)
			}
			codes := make([]string, 0, len(op.Responses))
			for c := range op.Responses {
				codes = append(codes, c)
			}
			sort.Strings(codes)
			for _, c := range codes {
				resp := op.Responses[c]
				desc := resp.Description // a reference's own description (OpenAPI 3.1) says more than the shared one
				if name, ok := strings.CutPrefix(resp.Ref, "#/components/responses/"); ok {
					resp = doc.Components.Responses[name]
				}
				if desc == "" {
					desc = resp.Description
				}
				o.Responses = append(o.Responses, apiDocResponse{Status: c, Description: desc, Bodies: bodies(resp.Content)})
			}
			tag := "meta"
			if len(op.Tags) > 0 {
				tag = op.Tags[0]
			}
			i, ok := byTag[tag]
			if !ok {
				i = len(out.Tags)
				byTag[tag] = i
				out.Tags = append(out.Tags, apiDocTag{Name: tag})
			}
			out.Tags[i].Ops = append(out.Tags[i].Ops, o)
		}
	}
	names := make([]string, 0, len(doc.Components.Schemas))
	for n := range doc.Components.Schemas {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s := doc.Components.Schemas[n]
		out.Schemas = append(out.Schemas, apiDocSchema{Name: n, Description: s.Description, Type: s.typeName(), Props: s.props()})
	}
	return out, nil
}

// docResponse is a response of the document, or a reference to one.
type docResponse struct {
	Ref         string `json:"$ref"`
	Description string `json:"description"`
	Content     map[string]struct {
		Schema docSchema `json:"schema"`
	} `json:"content"`
}

// docSchema is as much of a JSON Schema as the page shows.
type docSchema struct {
	Ref         string               `json:"$ref"`
	Type        any                  `json:"type"` // a name or a list of names
	Format      string               `json:"format"`
	Description string               `json:"description"`
	Items       *docSchema           `json:"items"`
	Properties  map[string]docSchema `json:"properties"`
	Required    []string             `json:"required"`
	Enum        []any                `json:"enum"`
	OneOf       []docSchema          `json:"oneOf"`
	AnyOf       []docSchema          `json:"anyOf"`
}

// typeName names a schema briefly: a component by its name, an array by
// its items, alternatives joined by |, enumerations listed.
func (s docSchema) typeName() string {
	if name, ok := strings.CutPrefix(s.Ref, "#/components/schemas/"); ok {
		return name
	}
	if alts := append(append([]docSchema{}, s.OneOf...), s.AnyOf...); len(alts) > 0 {
		names := make([]string, len(alts))
		for i, a := range alts {
			names[i] = a.typeName()
		}
		return strings.Join(names, " | ")
	}
	var types []string
	switch t := s.Type.(type) {
	case string:
		types = []string{t}
	case []any:
		for _, x := range t {
			types = append(types, fmt.Sprint(x))
		}
	}
	for i, t := range types {
		switch {
		case t == "array" && s.Items != nil:
			types[i] = s.Items.typeName() + "[]"
		case s.Format != "" && t != "null":
			types[i] = t + " (" + s.Format + ")"
		}
	}
	name := strings.Join(types, " | ")
	if name == "" {
		name = "any"
	}
	if len(s.Enum) > 0 {
		vals := make([]string, len(s.Enum))
		for i, v := range s.Enum {
			vals[i] = fmt.Sprintf("%q", fmt.Sprint(v))
		}
		name += ": " + strings.Join(vals, ", ")
	}
	return name
}

// props are the schema's properties in name order (those of an inline
// object body or response included), with the properties of inline
// objects within them after each, named by their path (a.b, a[].b), so a
// page shows every field a body carries and what it means.
func (s docSchema) props() []apiDocParam { return s.propsAt("", 0) }

func (s docSchema) propsAt(prefix string, depth int) []apiDocParam {
	required := map[string]bool{}
	for _, r := range s.Required {
		required[r] = true
	}
	names := make([]string, 0, len(s.Properties))
	for n := range s.Properties {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]apiDocParam, 0, len(names))
	for _, n := range names {
		p := s.Properties[n]
		out = append(out, apiDocParam{Name: prefix + n, Type: p.typeName(), Description: p.Description, Required: required[n]})
		if depth >= 4 {
			continue
		}
		switch {
		case len(p.Properties) > 0:
			out = append(out, p.propsAt(prefix+n+".", depth+1)...)
		case p.Items != nil && len(p.Items.Properties) > 0:
			out = append(out, p.Items.propsAt(prefix+n+"[].", depth+1)...)
		}
	}
	return out
}

func bodies(content map[string]struct {
	Schema docSchema `json:"schema"`
}) []apiDocBody {
	media := make([]string, 0, len(content))
	for m := range content {
		media = append(media, m)
	}
	sort.Strings(media)
	out := make([]apiDocBody, 0, len(media))
	for _, m := range media {
		s := content[m].Schema
		b := apiDocBody{Media: m, Type: s.typeName()}
		if name, ok := strings.CutPrefix(s.Ref, "#/components/schemas/"); ok {
			b.Link = name
		} else if s.Items != nil {
			b.Link, _ = strings.CutPrefix(s.Items.Ref, "#/components/schemas/")
		}
		switch {
		case len(s.Properties) > 0:
			b.Type, b.Props = "object", s.props()
		case s.Items != nil && len(s.Items.Properties) > 0:
			b.Props = s.Items.propsAt("[].", 0)
		}
		out = append(out, b)
	}
	return out
}

// apiDocsPage is the API reference, readable by anyone.
func (s *Server) apiDocsPage(w http.ResponseWriter, r *http.Request) error {
	d, err := apiReference()
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "apidocs", s.newPage(w, r, "apidocs.title", d))
}
