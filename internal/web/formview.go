package web

import (
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
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
}

type formColumn struct{ Key, Label, Type string }

// formExtra is what a form shows beyond the stored data: what was typed
// (after a refusal), names for organisation ids, and file fields whose
// upload must be chosen again.
type formExtra struct {
	Raw    url.Values
	Names  map[string]string
	Resend map[string]bool
}

// resolveOrgs lets organisation fields (and table columns) be filled with a
// full name or a credit code: each is looked up in the registry and
// replaced by its id; one not found is refused beside its field.
func (s *Server) resolveOrgs(r *http.Request, t *program.Template) problem.List {
	var ps problem.List
	lookup := func(name, label string) {
		raw := strings.TrimSpace(r.Form.Get(name))
		if raw == "" {
			return
		}
		if _, err := strconv.ParseInt(raw, 10, 64); err == nil {
			return
		}
		o, err := registry.ByCreditCode(r.Context(), s.db, strings.ToUpper(raw))
		if err != nil {
			o, err = registry.ByName(r.Context(), s.db, raw)
		}
		if err != nil {
			ps = append(ps, problem.Invalid(name, "form.org_unknown", raw))
			r.Form.Del(name)
			return
		}
		r.Form.Set(name, strconv.FormatInt(o.ID, 10))
	}
	for _, f := range t.Form {
		switch f.Type {
		case "organisation":
			lookup(f.Key, f.Label)
		case "table":
			for _, c := range f.Columns {
				if c.Type != "organisation" {
					continue
				}
				for n := 0; n < 200; n++ {
					name := fmt.Sprintf("%s.%d.%s", f.Key, n, c.Key)
					if _, ok := r.Form[name]; !ok {
						break
					}
					lookup(name, c.Label)
				}
			}
		}
	}
	return ps
}

// orgNames names the organisations a record's organisation fields hold,
// and those of its tables' organisation columns (an agreement's parties).
func (s *Server) orgNames(r *http.Request, t *program.Template, data map[string]any) map[string]string {
	out := map[string]string{}
	name := func(v any) {
		id, ok := v.(float64)
		if _, seen := out[display(v)]; !ok || seen {
			return
		}
		if o, err := registry.Get(r.Context(), s.db, 0, int64(id)); err == nil {
			out[display(id)] = o.Name
		}
	}
	for _, f := range t.Form {
		switch f.Type {
		case "organisation":
			name(data[f.Key])
		case "table":
			rows, _ := data[f.Key].([]any)
			for _, row := range rows {
				m, _ := row.(map[string]any)
				for _, c := range f.Columns {
					if c.Type == "organisation" {
						name(m[c.Key])
					}
				}
			}
		}
	}
	return out
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
				ff.Columns = append(ff.Columns, formColumn{Key: c.Key, Label: label, Type: c.Type})
			}
			rows, _ := v.([]any)
			for _, r := range rows {
				m, _ := r.(map[string]any)
				cells := make([]string, len(f.Columns))
				for i, c := range f.Columns {
					cells[i] = display(m[c.Key])
					if name, ok := x.Names[cells[i]]; ok && c.Type == "organisation" {
						cells[i] = name
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
			}
			if editable {
				for range 3 {
					ff.Rows = append(ff.Rows, make([]string, len(f.Columns)))
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
		case "organisation":
			ff.Value = display(v)
			if name, ok := x.Names[ff.Value]; ok {
				ff.Value = name
			}
			if ff.Help == "" {
				ff.Help = i18n.T(lang, "form.org_hint")
			}
		case "money":
			ff.Value = display(v)
			if !editable {
				if f, ok := v.(float64); ok {
					ff.Value = formatNumber(f)
				}
			}
		default:
			ff.Value = display(v)
		}
		if ff.Value == "" && x.Raw != nil && f.Type != "multichoice" && f.Type != "table" && f.Type != "file" {
			ff.Value = x.Raw.Get(f.Key) // what was typed, kept to be fixed
		}
		if f.Type == "file" && ff.Err == "" && x.Resend[f.Key] {
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
func (s *Server) readForm(r *http.Request, t *program.Template) (map[string]any, []program.Upload, problem.List, func()) {
	refs := s.resolveOrgs(r, t)
	data, ps := program.FromForm(t, r.Form)
	ps = append(refs, ps...)
	ps = append(ps, s.resolveRefs(r.Context(), t, data)...) // ids that name no one
	uploads, bad, done := formUploads(r, t)
	return data, uploads, append(ps, bad...), done
}

// formUploads opens the files a multipart request sends for t's file
// fields; done closes them.
func formUploads(r *http.Request, t *program.Template) ([]program.Upload, problem.List, func()) {
	var uploads []program.Upload
	var open []multipart.File
	var ps problem.List
	done := func() {
		for _, f := range open {
			f.Close()
		}
	}
	if r.MultipartForm == nil {
		return nil, nil, done
	}
	for _, f := range t.Form {
		if f.Type != "file" {
			continue
		}
		for _, fh := range r.MultipartForm.File[f.Key] {
			if fh.Size == 0 && fh.Filename == "" {
				continue
			}
			body, err := fh.Open()
			if err != nil {
				ps = append(ps, problem.Invalid(f.Key, "import.upload_failed"))
				continue
			}
			open = append(open, body)
			uploads = append(uploads, program.Upload{Field: f.Key, Name: fh.Filename, Body: body})
		}
	}
	return uploads, ps, done
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
