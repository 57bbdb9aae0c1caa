package program

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/integrity"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// recordText is the text a duplicate check compares: the named fields'
// text and their tables' text cells, without the template's own wording.
func recordText(t *Template, d *Duplicates, data map[string]any) string {
	var b strings.Builder
	var excludes []string
	for _, f := range t.Form {
		excludes = append(excludes, f.Label, f.Help)
		excludes = append(excludes, f.Options...)
	}
	for _, k := range d.Fields {
		switch v := data[k].(type) {
		case string:
			b.WriteString(v + "\n")
		case []any:
			for _, r := range v {
				if row, ok := r.(map[string]any); ok {
					for _, c := range row {
						if s, ok := c.(string); ok {
							b.WriteString(s + "\n")
						}
					}
				}
			}
		}
	}
	return integrity.Strip(b.String(), excludes)
}

// SimilarRecords are the earlier applications a record's text resembles
// above its check's review threshold, for the manager's page.
func SimilarRecords(ctx context.Context, q store.Querier, t *Template, pr Project, d *Duplicates) ([]integrity.Match, error) {
	since := Clock().In(shanghai).AddDate(-d.Years, 0, 0).Format(time.DateOnly)
	return integrity.Similar(ctx, q, recordText(t, d, pr.Data), since, pr.ID, d.Review, 5)
}

// checkDuplicates runs a transition's duplicate check in tx: above the
// refusal threshold the move is refused unless a manager has cleared that
// pair; above the review threshold the pair is flagged; then the record's
// text is kept for the applications that come after it.
func checkDuplicates(ctx context.Context, tx *store.Tx, t *Template, pr Project, tr *Transition) error {
	d := tr.Duplicates
	if d == nil {
		return nil
	}
	ms, err := SimilarRecords(ctx, tx, t, pr, d)
	if err != nil {
		return err
	}
	decided, err := integrity.Decisions(ctx, tx, pr.ID)
	if err != nil {
		return err
	}
	now := Clock()
	for _, m := range ms {
		if m.Score >= d.Refuse && decided[m.DocID].Decision != "cleared" { // the manager's page shows the pair from the texts
			return refusal{problem.New(problem.ErrConflict, "integrity.duplicate_refused", m.DocID, fmt.Sprintf("%.0f%%", m.Score*100)), pr.ID, m.DocID, m.Score}
		}
		if err := integrity.Flag(ctx, tx, pr.ID, m.DocID, m.Score, now); err != nil {
			return err
		}
	}
	return integrity.Keep(ctx, tx, pr.ID, t.Key, now.In(shanghai).Format(time.DateOnly), recordText(t, d, pr.Data))
}

// refusal is a move refused as a duplicate. The move's transaction rolls
// back; MoveWith then records the pair as blocked on its own, so the
// managers' list shows who is waiting for a decision.
type refusal struct {
	pe             *problem.Error
	project, other int64
	score          float64
}

func (r refusal) Error() string { return r.pe.Error() }
func (r refusal) Unwrap() error { return r.pe }

// recordRefusal writes the blocked pair of a move refused as a duplicate;
// err is the move's error, returned as it was (joined with any failure to
// record).
func recordRefusal(ctx context.Context, db *store.DB, err error) error {
	var rf refusal
	if !errors.As(err, &rf) {
		return err
	}
	if ferr := db.InTx(ctx, func(tx *store.Tx) error { return integrity.Block(ctx, tx, rf.project, rf.other, rf.score, Clock()) }); ferr != nil {
		return errors.Join(err, ferr)
	}
	return err
}
