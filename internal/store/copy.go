package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// sqliteMaxVars is SQLite's limit on the parameters of one statement
// (SQLITE_MAX_VARIABLE_NUMBER in modernc.org/sqlite).
const sqliteMaxVars = 32766

// maxRowsPerInsert caps a multi-row INSERT on SQLite. Measured with the
// import benchmark and the demo city's load: 250 rows a statement used less
// CPU than 1,000 (about 10 % of the import, 20 % of the load's audit
// appends) and no more than 100.
const maxRowsPerInsert = 250

// copyMinRows is the fewest rows worth a COPY on PostgreSQL: a COPY first
// asks the server for the columns' types, one more round trip than an
// INSERT.
const copyMinRows = 50

// CopyFrom writes rows (each with one value per column, in the order of
// cols) into table inside the transaction: through COPY on PostgreSQL, and
// as multi-row INSERTs prepared once on SQLite. It checks every constraint
// and fires every trigger an INSERT would; a failure leaves the
// transaction to be rolled back, so a bulk load stays all or nothing. table
// and cols are identifiers written by the program, never user input.
func (tx *Tx) CopyFrom(ctx context.Context, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	for _, r := range rows {
		if len(r) != len(cols) {
			return fmt.Errorf("copy into %s: a row has %d values for %d columns", table, len(r), len(cols))
		}
	}
	if tx.engine == Postgres && len(rows) >= copyMinRows {
		return tx.copyPostgres(ctx, table, cols, rows)
	}
	return tx.insertBatches(ctx, table, cols, rows)
}

func (tx *Tx) copyPostgres(ctx context.Context, table string, cols []string, rows [][]any) error {
	var n int64
	err := tx.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("driver connection is %T, not pgx", dc)
		}
		var err error
		n, err = c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		return err
	})
	if err != nil {
		return fmt.Errorf("copy into %s: %w", table, err)
	}
	if n != int64(len(rows)) {
		return fmt.Errorf("copy into %s: %d of %d rows written", table, n, len(rows))
	}
	return nil
}

// insertBatches writes rows as INSERTs of up to maxRowsPerInsert rows (and
// within SQLite's parameter limit), the full-size statement prepared once.
func (tx *Tx) insertBatches(ctx context.Context, table string, cols []string, rows [][]any) error {
	per := min(maxRowsPerInsert, sqliteMaxVars/len(cols))
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	query := func(n int) string {
		return "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " + strings.TrimSuffix(strings.Repeat(tuple+", ", n), ", ")
	}
	args := make([]any, 0, per*len(cols))
	full := len(rows) / per * per
	if full > 0 {
		st, err := tx.tx.PrepareContext(ctx, Rebind(tx.engine, query(per)))
		if err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
		for start := 0; start < full; start += per {
			args = args[:0]
			for _, r := range rows[start : start+per] {
				args = append(args, r...)
			}
			if _, err := st.ExecContext(ctx, args...); err != nil {
				return errors.Join(fmt.Errorf("insert into %s: %w", table, err), st.Close())
			}
		}
		if err := st.Close(); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	if rest := rows[full:]; len(rest) > 0 {
		args = args[:0]
		for _, r := range rest {
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, query(len(rest)), args...); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return nil
}
