package cli

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/democity"
	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/report"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/metrics"
	"github.com/xinzhi-platform/xinzhi/programs"
	"github.com/xinzhi-platform/xinzhi/reports"
)

// TestRestoreDrill is the restore drill the README asks an operator to run,
// on each engine: the demo city with a record that carries a file is backed
// up with `xinzhi backup`, restored with `xinzhi restore` into a fresh
// database (a new SQLite file; on PostgreSQL a new database), and the
// restored server gives the same seed reply letter byte for byte, the same
// audit chain (it verifies, and its head is the same event with the same
// hash), and the record's file over HTTP.
func TestRestoreDrill(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the whole demo city")
	}
	if raceEnabled {
		t.Skip("the drill runs on both engines in the steps without -race (see race_on_test.go)")
	}
	if storetest.Runs(store.SQLite) {
		t.Run("sqlite", func(t *testing.T) { drill(t, "") })
	}
	t.Run("postgres", func(t *testing.T) {
		dsn := os.Getenv("XINZHI_TEST_POSTGRES")
		if dsn == "" {
			t.Skip("XINZHI_TEST_POSTGRES not set")
		}
		for _, tool := range []string{"pg_dump", "pg_restore"} {
			if _, err := exec.LookPath(tool); err != nil {
				t.Fatalf("%s is not on PATH (Debian package postgresql-client)", tool)
			}
		}
		drill(t, dsn)
	})
}

// drill runs the drill on SQLite (dsn "") or on a fresh database of the
// PostgreSQL server at dsn.
func drill(t *testing.T, dsn string) {
	ctx := context.Background()
	root := t.TempDir()
	data := filepath.Join(root, "data")
	src, dst := "", ""
	if dsn != "" {
		src, dst = freshPostgres(t, dsn), freshPostgres(t, dsn)
	}
	if code, out, errOut := runCLI(t, "", "migrate", "up", "--data="+data, "--db="+src); code != 0 {
		t.Fatalf("migrate: %s %s", out, errOut)
	}
	keys, err := seal.KeyringFromEnv(func(string) string { return "" }, data)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, urlOf(data, src))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := democity.Load(ctx, db, democity.Options{Programs: programs.Files, Keys: keys}); err != nil {
		db.Close()
		t.Fatal(err)
	}
	db.Close()
	// A record with a file, written as an applicant writes it (audited,
	// the file in the data directory): the part the database alone lacks.
	projectID, personID := smallWorld(t, data, src)
	db, err = store.Open(ctx, urlOf(data, src))
	if err != nil {
		t.Fatal(err)
	}
	before := drillState(t, db)
	before.head = auditHead(t, db)
	db.Close()

	archive := filepath.Join(root, "drill.tar")
	code, out, errOut := runCLI(t, "", "backup", "--data="+data, "--db="+src, archive)
	says := []string{"the SQLite database (online copy)", "restore with: xinzhi restore --data NEWDIR"}
	if dsn != "" {
		says = []string{"the PostgreSQL database (pg_dump, custom format)", "restore with: createdb NEWDB"}
	}
	if code != 0 || !strings.Contains(out, "1 attachments") || !strings.Contains(out, says[0]) || !strings.Contains(out, says[1]) {
		t.Fatalf("backup does not say what it did: %d %s %s", code, out, errOut)
	}
	restored := filepath.Join(root, "restored")
	if code, out, errOut := runCLI(t, "", "restore", "--data="+restored, "--db="+dst, archive); code != 0 {
		t.Fatalf("restore: %d %s %s", code, out, errOut)
	}
	if dsn == "" {
		if _, err := os.Stat(filepath.Join(restored, "xinzhi.db")); err != nil {
			t.Fatalf("no fresh SQLite file: %v", err)
		}
	}

	rdb, err := store.Open(ctx, urlOf(restored, dst))
	if err != nil {
		t.Fatal(err)
	}
	after := drillState(t, rdb)
	after.head = auditHead(t, rdb)
	rdb.Close()
	if before.letter != after.letter {
		t.Errorf("the seed reply letter differs after the restore:\nbefore %.300s…\nafter  %.300s…", before.letter, after.letter)
	}
	if before.figures != after.figures {
		t.Error("the letter's figures or the records behind them differ after the restore")
	}
	if before.head != after.head {
		t.Errorf("audit head before the backup %v, after the restore %v", before.head, after.head)
	}
	if code, out, errOut := runCLI(t, "", "audit", "verify", "--data="+restored, "--db="+dst); code != 0 || !strings.Contains(out, "intact") {
		t.Errorf("audit verify on the restored database: %d %s %s", code, out, errOut)
	}
	// The file over HTTP, the sealed person with the key kept apart.
	openWorld(t, restored, dst, keys, projectID, personID)
}

type drillSnapshot struct {
	letter  string // the seed reply's text as of the demo city's last day
	figures string // its figures with the records behind each, as JSON
	head    [2]any // the audit chain head: last event id and its hash
}

// drillState renders the seed reply over db as the reports page does and
// checks the audit chain.
func drillState(t *testing.T, db *store.DB) drillSnapshot {
	t.Helper()
	ctx := context.Background()
	set, err := metric.Load(metrics.Files)
	if err != nil {
		t.Fatal(err)
	}
	tpls, err := report.LoadTemplates(reports.Files)
	if err != nil {
		t.Fatal(err)
	}
	asOf, _ := time.Parse(time.DateOnly, democity.AsOf)
	out, err := report.Render(ctx, db, set, tpls["seed-reply"], asOf)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Figures) < 50 || !strings.Contains(out.Body, "沈阳") {
		t.Fatalf("a thin letter: %d figures", len(out.Figures))
	}
	figs, err := json.Marshal(out.Figures)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := audit.Verify(ctx, db)
	if err != nil || !rep.OK() {
		t.Fatalf("audit chain: %+v %v", rep, err)
	}
	return drillSnapshot{letter: out.Body, figures: string(figs)}
}

// auditHead reads the chain head: the last event and its hash.
func auditHead(t *testing.T, db *store.DB) [2]any {
	t.Helper()
	var id int64
	var hash string
	if err := db.QueryRowContext(context.Background(), `SELECT last_id, last_hash FROM audit_head WHERE id = 1`).Scan(&id, &hash); err != nil {
		t.Fatal(err)
	}
	if id == 0 || hash == "" {
		t.Fatal("an empty audit chain proves nothing")
	}
	return [2]any{id, hash}
}
