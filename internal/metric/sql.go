package metric

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// query is a SELECT being assembled: its joins, conditions and arguments.
type query struct {
	joins []string
	conds []string
	args  []any
}

func (q *query) where(cond string, args ...any) {
	q.conds = append(q.conds, cond)
	q.args = append(q.args, args...)
}

// in adds "col IN (?, ?, …)" for a non-empty list.
func (q *query) in(col string, vals []string) {
	if len(vals) == 0 {
		return
	}
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(vals)), ", ")
	q.conds = append(q.conds, col+" IN ("+ph+")")
	for _, v := range vals {
		q.args = append(q.args, v)
	}
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// orgFilters narrows by the organisation o: tags, clusters, districts.
func (q *query) orgFilters(w Where) {
	if len(w.Tag) > 0 {
		q.where(`EXISTS (SELECT 1 FROM organisation_tags ot JOIN tags tg ON tg.id = ot.tag_id WHERE ot.organisation_id = o.id AND tg.name IN (`+placeholders(len(w.Tag))+`))`, strs(w.Tag)...)
	}
	if len(w.Cluster) > 0 {
		q.where(`EXISTS (SELECT 1 FROM organisation_clusters oc2 JOIN clusters c2 ON c2.id = oc2.cluster_id WHERE oc2.organisation_id = o.id AND c2.name IN (`+placeholders(len(w.Cluster))+`))`, strs(w.Cluster)...)
	}
	q.in("o.district", w.District)
	q.in("o.size", w.Size)
}

func strs(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// dimension is the SQL of a breakdown, with the join it needs.
func (q *query) dimension(by, model string) (string, error) {
	switch by {
	case "":
		return "''", nil
	case "district":
		return "COALESCE(" + districtOf(model) + ", '')", nil
	case "cluster":
		q.joins = append(q.joins, "LEFT JOIN organisation_clusters oc ON oc.organisation_id = o.id LEFT JOIN clusters cl ON cl.id = oc.cluster_id")
		return "COALESCE(cl.name, '')", nil
	case "program":
		if model == "projects" || model == "outcomes" {
			return "t.key", nil
		}
	case "level":
		switch model {
		case "recognitions":
			return "r.level", nil
		case "outcomes":
			return "x.level", nil
		case "compute": // the precision
			return "x.precision", nil
		case "applications", "fund_investments": // the need's or the investee's stage
			return "x.stage", nil
		}
	case "kind":
		switch model {
		case "disciplines":
			return "x.kind", nil
		case "recognitions":
			return "r.kind", nil
		case "outcomes":
			return "x.kind", nil
		case "organisations":
			return "o.kind", nil
		case "compute": // the status
			return "x.status", nil
		case "products":
			return "x.kind", nil
		case "applications": // the product's kind
			return "fp.kind", nil
		case "fund_investments": // the fund's kind
			return "f.kind", nil
		case "proposals": // cppcc, npc
			return "p.kind", nil
		}
	case "field":
		if model == "outcomes" {
			return "x.field", nil
		}
	case "unit":
		if model == "proposals" { // the lead unit, by name
			return "o.name", nil
		}
	}
	return "", fmt.Errorf("%s records cannot be broken down by %q", model, by)
}

// fetch lists the records behind a simple indicator as of p.AsOf.
func fetch(ctx context.Context, db store.Querier, d *Definition, p Params) ([]row, time.Time, time.Time, error) {
	from, to := span(d.Period, p.AsOf, p.From)
	end := p.AsOf.AddDate(0, 0, 1) // the as-of day is included
	endDay := end.Format(time.DateOnly)
	fromDay, toDay := from.Format(time.DateOnly), to.Format(time.DateOnly)
	var q query
	var sel, tables string
	w := d.Where
	switch d.Model {
	case "projects":
		val := "0"
		if f, ok := strings.CutPrefix(d.Measure, "sum:"); ok {
			val = "p." + f // checked against a fixed list in checkMeasure
		}
		sel = "p.id, p.organisation_id, " + val
		tables = "projects p JOIN program_templates t ON t.id = p.template_id JOIN organisations o ON o.id = p.organisation_id"
		q.in("t.key", w.Program)
		stages := placeholders(len(w.Stage))
		// the program's own events only (project_events.template_id, indexed
		// with the stage and time): a stage name other programs share costs
		// nothing
		ofProgram := `e.template_id IN (SELECT id FROM program_templates WHERE key IN (` + placeholders(len(w.Program)) + `))`
		switch d.Window {
		case "new": // first reached inside the period (reaching it again later is not new)
			q.where(`p.id IN (SELECT e.project_id FROM project_events e WHERE `+ofProgram+` AND e.to_stage IN (`+stages+`) GROUP BY e.project_id HAVING min(e.at) >= ? AND min(e.at) < ?)`,
				append(append(strs(w.Program), strs(w.Stage)...), from.UTC(), to.UTC())...)
		case "cumulative":
			q.where(`p.id IN (SELECT e.project_id FROM project_events e WHERE `+ofProgram+` AND e.to_stage IN (`+stages+`) AND e.at < ?)`,
				append(append(strs(w.Program), strs(w.Stage)...), end.UTC())...)
		case "state":
			q.where(`(SELECT e.to_stage FROM project_events e WHERE e.project_id = p.id AND e.at < ? ORDER BY e.at DESC, e.id DESC LIMIT 1) IN (`+stages+`)`,
				append([]any{end.UTC()}, strs(w.Stage)...)...)
		}
		for _, k := range sortedKeys(w.Data) {
			col := "json_extract(p.data, '$." + k + "')"
			if db.Engine() == store.Postgres {
				col = "(p.data::jsonb ->> '" + k + "')"
			}
			q.in(col, w.Data[k]) // k is checked against the template key rule on load
		}
		q.orgFilters(w)
	case "recognitions":
		sel = "r.id, CASE WHEN r.subject = 'organisation' THEN r.subject_id ELSE 0 END, 0"
		tables = "recognitions r LEFT JOIN organisations o ON r.subject = 'organisation' AND o.id = r.subject_id"
		q.in("r.kind", w.Kind)
		q.in("r.level", w.Level)
		if w.Subject != "" {
			q.where("r.subject = ?", w.Subject)
		}
		q.dated(d.Window, "r.granted", "r.revoked", fromDay, toDay, endDay) // state: in force on the date
		q.orgFilters(w)
	case "organisations":
		sel = "o.id, o.id, 0"
		tables = "organisations o"
		q.in("o.kind", w.Kind)
		q.where("(o.founded = '' OR o.founded < ?)", endDay) // profiles carry no history of tags; a founding date does
		if len(w.Recognition) > 0 {
			q.where(`EXISTS (SELECT 1 FROM recognitions rr WHERE rr.subject = 'organisation' AND rr.subject_id = o.id AND rr.kind IN (`+placeholders(len(w.Recognition))+`)
				AND rr.granted < ? AND (rr.revoked = '' OR rr.revoked >= ?))`, append(strs(w.Recognition), endDay, endDay)...)
		}
		q.orgFilters(w)
	case "outcomes":
		sel = "x.id, p.organisation_id, 0"
		tables = "project_outcomes x JOIN projects p ON p.id = x.project_id JOIN program_templates t ON t.id = p.template_id JOIN organisations o ON o.id = p.organisation_id"
		q.in("t.key", w.Program)
		q.in("x.kind", w.Kind)
		q.in("x.level", w.Level)
		q.in("x.status", w.Status)
		switch d.Window {
		case "new":
			q.where("x.day >= ? AND x.day < ?", fromDay, toDay)
		default:
			q.where("x.day < ?", endDay)
		}
		q.orgFilters(w)
	case "disciplines":
		sel = "x.id, x.organisation_id, 0"
		tables = "disciplines x JOIN organisations o ON o.id = x.organisation_id"
		q.in("x.kind", w.Kind)
		if len(w.Tag) > 0 {
			var likes []string
			for _, tag := range w.Tag {
				likes = append(likes, "x.tags LIKE ?")
				q.args = append(q.args, "%"+tag+"%")
			}
			q.conds = append(q.conds, "("+strings.Join(likes, " OR ")+")")
		}
		y := p.AsOf.Year()
		if w.LastYears > 0 {
			q.where("x.opened >= ? AND x.opened <= ?", y-w.LastYears, y-1)
		} else {
			q.where("(x.opened IS NULL OR x.opened <= ?)", y)
		}
		q.in("o.district", w.District)
	case "compute": // capacity rows: state = in the status on the date; new = entered it in the period
		val := "0"
		if d.Measure == "sum:pflops" {
			val = "x.pflops"
		}
		sel = "x.id, x.organisation_id, " + val
		tables = "compute_capacity x JOIN organisations o ON o.id = x.organisation_id"
		q.in("x.status", w.Status)
		q.in("x.precision", w.Level)
		q.dated(d.Window, "x.since", "x.until", fromDay, toDay, endDay)
		q.orgFilters(w)
	case "products": // listed products: state = listed on the date; new = listed in the period
		sel = "x.id, x.institution_id, 0"
		tables = "finance_products x JOIN organisations o ON o.id = x.institution_id"
		q.in("x.kind", w.Kind)
		q.dated(d.Window, "x.listed", "x.delisted", fromDay, toDay, endDay)
		q.orgFilters(w)
	case "applications": // needs sent to products, by when they were sent; a decision counts once taken by the date
		val := "0"
		if f, ok := strings.CutPrefix(d.Measure, "sum:"); ok {
			val = "x." + f // checked against a fixed list in checkMeasure
		}
		sel = "x.id, x.organisation_id, " + val
		tables = "finance_applications x JOIN finance_products fp ON fp.id = x.product_id JOIN organisations o ON o.id = x.organisation_id"
		q.in("fp.kind", w.Kind)
		q.in("x.stage", w.Stage)
		if len(w.Status) > 0 {
			var alts []string
			for _, st := range w.Status {
				if st == "pending" {
					alts = append(alts, "(x.decision = 'pending' OR x.decided_on >= ?)")
					q.args = append(q.args, endDay)
				} else {
					alts = append(alts, "(x.decision = ? AND x.decided_on < ?)")
					q.args = append(q.args, st, endDay)
				}
			}
			q.conds = append(q.conds, "("+strings.Join(alts, " OR ")+")")
		}
		if d.Window == "new" {
			q.where("x.sent_on >= ? AND x.sent_on < ?", fromDay, toDay)
		} else {
			q.where("x.sent_on < ?", endDay)
		}
		q.orgFilters(w)
	case "fund_investments":
		val := "0"
		if d.Measure == "sum:amount" {
			val = "x.amount"
		}
		sel = "x.id, x.investee_id, " + val
		tables = "fund_investments x JOIN funds f ON f.id = x.fund_id JOIN organisations o ON o.id = x.investee_id"
		q.in("f.kind", w.Kind)
		q.in("x.stage", w.Stage)
		if d.Window == "new" {
			q.where("x.invested_on >= ? AND x.invested_on < ?", fromDay, toDay)
		} else {
			q.where("x.invested_on < ?", endDay)
		}
		q.orgFilters(w)
	case "solutions": // 小快轻准 solutions listed: state = listed on the date; new = listed in the period
		sel = "x.id, x.provider_id, 0"
		tables = "digital_solutions x JOIN organisations o ON o.id = x.provider_id"
		q.dated(d.Window, "x.listed", "x.delisted", fromDay, toDay, endDay)
		if d.Window == "state" { // in the catalogue: its provider still admitted on the date
			q.where(`EXISTS (SELECT 1 FROM recognitions r WHERE r.subject = 'organisation' AND r.subject_id = x.provider_id AND r.kind = 'digital_provider' AND r.granted < ? AND (r.revoked = '' OR r.revoked >= ?))`, endDay, endDay)
		}
		q.orgFilters(w)
	case "returns": // figures filed in periodic returns, each filing's version accepted by the as-of date
		sel = "a.filing_id * 1000000 + CAST(CASE WHEN a.district = '' THEN '0' ELSE a.district END AS INTEGER), r.organisation_id, a.value" // returnIDBase
		tables = "return_accepted a JOIN return_filings r ON r.id = a.filing_id JOIN return_forms rf ON rf.id = r.form_id JOIN organisations o ON o.id = r.organisation_id"
		q.in("rf.key", w.Kind)
		q.in("a.field", w.Field)
		q.where("a.accepted_on < ? AND a.version = (SELECT max(b.version) FROM return_accepted b WHERE b.filing_id = a.filing_id AND b.accepted_on < ?)", endDay, endDay)
		switch d.Window {
		case "new": // filed for periods ending in the indicator's period
			q.where("r.period_end >= ? AND r.period_end < ?", fromDay, toDay)
		case "cumulative": // every period ended by the date
			q.where("r.period_end < ?", endDay)
		case "state": // each unit's latest period with accepted figures: a stock
			q.where(`r.period_end = (SELECT max(r2.period_end) FROM return_filings r2 WHERE r2.form_id = r.form_id AND r2.organisation_id = r.organisation_id AND r2.period_end < ?
				AND EXISTS (SELECT 1 FROM return_accepted b2 WHERE b2.filing_id = r2.id AND b2.accepted_on < ?))`, endDay, endDay)
		}
		q.orgFilters(w)
	case "datasets", "models": // AI elements registered: in the catalogue on the date (state), ever (cumulative), in the period (new)
		table, val := "ai_models x", "0"
		if d.Model == "datasets" {
			table = "ai_datasets x"
			if d.Measure == "sum:samples" {
				val = "x.samples"
			}
		}
		sel = "x.id, x.owner_id, " + val
		tables = table + " JOIN organisations o ON o.id = x.owner_id"
		q.in("x.domain", w.Kind)
		q.dated(d.Window, "x.registered", "x.withdrawn", fromDay, toDay, endDay)
		q.orgFilters(w)
	case "alliances": // alliances (organisations of kind alliance) with a member on the date
		sel = "o.id, o.id, 0"
		tables = "organisations o"
		q.where("o.kind = 'alliance' AND o.id IN (SELECT m.alliance_id FROM alliance_members m WHERE m.joined < ? AND (m.left_on = '' OR m.left_on >= ?))", endDay, endDay)
		q.orgFilters(w)
	case "rankings": // the latest edition of a ranking published by the date; the value is the place (rises: every edition by the date)
		sel = "e.series_id * 10000 + e.year, 0, e.rank"
		tables = "ranking_entries e JOIN ranking_series rs ON rs.id = e.series_id"
		q.in("rs.key", w.Kind)
		if d.Measure == "rises" { // every edition published by the date: the streak is read back from the latest
			q.where("e.published < ?", endDay)
		} else {
			q.where("e.published < ? AND e.year = (SELECT max(e2.year) FROM ranking_entries e2 WHERE e2.series_id = e.series_id AND e2.published < ?)", endDay, endDay)
		}
		if len(w.Tag) > 0 { // the edition's note holds one of the words (东北首位)
			var likes []string
			for _, tag := range w.Tag {
				likes = append(likes, "e.note LIKE ?")
				q.args = append(q.args, "%"+tag+"%")
			}
			q.conds = append(q.conds, "("+strings.Join(likes, " OR ")+")")
		}
	case "chains": // chains on the map; mapped: with links, organisations at them and key technologies, a bottleneck among them
		sel = "c.id, 0, 0"
		tables = "chains c LEFT JOIN clusters cl ON cl.id = c.cluster_id"
		if slices.Contains(w.Status, "mapped") {
			q.where(`EXISTS (SELECT 1 FROM chain_members m JOIN chain_links l ON l.id = m.link_id WHERE l.chain_id = c.id)
				AND EXISTS (SELECT 1 FROM key_technologies k WHERE k.chain_id = c.id AND k.bottleneck)`)
		}
	case "chain_members": // organisations at a chain's link (leader: leading the chain there), once each
		sel = "o.id, o.id, 0"
		tables = "chain_members m JOIN organisations o ON o.id = m.organisation_id"
		if slices.Contains(w.Status, "leader") {
			q.where("m.leader")
		}
		q.in("o.kind", w.Kind)
		q.orgFilters(w)
	case "clusters": // clusters whose members' summed figure grew by at least where.growth percent over the year before
		cur, prev := clusterYear(w, p)
		sel = "cl.id, 0, 0"
		tables = `clusters cl JOIN (SELECT oc.cluster_id, sum(a.value) AS cur, sum(b.value) AS prev FROM organisation_clusters oc
			JOIN organisation_figures a ON a.organisation_id = oc.organisation_id AND a.kind = ? AND a.year = ?
			JOIN organisation_figures b ON b.organisation_id = oc.organisation_id AND b.kind = ? AND b.year = ?
			GROUP BY oc.cluster_id) g ON g.cluster_id = cl.id`
		q.args = append(q.args, w.Kind[0], cur, w.Kind[0], prev)                 // the join's arguments come before the conditions'
		q.where("g.prev > 0 AND (g.cur - g.prev) * 100 >= g.prev * ?", w.Growth) // no 1.1 factor: 100 × 1.1 is not 110 in floating point
	case "proposals": // proposals assigned (交办) to a lead unit in the window, as they stood on the as-of day
		sel, tables = q.proposals(db.Engine(), d.Window, w, p.AsOf.Format(time.DateOnly), fromDay, toDay, endDay)
	case "figures":
		year := w.Year
		if year == 0 {
			year = p.AsOf.Year() - 1
		}
		sel = "f.organisation_id, f.organisation_id, f.value"
		tables = "organisation_figures f JOIN organisations o ON o.id = f.organisation_id"
		q.where("f.kind = ? AND f.year = ?", w.Kind[0], year)
		q.orgFilters(w)
	default:
		return nil, from, to, fmt.Errorf("unknown model %q", d.Model)
	}
	if len(p.District) > 0 && d.Model != "chains" && d.Model != "clusters" { // a chain or a cluster is the city's, in no district
		q.in(districtOf(d.Model), p.District)
	}
	dim, err := q.dimension(p.By, d.Model)
	if err != nil {
		return nil, from, to, err
	}
	sqlText := "SELECT " + sel + ", " + dim + " FROM " + tables + " " + strings.Join(q.joins, " ")
	if len(q.conds) > 0 {
		sqlText += " WHERE " + strings.Join(q.conds, " AND ")
	}
	rows, err := db.QueryContext(ctx, sqlText, q.args...)
	if err != nil {
		return nil, from, to, fmt.Errorf("evaluate: %w", err)
	}
	defer rows.Close()
	var out []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.org, &r.value, &r.group); err != nil {
			return nil, from, to, err
		}
		out = append(out, r)
	}
	return out, from, to, rows.Err()
}

// clusterYear is the year a clusters indicator compares and the year
// before: where.year, else the last year complete on the as-of day (so
// 2024 as of 2024-12-31 and as of 2025-06-30). Members count when they
// have the figure in both years (the same scope, 同口径).
func clusterYear(w Where, p Params) (int, int) {
	y := w.Year
	if y == 0 {
		y = p.AsOf.AddDate(0, 0, 1).Year() - 1
	}
	return y, y - 1
}

func sortedKeys(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// dated keeps rows dated by from (and ended by until): in force on the
// as-of day (state), ever started by it (cumulative) or started in the
// period (new).
func (q *query) dated(window, from, until, fromDay, toDay, endDay string) {
	switch window {
	case "new":
		q.where(from+" >= ? AND "+from+" < ?", fromDay, toDay)
	case "cumulative":
		q.where(from+" < ?", endDay)
	default:
		q.where(from+" < ? AND ("+until+" = '' OR "+until+" >= ?)", endDay, endDay)
	}
}

// districtOf is where a model's record lies: its organisation's district,
// or for a return's figure filed per district, that district.
func districtOf(model string) string {
	if model == "returns" {
		return "CASE WHEN a.district <> '' THEN a.district ELSE o.district END"
	}
	return "o.district"
}
