package metric

import (
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// ProposalStatuses are the where.status values of the proposals model, each
// judged as the proposal stood on the as-of day (a list matches any):
//
//	replied             its first reply issued by the day
//	on_time             its first reply on or before its first deadline (the
//	                    deadline of the first round, extensions approved by
//	                    then included)
//	due                 replied, or past its first deadline unreplied: the
//	                    on-time rate's base (as internal/proposal's Yearly)
//	rated               the member's first-round rating recorded by the day
//	handling_satisfied  rated, the handling 满意 or 基本满意
//	result_satisfied    rated, the result 满意 or 基本满意
var ProposalStatuses = []string{"replied", "on_time", "due", "rated", "handling_satisfied", "result_satisfied"}

// proposals narrows q to the proposals assigned (交办) to a lead unit in the
// window, as the unit list stood on the as-of day (a lead's sending back
// ends its assignment on that day), with the statuses and reply classes
// asked for. The lead unit is o (its district, its name for the breakdown
// by unit); the proposal is p.
//
// History: the lead unit and its 交办 date come from proposal_units (kept
// when sent back), the first reply from proposals.first_replied_on (set
// once), extensions from proposal_extensions (decided_on), ratings from
// proposal_ratings (day, round) and the class from proposal_events (the
// latest draft, or review that changed it, by the day). The first
// deadline before an extension is the 交办 date plus the jurisdiction's
// reply_months as they are now (the rules keep no history).
func (q *query) proposals(engine store.Engine, window string, w Where, asOfDay, fromDay, toDay, endDay string) (sel, tables string) {
	sel = "p.id, u.unit_id, 0"
	tables = "proposals p JOIN proposal_units u ON u.proposal_id = p.id AND u.role = 'lead' JOIN organisations o ON o.id = u.unit_id JOIN proposal_rules pr ON pr.jurisdiction = p.jurisdiction"
	q.where("u.assigned_on < ? AND (u.status <> 'sent_back' OR u.day >= ?)", endDay, endDay)
	if window == "new" {
		q.where("u.assigned_on >= ? AND u.assigned_on < ?", fromDay, toDay)
	}
	q.in("p.kind", w.Kind)
	replied := "(p.first_replied_on <> '' AND p.first_replied_on < ?)"
	due := firstDue(engine, endDay)
	var alts []string
	for _, st := range w.Status {
		switch st {
		case "replied":
			alts = append(alts, replied)
			q.args = append(q.args, endDay)
		case "on_time":
			alts = append(alts, "("+replied+" AND p.first_replied_on <= "+due.sql+")")
			q.args = append(append(q.args, endDay), due.args...)
		case "due":
			alts = append(alts, "("+replied+" OR "+due.sql+" < ?)")
			q.args = append(append(append(q.args, endDay), due.args...), asOfDay)
		case "rated", "handling_satisfied", "result_satisfied":
			cond := map[string]string{"rated": "", "handling_satisfied": " AND rt.handling <> 'dissatisfied'", "result_satisfied": " AND rt.result <> 'dissatisfied'"}[st]
			alts = append(alts, "EXISTS (SELECT 1 FROM proposal_ratings rt WHERE rt.proposal_id = p.id AND rt.round = 1 AND rt.day < ?"+cond+")")
			q.args = append(q.args, endDay)
		}
	}
	if len(alts) > 0 {
		q.conds = append(q.conds, "("+strings.Join(alts, " OR ")+")")
	}
	if len(w.Class) > 0 { // a reply's class: replied by the day, in the class as it then stood
		q.where(replied, endDay)
		q.where(classAsOf(engine)+" IN ("+placeholders(len(w.Class))+")", append([]any{endDay}, strs(w.Class)...)...)
	}
	q.in("o.district", w.District)
	return sel, tables
}

type sqlPart struct {
	sql  string
	args []any
}

// firstDue is the first round's deadline as it stood on the day: the
// latest extension of the round approved by then, else the 交办 date plus
// the jurisdiction's months (as internal/proposal's addMonths: Go's
// AddDate, which carries 31 January + 1 month into March; SQLite's date()
// does the same, PostgreSQL's interval arithmetic would clamp, so it adds
// the days to the month's first).
func firstDue(engine store.Engine, endDay string) sqlPart {
	orig := "date(u.assigned_on, '+' || pr.reply_months || ' months')"
	if engine == store.Postgres {
		orig = "to_char(date_trunc('month', u.assigned_on::timestamp) + make_interval(months => pr.reply_months) + (extract(day from u.assigned_on::timestamp) - 1) * interval '1 day', 'YYYY-MM-DD')"
	}
	return sqlPart{
		sql: `COALESCE((SELECT e.due_on FROM proposal_extensions e WHERE e.proposal_id = p.id AND e.status = 'approved' AND e.decided_on <> '' AND e.decided_on < ?
			AND e.requested_on >= u.assigned_on AND (p.first_replied_on = '' OR e.requested_on <= p.first_replied_on) ORDER BY e.decided_on DESC, e.id DESC LIMIT 1), ` + orig + `)`,
		args: []any{endDay},
	}
}

// classAsOf is the reply class as it stood on the day (one argument: the
// day after): the latest draft by then (its event note ends "· CLASS") or
// supervisor's review that changed it (its note begins "OLD→NEW").
func classAsOf(engine store.Engine) string {
	pos := "instr"
	if engine == store.Postgres {
		pos = "strpos"
	}
	afterArrow := "substr(ev.note, " + pos + "(ev.note, '→') + 1)"
	return `(SELECT CASE WHEN ev.action = 'draft' THEN trim(replace(ev.note, rtrim(ev.note, replace(ev.note, '·', '')), ''))
		ELSE substr(` + afterArrow + `, 1, ` + pos + `(` + afterArrow + ` || ' ', ' ') - 1) END
		FROM proposal_events ev WHERE ev.proposal_id = p.id AND ev.day < ? AND (ev.action = 'draft' OR (ev.action = 'review' AND ev.note LIKE '%→%'))
		ORDER BY ev.id DESC LIMIT 1)`
}
