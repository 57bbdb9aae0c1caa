package web

import (
	"fmt"
	"mime/multipart"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
)

// formField is one field of a program's form, ready to render as an input
// or as a read-only value.
type formField struct {
	Key, Label, Type, Help string
	Required               bool
	Value                  string
	Values                 []string
	Options                []string
	Columns                []formColumn
	Rows                   [][]string // table cells, with blank rows to fill when editable
	Err                    string
	File                   *program.Attachment
}

type formColumn struct{ Key, Label, Type string }

// formFields lays out t's form over data; errs holds messages by field
// (table cells as KEY.ROW.COL, gathered under their table). Blind views pass
// data already stripped of identity fields, and those fields are left out.
func formFields(t *program.Template, data map[string]any, errs map[string]string, lang string, files []program.Attachment, editable, blind bool) []formField {
	var out []formField
	for _, f := range t.Form {
		if blind && (f.Type == "organisation" || f.Type == "person") {
			continue
		}
		ff := formField{Key: f.Key, Label: f.Label, Type: f.Type, Help: f.Help, Required: f.Required, Options: f.Options, Err: errs[f.Key]}
		if lang == i18n.EN && f.LabelEN != "" {
			ff.Label = f.LabelEN
		}
		v := data[f.Key]
		switch f.Type {
		case "multichoice":
			if xs, ok := v.([]any); ok {
				for _, x := range xs {
					ff.Values = append(ff.Values, fmt.Sprint(x))
				}
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
		default:
			ff.Value = display(v)
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
func readForm(r *http.Request, t *program.Template) (map[string]any, []program.Upload, problem.List, func()) {
	data, ps := program.FromForm(t, r.Form)
	var uploads []program.Upload
	var open []multipart.File
	done := func() {
		for _, f := range open {
			f.Close()
		}
	}
	if r.MultipartForm == nil {
		return data, nil, ps, done
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
	return data, uploads, ps, done
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
