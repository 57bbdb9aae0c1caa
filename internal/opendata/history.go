package opendata

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// The exports are as of a day (China time): what was public at the end of
// it. A record's stage, amounts and dates come from its moves up to then
// (project_events); its public fields from the form as it stood (the form
// itself when it has not been edited since, else the form the first later
// edit found, which the audit keeps). Everything is read in id order and written in slices, so the same
// day exported twice gives the same bytes.

var cst = time.FixedZone("CST", 8*3600)

// AsOf is the day an export describes.
type AsOf struct {
	Day time.Time // midnight, China time
}

// Day parses YYYY-MM-DD (China time); an empty string is today.
func Day(s string) (AsOf, error) {
	if s == "" {
		n := store.Now().In(cst)
		return AsOf{Day: time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, cst)}, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, s, cst)
	if err != nil {
		return AsOf{}, fmt.Errorf("as-of day %q: %w", s, err)
	}
	return AsOf{Day: d}, nil
}

// cutoff is the first instant after the day.
func (a AsOf) cutoff() time.Time { return a.Day.AddDate(0, 0, 1) }

// Date is the day as YYYY-MM-DD.
func (a AsOf) Date() string { return a.Day.Format(time.DateOnly) }

// Published is the publication time an export of the day carries: the
// day's last second, China time, fixed so re-exports are identical.
func (a AsOf) Published() string { return a.cutoff().Add(-time.Second).Format(time.RFC3339) }

// event is a move of a record.
type event struct {
	id         int64
	transition string
	from, to   string
	at         time.Time
	amount     sql.NullFloat64
}

// record is a project as it stood at the cutoff.
type record struct {
	id, call, tid, parent int64
	kind                  string
	t                     *program.Template
	stage                 string
	data                  map[string]any
	requested             float64
	approved, disbursed   float64
	approvedAt            time.Time // zero: not approved by then
	changed               time.Time // last change by then
	edited                time.Time // the form's last change, when by then
	events                []event   // moves by then, oldest first
	disbursements         []event   // the disbursing moves by then, with their amounts
	org                   org
}

// org is an organisation as the exports name it.
type org struct {
	id             int64
	name, code     string
	district       string
	clusters       [][2]string // name, English name
	clusterChanged time.Time
}

// world is every record existing at the cutoff, in id order.
type world struct {
	records []*record
	byID    map[int64]*record
	calls   map[int64]call
}

type call struct {
	id, tid       int64
	key, name     string
	opens, closes string
	budget        float64
	created       time.Time
}

// load reads the records of the day. Rows and events are read whole and
// filtered here, so both engines compare times alike.
// With keys, only the records of those programs (and their children's,
// which callers name too).
func load(ctx context.Context, q store.Querier, a AsOf, keys ...string) (*world, error) {
	cut := a.cutoff()
	only, args := "", []any{}
	if len(keys) > 0 {
		only = " WHERE p.template_id IN (SELECT id FROM program_templates WHERE key IN (?" + strings.Repeat(", ?", len(keys)-1) + "))"
		for _, k := range keys {
			args = append(args, k)
		}
	}
	w := &world{byID: map[int64]*record{}, calls: map[int64]call{}}
	type raw struct {
		rec                 *record
		stage, data         string
		approved, disbursed float64
		updated, created    time.Time
	}
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.call_id, p.template_id, COALESCE(p.parent_id, 0), p.child_kind, p.stage, p.data,
		p.amount_requested, p.amount_approved, p.amount_disbursed, p.created_at, p.updated_at,
		o.id, o.name, COALESCE(o.credit_code, ''), o.district
		FROM projects p JOIN organisations o ON o.id = p.organisation_id`+only+` ORDER BY p.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("open data records: %w", err)
	}
	var raws []raw
	for rows.Next() {
		r := raw{rec: &record{}}
		if err := rows.Scan(&r.rec.id, &r.rec.call, &r.rec.tid, &r.rec.parent, &r.rec.kind, &r.stage, &r.data,
			&r.rec.requested, &r.approved, &r.disbursed, &r.created, &r.updated,
			&r.rec.org.id, &r.rec.org.name, &r.rec.org.code, &r.rec.org.district); err != nil {
			rows.Close()
			return nil, fmt.Errorf("open data records: %w", err)
		}
		if r.created.Before(cut) {
			raws = append(raws, r)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	all := map[int64][]event{}
	evOnly := ""
	if only != "" {
		evOnly = " WHERE project_id IN (SELECT p.id FROM projects p" + only + ")"
	}
	ev, err := q.QueryContext(ctx, `SELECT project_id, id, transition, from_stage, to_stage, at, amount FROM project_events`+evOnly+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("open data events: %w", err)
	}
	for ev.Next() {
		var pid int64
		var e event
		if err := ev.Scan(&pid, &e.id, &e.transition, &e.from, &e.to, &e.at, &e.amount); err != nil {
			ev.Close()
			return nil, fmt.Errorf("open data events: %w", err)
		}
		all[pid] = append(all[pid], e)
	}
	ev.Close()
	if err := ev.Err(); err != nil {
		return nil, err
	}

	tpls := map[int64]*program.Template{}
	var forms map[int64]string
	for _, r := range raws {
		rec := r.rec
		t, ok := tpls[rec.tid]
		if !ok {
			if t, err = program.LoadTemplate(ctx, q, rec.tid); err != nil {
				return nil, err
			}
			tpls[rec.tid] = t
		}
		rec.t = t
		rec.changed = r.created
		evs := all[rec.id]
		// The stage: as it stands when nothing moved after the cutoff,
		// else where the first later move started from.
		rec.stage = r.stage
		for _, e := range evs {
			if !e.at.Before(cut) {
				rec.stage = e.from
				break
			}
			rec.events = append(rec.events, e)
			rec.changed = e.at
		}
		// Amounts: each approving or disbursing move's own amount; moves
		// recorded before amounts were kept carry the record's total on
		// the first such move.
		var paidAll float64
		for _, e := range evs {
			if tr := transition(t, e.transition); tr != nil && tr.Amount == "disbursed" && e.amount.Valid {
				paidAll += e.amount.Float64
			}
		}
		firstPay := true
		for _, e := range rec.events {
			tr := transition(t, e.transition)
			if tr == nil {
				continue
			}
			switch tr.Amount {
			case "approved":
				if rec.approvedAt.IsZero() {
					rec.approvedAt = e.at
				}
				if e.amount.Valid {
					rec.approved += e.amount.Float64
				} else if rec.approved == 0 {
					rec.approved = r.approved
				}
			case "disbursed":
				amt := e.amount.Float64
				if !e.amount.Valid {
					amt = 0
					if firstPay && paidAll == 0 {
						amt = r.disbursed
					}
				}
				firstPay = false
				if amt > 0 {
					rec.disbursed += amt
					e.amount = sql.NullFloat64{Float64: amt, Valid: true}
					rec.disbursements = append(rec.disbursements, e)
				}
			}
		}
		if !r.updated.Before(cut) {
			if forms == nil {
				if forms, err = formsBefore(ctx, q, cut); err != nil {
					return nil, err
				}
			}
			if data, ok := forms[rec.id]; ok {
				r.data = data
			}
		} else {
			rec.edited = r.updated
			if r.updated.After(rec.changed) {
				rec.changed = r.updated
			}
		}
		if err := json.Unmarshal([]byte(r.data), &rec.data); err != nil {
			return nil, fmt.Errorf("record %d: %w", rec.id, err)
		}
		w.records = append(w.records, rec)
		w.byID[rec.id] = rec
	}
	if err := loadClusters(ctx, q, w); err != nil {
		return nil, err
	}
	return w, loadCalls(ctx, q, w, cut)
}

// formsBefore is, for each record edited at or after cut, its form as the
// first such edit found it (the audit keeps each edit's form before and
// after): the form as it stood at cut.
func formsBefore(ctx context.Context, q store.Querier, cut time.Time) (map[int64]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT entity_id, at, before_json FROM audit_events WHERE entity = 'project' AND action = 'edit' AND outcome = 'ok' ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("open data edits: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id, before string
		var at time.Time
		if err := rows.Scan(&id, &at, &before); err != nil {
			return nil, err
		}
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || at.Before(cut) || before == "" {
			continue
		}
		if _, ok := out[n]; !ok {
			out[n] = before
		}
	}
	return out, rows.Err()
}

func loadClusters(ctx context.Context, q store.Querier, w *world) error {
	byOrg := map[int64][][2]string{}
	rows, err := q.QueryContext(ctx, `SELECT oc.organisation_id, c.name, c.name_en FROM organisation_clusters oc JOIN clusters c ON c.id = oc.cluster_id ORDER BY oc.organisation_id, c.sort, c.name`)
	if err != nil {
		return fmt.Errorf("open data clusters: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c [2]string
		if err := rows.Scan(&id, &c[0], &c[1]); err != nil {
			return err
		}
		byOrg[id] = append(byOrg[id], c)
	}
	for _, r := range w.records {
		r.org.clusters = byOrg[r.org.id]
	}
	return rows.Err()
}

func loadCalls(ctx context.Context, q store.Querier, w *world, cut time.Time) error {
	rows, err := q.QueryContext(ctx, `SELECT id, template_id, key, name, opens, closes, budget, created_at FROM calls ORDER BY id`)
	if err != nil {
		return fmt.Errorf("open data calls: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c call
		if err := rows.Scan(&c.id, &c.tid, &c.key, &c.name, &c.opens, &c.closes, &c.budget, &c.created); err != nil {
			return err
		}
		w.calls[c.id] = c // known from its opening day on (callProcess)
	}
	return rows.Err()
}

// children are the records under parent of kind, in id order.
func (w *world) children(parent int64, kind string) []*record {
	var out []*record
	for _, r := range w.records {
		if r.parent == parent && r.kind == kind {
			out = append(out, r)
		}
	}
	return out
}

// sortedCallIDs are the calls' ids in order.
func (w *world) sortedCallIDs() []int64 {
	ids := make([]int64, 0, len(w.calls))
	for id := range w.calls {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

func transition(t *program.Template, key string) *program.Transition {
	for i := range t.Transitions {
		if t.Transitions[i].Key == key {
			return &t.Transitions[i]
		}
	}
	return nil
}

// moved is the first move by then into stage (or taking a transition that
// snapshots name), nil when none.
func (r *record) moved(match func(e event, tr *program.Transition) bool) *event {
	for i, e := range r.events {
		if match(e, transition(r.t, e.transition)) {
			return &r.events[i]
		}
	}
	return nil
}

// contracted is the move that signed the record's contract: a transition
// taking the "contract" snapshot, or one into a stage named contracted.
func (r *record) contracted() *event {
	return r.moved(func(e event, tr *program.Transition) bool {
		return e.to == "contracted" || (tr != nil && tr.Snapshot == "contract" && e.from != e.to)
	})
}
