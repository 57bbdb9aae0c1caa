// Package report renders report templates, texts whose figures are
// placeholders for indicators ({{fig "smart_factory_total"}}), as of a
// date, and freezes issued reports: each keeps the figures it printed and
// the records behind them, can be reopened as issued and compared with a
// fresh run that names what moved.
package report

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"math"
	"sort"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Template is a report template: a title and a body in Go template syntax
// whose functions print figures.
type Template struct {
	ID    string
	Title string
	Body  string
}

// LoadTemplates reads *.txt files of fsys: the first line is the title,
// the rest the body; the file name without .txt is the id.
func LoadTemplates(fsys fs.FS) (map[string]Template, error) {
	names, err := fs.Glob(fsys, "*.txt")
	if err != nil {
		return nil, err
	}
	out := map[string]Template{}
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		title, body, _ := strings.Cut(string(b), "\n")
		id := strings.TrimSuffix(n, ".txt")
		out[id] = Template{ID: id, Title: strings.TrimSpace(title), Body: body}
	}
	return out, nil
}

// Period reads a period a report's text names: "2024" (the year) or
// "2025H1" / "2025H2" (a half year), as its first day and last day.
func Period(s string) (from, to time.Time, ok bool) {
	y, err := strconv.Atoi(s[:min(4, len(s))])
	if err != nil || y < 1900 || y > 2999 {
		return from, to, false
	}
	switch s[4:] {
	case "":
		return time.Date(y, 1, 1, 0, 0, 0, 0, cst), time.Date(y, 12, 31, 0, 0, 0, 0, cst), true
	case "H1":
		return time.Date(y, 1, 1, 0, 0, 0, 0, cst), time.Date(y, 6, 30, 0, 0, 0, 0, cst), true
	case "H2":
		return time.Date(y, 7, 1, 0, 0, 0, 0, cst), time.Date(y, 12, 31, 0, 0, 0, 0, cst), true
	}
	return from, to, false
}

// Figure is one figure as printed: its value and what stands behind it.
type Figure struct {
	ID        string             `json:"id"`
	Name      string             `json:"name"`
	Unit      string             `json:"unit,omitempty"`
	Value     float64            `json:"value"`
	AsOf      string             `json:"as_of"`
	From      string             `json:"from,omitempty"`
	To        string             `json:"to,omitempty"`
	Model     string             `json:"model,omitempty"`
	Records   []int64            `json:"records"`
	Undefined bool               `json:"undefined,omitempty"` // a ratio over zero: printed as —
	By        string             `json:"by,omitempty"`        // a table: the dimension
	Groups    map[string]float64 `json:"groups,omitempty"`    // a table: the value of each group
}

// Issued is a rendered report: frozen once stored.
type Issued struct {
	ID       string            `json:"id"`
	Template string            `json:"template"`
	Title    string            `json:"title"`
	AsOf     string            `json:"as_of"`
	IssuedAt string            `json:"issued_at"`
	IssuedBy string            `json:"issued_by"`
	Figures  map[string]Figure `json:"figures"`
	Body     string            `json:"body"` // the text with figures printed

	// The letter's closing and reference, as GB/T 9704 sets them (see
	// docx.go); empty ones take defaults from the report (Closing).
	Unit      string `json:"unit,omitempty"`       // issuing unit (发文机关署名), default DefaultUnit
	DocNumber string `json:"doc_number,omitempty"` // 发文字号, e.g. 沈科提字〔2025〕17号; none when empty
	Contact   string `json:"contact,omitempty"`    // 联系人及电话, e.g. 联系人：李明，电话：024-22851234
	Date      string `json:"date,omitempty"`       // 成文日期 YYYY-MM-DD, default the day issued (or as of)
}

// UnresolvedError names the placeholders a template could not fill.
type UnresolvedError struct{ IDs []string }

func (e *UnresolvedError) Error() string {
	return "unresolved placeholders: " + strings.Join(e.IDs, ", ")
}

// Render fills the template's figures as of asOf.
func Render(ctx context.Context, q store.Querier, set *metric.Set, tpl Template, asOf time.Time) (Issued, error) {
	out := Issued{Template: tpl.ID, Title: tpl.Title, AsOf: asOf.Format(time.DateOnly), Figures: map[string]Figure{}}
	var missing []string
	var evalErr error
	// get evaluates a figure as of the report's date, or over a named
	// period ("2024": that year; "2025H1": that half year) when the text
	// speaks of one.
	get := func(id string, period ...string) (Figure, bool) {
		key := id
		p := metric.Params{AsOf: asOf, Records: true}
		if len(period) > 0 && period[0] != "" {
			key = id + "#" + period[0]
			from, to, ok := Period(period[0])
			if !ok {
				evalErr = errors.Join(evalErr, fmt.Errorf("figure %s: period %q is not YYYY or YYYYH1/H2", id, period[0]))
				return Figure{}, false
			}
			p.From, p.AsOf = from, to
			if asOf.Before(to) {
				p.AsOf = asOf
			}
		}
		if f, ok := out.Figures[key]; ok {
			return f, true
		}
		if _, ok := set.Get(id); !ok {
			missing = append(missing, id)
			return Figure{}, false
		}
		r, err := metric.Eval(ctx, q, set, id, p)
		if err != nil {
			evalErr = errors.Join(evalErr, err)
			return Figure{}, false
		}
		f := Figure{ID: id, Name: r.Name, Unit: r.Unit, Value: r.Value, AsOf: r.AsOf, From: r.From, To: r.To, Model: r.Model, Records: r.IDs, Undefined: r.Undefined}
		if f.Records == nil {
			f.Records = []int64{}
		}
		out.Figures[key] = f
		return f, true
	}
	funcs := template.FuncMap{
		"fig": func(id string, period ...string) string { // the figure as the letter writes it: 61, 1,400, 6.4
			f, ok := get(id, period...)
			if !ok {
				return "{{" + id + "}}"
			}
			if f.Undefined {
				return "—"
			}
			return Plain(f.Value)
		},
		"yi": func(id string, period ...string) string { // in 亿 (1e8), one decimal
			f, ok := get(id, period...)
			if !ok {
				return "{{" + id + "}}"
			}
			return Plain(math.Round(f.Value/1e7) / 10)
		},
		"wan": func(id string, period ...string) string { // in 万 (1e4), one decimal
			f, ok := get(id, period...)
			if !ok {
				return "{{" + id + "}}"
			}
			return Plain(math.Round(f.Value/1e3) / 10)
		},
		"pct": func(id string, period ...string) string { // a share or growth, one decimal
			f, ok := get(id, period...)
			if !ok {
				return "{{" + id + "}}"
			}
			if f.Undefined {
				return "—"
			}
			return strconv.FormatFloat(metric.Round1(f.Value), 'f', 1, 64)
		},
		"approx": func(id string, period ...string) string { // rounded in its unit: 4.5万 (see Approx)
			f, ok := get(id, period...)
			if !ok {
				return "{{" + id + "}}"
			}
			if f.Undefined {
				return "—"
			}
			return Approx(f.Value)
		},
		"over": func(id string, period ...string) string { // a floor it passes: 超2万, 30余 (see Over)
			f, ok := get(id, period...)
			if !ok {
				return "{{" + id + "}}"
			}
			if f.Undefined {
				return "—"
			}
			return Over(f.Value)
		},
		"zh": func(id string, period ...string) string { // a count in Chinese numerals: 四 (see ZH)
			f, ok := get(id, period...)
			if !ok {
				return "{{" + id + "}}"
			}
			if f.Undefined {
				return "—"
			}
			return ZH(f.Value)
		},
		// recorded says whether records stand behind a fact as of the
		// report's date ({{if recorded "x"}}…{{end}}): a clause the letter
		// states without a number is printed only then, and its records
		// join the report's figures.
		"recorded": func(id string, period ...string) bool {
			f, ok := get(id, period...)
			return ok && !f.Undefined && f.Value > 0
		},
	}
	// The period words follow the as-of date (see ReportPeriod, LastYear):
	// {{periodName}} names the period the report covers, {{period}} is its
	// key for the figures counted over it ({{fig "x" period}}), {{lastYear}}
	// the last complete year, for words and figures alike.
	reportKey, reportWords := ReportPeriod(asOf)
	funcs["period"] = func() string { return reportKey }
	funcs["periodName"] = func() string { return reportWords }
	funcs["lastYear"] = func() string { return LastYear(asOf) }
	// table prints a breakdown as lines starting with "|": the first the
	// header, then a line per group, largest first; HTML and DOCX draw them
	// as a table.
	funcs["table"] = func(id, by string) string {
		key := id + "@" + by
		f, ok := out.Figures[key]
		if !ok {
			if _, known := set.Get(id); !known {
				missing = append(missing, id)
				return "{{" + id + "}}"
			}
			r, err := metric.Eval(ctx, q, set, id, metric.Params{AsOf: asOf, By: by, Records: true})
			if err != nil {
				evalErr = errors.Join(evalErr, err)
				return ""
			}
			f = Figure{ID: id, Name: r.Name, Unit: r.Unit, Value: r.Value, AsOf: r.AsOf, From: r.From, To: r.To, Model: r.Model, Records: r.IDs, By: by, Groups: r.Groups}
			if f.Records == nil {
				f.Records = []int64{}
			}
			out.Figures[key] = f
		}
		keys := make([]string, 0, len(f.Groups))
		for k := range f.Groups {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if f.Groups[keys[i]] != f.Groups[keys[j]] {
				return f.Groups[keys[i]] > f.Groups[keys[j]]
			}
			return keys[i] < keys[j]
		})
		var b strings.Builder
		b.WriteString("\n|" + dimensionLabel(by) + "|" + f.Name + "（" + f.Unit + "）|\n")
		for _, k := range keys {
			b.WriteString("|" + groupName(by, k) + "|" + Number(f.Groups[k]) + "|\n")
		}
		return b.String()
	}
	// chart is a breakdown drawn as bars (HTML) above its table; DOCX and
	// the plain text keep the table.
	table := funcs["table"].(func(string, string) string)
	funcs["chart"] = func(id, by string) string { return "\n" + chartMark + table(id, by) }
	t, err := template.New(tpl.ID).Funcs(funcs).Option("missingkey=error").Parse(tpl.Body)
	if err != nil {
		return out, fmt.Errorf("report template %s: %w", tpl.ID, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, nil); err != nil {
		return out, fmt.Errorf("report %s: %w", tpl.ID, err)
	}
	if evalErr != nil {
		return out, evalErr
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return out, &UnresolvedError{IDs: missing}
	}
	out.Body = b.String()
	return out, nil
}

// Plain prints a figure in running text as official documents do: no digit
// grouping (1400户, 98621名), one decimal at most.
func Plain(x float64) string {
	if x == math.Trunc(x) && math.Abs(x) < 1e15 {
		return strconv.FormatInt(int64(x), 10)
	}
	return strconv.FormatFloat(metric.Round1(x), 'f', -1, 64)
}

// Number prints a figure without exponent, integers with thousands
// separators (tables); rounding happens only here, for display.
func Number(x float64) string {
	if x == math.Trunc(x) && math.Abs(x) < 1e15 {
		s := strconv.FormatInt(int64(math.Abs(x)), 10)
		var b strings.Builder
		for i, c := range s {
			if i > 0 && (len(s)-i)%3 == 0 {
				b.WriteByte(',')
			}
			b.WriteRune(c)
		}
		if x < 0 {
			return "-" + b.String()
		}
		return b.String()
	}
	return strconv.FormatFloat(metric.Round1(x), 'f', -1, 64)
}

// Issue renders and freezes a report.
func Issue(ctx context.Context, db *store.DB, set *metric.Set, tpl Template, asOf time.Time) (Issued, error) {
	rep, err := Render(ctx, db, set, tpl, asOf)
	if err != nil {
		return rep, err
	}
	err = db.InTx(ctx, func(tx *store.Tx) error { return Freeze(ctx, tx, &rep) })
	return rep, err
}

// Freeze stores a rendered report as issued, in tx, giving it its id and
// issue stamp: for a caller that issues a report as one step of its own
// write (a proposal's reply, frozen as it was signed).
func Freeze(ctx context.Context, tx *store.Tx, rep *Issued) error {
	id := make([]byte, 8)
	if _, err := rand.Read(id); err != nil {
		return err
	}
	rep.ID = hex.EncodeToString(id)
	rep.IssuedAt = store.Now().Format(time.RFC3339)
	rep.IssuedBy = audit.ActorFrom(ctx).Name
	figs, err := json.Marshal(rep.Figures)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO reports (id, template, title, as_of, issued_at, issued_by, figures, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		rep.ID, rep.Template, rep.Title, rep.AsOf, rep.IssuedAt, rep.IssuedBy, string(figs), rep.Body); err != nil {
		return fmt.Errorf("store report: %w", err)
	}
	return audit.Append(ctx, tx, audit.Change{Entity: "report", EntityID: rep.ID, Action: "issue", After: map[string]any{"template": rep.Template, "as_of": rep.AsOf, "figures": len(rep.Figures)}})
}

// Get reopens an issued report as it was issued.
func Get(ctx context.Context, q store.Querier, id string) (Issued, error) {
	var r Issued
	var figs string
	err := q.QueryRowContext(ctx, `SELECT id, template, title, as_of, issued_at, issued_by, figures, body FROM reports WHERE id = ?`, id).
		Scan(&r.ID, &r.Template, &r.Title, &r.AsOf, &r.IssuedAt, &r.IssuedBy, &figs, &r.Body)
	if err != nil {
		return r, fmt.Errorf("report %s: %w", id, problem.ErrNotFound)
	}
	return r, json.Unmarshal([]byte(figs), &r.Figures)
}

// List lists issued reports, newest first.
func List(ctx context.Context, q store.Querier) ([]Issued, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, template, title, as_of, issued_at, issued_by FROM reports ORDER BY issued_at DESC LIMIT 200`)
	if err != nil {
		return nil, fmt.Errorf("list reports: %w", err)
	}
	defer rows.Close()
	out := []Issued{}
	for rows.Next() {
		var r Issued
		if err := rows.Scan(&r.ID, &r.Template, &r.Title, &r.AsOf, &r.IssuedAt, &r.IssuedBy); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Change is a figure that moved between an issued report and a fresh run
// as of the same date: the values, and the records that joined or left.
type Change struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	Before  float64 `json:"before"`
	After   float64 `json:"after"`
	Added   []int64 `json:"added"`
	Removed []int64 `json:"removed"`
}

// Compare evaluates an issued report's figures afresh, as of the same date,
// and names each that moved with the records that explain it (records
// entered or corrected after the report was issued).
func Compare(ctx context.Context, q store.Querier, set *metric.Set, rep Issued) ([]Change, error) {
	asOf, err := time.Parse(time.DateOnly, rep.AsOf)
	if err != nil {
		return nil, err
	}
	var out []Change
	ids := make([]string, 0, len(rep.Figures))
	for id := range rep.Figures {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		was := rep.Figures[id]
		if was.By != "" {
			if _, also := rep.Figures[was.ID]; also {
				continue // the figure itself is compared
			}
			id = was.ID // a table compares like its figure
		}
		p := metric.Params{AsOf: asOf, Records: true}
		if base, period, ok := strings.Cut(id, "#"); ok { // a figure over a named period
			id = base
			from, to, _ := Period(period)
			p.From, p.AsOf = from, to
			if asOf.Before(to) {
				p.AsOf = asOf
			}
		}
		if _, ok := set.Get(id); !ok {
			out = append(out, Change{ID: id, Name: was.Name, Before: was.Value, Removed: was.Records})
			continue
		}
		now, err := metric.Eval(ctx, q, set, id, p)
		if err != nil {
			return nil, err
		}
		c := Change{ID: id, Name: was.Name, Before: was.Value, After: now.Value}
		c.Added, c.Removed = diffIDs(was.Records, now.IDs)
		if c.Before != c.After || len(c.Added) > 0 || len(c.Removed) > 0 {
			out = append(out, c)
		}
	}
	return out, nil
}

func diffIDs(before, after []int64) (added, removed []int64) {
	in := map[int64]bool{}
	for _, id := range before {
		in[id] = true
	}
	now := map[int64]bool{}
	for _, id := range after {
		now[id] = true
		if !in[id] {
			added = append(added, id)
		}
	}
	for _, id := range before {
		if !now[id] {
			removed = append(removed, id)
		}
	}
	return added, removed
}

// HTML is the issued report as a print-ready page body: a paragraph per
// line, and a table for each run of lines starting with "|".
func HTML(rep Issued) htmltemplate.HTML {
	var b strings.Builder
	for _, blk := range blocks(rep.Body) {
		if blk.rows == nil {
			b.WriteString("<p>" + htmltemplate.HTMLEscapeString(blk.text) + "</p>\n")
			continue
		}
		if blk.chart {
			b.WriteString(barChart(blk.rows))
		}
		b.WriteString("<table class=\"data report-table\">")
		for i, row := range blk.rows {
			tag := "td"
			if i == 0 {
				tag = "th"
			}
			b.WriteString("<tr>")
			for _, c := range row {
				b.WriteString("<" + tag + ">" + htmltemplate.HTMLEscapeString(c) + "</" + tag + ">")
			}
			b.WriteString("</tr>")
		}
		b.WriteString("</table>\n")
	}
	return htmltemplate.HTML(b.String())
}

// barChart draws a breakdown's rows (a header, then label and value) as
// horizontal bars in inline SVG: no script, so it prints and opens
// anywhere.
func barChart(rows [][]string) string {
	if len(rows) < 2 {
		return ""
	}
	type bar struct {
		label, text string
		v           float64
	}
	var bars []bar
	top := 0.0
	for _, r := range rows[1:] {
		if len(r) < 2 {
			continue
		}
		v, err := strconv.ParseFloat(strings.ReplaceAll(r[1], ",", ""), 64)
		if err != nil || v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		bars = append(bars, bar{r[0], r[1], v})
		top = math.Max(top, v)
	}
	if len(bars) == 0 {
		return ""
	}
	const rowH, labelW, barW = 24, 150, 360
	h := rowH*len(bars) + 8
	var b strings.Builder
	fmt.Fprintf(&b, `<figure class="report-chart"><svg xmlns="http://www.w3.org/2000/svg" role="img" width="%d" height="%d" viewBox="0 0 %d %d"><title>%s</title>`,
		labelW+barW+80, h, labelW+barW+80, h, htmltemplate.HTMLEscapeString(strings.Join(rows[0], " · ")))
	for i, x := range bars {
		w := 0.0
		if top > 0 {
			w = x.v / top * barW
		}
		y := 4 + i*rowH
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" font-size="12">%s</text><rect x="%d" y="%d" width="%.1f" height="%d" fill="#3b6fb6"></rect><text x="%.1f" y="%d" font-size="12">%s</text>`,
			labelW-6, y+16, htmltemplate.HTMLEscapeString(x.label), labelW, y+3, w, rowH-8, float64(labelW)+w+4, y+16, htmltemplate.HTMLEscapeString(x.text))
	}
	b.WriteString("</svg></figure>\n")
	return b.String()
}

// block is a paragraph, or a table (rows of cells), drawn as a chart too
// when chart is set.
type block struct {
	text  string
	rows  [][]string
	chart bool
}

// chartMark, on a line of its own, makes the table after it a chart.
const chartMark = "[[chart]]"

// blocks splits a rendered body into paragraphs and tables.
func blocks(body string) []block {
	var out []block
	chart := false
	for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case line == chartMark:
			chart = true
		case strings.HasPrefix(line, "|") && strings.HasSuffix(line, "|") && len(line) > 1:
			cells := strings.Split(strings.Trim(line, "|"), "|")
			if n := len(out); n > 0 && out[n-1].rows != nil && !chart {
				out[n-1].rows = append(out[n-1].rows, cells)
			} else {
				out = append(out, block{rows: [][]string{cells}, chart: chart})
				chart = false
			}
		default:
			out = append(out, block{text: line})
		}
	}
	return out
}

func dimensionLabel(by string) string {
	return map[string]string{"district": "区县", "cluster": "产业集群", "program": "项目类别", "level": "级别", "kind": "类别", "field": "技术领域"}[by]
}

func groupName(by, key string) string {
	if key == "" {
		return "（未填）"
	}
	if by == "district" {
		if d, ok := stdcode.LookupDivision(key); ok {
			return d.Name
		}
	}
	return key
}

func sortStrings(xs []string) { sort.Strings(xs) }
