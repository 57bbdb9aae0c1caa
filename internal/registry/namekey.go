package registry

import (
	"context"
	"fmt"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// fillNameKeys gives every row of table (organisations or people) that has
// no name_key yet its key: rows from before the column existed, or written
// by other means than this package. A list sorted by name calls it first;
// when every row has its key it costs one indexed look-up.
func fillNameKeys(ctx context.Context, q store.Querier, table string) error {
	if table != "organisations" && table != "people" {
		return fmt.Errorf("name keys: no table %q", table)
	}
	rows, err := q.QueryContext(ctx, `SELECT id, name FROM `+table+` WHERE name_key IS NULL`)
	if err != nil {
		return fmt.Errorf("rows without a name key: %w", err)
	}
	type row struct {
		id   int64
		name string
	}
	var todo []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.name); err != nil {
			rows.Close()
			return err
		}
		todo = append(todo, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(todo) == 0 {
		return err
	}
	fill := func(x store.Querier) error {
		for _, r := range todo {
			if _, err := x.ExecContext(ctx, `UPDATE `+table+` SET name_key = ? WHERE id = ?`, i18n.SortKey(r.name), r.id); err != nil {
				return fmt.Errorf("name key of %s %d: %w", table, r.id, err)
			}
		}
		return nil
	}
	if db, ok := q.(*store.DB); ok { // one transaction, not a commit a row
		return db.InTx(ctx, func(tx *store.Tx) error { return fill(tx) })
	}
	return fill(q)
}
