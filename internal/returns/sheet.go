package returns

import (
	"math"
	"strconv"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
)

// DistrictHeader heads the district column of a per-district sheet.
const DistrictHeader = "区县"

// CityDistricts are the districts a per-district return is filed for.
func CityDistricts() []stdcode.Division {
	var out []stdcode.Division
	for _, d := range stdcode.Districts() {
		if strings.HasPrefix(d.Code, "2101") {
			out = append(out, d)
		}
	}
	return out
}

// Sheet is the form as a spreadsheet to fill in (with v's figures when
// given): a row per district, or one row.
func (f *Form) Sheet(v Values) tabular.Sheet {
	sh := tabular.Sheet{Name: f.Name}
	var keys []string
	if f.ByDistrict {
		sh.Header = append(sh.Header, DistrictHeader)
		keys = append(keys, "")
	}
	for _, fd := range f.Fields {
		h := fd.Name
		if fd.Unit != "" {
			h += "（" + fd.Unit + "）"
		}
		sh.Header = append(sh.Header, h)
		keys = append(keys, fd.Key)
	}
	row := func(d string) []any {
		var out []any
		for _, k := range keys {
			if k == "" {
				div, _ := stdcode.LookupDivision(d)
				out = append(out, div.Name)
				continue
			}
			if x, ok := v[k][d]; ok {
				out = append(out, x)
			} else {
				out = append(out, "")
			}
		}
		return out
	}
	if f.ByDistrict {
		for _, d := range CityDistricts() {
			sh.Rows = append(sh.Rows, row(d.Code))
		}
	} else {
		sh.Rows = append(sh.Rows, row(""))
	}
	return sh
}

// FromTable reads a filled-in sheet. Every cell that cannot be read is
// named by its row and column; empty cells are left out (a figure not
// given), so a partly filled sheet saves as a draft.
func (f *Form) FromTable(t *tabular.Table) (Values, problem.List) {
	var ps problem.List
	col := map[string]int{}
	for i, h := range t.Header {
		h = strings.TrimSpace(h)
		if h == DistrictHeader || h == "district" {
			col[""] = i
		}
		for _, fd := range f.Fields {
			if h == fd.Key || h == fd.Name || strings.HasPrefix(h, fd.Name+"（") || strings.HasPrefix(h, fd.Name+"(") {
				col[fd.Key] = i
			}
		}
	}
	if _, ok := col[""]; f.ByDistrict && !ok {
		ps = append(ps, problem.Invalid("file", "returns.sheet_column", DistrictHeader))
	}
	for _, fd := range f.Fields {
		if _, ok := col[fd.Key]; !ok {
			ps = append(ps, problem.Invalid("file", "returns.sheet_column", fd.Name))
		}
	}
	if len(ps) > 0 {
		return nil, ps
	}
	if !f.ByDistrict && len(t.Rows) > 1 {
		return nil, problem.List{problem.Invalid("file", "returns.sheet_one_row", len(t.Rows))}
	}
	v := Values{}
	for _, r := range t.Rows {
		cell := func(i int) string {
			if i < len(r.Cells) {
				return strings.TrimSpace(r.Cells[i])
			}
			return ""
		}
		d := ""
		if f.ByDistrict {
			raw := cell(col[""])
			div, ok := stdcode.LookupDivisionName(raw)
			if !ok {
				div, ok = stdcode.LookupDivision(raw)
			}
			if !ok || !strings.HasPrefix(div.Code, "2101") || div.Historical {
				ps = append(ps, problem.Invalid("file", "returns.sheet_district", r.Num, raw))
				continue
			}
			d = div.Code
		}
		for _, fd := range f.Fields {
			raw := cell(col[fd.Key])
			if raw == "" {
				continue
			}
			x, err := strconv.ParseFloat(stripNumber(raw), 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				ps = append(ps, problem.Invalid("file", "returns.sheet_number", r.Num, fd.Name, raw))
				continue
			}
			if v[fd.Key] == nil {
				v[fd.Key] = map[string]float64{}
			}
			if _, dup := v[fd.Key][d]; dup {
				ps = append(ps, problem.Invalid("file", "returns.sheet_twice", r.Num, cell(col[""])))
				continue
			}
			v[fd.Key][d] = x
		}
	}
	for _, p := range f.Check(v) { // ranges and whole numbers, named by field
		ps = append(ps, p)
	}
	return v, ps
}
