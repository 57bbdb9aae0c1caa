package program

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// checkUnique refuses a move into stage to when another record of the
// program, outside its unique fields' excepted stages, holds the same
// values. On PostgreSQL an advisory lock on the values makes two moves at
// once wait for each other, so both cannot pass; SQLite has one writer.
func checkUnique(ctx context.Context, tx *store.Tx, t *Template, pr Project, to string) error {
	for _, f := range t.Form {
		if !f.Unique || contains(f.UniqueExcept, to) || empty(pr.Data[f.Key]) {
			continue
		}
		keys := append([]string{f.Key}, f.UniqueWith...)
		vals := make([]string, len(keys))
		for i, k := range keys {
			b, _ := json.Marshal(pr.Data[k])
			vals[i] = string(b)
		}
		if tx.Engine() == store.Postgres {
			h := fnv.New64a()
			fmt.Fprintf(h, "%s\x00%s", t.Key, strings.Join(vals, "\x00"))
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(h.Sum64())); err != nil {
				return fmt.Errorf("unique %s: lock: %w", f.Key, err)
			}
		}
		args := []any{t.Key, pr.ID}
		where := ""
		if len(f.UniqueExcept) > 0 {
			where = " AND p.stage NOT IN (" + strings.TrimSuffix(strings.Repeat("?,", len(f.UniqueExcept)), ",") + ")"
			for _, s := range f.UniqueExcept {
				args = append(args, s)
			}
		}
		if sv, ok := pr.Data[f.Key].(string); ok { // narrow by the value itself (keys are checked names)
			col := "json_extract(p.data, '$." + f.Key + "')"
			if tx.Engine() == store.Postgres {
				col = "(p.data::jsonb ->> '" + f.Key + "')"
			}
			where += " AND " + col + " = ?"
			args = append(args, sv)
		}
		rows, err := tx.QueryContext(ctx, `SELECT p.id, p.title, p.data FROM projects p JOIN program_templates t ON t.id = p.template_id WHERE t.key = ? AND p.id <> ?`+where, args...)
		if err != nil {
			return fmt.Errorf("unique %s: %w", f.Key, err)
		}
		for rows.Next() {
			var id int64
			var title, raw string
			if err := rows.Scan(&id, &title, &raw); err != nil {
				rows.Close()
				return err
			}
			var data map[string]any
			if json.Unmarshal([]byte(raw), &data) != nil {
				continue
			}
			same := true
			for i, k := range keys {
				b, _ := json.Marshal(data[k])
				same = same && string(b) == vals[i]
			}
			if same {
				rows.Close()
				return problem.Invalid(f.Key, "project.duplicate_value", f.Label, id)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// yearStart is 1 January of year, midnight China time.
func yearStart(year string) time.Time {
	t, _ := time.ParseInLocation("2006", year, shanghai)
	return t.UTC()
}
