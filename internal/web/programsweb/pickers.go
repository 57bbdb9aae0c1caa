package programsweb

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// Person and organisation fields are pickers: a text input showing a name
// (the search-as-you-type list of static/picker.js fills it) and beside it
// a hidden input NAME.id carrying the id chosen. Without JavaScript the
// text alone is read: an organisation's full name or credit code, a
// person's name or ID number, each resolved here; several of one name are
// refused with a message saying what to type instead.

// lookupOf is the lookup endpoint's kind for a field type.
func lookupOf(fieldType string) string {
	switch fieldType {
	case "organisation":
		return "organisations"
	case "person":
		return "people"
	}
	return ""
}

// refKey keys a name by the kind of record and its id ("person:7").
func refKey(kind string, id any) string { return kind + ":" + display(id) }

// eachRef calls fn with the form name, kind and label of every organisation
// and person field of t that form values v carry (table cells included).
func eachRef(t *program.Template, v url.Values, fn func(name, kind, label string)) {
	for _, f := range t.Form {
		switch f.Type {
		case "organisation", "person":
			fn(f.Key, f.Type, f.Label)
		case "table":
			for n := 0; n < 200; n++ {
				present := false
				for _, c := range f.Columns {
					name := fmt.Sprintf("%s.%d.%s", f.Key, n, c.Key)
					if _, ok := v[name]; ok {
						present = true
					}
					if c.Type == "organisation" || c.Type == "person" {
						if _, ok := v[name]; ok {
							fn(name, c.Type, c.Label)
						}
					}
				}
				if !present {
					break
				}
			}
		}
	}
}

// resolvePickers reads the pickers of t's form: each text becomes the id
// of what it names in a copy of the form values, which FromForm then reads.
// One that names nothing, or several, is refused beside its field (and
// left out of the copy); r.Form keeps what was typed, to show it again.
func (s *area) resolvePickers(r *http.Request, t *program.Template) (url.Values, problem.List) {
	v := url.Values{}
	for k, xs := range r.Form {
		v[k] = append([]string(nil), xs...)
	}
	var ps problem.List
	scope := registry.Scope(site.Info(r).Principal.OrgScope())
	eachRef(t, r.Form, func(name, kind, label string) {
		id, pe := s.resolveRef(r.Context(), kind, name, v.Get(name), v.Get(name+".id"), scope)
		switch {
		case pe != nil:
			ps = append(ps, pe)
			if !strings.Contains(name, ".") {
				v.Del(name) // a table cell keeps its text, to show it again
			}
		case id > 0:
			v.Set(name, strconv.FormatInt(id, 10))
		}
	})
	return v, ps
}

// resolveRef finds the organisation or person text names (chosen is the id
// the picker set, kept when its name is still the text). An empty text
// gives 0; a bare number is taken as an id, as the API takes it.
func (s *area) resolveRef(ctx context.Context, kind, field, text, chosen string, scope registry.Scope) (int64, *problem.Error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return 0, nil
	}
	if id, err := strconv.ParseInt(strings.TrimSpace(chosen), 10, 64); err == nil && id > 0 {
		var names map[int64]string
		if kind == "organisation" {
			names, _ = registry.OrgNames(ctx, s.DB, []int64{id})
		} else {
			names, _ = registry.PersonNames(ctx, s.DB, []int64{id})
		}
		if names[id] == text {
			return id, nil
		}
	}
	if kind == "person" && s.Keys != nil && len(text) >= 15 && !hasHan(text) {
		if p, err := registry.PersonByIDNumber(ctx, s.DB, s.Keys, text); err == nil && (scope == 0 || int64(scope) == p.OrganisationID) {
			return p.ID, nil
		}
	}
	if id, err := strconv.ParseInt(text, 10, 64); err == nil && id > 0 && len(text) < 15 {
		return id, nil // an id; resolveRefs checks it names someone
	}
	if kind == "organisation" {
		if o, err := registry.ByCreditCode(ctx, s.DB, strings.ToUpper(text)); err == nil {
			return o.ID, nil
		}
		ids, err := registry.OrgsNamed(ctx, s.DB, text, 2)
		switch {
		case err != nil || len(ids) == 0:
			return 0, problem.Invalid(field, "form.org_unknown", text)
		case len(ids) > 1:
			return 0, problem.Invalid(field, "form.org_ambiguous", text)
		}
		return ids[0], nil
	}
	ids, err := registry.PeopleNamed(ctx, s.DB, scope, text, 2)
	switch {
	case err != nil || len(ids) == 0:
		return 0, problem.Invalid(field, "form.person_unknown", text)
	case len(ids) > 1:
		return 0, problem.Invalid(field, "form.person_ambiguous", text)
	}
	return ids[0], nil
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// refNames names the organisations and people a record's fields (and its
// tables' columns) hold, keyed by refKey.
func (s *area) refNames(r *http.Request, t *program.Template, data map[string]any) map[string]string {
	var orgs, people []int64
	add := func(kind string, v any) {
		id, ok := v.(float64)
		if !ok || id <= 0 {
			return
		}
		if kind == "organisation" {
			orgs = append(orgs, int64(id))
		} else if kind == "person" {
			people = append(people, int64(id))
		}
	}
	for _, f := range t.Form {
		switch f.Type {
		case "organisation", "person":
			add(f.Type, data[f.Key])
		case "table":
			rows, _ := data[f.Key].([]any)
			for _, row := range rows {
				m, _ := row.(map[string]any)
				for _, c := range f.Columns {
					add(c.Type, m[c.Key])
				}
			}
		}
	}
	out := map[string]string{}
	if on, err := registry.OrgNames(r.Context(), s.DB, orgs); err == nil {
		for id, n := range on {
			out[refKey("organisation", float64(id))] = n
		}
	}
	if pn, err := registry.PersonNames(r.Context(), s.DB, people); err == nil {
		for id, n := range pn {
			out[refKey("person", float64(id))] = n
		}
	}
	return out
}

// FormOrg reads an organisation picker of an administration form: the text
// org_name with the chosen id org_id (a form without the text sends the id
// alone, as before). A refusal is beside org_id. Package web fills
// site.Site.FormOrg with it, for every area's forms.
func FormOrg(shared *site.Site, r *http.Request) (int64, error) {
	if _, sent := r.PostForm["org_name"]; !sent {
		return site.FormInt(r, "org_id")
	}
	s := &area{Site: shared}
	id, pe := s.resolveRef(r.Context(), "organisation", "org_id", r.PostFormValue("org_name"), r.PostFormValue("org_id"), 0)
	if pe != nil {
		return 0, pe
	}
	return id, nil
}
