package metric

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/expr-lang/expr"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// cst is the bureau's calendar: periods start and end at midnight in China
// Standard Time.
var cst = time.FixedZone("CST", 8*3600)

// Params say when and how to evaluate.
type Params struct {
	AsOf time.Time // the day the figure is as of (its end included); zero: today
	From time.Time // optional: the start of a custom period (new windows)
	By   string    // optional: a dimension to break the figure down by
	// District limits the records to organisations of these GB/T 2260
	// districts (the cockpit's district filter).
	District []string
	// Records asks for the records behind the figure; without it a count of
	// one program stage is read from the daily summary (stage_daily).
	Records bool
	// Full forces evaluation over the records even where the summary would
	// answer (to check one against the other).
	Full bool
}

// Result is a figure with what stands behind it.
type Result struct {
	ID        string             `json:"id"`
	Name      string             `json:"name"`
	Unit      string             `json:"unit,omitempty"`
	Value     float64            `json:"value"`               // unrounded
	Undefined bool               `json:"undefined,omitempty"` // a ratio or growth over zero: no figure (shown as —)
	AsOf      string             `json:"as_of"`
	From      string             `json:"from,omitempty"` // the period of a new window
	To        string             `json:"to,omitempty"`
	Records   int                `json:"records"` // how many records stand behind the figure
	IDs       []int64            `json:"-"`       // those records (projects, recognitions, organisations, outcomes)
	Model     string             `json:"model,omitempty"`
	By        string             `json:"by,omitempty"`
	Groups    map[string]float64 `json:"groups,omitempty"`
	Parts     map[string]float64 `json:"parts,omitempty"` // ratios, growth and derived: the figures combined
}

// day truncates to the CST date.
func day(t time.Time) time.Time {
	t = t.In(cst)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, cst)
}

// span is the half-open interval [from, to) of a new window ending on as-of.
func span(period string, asOf, from time.Time) (time.Time, time.Time) {
	end := asOf.AddDate(0, 0, 1)
	if !from.IsZero() {
		return day(from), end
	}
	y, m := asOf.Year(), asOf.Month()
	switch period {
	case "year":
		return time.Date(y, 1, 1, 0, 0, 0, 0, cst), end
	case "half":
		if m <= 6 {
			return time.Date(y, 1, 1, 0, 0, 0, 0, cst), end
		}
		return time.Date(y, 7, 1, 0, 0, 0, 0, cst), end
	case "quarter":
		return time.Date(y, (m-1)/3*3+1, 1, 0, 0, 0, 0, cst), end
	case "month":
		return time.Date(y, m, 1, 0, 0, 0, 0, cst), end
	}
	return time.Date(1, 1, 1, 0, 0, 0, 0, cst), end
}

// Eval evaluates indicator id of set s.
func Eval(ctx context.Context, q store.Querier, s *Set, id string, p Params) (Result, error) {
	d, ok := s.Get(id)
	if !ok {
		return Result{}, fmt.Errorf("indicator %q is not defined", id)
	}
	if p.AsOf.IsZero() {
		p.AsOf = store.Now()
	}
	p.AsOf = day(p.AsOf)
	r := Result{ID: d.ID, Name: d.Name, Unit: d.Unit, AsOf: p.AsOf.Format(time.DateOnly), Model: d.Model, By: p.By}
	switch d.Kind {
	case "simple":
		if summarised(d, p) {
			v, from, to, err := fromSummary(ctx, q, d, p)
			if err != nil {
				return r, fmt.Errorf("indicator %s: %w", d.ID, err)
			}
			if d.Window == "new" {
				r.From, r.To = from.Format(time.DateOnly), to.AddDate(0, 0, -1).Format(time.DateOnly)
			}
			r.Value, r.Records = v, int(v)
			return r, nil
		}
		rows, from, to, err := fetch(ctx, q, d, p)
		if err != nil {
			return r, fmt.Errorf("indicator %s: %w", d.ID, err)
		}
		if d.Window == "new" {
			r.From, r.To = from.Format(time.DateOnly), to.AddDate(0, 0, -1).Format(time.DateOnly)
		}
		r.Value, r.IDs, r.Groups = measure(d.Measure, rows, p.By != "")
		r.Records = len(r.IDs)
	case "ratio": // broken down, each group's ratio is its numerator's over its denominator's (a group without a denominator has none)
		num, err := Eval(ctx, q, s, d.Numerator, Params{AsOf: p.AsOf, From: p.From, District: p.District, By: p.By})
		if err != nil {
			return r, err
		}
		den, err := Eval(ctx, q, s, d.Denominator, Params{AsOf: p.AsOf, From: p.From, District: p.District, By: p.By})
		if err != nil {
			return r, err
		}
		scale := d.Scale
		if scale == 0 {
			scale = 1
		}
		if den.Value != 0 {
			r.Value = num.Value / den.Value * scale
		} else {
			r.Undefined = true
		}
		if p.By != "" {
			r.Groups = map[string]float64{}
			for k, v := range den.Groups {
				if v != 0 {
					r.Groups[k] = num.Groups[k] / v * scale
				}
			}
		}
		r.Parts = map[string]float64{d.Numerator: num.Value, d.Denominator: den.Value}
		r.IDs, r.Records = num.IDs, num.Records
	case "growth":
		cur, prev, err := growthPair(ctx, q, s, d.Of, p)
		if err != nil {
			return r, err
		}
		if prev != 0 {
			r.Value = (cur - prev) / prev * 100
		} else {
			r.Undefined = true
		}
		r.Parts = map[string]float64{"current": cur, "previous": prev}
	case "derived":
		env := map[string]any{}
		r.Parts = map[string]float64{}
		for _, ref := range d.refs() {
			x, err := Eval(ctx, q, s, ref, Params{AsOf: p.AsOf, From: p.From, District: p.District})
			if err != nil {
				return r, err
			}
			env[ref] = x.Value
			r.Parts[ref] = x.Value
		}
		out, err := expr.Eval(d.Expr, env)
		if err != nil {
			return r, fmt.Errorf("indicator %s: %w", d.ID, err)
		}
		switch v := out.(type) {
		case float64:
			r.Value = v
		case int:
			r.Value = float64(v)
		default:
			return r, fmt.Errorf("indicator %s: expr gives %T, not a number", d.ID, out)
		}
	}
	return r, nil
}

// growthPair evaluates an indicator now and a year before, on the same
// scope: for yearly figures, only the organisations that report both years.
func growthPair(ctx context.Context, q store.Querier, s *Set, id string, p Params) (float64, float64, error) {
	d, _ := s.Get(id)
	before := Params{AsOf: p.AsOf.AddDate(-1, 0, 0), District: p.District}
	if !p.From.IsZero() {
		before.From = p.From.AddDate(-1, 0, 0)
	}
	if d.Kind != "simple" || d.Model != "figures" {
		cur, err := Eval(ctx, q, s, id, Params{AsOf: p.AsOf, From: p.From, District: p.District})
		if err != nil {
			return 0, 0, err
		}
		prev, err := Eval(ctx, q, s, id, before)
		return cur.Value, prev.Value, err
	}
	curRows, _, _, err := fetch(ctx, q, d, Params{AsOf: p.AsOf, District: p.District})
	if err != nil {
		return 0, 0, err
	}
	prevRows, _, _, err := fetch(ctx, q, d, before)
	if err != nil {
		return 0, 0, err
	}
	both := map[int64]bool{}
	for _, r := range prevRows {
		both[r.id] = true
	}
	var cur, prev float64
	inCur := map[int64]bool{}
	for _, r := range curRows {
		if both[r.id] {
			cur += r.value
			inCur[r.id] = true
		}
	}
	for _, r := range prevRows {
		if inCur[r.id] {
			prev += r.value
		}
	}
	return cur, prev, nil
}

// row is one record behind a figure: its id, its organisation, the value it
// adds, and its value of the dimension asked for.
type row struct {
	id, org int64
	value   float64
	group   string
}

// measure aggregates rows: a record counts once in the total, and once in
// each group it belongs to.
func measure(m string, rows []row, grouped bool) (float64, []int64, map[string]float64) {
	seen := map[int64]bool{}
	orgs := map[int64]bool{}
	var ids []int64
	total := 0.0
	for _, r := range rows {
		if seen[r.id] {
			continue
		}
		seen[r.id] = true
		ids = append(ids, r.id)
		total += r.value
		orgs[r.org] = true
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	var value float64
	switch m {
	case "count":
		value = float64(len(ids))
	case "distinct_organisations":
		delete(orgs, 0)
		value = float64(len(orgs))
	case "rises":
		var n int
		n, ids = rises(rows)
		value = float64(n)
	default:
		value = total
	}
	if !grouped {
		return value, ids, nil
	}
	groups := map[string]float64{}
	gseen := map[string]map[int64]bool{}
	for _, r := range rows {
		if gseen[r.group] == nil {
			gseen[r.group] = map[int64]bool{}
		}
		key := r.id
		if m == "distinct_organisations" {
			key = r.org
		}
		if gseen[r.group][key] {
			continue
		}
		gseen[r.group][key] = true
		switch m {
		case "count", "distinct_organisations":
			groups[r.group]++
		default:
			groups[r.group] += r.value
		}
	}
	return value, ids, groups
}

// Round1 rounds a share or a growth rate to one decimal place, as Chinese
// statistics publish them; figures are stored unrounded and rounded only for
// display.
func Round1(x float64) float64 { return math.Round(x*10) / 10 }

// rises reads a ranking's editions (row ids order them by year, the value
// is the place) back from the latest: how many in a row placed higher (a
// smaller place) than the edition before, with the editions that show it
// (the streak's and the one it started from; the latest alone when the
// city did not rise in it).
func rises(rows []row) (int, []int64) {
	byID := map[int64]float64{}
	for _, r := range rows {
		byID[r.id] = r.value
	}
	ids := make([]int64, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	n := 0
	for i := len(ids) - 1; i > 0 && byID[ids[i]] < byID[ids[i-1]]; i-- {
		n++
	}
	return n, ids[len(ids)-1-n:]
}
