package bench

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/democity"
	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/report"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/reports"
)

func asOf() time.Time {
	t, _ := time.ParseInLocation(time.DateOnly, democity.AsOf, cst)
	return t
}

// reply renders the seed reply (every figure with its records) against
// hand-written SQL computing the same figures; the baseline's figures must
// equal the report's.
func reply(ctx context.Context, cfg Config, db *store.DB, set *metric.Set, add func(Row)) error {
	tpls, err := report.LoadTemplates(reports.Files)
	if err != nil {
		return err
	}
	tpl := tpls["seed-reply"]
	var out report.Issued
	ours, err := timeIt(5, func() error {
		var err error
		out, err = report.Render(ctx, db, set, tpl, asOf())
		return err
	})
	if err != nil {
		return err
	}
	type fig struct {
		id       string
		asOf     time.Time
		from     time.Time
		expected float64
	}
	var figs []fig
	for key, f := range out.Figures {
		if f.By != "" {
			continue
		}
		id, period, _ := strings.Cut(key, "#")
		g := fig{id: id, asOf: asOf(), expected: f.Value}
		if period != "" {
			from, to, _ := report.Period(period)
			g.from, g.asOf = from, to
		}
		figs = append(figs, g)
	}
	base, err := timeIt(5, func() error {
		for _, f := range figs {
			v, err := handSQL(ctx, db, set, f.id, f.asOf, f.from)
			if err != nil {
				return err
			}
			if !same(v, f.expected) {
				return fmt.Errorf("baseline disagrees on %s: %v, the report %v", f.id, v, f.expected)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	add(Row{What: fmt.Sprintf("render the seed reply (%d figures with records)", len(figs)), Value: ms(ours), Baseline: ms(base), Ratio: ratio(ours, base)})
	return nil
}

func same(a, b float64) bool {
	d := a - b
	return d < 1e-6 && d > -1e-6
}

// heaviest finds the indicator slowest to recompute over the records and
// times it (recomputed, and as the cockpit reads it) against its
// hand-written SQL.
func heaviest(ctx context.Context, cfg Config, db *store.DB, set *metric.Set, add func(Row)) error {
	var slow string
	var worst time.Duration
	for _, d := range set.All() {
		if d.Kind != "simple" {
			continue
		}
		t := time.Now()
		if _, err := metric.Eval(ctx, db, set, d.ID, metric.Params{AsOf: asOf(), Full: true}); err != nil {
			return err
		}
		if el := time.Since(t); el > worst {
			slow, worst = d.ID, el
		}
	}
	var want float64
	full, err := timeIt(5, func() error {
		r, err := metric.Eval(ctx, db, set, slow, metric.Params{AsOf: asOf(), Full: true})
		want = r.Value
		return err
	})
	if err != nil {
		return err
	}
	fast, err := timeIt(5, func() error {
		_, err := metric.Eval(ctx, db, set, slow, metric.Params{AsOf: asOf()})
		return err
	})
	if err != nil {
		return err
	}
	base, err := timeIt(5, func() error {
		v, err := handSQL(ctx, db, set, slow, asOf(), time.Time{})
		if err == nil && !same(v, want) {
			err = fmt.Errorf("baseline disagrees on %s: %v, the engine %v", slow, v, want)
		}
		return err
	})
	if err != nil {
		return err
	}
	add(Row{What: "heaviest indicator (" + slow + "), recomputed over the records", Value: ms(full), Baseline: ms(base), Ratio: ratio(full, base)})
	add(Row{What: "heaviest indicator (" + slow + "), as the cockpit reads it", Value: ms(fast), Baseline: ms(base), Ratio: ratio(fast, base)})
	return nil
}
