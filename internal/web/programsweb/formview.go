package programsweb

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// formField is one field of a program's form, ready to render as an input
// or as a read-only value.
type formField struct {
	Key, Label, Type, Help string
	Required               bool
	Value                  string
	Values                 []string
	Options                []string
	Labels                 []string // the options as they read in the page's language
	Columns                []formColumn
	Rows                   [][]string // table cells, with blank rows to fill when editable
	Err                    string
	File                   *program.Attachment
	// Ref is the id an organisation or person field holds (Value shows its
	// name), Lookup the picker's kind; RowRefs are a table's ids by cell.
	Ref     string
	Lookup  string
	RowRefs [][]string
	// Pending is a file sent with a refused form and kept for the next try.
	Pending *program.Pending
}

type formColumn struct{ Key, Label, Type, Lookup string }

// formExtra is what a form shows beyond the stored data: what was typed
// (after a refusal), names for organisation and person ids (by refKey),
// file fields whose upload must be chosen again and uploads kept.
type formExtra struct {
	Raw     url.Values
	Names   map[string]string
	Resend  map[string]bool
	Pending map[string]*program.Pending
}

// formFields lays out t's form over data; errs holds messages by field
// (table cells as KEY.ROW.COL, gathered under their table). Blind views pass
// data already stripped of identity fields, and those fields are left out.
func formFields(t *program.Template, data map[string]any, errs map[string]string, lang string, files []program.Attachment, editable, blind bool, extra ...formExtra) []formField {
	var x formExtra
	if len(extra) > 0 {
		x = extra[0]
	}
	var out []formField
	for _, f := range t.Form {
		if blind && (f.Type == "organisation" || f.Type == "person") {
			continue
		}
		ff := formField{Key: f.Key, Label: f.Label, Type: f.Type, Help: f.Help, Required: f.Required, Options: f.Options, Err: errs[f.Key]}
		if lang == i18n.EN && f.LabelEN != "" {
			ff.Label = f.LabelEN
		}
		if lang == i18n.EN && f.HelpEN != "" {
			ff.Help = f.HelpEN
		}
		for _, o := range f.Options {
			ff.Labels = append(ff.Labels, f.OptionLabel(o, lang))
		}
		v := data[f.Key]
		switch f.Type {
		case "multichoice":
			if xs, ok := v.([]any); ok {
				for _, x := range xs {
					if editable { // the ticked values, matched to the boxes
						ff.Values = append(ff.Values, fmt.Sprint(x))
					} else {
						ff.Values = append(ff.Values, f.OptionLabel(fmt.Sprint(x), lang))
					}
				}
			}
		case "choice":
			ff.Value = display(v)
			if !editable {
				ff.Value = f.OptionLabel(ff.Value, lang)
			}
		case "table":
			for _, c := range f.Columns {
				label := c.Label
				if lang == i18n.EN && c.LabelEN != "" {
					label = c.LabelEN
				}
				ff.Columns = append(ff.Columns, formColumn{Key: c.Key, Label: label, Type: c.Type, Lookup: lookupOf(c.Type)})
			}
			rows, _ := v.([]any)
			for _, r := range rows {
				m, _ := r.(map[string]any)
				cells := make([]string, len(f.Columns))
				refs := make([]string, len(f.Columns))
				for i, c := range f.Columns {
					cells[i] = display(m[c.Key])
					if lookupOf(c.Type) != "" {
						if _, isID := m[c.Key].(float64); isID {
							refs[i] = cells[i]
						}
						if name, ok := x.Names[refKey(c.Type, m[c.Key])]; ok {
							cells[i] = name
						}
					}
					if !editable && c.Type == "boolean" { // a ticked box reads as yes, not as the form's "on"
						switch m[c.Key] {
						case true:
							cells[i] = i18n.T(lang, "form.yes")
						case false:
							cells[i] = i18n.T(lang, "form.no")
						}
					}
					if !editable && c.Type == "choice" {
						cells[i] = c.OptionLabel(cells[i], lang)
					}
				}
				ff.Rows = append(ff.Rows, cells)
				ff.RowRefs = append(ff.RowRefs, refs)
			}
			if editable {
				for range 3 {
					ff.Rows = append(ff.Rows, make([]string, len(f.Columns)))
					ff.RowRefs = append(ff.RowRefs, make([]string, len(f.Columns)))
				}
			}
			var msgs []string
			for k, m := range errs {
				if strings.HasPrefix(k, f.Key+".") {
					msgs = append(msgs, m)
				}
			}
			sort.Strings(msgs)
			if len(msgs) > 0 {
				ff.Err = strings.TrimSpace(ff.Err + " " + strings.Join(msgs, " "))
			}
		case "file":
			ref, _ := v.(string)
			for i := range files {
				if files[i].Field == f.Key && files[i].Ref() == ref {
					ff.File = &files[i]
				}
			}
		case "organisation", "person":
			ff.Value, ff.Lookup = display(v), lookupOf(f.Type)
			if _, isID := v.(float64); isID {
				ff.Ref = ff.Value
			}
			if name, ok := x.Names[refKey(f.Type, v)]; ok {
				ff.Value = name
			}
			if ff.Help == "" && editable {
				ff.Help = i18n.T(lang, map[string]string{"organisation": "form.org_hint", "person": "form.person_hint"}[f.Type])
			}
		case "money":
			ff.Value = display(v)
			if !editable {
				if f, ok := v.(float64); ok {
					ff.Value = site.FormatNumber(f)
				}
			}
		default:
			ff.Value = display(v)
		}
		if ff.Value == "" && x.Raw != nil && f.Type != "multichoice" && f.Type != "table" && f.Type != "file" {
			ff.Value = x.Raw.Get(f.Key) // what was typed, kept to be fixed
		}
		if f.Type == "file" {
			ff.Pending = x.Pending[f.Key]
		}
		if f.Type == "file" && ff.Err == "" && x.Resend[f.Key] && ff.Pending == nil {
			ff.Err = i18n.T(lang, "attachment.reselect")
		}
		out = append(out, ff)
	}
	return out
}

// display writes a form value as text: numbers without exponent, booleans
// as on/off for the checkbox.
func display(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		if x {
			return "on"
		}
		return ""
	case string:
		return x
	}
	return fmt.Sprint(v)
}

// readForm reads a program form from a request (multipart when it carries
// files): the typed data, the files sent for file fields, and the problems.
// The caller closes the files with the returned function.
func (s *area) readForm(r *http.Request, t *program.Template) (map[string]any, []program.Upload, problem.List, func()) {
	values, refs := s.resolvePickers(r, t)
	data, ps := program.FromForm(t, values)
	ps = append(refs, ps...)
	ps = append(ps, s.resolveRefs(r.Context(), t, data, registry.Scope(site.Info(r).Principal.OrgScope()))...) // ids that name no one
	uploads, bad, done := s.formUploads(r, t)
	return data, uploads, append(ps, bad...), done
}

// errorsByField turns a problem list into messages by field in lang.
func errorsByField(err error, lang string) map[string]string {
	out := map[string]string{}
	switch e := err.(type) {
	case problem.List:
		for _, pe := range e {
			out[pe.Field] = pe.Message(lang)
		}
	case *problem.Error:
		if e.Field != "" {
			out[e.Field] = e.Message(lang)
		}
	}
	return out
}
