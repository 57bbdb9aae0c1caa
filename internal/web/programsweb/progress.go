package programsweb

import (
	"net/http"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/clock"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// progressPanel is, for staff and the applicant, how a project stands
// against its contract: the contract's task indicators beside the
// application's, the changes since the contract that no one approved, the
// end in force and how late it is, and money due back.
type progressPanel struct {
	Comparisons []comparisonView
	End         string
	Overdue     int
	RefundDue   float64
	Refunded    float64
}

type comparisonView struct {
	From, To     string // snapshot names; To "" is the form as it stands
	FromAt, ToAt string
	Fields       []fieldChangeView
}

type fieldChangeView struct {
	Label         string
	Before, After string
	Rows          []program.DiffLine
}

func (s *area) progressPanel(r *http.Request, v program.View) (*progressPanel, error) {
	t, pr := v.Template, v.Project
	snaps, err := program.Snapshots(r.Context(), s.DB, v.ID)
	if err != nil {
		return nil, err
	}
	cmps := program.Comparisons(t, pr, snaps)
	end := program.EndOf(t, pr.Data)
	if len(cmps) == 0 && end == "" && pr.RefundDue == 0 {
		return nil, nil
	}
	lang := site.Info(r).Lang
	p := &progressPanel{End: end, RefundDue: pr.RefundDue, Refunded: pr.Refunded}
	if end != "" {
		p.Overdue = program.OverdueMonths(end, clock.Today(r.Context()))
	}
	for _, c := range cmps {
		cv := comparisonView{From: snapName(c.From, lang), To: snapName(c.To, lang), FromAt: c.FromAt.In(site.Shanghai).Format("2006-01-02 15:04")}
		if c.To != "" {
			cv.ToAt = c.ToAt.In(site.Shanghai).Format("2006-01-02 15:04")
		}
		for _, f := range c.Fields {
			fc := fieldChangeView{Label: f.Field.Label, Rows: f.Rows}
			if lang == "en" && f.Field.LabelEN != "" {
				fc.Label = f.Field.LabelEN
			}
			if f.Field.Type != "table" {
				fc.Before = shown(t, f.Field.Key, f.Before, lang, s.refNames(r, t, map[string]any{f.Field.Key: f.Before}))
				fc.After = shown(t, f.Field.Key, f.After, lang, s.refNames(r, t, map[string]any{f.Field.Key: f.After}))
			}
			cv.Fields = append(cv.Fields, fc)
		}
		p.Comparisons = append(p.Comparisons, cv)
	}
	return p, nil
}

// snapName names a snapshot in lang: the catalogue knows the usual ones
// (application, contract); a template's own keeps its name.
func snapName(name, lang string) string {
	if name != "" && i18n.Has("snapshot."+name) {
		return i18n.T(lang, "snapshot."+name)
	}
	return name
}

// shown is a field's value as the form shows it (an organisation or a
// person by name).
func shown(t *program.Template, key string, v any, lang string, names map[string]string) string {
	for _, f := range formFields(t, map[string]any{key: v}, nil, lang, nil, false, false, formExtra{Names: names}) {
		if f.Key == key {
			if len(f.Values) > 0 {
				return strings.Join(f.Values, "、")
			}
			if f.Value == "" {
				return "—"
			}
			return f.Value
		}
	}
	return "—"
}
