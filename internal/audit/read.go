package audit

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Filter narrows a listing of the log. Zero values do not filter.
type Filter struct {
	Actor    string
	Entity   string
	Action   string
	Outcome  string
	From     time.Time
	To       time.Time
	BeforeID int64 // for paging backwards: events with id < BeforeID
	Limit    int
}

const columns = `id, at, actor_id, actor, address, entity, entity_id, action, outcome, before_json, after_json, prev_hash, hash`

// List returns events matching f, newest first.
func List(ctx context.Context, db store.Querier, f Filter) ([]Event, error) {
	var where []string
	var args []any
	add := func(cond string, v any) { where = append(where, cond); args = append(args, v) }
	if f.Actor != "" {
		add("actor = ?", f.Actor)
	}
	if f.Entity != "" {
		add("entity = ?", f.Entity)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if f.Outcome != "" {
		add("outcome = ?", f.Outcome)
	}
	if !f.From.IsZero() {
		add("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		add("at < ?", f.To.UTC())
	}
	if f.BeforeID > 0 {
		add("id < ?", f.BeforeID)
	}
	q := `SELECT ` + columns + ` FROM audit_events`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 || limit > 10000 {
		limit = 100
	}
	q += fmt.Sprintf(" ORDER BY id DESC LIMIT %d", limit)
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("audit: list: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func scan(rows *sql.Rows) (Event, error) {
	var e Event
	var actorID sql.NullInt64
	if err := rows.Scan(&e.ID, &e.At, &actorID, &e.Actor, &e.Address, &e.Entity, &e.EntityID,
		&e.Action, &e.Outcome, &e.Before, &e.After, &e.PrevHash, &e.Hash); err != nil {
		return e, fmt.Errorf("audit: scan: %w", err)
	}
	e.At = e.At.UTC()
	e.ActorID = actorID.Int64
	return e, nil
}

// Problem is one break in the chain that Verify found.
type Problem struct {
	ID     int64  // the event at or after the break
	Reason string // what is wrong, in English, naming the row
}

// Report is what Verify found.
type Report struct {
	Checked  int
	Problems []Problem
}

// OK reports whether the chain is intact.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// Verify walks the log in order and reports every row whose hash does not
// match its contents (edited), every gap in the ids or broken link (deleted
// or reordered), and a head that the last row does not reach (deleted at the
// end).
//
// It reads the chain head first and then the events up to it. The head and
// the events it counts are written in one transaction, so every event up to
// the head read is committed and visible to the second statement, and
// events appended by others meanwhile lie beyond it: a verification while
// others write checks the log as it stood when the head was read, and never
// mistakes their new events for a gap (the two reads used to be the other
// way round, and every run under load reported a false deletion at the end).
func Verify(ctx context.Context, db *store.DB) (Report, error) {
	var rep Report
	var headID int64
	var headHash string
	if err := db.QueryRowContext(ctx, `SELECT last_id, last_hash FROM audit_head WHERE id = 1`).Scan(&headID, &headHash); err != nil {
		return rep, fmt.Errorf("audit: read head: %w", err)
	}
	rows, err := db.QueryContext(ctx, `SELECT `+columns+` FROM audit_events WHERE id <= ? ORDER BY id`, headID)
	if err != nil {
		return rep, fmt.Errorf("audit: verify: %w", err)
	}
	defer rows.Close()
	var prevID int64
	prevHash := ""
	for rows.Next() {
		e, err := scan(rows)
		if err != nil {
			return rep, err
		}
		rep.Checked++
		switch {
		case e.ID != prevID+1:
			rep.Problems = append(rep.Problems, Problem{e.ID, fmt.Sprintf("events %d to %d are missing (deleted)", prevID+1, e.ID-1)})
		case e.PrevHash != prevHash:
			rep.Problems = append(rep.Problems, Problem{e.ID, fmt.Sprintf("event %d does not follow event %d (link broken)", e.ID, prevID)})
		}
		if got := e.computeHash(); got != e.Hash {
			rep.Problems = append(rep.Problems, Problem{e.ID, fmt.Sprintf("event %d was changed after it was written (hash mismatch)", e.ID)})
		}
		prevID, prevHash = e.ID, e.Hash
	}
	if err := rows.Err(); err != nil {
		return rep, fmt.Errorf("audit: verify: %w", err)
	}
	if headID != prevID || headHash != prevHash {
		rep.Problems = append(rep.Problems, Problem{prevID + 1, fmt.Sprintf("the log ends at event %d but %d were written (events %d to %d deleted)", prevID, headID, prevID+1, headID)})
	}
	return rep, nil
}
