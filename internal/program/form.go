package program

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
)

// FromForm reads a submitted HTML form into typed form data: numbers as
// float64 (thousands separators and a trailing 元 allowed), choices as
// strings, multi-choices as lists, tables from fields named KEY.ROW.COLUMN,
// organisations and people as ids. What cannot be read is reported beside
// its field, and nothing is kept of it.
func FromForm(t *Template, v url.Values) (map[string]any, problem.List) {
	data := map[string]any{}
	var ps problem.List
	for _, f := range t.Form {
		switch f.Type {
		case "multichoice":
			if xs := v[f.Key]; len(xs) > 0 {
				data[f.Key] = toAny(xs)
			}
		case "table":
			rows := tableRows(f, v)
			if len(rows) > 0 {
				data[f.Key] = rows
			}
		default:
			raw := strings.TrimSpace(v.Get(f.Key))
			if raw == "" {
				continue
			}
			val, err := readValue(f, raw)
			if err != nil {
				ps = append(ps, err)
				continue
			}
			data[f.Key] = val
		}
	}
	return data, ps
}

func toAny(xs []string) []any {
	out := make([]any, 0, len(xs))
	for _, x := range xs {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// tableRows reads KEY.N.COL fields, N from 0, skipping rows left blank.
func tableRows(f Field, v url.Values) []any {
	var rows []any
	for n := 0; n < 200; n++ {
		row := map[string]any{}
		present := false
		for _, c := range f.Columns {
			name := fmt.Sprintf("%s.%d.%s", f.Key, n, c.Key)
			if _, ok := v[name]; ok {
				present = true
			}
			if s := strings.TrimSpace(v.Get(name)); s != "" {
				if val, err := readValue(c, s); err == nil {
					row[c.Key] = val
				} else {
					row[c.Key] = s // kept as typed, so the check below names it
				}
			}
		}
		if !present {
			break
		}
		if len(row) > 0 {
			rows = append(rows, row)
		}
	}
	return rows
}

func readValue(f Field, raw string) (any, *problem.Error) {
	switch f.Type {
	case "number", "money", "percentage":
		s := strings.NewReplacer(",", "", "，", "", "元", "", "%", "", " ", "").Replace(raw)
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
			return nil, problem.Invalid(f.Key, "form.number", f.Label)
		}
		return x, nil
	case "boolean":
		switch strings.ToLower(raw) {
		case "on", "true", "1", "yes", "是":
			return true, nil
		case "false", "0", "no", "否":
			return false, nil
		}
		return nil, problem.Invalid(f.Key, "form.boolean", f.Label)
	case "organisation", "person":
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			return nil, problem.Invalid(f.Key, "form.reference", f.Label)
		}
		return float64(id), nil
	}
	return raw, nil
}

// CheckData checks form data against the template's fields: types, limits
// and options always; required fields (those whose condition holds) only
// when complete is set. Each problem names its field.
func CheckData(t *Template, data map[string]any, complete bool) problem.List {
	var ps problem.List
	env := exprEnv(t)
	for k, v := range data {
		if _, ok := env[k]; ok && v != nil {
			env[k] = v
		}
	}
	for k := range data {
		if _, ok := t.Field(k); !ok {
			ps = append(ps, problem.Invalid(k, "form.unknown_field", k))
		}
	}
	for _, f := range t.Form {
		if f.When != "" {
			ok, err := expr.Eval(f.When, env)
			if err != nil || ok != true {
				continue // hidden: not required, not checked
			}
		}
		v, present := data[f.Key]
		if !present || empty(v) {
			if complete && f.Required {
				ps = append(ps, problem.Invalid(f.Key, "form.required", f.Label))
			}
			continue
		}
		ps = append(ps, checkValue(f, f.Key, v)...)
	}
	return ps
}

func checkValue(f Field, name string, v any) problem.List {
	bad := func(key string, args ...any) problem.List {
		return problem.List{problem.Invalid(name, key, append([]any{f.Label}, args...)...)}
	}
	switch f.Type {
	case "text", "longtext", "file":
		s, ok := v.(string)
		if !ok {
			return bad("form.text")
		}
		if f.Max != nil && float64(utf8.RuneCountInString(s)) > *f.Max {
			return bad("form.too_long", *f.Max)
		}
		if strings.ContainsRune(s, 0) {
			return bad("form.text")
		}
	case "number", "money", "percentage":
		x, ok := v.(float64)
		if !ok {
			return bad("form.number")
		}
		if f.Min != nil && x < *f.Min {
			return bad("form.min", *f.Min)
		}
		if f.Max != nil && x > *f.Max {
			return bad("form.max", *f.Max)
		}
		if f.Type == "percentage" && (x < 0 || x > 100) && f.Max == nil {
			return bad("form.percentage")
		}
	case "date":
		s, ok := v.(string)
		if _, err := time.Parse(time.DateOnly, s); !ok || err != nil {
			return bad("form.date")
		}
	case "choice":
		s, ok := v.(string)
		if !ok || !slices.Contains(f.Options, s) {
			return bad("form.choice", strings.Join(f.Options, "、"))
		}
	case "multichoice":
		xs, ok := v.([]any)
		if !ok {
			return bad("form.choice", strings.Join(f.Options, "、"))
		}
		for _, x := range xs {
			if s, ok := x.(string); !ok || !slices.Contains(f.Options, s) {
				return bad("form.choice", strings.Join(f.Options, "、"))
			}
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return bad("form.boolean")
		}
	case "organisation", "person":
		if x, ok := v.(float64); !ok || x <= 0 || x != math.Trunc(x) {
			return bad("form.reference")
		}
	case "table":
		rows, ok := v.([]any)
		if !ok {
			return bad("form.table")
		}
		if f.Max != nil && float64(len(rows)) > *f.Max {
			return bad("form.too_many_rows", *f.Max)
		}
		var ps problem.List
		for i, r := range rows {
			row, ok := r.(map[string]any)
			if !ok {
				return bad("form.table")
			}
			for _, c := range f.Columns {
				cell := fmt.Sprintf("%s.%d.%s", f.Key, i, c.Key)
				cv, present := row[c.Key]
				if !present || empty(cv) {
					if c.Required {
						ps = append(ps, problem.Invalid(cell, "form.cell_required", f.Label, i+1, c.Label))
					}
					continue
				}
				named := c // a cell's message names its table and row
				named.Label = fmt.Sprintf("%s %d·%s", f.Label, i+1, c.Label)
				ps = append(ps, checkValue(named, cell, cv)...)
			}
		}
		return ps
	}
	return nil
}

// Missing lists the required fields of data still empty (those whose
// condition holds), for the applicant's "what is still missing".
func Missing(t *Template, data map[string]any) []Field {
	var out []Field
	for _, p := range CheckData(t, data, true) {
		if p.Key == "form.required" {
			f, _ := t.Field(p.Field)
			out = append(out, f)
		}
	}
	return out
}
