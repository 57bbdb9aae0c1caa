package registry

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Indexer turns text into search terms (package search's Segmenter). It
// must be safe for concurrent use: bulk inserts segment on every core.
type Indexer interface {
	IndexTerms(text string) []string
}

// Outcome of an upsert.
const (
	Created   = "created"
	Updated   = "updated"
	Unchanged = "unchanged"
)

// Conflict is returned when an edit was made over a newer version: Current
// is what is stored now and Fields the fields where it differs from the edit.
type Conflict struct {
	Current Organisation
	Fields  []string
}

func (c *Conflict) Error() string {
	return fmt.Sprintf("organisation %d changed meanwhile (fields %s)", c.Current.ID, strings.Join(c.Fields, ", "))
}

// Unwrap makes a Conflict an ErrConflict.
func (c *Conflict) Unwrap() error { return problem.ErrConflict }

// diff lists the fields where a and b differ.
func diff(a, b Organisation) []string {
	var out []string
	eq := func(name string, same bool) {
		if !same {
			out = append(out, name)
		}
	}
	eq("credit_code", a.CreditCode == b.CreditCode)
	eq("name", a.Name == b.Name)
	eq("former_names", slices.Equal(a.FormerNames, b.FormerNames))
	eq("kind", a.Kind == b.Kind)
	eq("district", a.District == b.District)
	eq("address", a.Address == b.Address)
	eq("founded", a.Founded == b.Founded)
	eq("size", a.Size == b.Size)
	eq("description", a.Description == b.Description)
	eq("parent_id", a.ParentID == b.ParentID)
	eq("tags", sameSet(a.Tags, b.Tags))
	eq("clusters", sameSet(a.Clusters, b.Clusters))
	return out
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

// Save creates o (ID 0) or updates it. An update must carry the version it
// was edited from; a newer stored version is a *Conflict and nothing changes.
func Save(ctx context.Context, db *store.DB, ix Indexer, cat *Catalogue, o Organisation) (Organisation, error) {
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if o.ID != 0 {
			cur, err := Get(ctx, tx, 0, o.ID)
			if err != nil {
				return err
			}
			if cur.Version != o.Version {
				return &Conflict{Current: cur, Fields: diff(cur, o)}
			}
			o.CreatedAt = cur.CreatedAt
		}
		var err error
		o, _, err = write(ctx, tx, ix, cat, o)
		return err
	})
	return o, err
}

// Upsert writes o inside tx keyed on its credit code: a new code creates, a
// known one updates when anything differs. For imports.
func Upsert(ctx context.Context, tx *store.Tx, ix Indexer, cat *Catalogue, o Organisation) (Organisation, string, error) {
	if o.CreditCode != "" {
		cur, err := ByCreditCode(ctx, tx, o.CreditCode)
		switch {
		case err == nil:
			o.ID, o.Version, o.CreatedAt = cur.ID, cur.Version, cur.CreatedAt
			if len(diff(cur, o)) == 0 {
				return cur, Unchanged, nil
			}
		case !errors.Is(err, problem.ErrNotFound):
			return o, "", err
		}
	}
	return write(ctx, tx, ix, cat, o)
}

// write inserts or updates one organisation with its labels and search
// terms, and audits it.
func write(ctx context.Context, tx *store.Tx, ix Indexer, cat *Catalogue, o Organisation) (Organisation, string, error) {
	fresh := o.ID == 0
	now := store.Now()
	var code any
	if o.CreditCode != "" {
		code = o.CreditCode
	}
	var parent any
	if o.ParentID != 0 {
		parent = o.ParentID
	}
	former := strings.Join(o.FormerNames, "\n")
	outcome := Updated
	var before *Organisation
	if o.ID == 0 {
		outcome = Created
		o.CreatedAt, o.Version = now, 1
		err := tx.QueryRowContext(ctx, `INSERT INTO organisations (credit_code, name, former_names, kind, district, address, founded, size,
			description, parent_id, created_at, updated_at, name_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			code, o.Name, former, o.Kind, o.District, o.Address, o.Founded, o.Size, o.Description, parent, now, now, i18n.SortKey(o.Name)).Scan(&o.ID)
		if store.IsUniqueViolation(err) {
			return o, "", problem.Invalid("credit_code", "org.code_taken", o.CreditCode)
		}
		if err != nil {
			return o, "", fmt.Errorf("insert organisation: %w", err)
		}
	} else {
		cur, err := Get(ctx, tx, 0, o.ID)
		if err != nil {
			return o, "", err
		}
		before = &cur
		res, err := tx.ExecContext(ctx, `UPDATE organisations SET credit_code = ?, name = ?, former_names = ?, kind = ?, district = ?,
			address = ?, founded = ?, size = ?, description = ?, parent_id = ?, updated_at = ?, name_key = ?, version = version + 1
			WHERE id = ? AND version = ?`,
			code, o.Name, former, o.Kind, o.District, o.Address, o.Founded, o.Size, o.Description, parent, now, i18n.SortKey(o.Name), o.ID, o.Version)
		if store.IsUniqueViolation(err) {
			return o, "", problem.Invalid("credit_code", "org.code_taken", o.CreditCode)
		}
		if err != nil {
			return o, "", fmt.Errorf("update organisation %d: %w", o.ID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return o, "", &Conflict{Current: cur, Fields: diff(cur, o)}
		}
		o.Version++
	}
	o.UpdatedAt = now
	if err := writeLabels(ctx, tx, cat, o, fresh); err != nil {
		return o, "", err
	}
	if err := writeTerms(ctx, tx, ix, o, fresh); err != nil {
		return o, "", err
	}
	ch := audit.Change{Entity: "organisation", EntityID: o.ID, Action: "create", After: o}
	if before != nil {
		ch.Action, ch.Before = "update", before
	}
	if err := audit.Append(ctx, tx, ch); err != nil {
		return o, "", err
	}
	return o, outcome, nil
}

func writeLabels(ctx context.Context, tx *store.Tx, cat *Catalogue, o Organisation, fresh bool) error {
	if !fresh {
		if _, err := tx.ExecContext(ctx, `DELETE FROM organisation_tags WHERE organisation_id = ?`, o.ID); err != nil {
			return fmt.Errorf("clear tags: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM organisation_clusters WHERE organisation_id = ?`, o.ID); err != nil {
			return fmt.Errorf("clear clusters: %w", err)
		}
	}
	for _, t := range o.Tags {
		id, ok := cat.TagID(t)
		if !ok {
			return problem.Invalid("tags", "org.tag_unknown", t, strings.Join(cat.TagNames(), "、"))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO organisation_tags (organisation_id, tag_id) VALUES (?, ?)`, o.ID, id); err != nil {
			return fmt.Errorf("write tag: %w", err)
		}
	}
	for _, c := range o.Clusters {
		id, ok := cat.ClusterID(c)
		if !ok {
			return problem.Invalid("clusters", "org.cluster_unknown", c, strings.Join(cat.ClusterNames(), "、"))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO organisation_clusters (organisation_id, cluster_id) VALUES (?, ?)`, o.ID, id); err != nil {
			return fmt.Errorf("write cluster: %w", err)
		}
	}
	return nil
}

// SearchText is what the full-text index covers: names, former names,
// description and the credit code.
func (o Organisation) SearchText() string {
	return strings.Join(append(append([]string{o.Name}, o.FormerNames...), o.Description, o.CreditCode), "\n")
}

func writeTerms(ctx context.Context, tx *store.Tx, ix Indexer, o Organisation, fresh bool) error {
	if !fresh {
		if _, err := tx.ExecContext(ctx, `DELETE FROM organisation_terms WHERE organisation_id = ?`, o.ID); err != nil {
			return fmt.Errorf("clear search terms: %w", err)
		}
	}
	if ix == nil {
		return nil
	}
	terms := ix.IndexTerms(o.SearchText())
	for start := 0; start < len(terms); start += 200 {
		batch := terms[start:min(start+200, len(terms))]
		args := make([]any, 0, 2*len(batch))
		vals := make([]string, len(batch))
		for i, t := range batch {
			vals[i] = "(?, ?)"
			args = append(args, t, o.ID)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO organisation_terms (term, organisation_id) VALUES `+strings.Join(vals, ", "), args...); err != nil {
			return fmt.Errorf("write search terms: %w", err)
		}
	}
	return nil
}

// Create adds an organisation from just a name and kind (the demo and tests);
// other fields may be set too.
func Create(ctx context.Context, db *store.DB, o Organisation) (Organisation, error) {
	o.Name = strings.TrimSpace(o.Name)
	if o.Name == "" {
		return o, problem.Invalid("name", "org.name_required")
	}
	if o.Kind == "" {
		o.Kind = "other"
	}
	o.ID = 0
	var out Organisation
	err := db.InTx(ctx, func(tx *store.Tx) error {
		cat, err := LoadCatalogue(ctx, tx)
		if err != nil {
			return err
		}
		out, _, err = write(ctx, tx, nil, cat, o)
		return err
	})
	return out, err
}
