package registry

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

var newOrgColumns = []string{"id", "credit_code", "name", "former_names", "kind", "district", "address", "founded", "size",
	"description", "parent_id", "created_at", "updated_at", "name_key"}

// insertNew inserts organisations known to be new with their labels,
// search terms and one audit event each. It takes their ids first (see
// newOrgIDs), so every table is written in bulk (tx.CopyFrom: COPY on
// PostgreSQL, multi-row INSERTs on SQLite) with no row coming back. The
// search terms go in sorted by term, so the (term, organisation) index is
// filled in order rather than at random.
func insertNew(ctx context.Context, tx *store.Tx, ix Indexer, cat *Catalogue, orgs []Organisation) error {
	if len(orgs) == 0 {
		return nil
	}
	ids, err := newOrgIDs(ctx, tx, len(orgs))
	if err != nil {
		return err
	}
	now := store.Now()
	for i := range orgs {
		orgs[i].ID, orgs[i].CreatedAt, orgs[i].UpdatedAt, orgs[i].Version = ids[i], now, now, 1
	}
	derived, err := deriveAll(ix, orgs)
	if err != nil {
		return err
	}
	orgRows := make([][]any, len(orgs))
	var tagRows, clusterRows [][]any
	type termRow struct {
		term string
		id   int64
	}
	var terms []termRow
	for i := range orgs {
		o := &orgs[i]
		var code, parent any
		if o.CreditCode != "" {
			code = o.CreditCode
		}
		if o.ParentID != 0 {
			parent = o.ParentID
		}
		orgRows[i] = []any{o.ID, code, o.Name, strings.Join(o.FormerNames, "\n"), o.Kind, o.District, o.Address, o.Founded, o.Size,
			o.Description, parent, now, now, i18n.SortKey(o.Name)}
		for _, t := range o.Tags {
			id, ok := cat.TagID(t)
			if !ok {
				return problem.Invalid("tags", "org.tag_unknown", t, strings.Join(cat.TagNames(), "、"))
			}
			tagRows = append(tagRows, []any{o.ID, id})
		}
		for _, c := range o.Clusters {
			id, ok := cat.ClusterID(c)
			if !ok {
				return problem.Invalid("clusters", "org.cluster_unknown", c, strings.Join(cat.ClusterNames(), "、"))
			}
			clusterRows = append(clusterRows, []any{o.ID, id})
		}
		for _, t := range derived[i].terms {
			terms = append(terms, termRow{t, o.ID})
		}
	}
	if err := tx.CopyFrom(ctx, "organisations", newOrgColumns, orgRows); err != nil {
		if store.IsUniqueViolation(err) {
			return problem.New(problem.ErrConflict, "import.code_appeared")
		}
		return fmt.Errorf("insert organisations: %w", err)
	}
	slices.SortFunc(terms, func(a, b termRow) int {
		return cmp.Or(strings.Compare(a.term, b.term), cmp.Compare(a.id, b.id))
	})
	termRows := make([][]any, len(terms))
	for i, t := range terms {
		termRows[i] = []any{t.term, t.id}
	}
	for _, part := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"organisation_tags", []string{"organisation_id", "tag_id"}, tagRows},
		{"organisation_clusters", []string{"organisation_id", "cluster_id"}, clusterRows},
		{"organisation_terms", []string{"term", "organisation_id"}, termRows},
	} {
		if err := tx.CopyFrom(ctx, part.table, part.cols, part.rows); err != nil {
			return fmt.Errorf("insert organisations: %w", err)
		}
	}
	changes := make([]audit.Change, len(orgs))
	for i, o := range orgs {
		changes[i] = audit.Change{Entity: "organisation", EntityID: o.ID, Action: "create", After: derived[i].after}
	}
	return audit.AppendBatch(ctx, tx, changes)
}

// newOrgIDs takes n ids for new organisations inside tx: on PostgreSQL from
// the identity's sequence (other writers never get them), on SQLite the n
// after the largest, as SQLite picks a new INTEGER PRIMARY KEY itself (the
// transaction holds the database's write lock from BEGIN IMMEDIATE, so no
// other writer can take them meanwhile).
func newOrgIDs(ctx context.Context, tx *store.Tx, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	if tx.Engine() == store.Postgres {
		rows, err := tx.QueryContext(ctx, `SELECT nextval(pg_get_serial_sequence('organisations', 'id')) FROM generate_series(1, ?)`, n)
		if err != nil {
			return nil, fmt.Errorf("take organisation ids: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, fmt.Errorf("take organisation ids: %w", err)
			}
			ids = append(ids, id)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("take organisation ids: %w", err)
		}
		if len(ids) != n {
			return nil, fmt.Errorf("take organisation ids: %d of %d", len(ids), n)
		}
		slices.Sort(ids)
		return ids, nil
	}
	var last int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM organisations`).Scan(&last); err != nil {
		return nil, fmt.Errorf("take organisation ids: %w", err)
	}
	for i := range n {
		ids = append(ids, last+1+int64(i))
	}
	return ids, nil
}

// derived is what a new organisation's rows need beyond its fields: its
// search terms and the JSON its audit event keeps.
type derived struct {
	terms []string
	after string
}

// deriveAll segments and marshals orgs on every core (both are CPU only
// and independent per organisation); the Indexer must be safe for
// concurrent use, as search.Segmenter is.
func deriveAll(ix Indexer, orgs []Organisation) ([]derived, error) {
	out := make([]derived, len(orgs))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(orgs)/500))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	per := (len(orgs) + workers - 1) / workers
	for w := range workers {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				if ix != nil {
					out[i].terms = ix.IndexTerms(orgs[i].SearchText())
				}
				b, err := json.Marshal(orgs[i])
				if err != nil {
					errs[w] = fmt.Errorf("organisation %d for the audit: %w", orgs[i].ID, err)
					return
				}
				out[i].after = string(b)
			}
		}(w*per, min((w+1)*per, len(orgs)))
	}
	wg.Wait()
	return out, errors.Join(errs...)
}
