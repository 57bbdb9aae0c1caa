package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
)

var importHeader = []string{"统一社会信用代码", "单位名称", "单位类型", "所在区县", "成立日期", "企业规模", "产业集群"}

// importRows are n new organisations with valid codes; set tells the two
// imports' rows apart.
func importRows(n int, set byte) [][]string {
	districts := []string{"浑南区", "铁西区", "和平区", "沈河区", "大东区", "皇姑区", "于洪区", "沈北新区"}
	clusters := []string{"机器人", "集成电路", "新能源", "高端装备"}
	out := make([][]string, n)
	for i := range out {
		base := fmt.Sprintf("%c%07d", set, i)
		oc, _ := stdcode.OrgCodeCheckChar(base)
		first := "91210100" + base + string(oc)
		cc, _ := stdcode.CreditCodeCheckChar(first)
		out[i] = []string{first + string(cc), fmt.Sprintf("沈阳导入测试%c%06d科技有限公司", set, i), "企业", districts[i%len(districts)],
			fmt.Sprintf("20%02d-%02d-%02d", 10+i%14, 1+i%12, 1+i%28), "小", clusters[i%len(clusters)]}
	}
	return out
}

// imports measures `xinzhi import orgs` (read, check every cell, write
// with search terms, audit and labels, all or nothing) of .csv and .xlsx
// files against a plain bulk insert of the same rows through the same
// driver into a bare table.
func imports(ctx context.Context, cfg Config, db *store.DB, set *metric.Set, add func(Row)) error {
	for _, f := range []struct {
		ext string
		set byte
	}{{"csv", 'C'}, {"xlsx", 'X'}} {
		rows := importRows(cfg.ImportRows, f.set)
		path := filepath.Join(cfg.Dir, "import."+f.ext)
		var buf bytes.Buffer
		if f.ext == "csv" {
			if err := tabular.WriteCSV(&buf, importHeader, rows); err != nil {
				return err
			}
		} else {
			st, err := tabular.NewXLSXStream(&buf, tabular.Sheet{Name: "单位", Header: importHeader})
			if err != nil {
				return err
			}
			for _, r := range rows {
				cells := make([]any, len(r))
				for i, c := range r {
					cells[i] = c
				}
				if err := st.Append(cells); err != nil {
					return err
				}
			}
			if err := st.Close(); err != nil {
				return err
			}
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
			return err
		}
		t0 := time.Now()
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		tbl, err := tabular.Read(bytes.NewReader(raw), int64(len(raw)), path, tabular.Limits{MaxBytes: 200 << 20, MaxRows: 1_000_000, MaxCells: 50_000_000, MaxUnzipped: 2 << 30})
		if err != nil {
			return err
		}
		plan, err := registry.Prepare(ctx, db, registry.Deps{Keys: cfg.Keys, Indexer: cfg.Indexer, Today: time.Now()}, registry.ImportOrgs, tbl)
		if err != nil {
			return err
		}
		if !plan.OK() {
			return fmt.Errorf("import refused %d cells, first: %v", len(plan.Problems), plan.Problems[0])
		}
		sum, err := plan.Commit(ctx, db, nil)
		if err != nil {
			return err
		}
		ours := time.Since(t0)
		_ = os.Remove(path)
		if sum.Created != len(rows) {
			return fmt.Errorf("import created %d of %d", sum.Created, len(rows))
		}
		base, err := plainInsert(ctx, db, rows)
		if err != nil {
			return err
		}
		add(Row{What: fmt.Sprintf("import %d organisations (.%s)", len(rows), f.ext), Value: ours.Round(time.Millisecond).String(),
			Baseline: base.Round(time.Millisecond).String(), Ratio: ratio(ours, base), Note: fmt.Sprintf("%d KiB file", len(raw)>>10)})
	}
	return nil
}

// plainInsert is the baseline: the same rows into a table with the same
// columns, 500 rows a statement, one transaction, nothing checked.
func plainInsert(ctx context.Context, db *store.DB, rows [][]string) (time.Duration, error) {
	if _, err := db.ExecContext(ctx, `CREATE TABLE bench_plain_orgs (credit_code TEXT UNIQUE, name TEXT NOT NULL, kind TEXT NOT NULL, district TEXT, founded TEXT, size TEXT, cluster TEXT)`); err != nil {
		return 0, err
	}
	defer db.ExecContext(ctx, `DROP TABLE bench_plain_orgs`)
	t0 := time.Now()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for start := 0; start < len(rows); start += 500 {
			chunk := rows[start:min(start+500, len(rows))]
			args := make([]any, 0, 7*len(chunk))
			for _, r := range chunk {
				for _, c := range r {
					args = append(args, c)
				}
			}
			q := `INSERT INTO bench_plain_orgs VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?), ", len(chunk)), ", ")
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return err
			}
		}
		return nil
	})
	return time.Since(t0), err
}
