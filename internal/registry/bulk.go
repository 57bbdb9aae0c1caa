package registry

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
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

// InsertPeople adds people known to be new in a few multi-row statements,
// sealing their personal data with keys (nil keys: none is stored, the
// person has no ID number), with one audit event each (masked); it sets
// their ids. The demo city uses it.
func InsertPeople(ctx context.Context, tx *store.Tx, keys *seal.Keyring, ps []Person) error {
	now := store.Now()
	changes := make([]audit.Change, 0, len(ps))
	for start := 0; start < len(ps); start += 500 {
		chunk := ps[start:min(start+500, len(ps))]
		vals := make([]string, len(chunk))
		args := make([]any, 0, 13*len(chunk))
		for i := range chunk {
			p := &chunk[i]
			var idx, birth, org, level any
			sealedID, sealedPhone, sealedEmail := "", "", ""
			if keys != nil && p.IDNumber != "" {
				idx = keys.Index(p.IDNumber, ctxIDNumber)
				var err error
				if sealedID, err = keys.Seal(p.IDNumber, ctxIDNumber); err != nil {
					return err
				}
				if sealedPhone, err = keys.Seal(p.Phone, ctxPhone); err != nil {
					return err
				}
				if sealedEmail, err = keys.Seal(p.Email, ctxEmail); err != nil {
					return err
				}
			}
			if p.BirthYear != 0 {
				birth = p.BirthYear
			}
			if p.OrganisationID != 0 {
				org = p.OrganisationID
			}
			if p.TalentLevel != "" {
				level = p.TalentLevel
			}
			vals[i] = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			args = append(args, p.Name, sealedID, idx, p.Gender, birth, sealedPhone, sealedEmail, org, p.Degree, p.Field, p.Title, level, now, now, i18n.SortKey(p.Name))
		}
		rows, err := tx.QueryContext(ctx, `INSERT INTO people (name, id_number_sealed, id_number_index, gender, birth_year, phone_sealed, email_sealed,
			organisation_id, degree, field, title, talent_level, created_at, updated_at, name_key) VALUES `+strings.Join(vals, ", ")+` RETURNING id`, args...)
		if err != nil {
			return fmt.Errorf("insert people: %w", err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("insert people: %w", err)
		}
		if len(ids) != len(chunk) {
			return fmt.Errorf("insert people: %d ids for %d people", len(ids), len(chunk))
		}
		slices.Sort(ids) // RETURNING gives no order; the ids of one statement are consecutive and in VALUES order
		for i := range chunk {
			chunk[i].ID, chunk[i].Version = ids[i], 1
			changes = append(changes, audit.Change{Entity: "person", EntityID: ids[i], Action: "create", After: chunk[i].auditView()})
		}
	}
	return audit.AppendBatch(ctx, tx, changes)
}

// InsertEmployment adds spells of employment known to be new, without an
// audit event each: the person's creation is audited, and a bulk load
// writes the history with it.
func InsertEmployment(ctx context.Context, tx *store.Tx, es []Employment) error {
	for start := 0; start < len(es); start += 1000 {
		chunk := es[start:min(start+1000, len(es))]
		vals := make([]string, len(chunk))
		args := make([]any, 0, 4*len(chunk))
		for i, e := range chunk {
			vals[i] = "(?, ?, ?, ?)"
			args = append(args, e.PersonID, e.OrganisationID, e.Started, e.Ended)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO person_employment (person_id, organisation_id, started, ended) VALUES `+strings.Join(vals, ", "), args...); err != nil {
			return fmt.Errorf("insert employment: %w", err)
		}
	}
	return nil
}

// TalentLevel is a person's level in the talent classification, as a bulk
// load sets it.
type TalentLevel struct {
	PersonID int64
	Level    string
}

// SetTalentLevels sets the talent level of people, each audited; a level
// not in the classification is refused by the foreign key.
func SetTalentLevels(ctx context.Context, tx *store.Tx, ls []TalentLevel) error {
	now := store.Now()
	changes := make([]audit.Change, 0, len(ls))
	for _, l := range ls {
		if _, err := tx.ExecContext(ctx, `UPDATE people SET talent_level = ?, updated_at = ?, version = version + 1 WHERE id = ?`, l.Level, now, l.PersonID); err != nil {
			return fmt.Errorf("talent level of %d: %w", l.PersonID, err)
		}
		changes = append(changes, audit.Change{Entity: "person", EntityID: l.PersonID, Action: "update", After: map[string]any{"talent_level": l.Level}})
	}
	return audit.AppendBatch(ctx, tx, changes)
}
