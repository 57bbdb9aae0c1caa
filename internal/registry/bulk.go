package registry

import (
	"context"
	"fmt"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/audit"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// InsertOrganisations adds organisations known to be new in a few
// multi-row statements, with their labels, search terms and one audit
// event each; it sets their ids. The demo city and bulk loads use it.
func InsertOrganisations(ctx context.Context, tx *store.Tx, ix Indexer, cat *Catalogue, orgs []Organisation) error {
	return insertNew(ctx, tx, ix, cat, orgs)
}

// AddDiscipline adds (or updates) a university's discipline or major and
// sets its id, audited.
func AddDiscipline(ctx context.Context, tx *store.Tx, d *Discipline) error {
	if _, err := upsertDiscipline(ctx, tx, *d); err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, `SELECT id FROM disciplines WHERE organisation_id = ? AND kind = ? AND name = ?`, d.OrganisationID, d.Kind, d.Name).Scan(&d.ID); err != nil {
		return fmt.Errorf("discipline id: %w", err)
	}
	return nil
}

// InsertFigures adds yearly figures known to be new, a few multi-row
// statements per batch with one audit event each.
func InsertFigures(ctx context.Context, tx *store.Tx, fs []Figure) error {
	now := store.Now()
	changes := make([]audit.Change, 0, len(fs))
	for start := 0; start < len(fs); start += 1000 {
		chunk := fs[start:min(start+1000, len(fs))]
		vals := make([]string, len(chunk))
		args := make([]any, 0, 6*len(chunk))
		for i, f := range chunk {
			vals[i] = "(?, ?, ?, ?, ?, ?)"
			args = append(args, f.OrganisationID, f.Year, f.Kind, f.Value, f.Source, now)
			changes = append(changes, audit.Change{Entity: "figure", EntityID: f.OrganisationID, Action: "create", After: f})
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO organisation_figures (organisation_id, year, kind, value, source, updated_at) VALUES `+strings.Join(vals, ", "), args...); err != nil {
			return fmt.Errorf("insert figures: %w", err)
		}
	}
	return audit.AppendBatch(ctx, tx, changes)
}
