package bench

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

var cst = time.FixedZone("CST", 8*3600)

// handSQL is the baseline for a figure: the plainest SQL a developer
// would write by hand for it, straight over the records, with no summary
// table and no engine in between. Ratios are two such queries.
func handSQL(ctx context.Context, db *store.DB, set *metric.Set, id string, asOf, from time.Time) (float64, error) {
	d, ok := set.Get(id)
	if !ok {
		return 0, fmt.Errorf("no indicator %s", id)
	}
	if d.Kind == "ratio" {
		n, err := handSQL(ctx, db, set, d.Numerator, asOf, from)
		if err != nil {
			return 0, err
		}
		m, err := handSQL(ctx, db, set, d.Denominator, asOf, from)
		if err != nil || m == 0 {
			return 0, err
		}
		scale := d.Scale
		if scale == 0 {
			scale = 1
		}
		return n / m * scale, nil
	}
	if d.Kind != "simple" {
		return 0, fmt.Errorf("%s: no hand-written baseline for kind %s", id, d.Kind)
	}
	end := asOf.AddDate(0, 0, 1)
	if from.IsZero() {
		from = periodStart(d.Period, asOf)
	}
	w := d.Where
	var q string
	var args []any
	in := func(col string, vals []string) string {
		if len(vals) == 0 {
			return "1 = 1"
		}
		for _, v := range vals {
			args = append(args, v)
		}
		return col + " IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(vals)), ", ") + ")"
	}
	switch d.Model {
	case "projects":
		measure := "count(*)"
		switch {
		case d.Measure == "distinct_organisations":
			measure = "count(DISTINCT p.organisation_id)"
		case strings.HasPrefix(d.Measure, "sum:"):
			measure = "COALESCE(sum(p." + strings.TrimPrefix(d.Measure, "sum:") + "), 0)"
		}
		cond := in("t.key", w.Program)
		var reach string
		switch d.Window {
		case "new":
			reach = "p.id IN (SELECT e.project_id FROM project_events e WHERE " + in("e.to_stage", w.Stage) + " GROUP BY e.project_id HAVING min(e.at) >= ? AND min(e.at) < ?)"
			args = append(args, from.UTC(), end.UTC())
		case "cumulative":
			reach = "p.id IN (SELECT e.project_id FROM project_events e WHERE " + in("e.to_stage", w.Stage) + " AND e.at < ?)"
			args = append(args, end.UTC())
		default: // state: the stage of the last event before the end
			args = append(args, end.UTC())
			reach = "(SELECT e.to_stage FROM project_events e WHERE e.project_id = p.id AND e.at < ? ORDER BY e.at DESC, e.id DESC LIMIT 1) IN (" +
				strings.TrimSuffix(strings.Repeat("?, ", len(w.Stage)), ", ") + ")"
			for _, s := range w.Stage {
				args = append(args, s)
			}
		}
		q = "SELECT " + measure + " FROM projects p JOIN program_templates t ON t.id = p.template_id JOIN organisations o ON o.id = p.organisation_id WHERE " + cond + " AND " + reach
		for k, vals := range w.Data {
			col := "json_extract(p.data, '$." + k + "')"
			if db.Engine() == store.Postgres {
				col = "(p.data::jsonb ->> '" + k + "')"
			}
			q += " AND " + in(col, vals)
		}
		if len(w.Size) > 0 {
			q += " AND " + in("o.size", w.Size)
		}
		if len(w.Cluster) > 0 {
			q += " AND o.id IN (SELECT oc.organisation_id FROM organisation_clusters oc JOIN clusters c ON c.id = oc.cluster_id WHERE " + in("c.name", w.Cluster) + ")"
		}
	case "recognitions":
		q = "SELECT count(*) FROM recognitions r WHERE " + in("r.kind", w.Kind) + " AND " + in("r.level", w.Level)
		if w.Subject != "" {
			q += " AND r.subject = ?"
			args = append(args, w.Subject)
		}
		cond, a := dated(d.Window, "r.granted", "r.revoked", from, end)
		q += cond
		args = append(args, a...)
	case "outcomes":
		q = "SELECT count(*) FROM project_outcomes x JOIN projects p ON p.id = x.project_id JOIN program_templates t ON t.id = p.template_id WHERE " +
			in("t.key", w.Program) + " AND " + in("x.kind", w.Kind) + " AND " + in("x.level", w.Level) + " AND " + in("x.status", w.Status) + " AND x.day < ?"
		args = append(args, end.Format(time.DateOnly))
	case "disciplines":
		q = "SELECT count(*) FROM disciplines x WHERE " + in("x.kind", w.Kind)
		for _, tag := range w.Tag {
			q += " AND x.tags LIKE ?"
			args = append(args, "%"+tag+"%")
		}
		if w.LastYears > 0 {
			q += " AND x.opened >= ? AND x.opened <= ?"
			args = append(args, asOf.Year()-w.LastYears, asOf.Year()-1)
		}
	case "compute":
		measure := "count(*)"
		if d.Measure == "sum:pflops" {
			measure = "COALESCE(sum(x.pflops), 0)"
		}
		q = "SELECT " + measure + " FROM compute_capacity x WHERE " + in("x.status", w.Status) + " AND " + in("x.precision", w.Level)
		cond, a := dated(d.Window, "x.since", "x.until", from, end)
		q += cond
		args = append(args, a...)
	case "organisations":
		q = "SELECT count(*) FROM organisations o WHERE " + in("o.kind", w.Kind) + " AND (o.founded = '' OR o.founded < ?)"
		endDay := end.Format(time.DateOnly)
		args = append(args, endDay)
		if len(w.Recognition) > 0 {
			q += " AND o.id IN (SELECT r.subject_id FROM recognitions r WHERE r.subject = 'organisation' AND " + in("r.kind", w.Recognition) + " AND r.granted < ? AND (r.revoked = '' OR r.revoked >= ?))"
			args = append(args, endDay, endDay)
		}
	case "products", "solutions": // listed on the date (state), ever listed (cumulative) or listed in the period (new)
		table, kind := "finance_products x", in("x.kind", w.Kind)
		if d.Model == "solutions" {
			table, kind = "digital_solutions x", "1 = 1"
		}
		q = "SELECT count(*) FROM " + table + " WHERE " + kind
		cond, a := dated(d.Window, "x.listed", "x.delisted", from, end)
		q += cond
		args = append(args, a...)
		if d.Model == "solutions" && d.Window == "state" {
			endDay := end.Format(time.DateOnly)
			q += ` AND x.provider_id IN (SELECT r.subject_id FROM recognitions r WHERE r.subject = 'organisation' AND r.kind = 'digital_provider' AND r.granted < ? AND (r.revoked = '' OR r.revoked >= ?))`
			args = append(args, endDay, endDay)
		}
	case "applications":
		measure := "count(*)"
		switch {
		case d.Measure == "distinct_organisations":
			measure = "count(DISTINCT a.organisation_id)"
		case strings.HasPrefix(d.Measure, "sum:"):
			measure = "COALESCE(sum(a." + strings.TrimPrefix(d.Measure, "sum:") + "), 0)"
		}
		endDay := end.Format(time.DateOnly)
		q = "SELECT " + measure + " FROM finance_applications a JOIN finance_products p ON p.id = a.product_id WHERE " + in("p.kind", w.Kind) + " AND " + in("a.stage", w.Stage)
		if len(w.Status) > 0 { // decided by the date (pending: not yet)
			q += " AND ((" + in("a.decision", w.Status) + " AND a.decided_on < ?)"
			args = append(args, endDay)
			for _, st := range w.Status {
				if st == "pending" {
					q += " OR a.decision = 'pending' OR a.decided_on >= ?"
					args = append(args, endDay)
				}
			}
			q += ")"
		}
		if d.Window == "new" {
			q += " AND a.sent_on >= ? AND a.sent_on < ?"
			args = append(args, from.Format(time.DateOnly), endDay)
		} else {
			q += " AND a.sent_on < ?"
			args = append(args, endDay)
		}
	case "fund_investments":
		measure := "count(*)"
		if d.Measure == "sum:amount" {
			measure = "COALESCE(sum(x.amount), 0)"
		}
		q = "SELECT " + measure + " FROM fund_investments x JOIN funds f ON f.id = x.fund_id WHERE " + in("f.kind", w.Kind) + " AND " + in("x.stage", w.Stage)
		if d.Window == "new" {
			q += " AND x.invested_on >= ? AND x.invested_on < ?"
			args = append(args, from.Format(time.DateOnly), end.Format(time.DateOnly))
		} else {
			q += " AND x.invested_on < ?"
			args = append(args, end.Format(time.DateOnly))
		}
	case "datasets", "models":
		table, measure := "ai_models x", "count(*)"
		if d.Model == "datasets" {
			table = "ai_datasets x"
			if d.Measure == "sum:samples" {
				measure = "COALESCE(sum(x.samples), 0)"
			}
		}
		q = "SELECT " + measure + " FROM " + table + " WHERE " + in("x.domain", w.Kind)
		cond, a := dated(d.Window, "x.registered", "x.withdrawn", from, end)
		q += cond
		args = append(args, a...)
	case "alliances":
		endDay := end.Format(time.DateOnly)
		q = `SELECT count(DISTINCT m.alliance_id) FROM alliance_members m JOIN organisations o ON o.id = m.alliance_id WHERE o.kind = 'alliance' AND m.joined < ? AND (m.left_on = '' OR m.left_on >= ?)`
		args = append(args, endDay, endDay)
	case "rankings": // the place in the latest edition published by the date
		endDay := end.Format(time.DateOnly)
		if d.Measure == "rises" { // the editions in a row, back from the latest, each placed above the one before
			return rankRises(ctx, db, w.Kind, endDay)
		}
		if d.Measure == "count" { // the latest edition, if its note holds one of the words
			q = `SELECT count(*) FROM ranking_entries e JOIN ranking_series s ON s.id = e.series_id WHERE ` + in("s.key", w.Kind) +
				` AND e.published < ? AND e.year = (SELECT max(e2.year) FROM ranking_entries e2 WHERE e2.series_id = e.series_id AND e2.published < ?)`
			args = append(args, endDay, endDay)
			var likes []string
			for _, tag := range w.Tag {
				likes = append(likes, "e.note LIKE ?")
				args = append(args, "%"+tag+"%")
			}
			if len(likes) > 0 {
				q += " AND (" + strings.Join(likes, " OR ") + ")"
			}
			break
		}
		q = `SELECT COALESCE((SELECT e.rank FROM ranking_entries e JOIN ranking_series s ON s.id = e.series_id WHERE ` + in("s.key", w.Kind) + ` AND e.published < ? ORDER BY e.year DESC LIMIT 1), 0)`
		args = append(args, endDay)
	case "returns": // the filings' versions in force on the date
		endDay := end.Format(time.DateOnly)
		q = `SELECT COALESCE(sum(a.value), 0) FROM return_accepted a JOIN return_filings r ON r.id = a.filing_id JOIN return_forms f ON f.id = r.form_id
			JOIN (SELECT filing_id, max(version) AS v FROM return_accepted WHERE accepted_on < ? GROUP BY filing_id) cur ON cur.filing_id = a.filing_id AND cur.v = a.version
			WHERE ` + in("f.key", w.Kind) + " AND " + in("a.field", w.Field)
		args = append([]any{endDay}, args...)
		switch d.Window {
		case "new":
			q += " AND r.period_end >= ? AND r.period_end < ?"
			args = append(args, from.Format(time.DateOnly), endDay)
		case "cumulative":
			q += " AND r.period_end < ?"
			args = append(args, endDay)
		case "state": // each unit's last period with figures in force
			q += ` AND r.period_end = (SELECT max(r2.period_end) FROM return_filings r2 JOIN return_accepted a2 ON a2.filing_id = r2.id
				WHERE r2.form_id = r.form_id AND r2.organisation_id = r.organisation_id AND a2.accepted_on < ? AND r2.period_end < ?)`
			args = append(args, endDay, endDay)
		}
	case "chains": // chains with organisations at a link and a bottleneck technology
		q = "SELECT count(*) FROM chains c WHERE 1 = 1"
		for _, st := range w.Status {
			if st == "mapped" {
				q += " AND c.id IN (SELECT l.chain_id FROM chain_links l JOIN chain_members m ON m.link_id = l.id) AND c.id IN (SELECT chain_id FROM key_technologies WHERE bottleneck)"
			}
		}
	case "chain_members": // organisations at a link, once each
		q = "SELECT count(DISTINCT m.organisation_id) FROM chain_members m JOIN organisations o ON o.id = m.organisation_id WHERE " + in("o.kind", w.Kind)
		for _, st := range w.Status {
			if st == "leader" {
				q += " AND m.leader"
			}
		}
	case "clusters": // each cluster's members with the figure in both years, summed
		y := w.Year
		if y == 0 {
			y = asOf.AddDate(0, 0, 1).Year() - 1
		}
		q = `SELECT count(*) FROM (SELECT oc.cluster_id FROM organisation_clusters oc
			JOIN organisation_figures a ON a.organisation_id = oc.organisation_id AND a.kind = ? AND a.year = ?
			JOIN organisation_figures b ON b.organisation_id = oc.organisation_id AND b.kind = ? AND b.year = ?
			GROUP BY oc.cluster_id HAVING sum(b.value) > 0 AND (sum(a.value) - sum(b.value)) * 100 >= sum(b.value) * ?) grown`
		args = append(args, w.Kind[0], y, w.Kind[0], y-1, w.Growth)
	case "proposals": // worked out in Go over the tables read whole
		return handProposals(ctx, db, d, asOf, from)
	default:
		return 0, fmt.Errorf("%s: no hand-written baseline for model %s", id, d.Model)
	}
	var v float64
	if err := db.QueryRowContext(ctx, q, args...).Scan(&v); err != nil {
		return 0, fmt.Errorf("baseline %s: %w", id, err)
	}
	return v, nil
}

// rankRises reads a series' places, latest first, and counts the rises
// until the first edition that did not rise.
func rankRises(ctx context.Context, db *store.DB, keys []string, endDay string) (float64, error) {
	if len(keys) != 1 {
		return 0, fmt.Errorf("rises: one series, got %v", keys)
	}
	rows, err := db.QueryContext(ctx, `SELECT e.rank FROM ranking_entries e JOIN ranking_series s ON s.id = e.series_id WHERE s.key = ? AND e.published < ? ORDER BY e.year DESC`, keys[0], endDay)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var places []int
	for rows.Next() {
		var p int
		if err := rows.Scan(&p); err != nil {
			return 0, err
		}
		places = append(places, p)
	}
	n := 0
	for n+1 < len(places) && places[n] < places[n+1] {
		n++
	}
	return float64(n), rows.Err()
}

func periodStart(period string, asOf time.Time) time.Time {
	y, m := asOf.Year(), asOf.Month()
	switch period {
	case "year":
		return time.Date(y, 1, 1, 0, 0, 0, 0, cst)
	case "half":
		if m > 6 {
			return time.Date(y, 7, 1, 0, 0, 0, 0, cst)
		}
		return time.Date(y, 1, 1, 0, 0, 0, 0, cst)
	case "quarter":
		return time.Date(y, (m-1)/3*3+1, 1, 0, 0, 0, 0, cst)
	case "month":
		return time.Date(y, m, 1, 0, 0, 0, 0, cst)
	}
	return time.Date(1, 1, 1, 0, 0, 0, 0, cst)
}

// dated is the condition on rows dated by a start column (and ended by an
// end column) for a window, with its arguments.
func dated(window, start, until string, from, end time.Time) (string, []any) {
	endDay := end.Format(time.DateOnly)
	switch window {
	case "new":
		return " AND " + start + " >= ? AND " + start + " < ?", []any{from.Format(time.DateOnly), endDay}
	case "cumulative":
		return " AND " + start + " < ?", []any{endDay}
	}
	return " AND " + start + " < ? AND (" + until + " = '' OR " + until + " >= ?)", []any{endDay, endDay}
}
