// Package ranking owns external rankings the city is measured by (the
// national innovative-city ranking and the like): a series per ranking, one
// entry per year, read as of the day each was published.
package ranking

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Series is one ranking.
type Series struct {
	ID        int64   `json:"id"`
	Key       string  `json:"key"`
	Name      string  `json:"name"`
	NameEN    string  `json:"name_en,omitempty"`
	Publisher string  `json:"publisher,omitempty"`
	Entries   []Entry `json:"entries"`
}

// Entry is the city's place in one year's edition.
type Entry struct {
	Year      int      `json:"year"`
	Rank      int      `json:"rank"`
	OfTotal   int      `json:"of_total,omitempty"`
	Score     *float64 `json:"score,omitempty"`
	Published string   `json:"published"`
	Note      string   `json:"note,omitempty"`
	Change    int      `json:"change"` // places gained on the year before (positive: up)
}

var keyRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,47}$`)

// AddSeries starts a ranking series.
func AddSeries(ctx context.Context, db *store.DB, s Series) (Series, error) {
	var ps problem.List
	if !keyRE.MatchString(s.Key) {
		ps = append(ps, problem.Invalid("key", "returns.bad_key", s.Key))
	}
	if strings.TrimSpace(s.Name) == "" {
		ps = append(ps, problem.Invalid("name", "returns.name_required"))
	}
	if len(ps) > 0 {
		return s, ps
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO ranking_series (key, name, name_en, publisher, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			s.Key, s.Name, s.NameEN, s.Publisher, store.Now()).Scan(&s.ID); err != nil {
			if store.IsUniqueViolation(err) {
				return problem.Invalid("key", "ranking.duplicate", s.Key)
			}
			return fmt.Errorf("ranking series: %w", err)
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "ranking", EntityID: s.Key, Action: "create", After: s})
	})
	return s, err
}

// Record keeps a year's entry of a series (replacing that year's, with the
// change audited: a publisher may revise an edition).
func Record(ctx context.Context, db *store.DB, key string, e Entry) error {
	var ps problem.List
	if e.Year < 1990 || e.Year > 2200 {
		ps = append(ps, problem.Invalid("year", "ranking.year", e.Year))
	}
	if e.Rank < 1 || (e.OfTotal > 0 && e.Rank > e.OfTotal) {
		ps = append(ps, problem.Invalid("rank", "ranking.bad_rank", e.Rank))
	}
	if _, err := time.Parse(time.DateOnly, e.Published); err != nil {
		ps = append(ps, problem.Invalid("published", "ai.date", e.Published))
	}
	if len(ps) > 0 {
		return ps
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		s, err := get(ctx, tx, key)
		if err != nil {
			return err
		}
		var before any
		for _, old := range s.Entries {
			if old.Year == e.Year {
				before = old
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM ranking_entries WHERE series_id = ? AND year = ?`, s.ID, e.Year); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO ranking_entries (series_id, year, rank, of_total, score, published, note) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			s.ID, e.Year, e.Rank, e.OfTotal, e.Score, e.Published, e.Note); err != nil {
			return fmt.Errorf("ranking entry: %w", err)
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "ranking", EntityID: key, Action: "record", Before: before, After: e})
	})
}

// Get loads a series with its entries, oldest year first, each with the
// places gained on the year before.
func Get(ctx context.Context, q store.Querier, key string) (Series, error) { return get(ctx, q, key) }

func get(ctx context.Context, q store.Querier, key string) (Series, error) {
	var s Series
	err := q.QueryRowContext(ctx, `SELECT id, key, name, name_en, publisher FROM ranking_series WHERE key = ?`, key).Scan(&s.ID, &s.Key, &s.Name, &s.NameEN, &s.Publisher)
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("ranking %q: %w", key, problem.ErrNotFound)
	}
	if err != nil {
		return s, err
	}
	rows, err := q.QueryContext(ctx, `SELECT year, rank, of_total, score, published, note FROM ranking_entries WHERE series_id = ? ORDER BY year`, s.ID)
	if err != nil {
		return s, fmt.Errorf("ranking entries: %w", err)
	}
	defer rows.Close()
	s.Entries = []Entry{}
	for rows.Next() {
		var e Entry
		var score sql.NullFloat64
		if err := rows.Scan(&e.Year, &e.Rank, &e.OfTotal, &score, &e.Published, &e.Note); err != nil {
			return s, err
		}
		if score.Valid {
			e.Score = &score.Float64
		}
		if n := len(s.Entries); n > 0 && s.Entries[n-1].Year == e.Year-1 {
			e.Change = s.Entries[n-1].Rank - e.Rank
		}
		s.Entries = append(s.Entries, e)
	}
	return s, rows.Err()
}

// All lists every series with its entries.
func All(ctx context.Context, q store.Querier) ([]Series, error) {
	rows, err := q.QueryContext(ctx, `SELECT key FROM ranking_series ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("rankings: %w", err)
	}
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return nil, err
		}
		keys = append(keys, k)
	}
	rows.Close()
	out := []Series{}
	for _, k := range keys {
		s, err := get(ctx, q, k)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// Rising counts the years in a row, up to the last entry, the city gained
// places.
func (s Series) Rising() int {
	n := 0
	for i := len(s.Entries) - 1; i > 0; i-- {
		if s.Entries[i].Year != s.Entries[i-1].Year+1 || s.Entries[i].Rank >= s.Entries[i-1].Rank {
			break
		}
		n++
	}
	return n
}
