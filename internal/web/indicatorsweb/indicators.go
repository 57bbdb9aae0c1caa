package indicatorsweb

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/clock"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
	"github.com/xinzhi-platform/xinzhi/internal/web/charts"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// Params reads as_of, from, by and district; a bad date is refused beside
// its field. Without as_of the figures are as of the site's data date
// (Site.AsOf: the demo city's last day), else as of today. The cockpit
// reads its figures' date the same way.
func Params(s *site.Site, r *http.Request) (metric.Params, error) {
	var p metric.Params
	q := r.URL.Query()
	for _, x := range []struct {
		name string
		t    *time.Time
	}{{"as_of", &p.AsOf}, {"from", &p.From}} {
		if v := q.Get(x.name); v != "" {
			t, err := time.ParseInLocation(time.DateOnly, v, site.Shanghai)
			if err != nil {
				return p, problem.Invalid(x.name, "metric.date", v)
			}
			*x.t = t
		}
	}
	p.By = q.Get("by")
	if d := q.Get("district"); d != "" {
		if _, ok := stdcode.LookupDivision(d); !ok || !strings.HasPrefix(d, "2101") {
			return p, problem.Invalid("district", "metric.district_unknown", d)
		}
		p.District = []string{d}
	}
	if p.AsOf.IsZero() && !s.AsOf.IsZero() {
		p.AsOf = s.AsOf
	}
	return p, nil
}

// nameCodes puts names in the reader's language for the codes a record
// list carries: stages (PROGRAM:STAGE, named by the program's template),
// outcome kinds and problem statuses.
func (s *area) nameCodes(ctx context.Context, lang string, recs metric.Records) error {
	templates := map[string]*program.Template{}
	for c, col := range recs.Columns {
		for _, row := range recs.Rows {
			v := row[c]
			switch col {
			case "record.stage":
				key, stage, ok := strings.Cut(v, ":")
				if !ok {
					continue
				}
				t, seen := templates[key]
				if !seen {
					pub, err := program.Latest(ctx, s.DB, key)
					if err != nil {
						return err
					}
					t, templates[key] = pub.Template, pub.Template
				}
				row[c] = stageName(t, stage, lang)
			case "record.kind":
				if i18n.Has("outcome.kind." + v) {
					row[c] = i18n.T(lang, "outcome.kind."+v)
				}
			case "record.level":
				if i18n.Has("outcome.status." + v) {
					row[c] = i18n.T(lang, "outcome.status."+v)
				}
			}
		}
	}
	return nil
}

// Label is an indicator's name and unit in lang.
func Label(d *metric.Definition, lang string) (string, string) {
	if lang == i18n.EN {
		name, unit := d.NameEN, d.UnitEN
		if name == "" {
			name = d.Name
		}
		if unit == "" {
			unit = d.Unit
		}
		return name, unit
	}
	return d.Name, d.Unit
}

// Row is an indicator with its value, for lists and the cockpit.
type Row struct {
	ID, Name, Unit, Window string
	Value                  float64
	Records                int
	Err                    string
	Undefined              bool // a ratio over zero
}

// Figures evaluates the indicators ids as of p (its date, period and
// district) for r's reader; one that fails says so in its row.
func Figures(s *site.Site, r *http.Request, ids []string, p metric.Params) []Row {
	lang := site.Info(r).Lang
	var out []Row
	for _, id := range ids {
		d, ok := s.Indicators.Get(id)
		if !ok {
			continue
		}
		name, unit := Label(d, lang)
		row := Row{ID: id, Name: name, Unit: unit, Window: d.Window}
		res, err := s.Evals.Eval(r.Context(), s.DB, s.Indicators, id, metric.Params{AsOf: p.AsOf, From: p.From, District: p.District})
		if err != nil {
			s.Log.Warn("indicator", "id", id, "err", err)
			row.Err = i18n.T(lang, "metric.failed")
		}
		row.Value, row.Records, row.Undefined = res.Value, res.Records, res.Undefined
		out = append(out, row)
	}
	return out
}

// metricsData is the list of indicators as of a date.
type metricsData struct {
	AsOf string
	Rows []Row
}

func (s *area) metricsPage(w http.ResponseWriter, r *http.Request) error {
	r = r.WithContext(audit.ReadOnly(r.Context())) // the generation the cached figures key on, read once
	p, err := Params(s.Site, r)
	if err != nil {
		return err
	}
	var ids []string
	for _, d := range s.Indicators.All() {
		ids = append(ids, d.ID)
	}
	d := metricsData{AsOf: AsOfText(p), Rows: Figures(s.Site, r, ids, p)}
	return s.pages.Render(w, http.StatusOK, "metrics", s.NewPage(w, r, "metrics.title", d))
}

// AsOfText is the day figures evaluated with p are as of.
func AsOfText(p metric.Params) string {
	if p.AsOf.IsZero() {
		return clock.Today(context.Background()) // no pinned date: the day in China
	}
	return p.AsOf.Format(time.DateOnly)
}

// metricData is one indicator: its figure, breakdown chart and records.
type metricData struct {
	Def     *metric.Definition
	Name    string
	Unit    string
	Result  metric.Result
	Records metric.Records
	Chart   string
	Export  string // the export link: the same date, period, district and breakdown
	Dims    []string
	Parts   []partRow
	Groups  []partRow // the breakdown, in the chart's order
}

type partRow struct {
	ID, Name string
	Value    float64
}

func (s *area) evalRequest(r *http.Request) (*metricData, error) {
	id := r.PathValue("id")
	def, ok := s.Indicators.Get(id)
	if !ok {
		return nil, fmt.Errorf("indicator %q: %w", id, problem.ErrNotFound)
	}
	p, err := Params(s.Site, r)
	if err != nil {
		return nil, err
	}
	if p.By != "" && !slices.Contains(def.Dimensions, p.By) {
		return nil, problem.Invalid("by", "metric.by", p.By)
	}
	p.Records = true // the page, the export and the API list what stands behind the figure
	res, err := s.Evals.Eval(r.Context(), s.DB, s.Indicators, id, p)
	if err != nil {
		return nil, err
	}
	d := &metricData{Def: def, Result: res, Dims: def.Dimensions}
	d.Name, d.Unit = Label(def, site.Info(r).Lang)
	if d.Records, err = metric.ListRecords(r.Context(), s.DB, s.Indicators, res); err != nil {
		return nil, err
	}
	if err := s.nameCodes(r.Context(), site.Info(r).Lang, d.Records); err != nil {
		return nil, err
	}
	for k, v := range res.Parts {
		name := k
		if pd, ok := s.Indicators.Get(k); ok {
			name, _ = Label(pd, site.Info(r).Lang)
		}
		d.Parts = append(d.Parts, partRow{ID: k, Name: name, Value: v})
	}
	sort.Slice(d.Parts, func(i, j int) bool { return d.Parts[i].ID < d.Parts[j].ID })
	q := site.Kept(r.URL.Query(), "by", "district")
	q.Set("as_of", res.AsOf)
	if !p.From.IsZero() {
		q.Set("from", p.From.Format(time.DateOnly))
	}
	d.Export = site.Link("/indicators/"+def.ID+"/export", q)
	if len(res.Groups) > 0 {
		keys := make([]string, 0, len(res.Groups))
		for k := range res.Groups {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			a, b := res.Groups[keys[i]], res.Groups[keys[j]]
			return a > b || (a == b && keys[i] < keys[j]) // ties in a fixed order, so page and export agree
		})
		labels, vals := make([]string, len(keys)), make([]float64, len(keys))
		for i, k := range keys {
			labels[i], vals[i] = groupLabel(p.By, k, site.Info(r).Lang), res.Groups[k]
			d.Groups = append(d.Groups, partRow{ID: k, Name: labels[i], Value: vals[i]})
		}
		opt := map[string]any{
			"tooltip": map[string]any{"trigger": "axis"},
			"grid":    map[string]any{"left": 20, "right": 20, "top": 30, "bottom": 30, "containLabel": true},
			"xAxis":   charts.CategoryAxis(labels),
			"yAxis":   map[string]any{"type": "value", "name": d.Unit},
			"series":  []any{map[string]any{"type": "bar", "data": vals, "name": d.Name}},
		}
		b, err := json.Marshal(opt)
		if err != nil {
			return nil, err
		}
		d.Chart = string(b)
	}
	return d, nil
}

func groupLabel(by, key, lang string) string {
	if key == "" {
		return i18n.T(lang, "metric.none")
	}
	if by == "district" {
		return site.DistrictName(key, lang)
	}
	return key
}

func (s *area) metricPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.evalRequest(r)
	if err != nil {
		return err
	}
	return s.pages.Render(w, http.StatusOK, "metric", s.NewPage(w, r, "metric.title", d))
}

// metricExport writes the figure with its definition and the records
// behind it as .xlsx.
func (s *area) metricExport(w http.ResponseWriter, r *http.Request) error {
	d, err := s.evalRequest(r)
	if err != nil {
		return err
	}
	lang := site.Info(r).Lang
	T := func(k string) string { return i18n.T(lang, k) }
	def := tabular.Sheet{Name: T("metric.definition"), Header: []string{T("metric.field"), T("metric.value_col")}, Rows: [][]any{
		{T("metric.id"), d.Def.ID}, {T("metric.name"), d.Name}, {T("metric.value"), d.Result.Value}, {T("metric.unit"), d.Unit},
		{T("metric.as_of"), d.Result.AsOf}, {T("metric.period"), d.Result.From + " — " + d.Result.To}, {T("metric.records"), d.Result.Records},
		{T("metric.model"), d.Def.Model}, {T("metric.window"), d.Def.Window}, {T("metric.measure"), d.Def.Measure}, {T("metric.description"), d.Def.Description},
	}}
	recs := tabular.Sheet{Name: T("metric.records"), Rows: [][]any{}}
	for _, c := range d.Records.Columns {
		recs.Header = append(recs.Header, T(c))
	}
	for _, row := range d.Records.Rows {
		cells := make([]any, len(row))
		for i, c := range row {
			cells[i] = c
		}
		recs.Rows = append(recs.Rows, cells)
	}
	sheets := []tabular.Sheet{def}
	if len(d.Groups) > 0 { // the breakdown the page charts, in its order
		by := tabular.Sheet{Name: T("metric.breakdown"), Header: []string{T("metric.dim." + d.Result.By), T("metric.value")}}
		for _, g := range d.Groups {
			by.Rows = append(by.Rows, []any{g.Name, g.Value})
		}
		sheets = append(sheets, by)
	}
	if len(recs.Header) > 0 {
		sheets = append(sheets, recs)
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s.xlsx"`, d.Def.ID, d.Result.AsOf))
	return tabular.WriteXLSX(w, sheets...)
}

// apiMetrics lists the indicators.
func (s *area) apiMetrics(w http.ResponseWriter, r *http.Request) error {
	out := []map[string]any{}
	for _, d := range s.Indicators.All() {
		dims := d.Dimensions
		if dims == nil {
			dims = []string{} // a list, as the document says, not null
		}
		out = append(out, map[string]any{"id": d.ID, "name": d.Name, "name_en": d.NameEN, "unit": d.Unit, "kind": d.Kind,
			"model": d.Model, "window": d.Window, "period": d.Period, "dimensions": dims})
	}
	return site.WriteJSON(w, http.StatusOK, map[string]any{"items": out})
}

// apiMetric evaluates one indicator: ?as_of=YYYY-MM-DD&from=…&by=…; with
// records=1 the records behind it come too.
func (s *area) apiMetric(w http.ResponseWriter, r *http.Request) error {
	d, err := s.evalRequest(r)
	if err != nil {
		return err
	}
	out := map[string]any{"id": d.Result.ID, "name": d.Result.Name, "unit": d.Result.Unit, "value": d.Result.Value, "as_of": d.Result.AsOf,
		"records": d.Result.Records, "from": d.Result.From, "to": d.Result.To, "groups": d.Result.Groups, "parts": d.Result.Parts}
	if v, _ := strconv.ParseBool(r.URL.Query().Get("records")); v {
		out["record_list"] = d.Records
	}
	return site.WriteJSON(w, http.StatusOK, out)
}

// stageName names a program's stage in lang (its key when the template
// has no such stage).
func stageName(t *program.Template, key, lang string) string {
	if st, ok := t.Stage(key); ok {
		if lang == i18n.EN && st.NameEN != "" {
			return st.NameEN
		}
		return st.Name
	}
	return key
}
