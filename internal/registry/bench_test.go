package registry_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
)

// benchRows is the size of the import benchmark: 100,000 by default,
// XINZHI_BENCH_ROWS to change it.
func benchRows() int {
	if n, err := strconv.Atoi(os.Getenv("XINZHI_BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 100000
}

var districts = []string{"和平区", "沈河区", "大东区", "皇姑区", "铁西区", "浑南区", "沈北新区", "于洪区"}
var clusters = []string{"机器人", "集成电路", "高端装备", "新能源", "航空航天"}

func benchData(b *testing.B, n int) [][]string {
	rows := make([][]string, n)
	for i := range rows {
		rows[i] = []string{creditCode(b, i), fmt.Sprintf("沈阳%s智能装备%06d有限公司", districts[i%len(districts)][:3], i), "企业",
			districts[i%len(districts)], fmt.Sprintf("20%02d-%02d-%02d", i%24, i%12+1, i%28+1), "小", "科技型中小企业",
			clusters[i%len(clusters)], "工业机器人系统集成与智能产线"}
	}
	return rows
}

// BenchmarkImportOrganisations imports the same rows from .csv and from
// .xlsx through the whole import (read, check every cell, upsert with tags,
// clusters, search terms and an audit event per row, one transaction), and
// as a baseline inserts the same rows with a plain multi-row INSERT through
// the same driver. Each sub-benchmark reports rows/s.
func BenchmarkImportOrganisations(b *testing.B) {
	n := benchRows()
	rows := benchData(b, n)
	var csvBuf, xlsxBuf bytes.Buffer
	if err := tabular.WriteCSV(&csvBuf, orgHeader, rows); err != nil {
		b.Fatal(err)
	}
	anyRows := make([][]any, len(rows))
	for i, r := range rows {
		anyRows[i] = make([]any, len(r))
		for j, c := range r {
			anyRows[i][j] = c
		}
	}
	if err := tabular.WriteXLSX(&xlsxBuf, tabular.Sheet{Name: "单位", Header: orgHeader, Rows: anyRows}); err != nil {
		b.Fatal(err)
	}
	lim := tabular.DefaultLimits
	lim.MaxRows = max(lim.MaxRows, n)
	for _, engine := range storetest.Engines() {
		for _, c := range []struct {
			name string
			file []byte
			ext  string
		}{{"csv", csvBuf.Bytes(), "orgs.csv"}, {"xlsx", xlsxBuf.Bytes(), "orgs.xlsx"}} {
			b.Run(string(engine)+"/"+c.name, func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					db := storetest.Open(b, engine)
					d := deps(b)
					b.StartTimer()
					start, cpu0 := time.Now(), cpuTime()
					t, err := tabular.Read(bytes.NewReader(c.file), int64(len(c.file)), c.ext, lim)
					if err != nil {
						b.Fatal(err)
					}
					read := time.Now()
					plan, err := registry.Prepare(context.Background(), db, d, registry.ImportOrgs, t)
					if err != nil || !plan.OK() {
						b.Fatalf("prepare: %v %d problems", err, len(plan.Problems))
					}
					checked := time.Now()
					sum, err := plan.Commit(context.Background(), db, nil)
					if err != nil || sum.Created != n {
						b.Fatalf("commit: %+v %v", sum, err)
					}
					b.ReportMetric(float64(n)/time.Since(start).Seconds(), "rows/s")
					b.ReportMetric(read.Sub(start).Seconds(), "read-s")
					b.ReportMetric(checked.Sub(read).Seconds(), "check-s")
					b.ReportMetric(time.Since(checked).Seconds(), "write-s")
					b.ReportMetric((cpuTime() - cpu0).Seconds(), "cpu-s")
				}
			})
		}
		b.Run(string(engine)+"/baseline-bulk-insert", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				db := storetest.Open(b, engine)
				b.StartTimer()
				start, cpu0 := time.Now(), cpuTime()
				if err := bulkInsert(context.Background(), db, rows); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(n)/time.Since(start).Seconds(), "rows/s")
				b.ReportMetric((cpuTime() - cpu0).Seconds(), "cpu-s")
			}
		})
	}
}

// bulkInsert is the baseline: the same organisation rows, no checks, no
// labels, index or audit, 500 rows a statement, one transaction.
func bulkInsert(ctx context.Context, db *store.DB, rows [][]string) error {
	now := store.Now()
	return db.InTx(ctx, func(tx *store.Tx) error {
		for start := 0; start < len(rows); start += 500 {
			batch := rows[start:min(start+500, len(rows))]
			vals := make([]string, len(batch))
			args := make([]any, 0, 8*len(batch))
			for i, r := range batch {
				vals[i] = "(?, ?, ?, ?, ?, ?, ?, ?)"
				args = append(args, r[0], r[1], "enterprise", "210112", r[4], "small", now, now)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO organisations (credit_code, name, kind, district, founded, size, created_at, updated_at) VALUES `+
				strings.Join(vals, ", "), args...); err != nil {
				return err
			}
		}
		return nil
	})
}
