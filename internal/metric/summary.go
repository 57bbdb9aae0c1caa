package metric

import (
	"context"
	"fmt"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// summarised reports whether the daily stage summary answers d exactly: a
// count of the records of programs at one stage, with no filter on the
// records, no breakdown and no list of records asked for.
func summarised(d *Definition, p Params) bool {
	w := d.Where
	return !p.Full && !p.Records && p.By == "" && len(p.District) == 0 && d.Model == "projects" && d.Measure == "count" && len(w.Stage) == 1 &&
		len(w.Data) == 0 && len(w.Tag) == 0 && len(w.Cluster) == 0 && len(w.District) == 0 && len(w.Size) == 0
}

// fromSummary reads the figure from stage_daily: records first reaching the
// stage in the period (new) or up to the date (cumulative), or entered less
// left up to the date (state).
func fromSummary(ctx context.Context, q store.Querier, d *Definition, p Params) (float64, time.Time, time.Time, error) {
	from, to := span(d.Period, p.AsOf, p.From)
	endDay := p.AsOf.AddDate(0, 0, 1).Format(time.DateOnly)
	var sum query
	sum.in("program", d.Where.Program)
	sum.where("stage = ?", d.Where.Stage[0])
	col := "first_reached"
	switch d.Window {
	case "new":
		sum.where("day >= ? AND day < ?", from.Format(time.DateOnly), to.Format(time.DateOnly))
	case "cumulative":
		sum.where("day < ?", endDay)
	case "state":
		sum.where("day < ?", endDay)
		col = "entered - exited"
	}
	var v float64
	err := q.QueryRowContext(ctx, `SELECT COALESCE(sum(`+col+`), 0) FROM stage_daily WHERE `+joinAnd(sum.conds), sum.args...).Scan(&v)
	if err != nil {
		return 0, from, to, fmt.Errorf("stage summary: %w", err)
	}
	return v, from, to, nil
}

func joinAnd(conds []string) string {
	out := ""
	for i, c := range conds {
		if i > 0 {
			out += " AND "
		}
		out += c
	}
	return out
}
