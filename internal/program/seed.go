package program

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Seeded is a record written with its whole history at once. The demo city
// and the scale generator load programs' records through Seed rather than
// one move at a time: the history must still be one the template allows.
type Seeded struct {
	ID             int64 // set by Seed
	CallID         int64
	OrganisationID int64
	ParentID       int64  // a child record's parent (a bid's challenge)
	ChildKind      string // the parent template's kind of child
	TemplateKey    string // a child's template (its call is the parent's)
	Title          string // put in the template's title field
	Data           map[string]any
	Created        time.Time // zero: two weeks before the first mark
	// Marks are the stages the record reached, in order, each with its
	// time. Seed finds the template's shortest path from one mark to the
	// next and spaces the stages in between evenly.
	Marks []Mark
	// Approved needs an "amount: approved" move on the path; that move's
	// event carries it.
	Approved float64
	// Disbursed needs an "amount: disbursed" move, at most Approved. When
	// marks give tranches (Move with an Amount), Disbursed is their sum
	// (zero: set to it); otherwise the first disbursing move carries it.
	Disbursed float64
	Outcomes  []Outcome
}

// Mark is a stage reached at a time, or (Move set) one move taken at a
// time: a tranche paid, a progress report, a move that stays in its stage.
// Amount is what the move records (a tranche, a repayment) on its event.
type Mark struct {
	Stage  string
	At     time.Time
	Move   string  // a transition's key: this move exactly, from the stage the record is in
	Amount float64 // the amount the mark's last move records, when it records one
}

// SeedBatch is how many records Seed writes per statement group.
const SeedBatch = 500

type seedEvent struct {
	transition, from, to string
	at                   time.Time
	amount               any // nil, or the amount the move recorded
}

// Seed writes records with their histories, outcomes, the recognitions
// their moves grant, the daily summary and an audit event each, inside tx.
// It refuses a history the template does not allow. Ids are taken after
// the largest existing one, so Seed is for loads that run alone (the demo
// and the scale generator), not beside users.
func Seed(ctx context.Context, tx *store.Tx, recs []Seeded) error {
	if len(recs) == 0 {
		return nil
	}
	ids, err := nextIDs(ctx, tx)
	if err != nil {
		return err
	}
	templates := map[int64]*Template{}
	tmplOfCall := map[int64]int64{}
	daily := map[[3]string]*[3]int{}
	var projRows, eventRows, outcomeRows, snapRows, partyRows [][]any
	orgNames := map[int64]string{}
	var changes []audit.Change
	now := store.Now()
	for i := range recs {
		r := &recs[i]
		t, tid, err := seedTemplate(ctx, tx, r, templates, tmplOfCall)
		if err != nil {
			return err
		}
		if r.Title != "" && t.TitleField() != "" {
			if r.Data == nil {
				r.Data = map[string]any{}
			}
			r.Data[t.TitleField()] = r.Title
		}
		for k := range r.Data {
			if _, ok := t.Field(k); !ok {
				return fmt.Errorf("seed %s: field %q is not in the form", t.Key, k)
			}
		}
		if ps := CheckData(t, r.Data, false); len(ps) > 0 {
			return fmt.Errorf("seed %s: %w", t.Key, ps)
		}
		evs, err := seedHistory(t, r)
		if err != nil {
			return fmt.Errorf("seed %s: %w", t.Key, err)
		}
		ids.project++
		pid := ids.project
		r.ID = pid
		raw, err := json.Marshal(r.Data)
		if err != nil {
			return err
		}
		if r.Data == nil {
			raw = []byte("{}")
		}
		title, _ := r.Data[t.TitleField()].(string)
		if title == "" {
			title = r.Title // a template without a title field: the loader names the record
		}
		if title == "" {
			if title, err = defaultTitle(ctx, tx, t, r.OrganisationID, orgNames); err != nil {
				return err
			}
		}
		last := evs[len(evs)-1]
		projRows = append(projRows, []any{pid, r.CallID, tid, r.OrganisationID, title, last.to, string(raw), t.AmountOf(r.Data),
			r.Approved, r.Disbursed, evs[0].at, last.at, nullID(r.ParentID), r.ChildKind})
		partyRows = append(partyRows, seedParties(t, pid, r.Data)...)
		reached := map[string]bool{}
		pr := Project{ID: pid, OrganisationID: r.OrganisationID, Data: r.Data}
		for _, e := range evs {
			ids.event++
			eventRows = append(eventRows, []any{ids.event, pid, tid, e.transition, e.from, e.to, e.at, "演示数据", e.amount})
			day := e.at.In(shanghai).Format(time.DateOnly)
			bump(daily, t.Key, e.to, day, !reached[e.to])
			reached[e.to] = true
			if e.from != "" {
				c := counter(daily, t.Key, e.from, day)
				c[2]++
			}
			if tr := transitionByKey(t, e.transition); tr != nil && tr.Snapshot != "" { // the application and contract as seeded
				snapRows = append(snapRows, []any{pid, tr.Snapshot, tr.Key, string(raw), e.at, "演示数据"})
			}
			if tr := transitionByKey(t, e.transition); tr != nil && tr.Grants != nil {
				if err := grantOn(ctx, tx, tr.Grants, pr, e.at); err != nil {
					return err
				}
			}
		}
		for _, o := range r.Outcomes {
			if ps := CheckOutcome(o); len(ps) > 0 {
				return fmt.Errorf("seed %s outcome %q: %w", t.Key, o.Title, ps)
			}
			ids.outcome++
			outcomeRows = append(outcomeRows, []any{ids.outcome, pid, o.Kind, o.Title, o.Field, o.Level, o.Status, o.Day, o.Detail, now, "演示数据"})
		}
		changes = append(changes, audit.Change{Entity: "project", EntityID: pid, Action: "seed",
			After: map[string]any{"program": t.Key, "organisation": r.OrganisationID, "stage": last.to, "events": len(evs), "outcomes": len(r.Outcomes)}})
	}
	if err := insertRows(ctx, tx, `projects (id, call_id, template_id, organisation_id, title, stage, data, amount_requested, amount_approved, amount_disbursed, created_at, updated_at, parent_id, child_kind)`, projRows); err != nil {
		return err
	}
	if err := insertRows(ctx, tx, `project_events (id, project_id, template_id, transition, from_stage, to_stage, at, actor, amount)`, eventRows); err != nil {
		return err
	}
	if err := insertRows(ctx, tx, `project_snapshots (project_id, name, transition, data, at, actor)`, snapRows); err != nil {
		return err
	}
	if err := insertRows(ctx, tx, `project_parties (project_id, organisation_id, person_id, role)`, partyRows); err != nil {
		return err
	}
	if err := insertRows(ctx, tx, `project_outcomes (id, project_id, kind, title, field, level, status, day, detail, created_at, created_by)`, outcomeRows); err != nil {
		return err
	}
	if err := addDaily(ctx, tx, daily); err != nil {
		return err
	}
	if tx.Engine() == store.Postgres {
		for _, table := range []string{"projects", "project_events", "project_outcomes"} {
			if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+table+`', 'id'), (SELECT max(id) FROM `+table+`))`); err != nil {
				return fmt.Errorf("seed: advance %s ids: %w", table, err)
			}
		}
	}
	return audit.AppendBatch(ctx, tx, changes)
}

type seedIDs struct{ project, event, outcome int64 }

func nextIDs(ctx context.Context, tx *store.Tx) (seedIDs, error) {
	var s seedIDs
	if tx.Engine() == store.Postgres {
		if _, err := tx.ExecContext(ctx, `LOCK TABLE projects, project_events, project_outcomes IN EXCLUSIVE MODE`); err != nil {
			return s, fmt.Errorf("seed: lock: %w", err)
		}
	}
	for _, p := range []struct {
		table string
		into  *int64
	}{{"projects", &s.project}, {"project_events", &s.event}, {"project_outcomes", &s.outcome}} {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) FROM `+p.table).Scan(p.into); err != nil {
			return s, fmt.Errorf("seed: ids of %s: %w", p.table, err)
		}
	}
	return s, nil
}

func seedTemplate(ctx context.Context, tx *store.Tx, r *Seeded, ts map[int64]*Template, ofCall map[int64]int64) (*Template, int64, error) {
	var tid int64
	if r.TemplateKey != "" {
		if err := tx.QueryRowContext(ctx, `SELECT max(id) FROM program_templates WHERE key = ?`, r.TemplateKey).Scan(&tid); err != nil {
			return nil, 0, fmt.Errorf("seed: template %s: %w", r.TemplateKey, err)
		}
	} else {
		var ok bool
		if tid, ok = ofCall[r.CallID]; !ok {
			if err := tx.QueryRowContext(ctx, `SELECT template_id FROM calls WHERE id = ?`, r.CallID).Scan(&tid); err != nil {
				return nil, 0, fmt.Errorf("seed: call %d: %w", r.CallID, err)
			}
			ofCall[r.CallID] = tid
		}
	}
	if t, ok := ts[tid]; ok {
		return t, tid, nil
	}
	t, err := LoadTemplate(ctx, tx, tid)
	if err != nil {
		return nil, 0, err
	}
	ts[tid] = t
	return t, tid, nil
}

// seedHistory turns a record's marks into its events: create, then the
// template's shortest path to each mark in turn.
func seedHistory(t *Template, r *Seeded) ([]seedEvent, error) {
	created := r.Created
	if created.IsZero() {
		if len(r.Marks) == 0 {
			return nil, fmt.Errorf("no marks and no creation time")
		}
		created = r.Marks[0].At.AddDate(0, 0, -14)
	}
	cur := t.Initial()
	evs := []seedEvent{{transition: "create", to: cur, at: created.UTC()}}
	prevAt := created
	var approved, disbursed bool
	var tranches float64 // the disbursements the marks give
	for _, m := range r.Marks {
		if tr := transitionByKey(t, m.Move); tr != nil && tr.Amount == "disbursed" {
			tranches += m.Amount
		}
	}
	for i, m := range r.Marks {
		if i == 0 && m.Stage == cur && m.At.Equal(created) && m.Move == "" {
			continue // the initial stage, reached on creation
		}
		if !m.At.After(prevAt) {
			return nil, fmt.Errorf("mark %s%s at %s is not after %s", m.Stage, m.Move, m.At.Format(time.DateTime), prevAt.Format(time.DateTime))
		}
		var path []*Transition
		if m.Move != "" {
			tr := transitionByKey(t, m.Move)
			switch {
			case tr == nil:
				return nil, fmt.Errorf("mark %s: no such move", m.Move)
			case !contains(tr.From, cur):
				return nil, fmt.Errorf("mark %s: not a move from %s", m.Move, cur)
			case m.Stage != "" && m.Stage != tr.To:
				return nil, fmt.Errorf("mark %s: it leads to %s, not %s", m.Move, tr.To, m.Stage)
			}
			path = []*Transition{tr}
		} else {
			path = shortestPath(t, cur, m.Stage)
			if len(path) == 0 && m.Stage == cur {
				return nil, fmt.Errorf("mark %s: the record is in that stage already (a first mark of the initial stage needs Created at its time)", m.Stage)
			}
			if path == nil {
				return nil, fmt.Errorf("no path from %s to %s", cur, m.Stage)
			}
		}
		step := m.At.Sub(prevAt) / time.Duration(len(path))
		for i, tr := range path {
			at := prevAt.Add(step * time.Duration(i+1))
			if i == len(path)-1 {
				at = m.At
			}
			e := seedEvent{transition: tr.Key, from: cur, to: tr.To, at: at.UTC()} // stored in UTC like every other time
			switch {
			case tr.Amount == "":
			case i == len(path)-1 && m.Amount > 0:
				e.amount = m.Amount
			case tr.Amount == "approved" && !approved && r.Approved > 0:
				e.amount = r.Approved
			case tr.Amount == "disbursed" && !disbursed && tranches == 0 && r.Disbursed > 0:
				e.amount = r.Disbursed // one payment of the whole
			}
			evs = append(evs, e)
			approved = approved || tr.Amount == "approved"
			disbursed = disbursed || tr.Amount == "disbursed"
			cur = tr.To
		}
		prevAt = m.At
	}
	if tranches > 0 {
		if r.Disbursed == 0 {
			r.Disbursed = tranches
		} else if math.Abs(r.Disbursed-tranches) > 0.005 {
			return nil, fmt.Errorf("disbursed %.2f, but the tranches add up to %.2f", r.Disbursed, tranches)
		}
	}
	switch {
	case r.Approved > 0 && !approved:
		return nil, fmt.Errorf("an approved amount but no move that approves one")
	case r.Disbursed > 0 && !disbursed:
		return nil, fmt.Errorf("a disbursed amount but no move that disburses one")
	case r.Disbursed > r.Approved && approved:
		return nil, fmt.Errorf("disbursed %.2f is more than approved %.2f", r.Disbursed, r.Approved)
	case r.Approved > number(r.Data["amount_requested"]) && number(r.Data["amount_requested"]) > 0:
		return nil, fmt.Errorf("approved %.2f is more than requested", r.Approved)
	}
	return evs, nil
}

// shortestPath is the fewest moves of t from one stage to another, nil when
// there is none, empty when they are the same.
func shortestPath(t *Template, from, to string) []*Transition {
	if from == to {
		return []*Transition{}
	}
	type step struct {
		tr   *Transition
		from string
	}
	prev := map[string]step{from: {}}
	queue := []string{from}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for i := range t.Transitions {
			tr := &t.Transitions[i]
			if _, seen := prev[tr.To]; seen || !contains(tr.From, s) {
				continue
			}
			prev[tr.To] = step{tr, s}
			if tr.To != to {
				queue = append(queue, tr.To)
				continue
			}
			var path []*Transition
			for st := to; st != from; st = prev[st].from {
				path = append([]*Transition{prev[st].tr}, path...)
			}
			return path
		}
	}
	return nil
}

func transitionByKey(t *Template, key string) *Transition {
	for i := range t.Transitions {
		if t.Transitions[i].Key == key {
			return &t.Transitions[i]
		}
	}
	return nil
}

func counter(m map[[3]string]*[3]int, program, stage, day string) *[3]int {
	k := [3]string{program, stage, day}
	c, ok := m[k]
	if !ok {
		c = &[3]int{}
		m[k] = c
	}
	return c
}

func bump(m map[[3]string]*[3]int, program, stage, day string, first bool) {
	c := counter(m, program, stage, day)
	if first {
		c[0]++
	}
	c[1]++
}

// addDaily adds the batch's counts to stage_daily, as rollUp does one move
// at a time.
func addDaily(ctx context.Context, tx *store.Tx, m map[[3]string]*[3]int) error {
	rows := make([][]any, 0, len(m))
	for k, c := range m {
		rows = append(rows, []any{k[0], k[1], k[2], c[0], c[1], c[2]})
	}
	const conflict = ` ON CONFLICT (program, stage, day) DO UPDATE SET first_reached = stage_daily.first_reached + excluded.first_reached,
		entered = stage_daily.entered + excluded.entered, exited = stage_daily.exited + excluded.exited`
	for start := 0; start < len(rows); start += SeedBatch {
		chunk := rows[start:min(start+SeedBatch, len(rows))]
		q, args := valuesSQL(`stage_daily (program, stage, day, first_reached, entered, exited)`, chunk)
		if _, err := tx.ExecContext(ctx, q+conflict, args...); err != nil {
			return fmt.Errorf("seed: daily summary: %w", err)
		}
	}
	return nil
}

func insertRows(ctx context.Context, tx *store.Tx, into string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	per := max(1, 30000/len(rows[0])) // under both engines' limits on parameters
	for start := 0; start < len(rows); start += per {
		q, args := valuesSQL(into, rows[start:min(start+per, len(rows))])
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("seed: insert into %s: %w", strings.SplitN(into, " ", 2)[0], err)
		}
	}
	return nil
}

func valuesSQL(into string, rows [][]any) (string, []any) {
	ph := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(rows[0])), ", ") + ")"
	var b strings.Builder
	b.WriteString("INSERT INTO " + into + " VALUES ")
	args := make([]any, 0, len(rows)*len(rows[0]))
	for i, r := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(ph)
		args = append(args, r...)
	}
	return b.String(), args
}

// RebuildSummary recomputes stage_daily from the stage events, as the
// migration that introduced it did: for an operator who doubts it, and to
// check that the summary kept move by move equals a recomputation.
func RebuildSummary(ctx context.Context, db *store.DB) error {
	day := "date(e.at, '+8 hours')"
	if db.Engine() == store.Postgres {
		day = "to_char(e.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')"
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM stage_daily`); err != nil {
			return fmt.Errorf("rebuild summary: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO stage_daily (program, stage, day, first_reached, entered, exited)
SELECT program, stage, day, sum(first_reached), sum(entered), sum(exited) FROM (
	SELECT t.key AS program, e.to_stage AS stage, `+day+` AS day,
		CASE WHEN row_number() OVER (PARTITION BY e.project_id, e.to_stage ORDER BY e.id) = 1 THEN 1 ELSE 0 END AS first_reached,
		1 AS entered, 0 AS exited
	FROM project_events e JOIN projects p ON p.id = e.project_id JOIN program_templates t ON t.id = p.template_id
	UNION ALL
	SELECT t.key, e.from_stage, `+day+`, 0, 0, 1
	FROM project_events e JOIN projects p ON p.id = e.project_id JOIN program_templates t ON t.id = p.template_id
	WHERE e.from_stage <> ''
) x GROUP BY program, stage, day`)
		if err != nil {
			return fmt.Errorf("rebuild summary: %w", err)
		}
		return nil
	})
}
