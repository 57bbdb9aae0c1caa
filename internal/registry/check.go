package registry

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
)

// Problem is one thing wrong (or, as a warning, doubtful) with one field of
// an input record, with a message in the user's language.
type Problem struct {
	Field   string
	Warning bool
	msg     interface{ Message(lang string) string }
}

// Message says what is wrong and how to fix it.
func (p Problem) Message(lang string) string { return p.msg.Message(lang) }

func fieldProblem(field, key string, args ...any) Problem {
	return Problem{Field: field, msg: problem.Invalid(field, key, args...)}
}

// Raw is an input record as text: from a form, a spreadsheet row or JSON.
type Raw map[string]string

// CheckOrganisation turns raw fields into an Organisation, reporting every
// problem at once (not just the first). today bounds founding dates.
func CheckOrganisation(raw Raw, cat *Catalogue, today time.Time) (Organisation, []Problem) {
	var o Organisation
	var ps []Problem
	if code := strings.TrimSpace(raw["credit_code"]); code != "" {
		res, err := stdcode.CheckCreditCode(code)
		if err != nil {
			ps = append(ps, Problem{Field: "credit_code", msg: err.(*stdcode.Error)})
		} else {
			o.CreditCode = res.Code
			if res.Warning != nil {
				ps = append(ps, Problem{Field: "credit_code", Warning: true, msg: res.Warning})
			}
		}
	}
	o.Name = strings.TrimSpace(raw["name"])
	switch {
	case o.Name == "":
		ps = append(ps, fieldProblem("name", "org.name_required"))
	case len([]rune(o.Name)) > 200:
		ps = append(ps, fieldProblem("name", "org.name_long"))
	}
	o.FormerNames = SplitList(raw["former_names"])
	if k := raw["kind"]; strings.TrimSpace(k) == "" {
		o.Kind = "enterprise"
	} else if kind, ok := ParseKind(k); ok {
		o.Kind = kind
	} else {
		ps = append(ps, fieldProblem("kind", "org.kind_unknown", k, kindList()))
	}
	if d := strings.TrimSpace(raw["district"]); d != "" {
		div, err := parseDistrict(d)
		if err != nil {
			ps = append(ps, Problem{Field: "district", msg: err})
		} else {
			o.District = div
		}
	}
	o.Address = strings.TrimSpace(raw["address"])
	if f := strings.TrimSpace(raw["founded"]); f != "" {
		d, err := ParseDate(f, today)
		if err != nil {
			ps = append(ps, Problem{Field: "founded", msg: err})
		} else {
			o.Founded = d
		}
	}
	if s, ok := ParseSize(raw["size"]); ok {
		o.Size = s
	} else {
		ps = append(ps, fieldProblem("size", "org.size_unknown", raw["size"]))
	}
	o.Description = strings.TrimSpace(raw["description"])
	o.Tags, o.Clusters = []string{}, []string{}
	for _, t := range SplitList(raw["tags"]) {
		if _, ok := cat.TagID(t); !ok {
			ps = append(ps, fieldProblem("tags", "org.tag_unknown", t, strings.Join(cat.TagNames(), "、")))
			continue
		}
		o.Tags = append(o.Tags, canonical(cat.Tags, t))
	}
	for _, c := range SplitList(raw["clusters"]) {
		if _, ok := cat.ClusterID(c); !ok {
			ps = append(ps, fieldProblem("clusters", "org.cluster_unknown", c, strings.Join(cat.ClusterNames(), "、")))
			continue
		}
		o.Clusters = append(o.Clusters, canonical(cat.Clusters, c))
	}
	return o, ps
}

// canonical returns the Chinese name of a catalogue entry named in either
// language.
func canonical(ns []Named, s string) string {
	for _, n := range ns {
		if n.Name == s || strings.EqualFold(n.NameEN, s) {
			return n.Name
		}
	}
	return s
}

func kindList() string {
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = i18n.T(i18n.ZH, "org.kind."+k)
	}
	return strings.Join(names, "、")
}

// parseDistrict accepts a GB/T 2260 code or a district's name, historical
// ones included (old records keep the codes they were filed with).
func parseDistrict(s string) (string, interface{ Message(string) string }) {
	if d, ok := stdcode.LookupDivisionName(s); ok {
		return d.Code, nil
	}
	if !isDigits(s) {
		names := []string{}
		for _, d := range stdcode.Districts() {
			names = append(names, d.Name)
		}
		return "", problem.Invalid("district", "org.district_unknown", s, strings.Join(names, "、"))
	}
	d, err := stdcode.CheckDivision(s, true)
	if err != nil {
		return "", err.(*stdcode.Error)
	}
	return d.Code, nil
}

var dateRE = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$`)

// ParseDate reads a date as people write it in spreadsheets (2021-03-05,
// 2021/3/5, 2021.3.5, 2021年3月5日, 20210305) and returns YYYY-MM-DD. It refuses
// dates that do not exist and dates after today.
func ParseDate(s string, today time.Time) (string, *problem.Error) {
	s = strings.TrimSpace(s)
	var y, m, d int
	if mm := dateRE.FindStringSubmatch(s); mm != nil {
		y, _ = strconv.Atoi(mm[1])
		m, _ = strconv.Atoi(mm[2])
		d, _ = strconv.Atoi(mm[3])
	} else if len(s) == 8 && isDigits(s) {
		y, _ = strconv.Atoi(s[:4])
		m, _ = strconv.Atoi(s[4:6])
		d, _ = strconv.Atoi(s[6:])
	} else {
		return "", problem.Invalid("", "date.format", s)
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d || y < 1800 {
		return "", problem.Invalid("", "date.impossible", s)
	}
	if !today.IsZero() && t.After(today) {
		return "", problem.Invalid("", "date.future", s)
	}
	return t.Format("2006-01-02"), nil
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// ParseYear reads a year between 1900 and 2100.
func ParseYear(s string) (int, *problem.Error) {
	y, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(s), "年"))
	if err != nil || y < 1900 || y > 2100 {
		return 0, problem.Invalid("", "date.year", s)
	}
	return y, nil
}

// ParseNumber reads a number as typed in a spreadsheet: thousands
// separators and a trailing unit word are tolerated.
func ParseNumber(s string) (float64, *problem.Error) {
	c := strings.NewReplacer(",", "", "，", "", " ", "").Replace(strings.TrimSpace(s))
	v, err := strconv.ParseFloat(c, 64)
	if err != nil {
		return 0, problem.Invalid("", "number.invalid", s)
	}
	return v, nil
}
