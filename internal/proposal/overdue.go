package proposal

import (
	"context"
	"fmt"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// OverdueRow is a proposal past its deadline and not yet replied to.
type OverdueRow struct {
	ID    int64
	Title string
	Lead  string // the lead unit's name, "" while none
	State State
	DueOn string
}

// openStates are the states of State.Open, for SQL.
var openStates = []State{Assigned, Drafted, Reviewing, Reviewed, Signed}

// Overdue lists the proposals still being handled whose deadline in force
// is before day (YYYY-MM-DD), soonest deadline first: the board's overdue
// rows (List with Filter.Overdue), read through the index on state and
// deadline instead of over the whole board.
func Overdue(ctx context.Context, q store.Querier, day string) ([]OverdueRow, error) {
	args := make([]any, 0, len(openStates)+1)
	for _, s := range openStates {
		args = append(args, string(s))
	}
	args = append(args, day)
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.title, p.state, p.due_on, COALESCE(o.name, '')
		FROM proposals p
		LEFT JOIN proposal_units u ON u.proposal_id = p.id AND u.role = 'lead' AND u.status <> 'sent_back'
		LEFT JOIN organisations o ON o.id = u.unit_id
		WHERE p.state IN (?`+strings.Repeat(", ?", len(openStates)-1)+`) AND p.due_on <> '' AND p.due_on < ?
		ORDER BY p.due_on, p.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("overdue proposals: %w", err)
	}
	defer rows.Close()
	var out []OverdueRow
	for rows.Next() {
		var r OverdueRow
		var st string
		if err := rows.Scan(&r.ID, &r.Title, &st, &r.DueOn, &r.Lead); err != nil {
			return nil, fmt.Errorf("overdue proposals: %w", err)
		}
		r.State = State(st)
		out = append(out, r)
	}
	return out, rows.Err()
}
