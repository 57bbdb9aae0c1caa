package match

import (
	"context"
	"fmt"

	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// AnnounceKind is the notice a suggested candidate gets.
const AnnounceKind = "suggested"

// Announce tells the limit best-suited candidates of record id that it
// asks for them, when the record stands at its need's Announce stage. Each
// record is announced once: a record already announced, or not at that
// stage, is left alone, so calling Announce after every move (or again
// after a failure) is safe. It answers how many organisations were told.
func Announce(ctx context.Context, db *store.DB, pools map[string]*Pool, id int64, limit int) (int, error) {
	pr, err := program.GetProject(ctx, db, id)
	if err != nil {
		return 0, err
	}
	t, err := program.LoadTemplate(ctx, db, pr.TemplateID)
	if err != nil {
		return 0, err
	}
	n, ok := Needs[t.Key]
	if !ok || n.Announce == "" || pr.Stage != n.Announce {
		return 0, nil
	}
	announced := func(q store.Querier) (bool, error) {
		var done int
		if err := q.QueryRowContext(ctx, `SELECT count(*) FROM notifications WHERE project_id = ? AND kind = ?`, pr.ID, AnnounceKind).Scan(&done); err != nil {
			return false, fmt.Errorf("match: announced before: %w", err)
		}
		return done > 0, nil
	}
	if done, err := announced(db); err != nil || done {
		return 0, err
	}
	// The ranking reads the pool, which may read the database: it runs
	// before the transaction, which checks again that no one else has
	// announced the record meanwhile.
	cs, err := suggest(ctx, db, pools, pr, n, limit)
	if err != nil {
		return 0, err
	}
	told := 0
	err = db.InTx(ctx, func(tx *store.Tx) error {
		if done, err := announced(tx); err != nil || done {
			return err
		}
		for _, c := range cs {
			if err := program.Notify(ctx, tx, program.Notice{OrganisationID: c.ID, ProjectID: pr.ID, Kind: AnnounceKind, Args: []any{n.Topic, pr.Title}}); err != nil {
				return err
			}
		}
		told = len(cs)
		return nil
	})
	return told, err
}
