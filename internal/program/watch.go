package program

import (
	"context"
	"fmt"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Watch is an organisation's saved search for new calls: of one program
// (or any, when ProgramKey is empty) whose name holds Keyword (or any).
type Watch struct {
	ID             int64  `json:"id"`
	OrganisationID int64  `json:"organisation_id"`
	ProgramKey     string `json:"program"`
	Keyword        string `json:"keyword"`
}

// AddWatch saves a watch; the same one twice is kept once.
func AddWatch(ctx context.Context, db *store.DB, w Watch) error {
	w.Keyword = strings.TrimSpace(w.Keyword)
	if len([]rune(w.Keyword)) > 40 {
		return problem.Invalid("keyword", "watch.keyword_long")
	}
	if w.ProgramKey != "" {
		if _, err := Latest(ctx, db, w.ProgramKey); err != nil {
			return problem.Invalid("program", "watch.program_unknown", w.ProgramKey)
		}
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO program_watches (organisation_id, program_key, keyword, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (organisation_id, program_key, keyword) DO NOTHING`, w.OrganisationID, w.ProgramKey, w.Keyword, store.Now()); err != nil {
			return fmt.Errorf("add watch: %w", err)
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "organisation", EntityID: w.OrganisationID, Action: "watch_calls", After: w})
	})
}

// RemoveWatch deletes one of an organisation's watches.
func RemoveWatch(ctx context.Context, db *store.DB, orgID, id int64) error {
	return db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM program_watches WHERE id = ? AND organisation_id = ?`, id, orgID)
		if err != nil {
			return fmt.Errorf("remove watch: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("watch %d: %w", id, problem.ErrNotFound)
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "organisation", EntityID: orgID, Action: "unwatch_calls", After: map[string]any{"watch": id}})
	})
}

// Watches lists an organisation's watches.
func Watches(ctx context.Context, q store.Querier, orgID int64) ([]Watch, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, organisation_id, program_key, keyword FROM program_watches WHERE organisation_id = ? ORDER BY id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("watches: %w", err)
	}
	defer rows.Close()
	var out []Watch
	for rows.Next() {
		var w Watch
		if err := rows.Scan(&w.ID, &w.OrganisationID, &w.ProgramKey, &w.Keyword); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// alertWatchers tells every organisation whose watch matches a new call,
// once each, in the transaction that opens the call.
func alertWatchers(ctx context.Context, tx *store.Tx, programKey string, c Call) error {
	rows, err := tx.QueryContext(ctx, `SELECT organisation_id, keyword FROM program_watches WHERE program_key = ? OR program_key = ''`, programKey)
	if err != nil {
		return fmt.Errorf("watchers: %w", err)
	}
	told := map[int64]bool{}
	var orgs []int64
	for rows.Next() {
		var org int64
		var kw string
		if err := rows.Scan(&org, &kw); err != nil {
			rows.Close()
			return err
		}
		if !told[org] && (kw == "" || strings.Contains(c.Name, kw)) {
			told[org] = true
			orgs = append(orgs, org)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, org := range orgs {
		if err := Notify(ctx, tx, Notice{OrganisationID: org, Kind: "call_opened", Args: []any{c.Name, c.Opens, c.Closes}}); err != nil {
			return err
		}
	}
	return nil
}
