package program

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// A project after its contract: snapshots of the form at named moves (the
// application as submitted, the contract as signed and each approved
// change), the rule functions that ask how the work stands against the
// contract, and the money a closing move makes due back.

// Snapshot is the form of a record as it stood after a named move.
type Snapshot struct {
	ID         int64          `json:"id"`
	Name       string         `json:"name"`
	Transition string         `json:"transition"`
	Data       map[string]any `json:"data"`
	At         time.Time      `json:"at"`
	Actor      string         `json:"actor"`
}

func snapshot(ctx context.Context, tx *store.Tx, p access.Principal, pr Project, tr *Transition) error {
	raw, err := json.Marshal(pr.Data)
	if err != nil {
		return fmt.Errorf("snapshot of %d: %w", pr.ID, err)
	}
	actor := p.Name
	if actor == "" {
		actor = "system"
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO project_snapshots (project_id, name, transition, data, at, actor) VALUES (?, ?, ?, ?, ?, ?)`,
		pr.ID, tr.Snapshot, tr.Key, string(raw), store.Now(), actor); err != nil {
		return fmt.Errorf("snapshot of %d: %w", pr.ID, err)
	}
	return nil
}

// Snapshots lists a record's snapshots, oldest first.
func Snapshots(ctx context.Context, q store.Querier, projectID int64) ([]Snapshot, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, transition, data, at, actor FROM project_snapshots WHERE project_id = ? ORDER BY id`, projectID)
	if err != nil {
		return nil, fmt.Errorf("snapshots of %d: %w", projectID, err)
	}
	defer rows.Close()
	var out []Snapshot
	for rows.Next() {
		var s Snapshot
		var raw string
		if err := rows.Scan(&s.ID, &s.Name, &s.Transition, &raw, &s.At, &s.Actor); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(raw), &s.Data); err != nil {
			return nil, fmt.Errorf("snapshot %d: %w", s.ID, err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// latest is the newest snapshot of a name, nil when none was taken.
func latest(snaps []Snapshot, name string) *Snapshot {
	for i := len(snaps) - 1; i >= 0; i-- {
		if snaps[i].Name == name {
			return &snaps[i]
		}
	}
	return nil
}

// normal gives a value the shape it has after a trip through JSON, so a
// number sent as int compares equal to the float64 read back.
func normal(v any) any {
	raw, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	_ = json.Unmarshal(raw, &out)
	return out
}

// terms is a field's value without its progress columns.
func terms(f Field, v any) any {
	v = normal(v)
	rows, ok := v.([]any)
	if f.Type != "table" || !ok {
		return v
	}
	for _, r := range rows {
		if row, ok := r.(map[string]any); ok {
			for _, c := range f.Columns {
				if c.Progress {
					delete(row, c.Key)
				}
			}
		}
	}
	return rows
}

// ChangedFields lists the form's fields whose terms differ between two
// versions of the data, in form order: progress fields and columns (tasks
// ticked done, money spent) are not terms and do not count.
func ChangedFields(t *Template, before, after map[string]any) []Field {
	var out []Field
	for _, f := range t.Form {
		if f.Progress {
			continue
		}
		b, a := terms(f, before[f.Key]), terms(f, after[f.Key])
		if empty(b) && empty(a) {
			continue
		}
		if !reflect.DeepEqual(b, a) {
			out = append(out, f)
		}
	}
	return out
}

// OverdueMonths counts the whole months from end (YYYY-MM-DD) to day; 0
// when day is not past end.
func OverdueMonths(end, day string) int {
	e, err1 := time.Parse(time.DateOnly, end)
	d, err2 := time.Parse(time.DateOnly, day)
	if err1 != nil || err2 != nil || !d.After(e) {
		return 0
	}
	n := (d.Year()-e.Year())*12 + int(d.Month()) - int(e.Month())
	if d.Day() < e.Day() {
		n--
	}
	return max(n, 0)
}

// EndOf is the record's end in force: the delayed end an approved
// extension set, else the planned end ("" when the form has neither).
func EndOf(t *Template, data map[string]any) string {
	var planned, delayed string
	for _, f := range t.Form {
		s, _ := data[f.Key].(string)
		switch f.End {
		case "planned":
			planned = s
		case "delayed":
			delayed = s
		}
	}
	if delayed != "" {
		return delayed
	}
	return planned
}

// progressEnv adds the rule functions on a record's progress:
// overdue_months(): whole months past its end in force, today (China
// time); changes_since(name): fields changed after the latest snapshot of
// that name (changes_since("contract") counts the changes no approved
// change covers); share_done(table, column): the share in per cent of the
// table's rows whose boolean column is ticked; taken(key): how many times
// the record took that transition (a tranche after the mid-term check).
func progressEnv(ctx context.Context, q store.Querier, t *Template, pr Project, env map[string]any) error {
	today := businessNow(ctx).In(shanghai).Format(time.DateOnly)
	set := func(k string, f any) { // a form field of that name wins
		if _, ok := t.Field(k); !ok {
			env[k] = f
		}
	}
	set("overdue_months", func() int { return OverdueMonths(EndOf(t, pr.Data), today) })
	var snaps []Snapshot
	if pr.ID != 0 {
		var err error
		if snaps, err = Snapshots(ctx, q, pr.ID); err != nil {
			return err
		}
	}
	set("changes_since", func(name string) int {
		s := latest(snaps, name)
		if s == nil {
			return 0
		}
		return len(ChangedFields(t, s.Data, pr.Data))
	})
	var events []Event
	if pr.ID != 0 {
		var err error
		if events, err = History(ctx, q, pr.ID); err != nil {
			return err
		}
	}
	set("taken", func(key string) int {
		n := 0
		for _, e := range events {
			if e.Transition == key {
				n++
			}
		}
		return n
	})
	set("share_done", func(table, column string) float64 {
		rows, _ := pr.Data[table].([]any)
		if len(rows) == 0 {
			return 0
		}
		done := 0
		for _, r := range rows {
			if row, ok := r.(map[string]any); ok && row[column] == true {
				done++
			}
		}
		return 100 * float64(done) / float64(len(rows))
	})
	return nil
}

// refundDue is what a move with a refund makes due: nil when the move
// makes nothing due.
func refundDue(ctx context.Context, q store.Querier, pr Project, tr *Transition) (*float64, error) {
	if tr.Refund == nil {
		return nil, nil
	}
	var disbursed float64
	if err := q.QueryRowContext(ctx, `SELECT amount_disbursed FROM projects WHERE id = ?`, pr.ID).Scan(&disbursed); err != nil {
		return nil, fmt.Errorf("paid to %d: %w", pr.ID, err)
	}
	due := disbursed
	if tr.Refund.Of == "leftover" {
		due = max(disbursed-number(pr.Data[tr.Refund.Spent]), 0)
	}
	return &due, nil
}

// Comparison is the difference between two snapshots (or a snapshot and
// the form as it stands), field by field; tables compare row by row.
type Comparison struct {
	From, To string // snapshot names; To "" is the form as it stands
	FromAt   time.Time
	ToAt     time.Time
	Fields   []FieldChange
}

// FieldChange is one field that differs: Before and After for a plain
// field, Rows (a line diff of the rows) for a table.
type FieldChange struct {
	Field  Field
	Before any
	After  any
	Rows   []DiffLine
}

// Compare puts two versions of a record's data side by side.
func Compare(t *Template, before, after map[string]any) []FieldChange {
	var out []FieldChange
	for _, f := range ChangedFields(t, before, after) {
		c := FieldChange{Field: f, Before: before[f.Key], After: after[f.Key]}
		if f.Type == "table" {
			c.Rows = Diff(rowLines(f, before[f.Key]), rowLines(f, after[f.Key]))
		}
		out = append(out, c)
	}
	return out
}

// rowLines writes a table's rows a line each, "label: value" by column.
func rowLines(f Field, v any) string {
	rows, _ := v.([]any)
	var s string
	for _, r := range rows {
		row, _ := r.(map[string]any)
		line := ""
		for _, c := range f.Columns {
			if c.Progress {
				continue
			}
			if line != "" {
				line += "；"
			}
			line += fmt.Sprintf("%s：%v", c.Label, displayCell(row[c.Key]))
		}
		s += line + "\n"
	}
	return s
}

func displayCell(v any) any {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		if x == float64(int64(x)) {
			return int64(x)
		}
	case bool:
		if x {
			return "是"
		}
		return "否"
	}
	return v
}

// Comparisons are what the record's page shows for a template with
// compare: [a, b]: the latest b beside the latest a, and the form as it
// stands beside the latest b (changes not yet approved). Empty when the
// snapshots are not there yet.
func Comparisons(t *Template, pr Project, snaps []Snapshot) []Comparison {
	if len(t.Compare) != 2 {
		return nil
	}
	a, b := latest(snaps, t.Compare[0]), latest(snaps, t.Compare[1])
	var out []Comparison
	if a != nil && b != nil {
		out = append(out, Comparison{From: a.Name, To: b.Name, FromAt: a.At, ToAt: b.At, Fields: Compare(t, a.Data, b.Data)})
	}
	if b != nil {
		out = append(out, Comparison{From: b.Name, FromAt: b.At, Fields: Compare(t, b.Data, pr.Data)})
	}
	return out
}

// checkProgress refuses end fields that are not dates or repeat, and a
// compare naming snapshots no move takes.
func checkProgress(t *Template) []Problem {
	var ps []Problem
	ends := map[string]bool{}
	for _, f := range t.Form {
		if f.End == "" {
			continue
		}
		if f.Type != "date" || (f.End != "planned" && f.End != "delayed") || ends[f.End] {
			ps = append(ps, Problem{Line: f.Line, Key: "program.end_invalid", Args: []any{f.Key}})
		}
		ends[f.End] = true
	}
	if len(t.Compare) > 0 {
		var names []string
		for _, tr := range t.Transitions {
			if tr.Snapshot != "" {
				names = append(names, tr.Snapshot)
			}
		}
		ok := len(t.Compare) == 2
		for _, n := range t.Compare {
			ok = ok && slices.Contains(names, n)
		}
		if !ok {
			ps = append(ps, Problem{Key: "program.compare_invalid", Args: []any{fmt.Sprint(t.Compare)}})
		}
	}
	if t.Amount != "" {
		if f, ok := t.Field(t.Amount); !ok || f.Type != "money" {
			ps = append(ps, Problem{Key: "program.amount_field_invalid", Args: []any{t.Amount}})
		}
	}
	return ps
}
