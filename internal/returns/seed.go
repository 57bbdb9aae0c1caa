package returns

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Seeded is a filing loaded as already filed and accepted: the demo city,
// or returns taken over from a system the bureau used before.
type Seeded struct {
	OrganisationID int64
	Period         string
	Values         Values
	Submitted      time.Time
	Accepted       time.Time
}

// Seed writes accepted filings of a form with their history (submitted by
// the unit, accepted by the named reviewer) and one audit event each, in
// one transaction. Values are checked against the form first.
func Seed(ctx context.Context, db *store.DB, f *Form, reviewer string, xs []Seeded) error {
	for _, x := range xs {
		if _, err := ParsePeriod(f.Period, x.Period); err != nil {
			return err
		}
		if ps := f.Check(x.Values); len(ps) > 0 {
			return fmt.Errorf("seed %s %s: %w", f.Key, x.Period, ps)
		}
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		changes := make([]audit.Change, 0, len(xs))
		for _, x := range xs {
			per, _ := ParsePeriod(f.Period, x.Period)
			raw, _ := json.Marshal(x.Values)
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO return_filings (form_id, organisation_id, period, period_end, status, filed_values, submitted_at, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 3) RETURNING id`,
				f.ID, x.OrganisationID, per.String(), per.End().Format(time.DateOnly), Accepted, string(raw), x.Submitted, x.Submitted, x.Accepted).Scan(&id); err != nil {
				return fmt.Errorf("seed filing %s %s: %w", f.Key, x.Period, err)
			}
			for i, step := range []struct {
				action, status, actor string
				at                    time.Time
			}{{"save", Draft, "unit", x.Submitted}, {"submit", Submitted, "unit", x.Submitted}, {"accept", Accepted, reviewer, x.Accepted}} {
				if _, err := tx.ExecContext(ctx, `INSERT INTO return_history (filing_id, version, action, status, filed_values, note, actor, at) VALUES (?, ?, ?, ?, ?, '', ?, ?)`,
					id, i+1, step.action, step.status, string(raw), step.actor, step.at); err != nil {
					return fmt.Errorf("seed filing history: %w", err)
				}
			}
			day := x.Accepted.In(shanghai).Format(time.DateOnly)
			for field, byD := range x.Values {
				for d, v := range byD {
					if _, err := tx.ExecContext(ctx, `INSERT INTO return_accepted (filing_id, version, accepted_on, field, district, value) VALUES (?, 3, ?, ?, ?, ?)`, id, day, field, d, v); err != nil {
						return fmt.Errorf("seed accepted figures: %w", err)
					}
				}
			}
			changes = append(changes, audit.Change{Entity: "return_filing", EntityID: id, Action: "seed", After: map[string]any{"form": f.Key, "period": per.String()}})
		}
		return audit.AppendBatch(ctx, tx, changes)
	})
}
