package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestMetricEval: xinzhi metric eval ID --json answers id, the unrounded
// value, unit, as_of and how many records stand behind it; as of the day
// before the record moved, the figure is what it was then.
func TestMetricEval(t *testing.T) {
	data := t.TempDir()
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(data, "xinzhi.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
		t.Fatal(err)
	}
	pub, _ := program.Latest(ctx, db, "challenge")
	call, _ := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "c-1", Name: "榜单", Opens: "2020-01-01", Closes: "2099-01-01"})
	org, _ := registry.Create(ctx, db, registry.Organisation{Name: "发榜企业", Kind: "enterprise"})
	p, _ := program.CreateProject(ctx, db, call.ID, org.ID, map[string]any{"title": "榜单一"})
	if _, err := db.ExecContext(ctx, `UPDATE projects SET stage = 'screened' WHERE id = ?`, p.ID); err != nil {
		t.Fatal(err)
	}
	mgr := access.Principal{UserID: 1, Name: "m", Roles: []access.Role{access.Manager}}
	program.Clock = func() time.Time { return time.Date(2025, 3, 10, 2, 0, 0, 0, time.UTC) }
	defer func() { program.Clock = store.Now }()
	if _, err := program.Move(ctx, db, mgr, p.ID, "publish", ""); err != nil {
		t.Fatal(err)
	}
	db.Close()

	code, out, errOut := runCLI(t, "", "metric", "eval", "challenge_lists_published", "--data="+data, "--as-of", "2025-06-30", "--json")
	var r struct {
		ID      string   `json:"id"`
		Value   *float64 `json:"value"`
		Unit    string   `json:"unit"`
		AsOf    string   `json:"as_of"`
		Records *int     `json:"records"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &r) != nil || r.ID != "challenge_lists_published" || r.Value == nil || *r.Value != 1 || r.Unit != "个" || r.AsOf != "2025-06-30" || r.Records == nil || *r.Records != 1 {
		t.Fatalf("eval: %d %s %s", code, out, errOut)
	}
	if code, out, _ := runCLI(t, "", "metric", "eval", "challenge_lists_published", "--data="+data, "--as-of", "2025-03-09"); code != 0 || !strings.Contains(out, ": 0 个") {
		t.Fatalf("as of the day before: %d %s", code, out)
	}
	if code, _, _ := runCLI(t, "", "metric", "eval", "no_such_figure", "--data="+data); code != 1 {
		t.Fatalf("unknown indicator: exit %d", code)
	}
	if code, out, _ := runCLI(t, "", "metric", "list"); code != 0 || !strings.Contains(out, "smart_factory_total") {
		t.Fatalf("list: %d %s", code, out)
	}
}

// TestReportRender: xinzhi report render seed-reply writes the letter with
// every placeholder filled, in each format; --issue freezes it.
func TestReportRender(t *testing.T) {
	data := t.TempDir()
	code, out, errOut := runCLI(t, "", "report", "render", "seed-reply", "--data="+data, "--as-of", "2025-06-30")
	if code != 0 || !strings.Contains(out, "<h1>关于市政协提案") || strings.Contains(out, "{{") || !strings.Contains(out, "发布0个“揭榜挂帅”项目榜单") {
		t.Fatalf("html: %d %.300s %s", code, out, errOut)
	}
	for _, f := range []string{"docx", "xlsx"} {
		file := filepath.Join(data, "seed."+f)
		if code, _, errOut := runCLI(t, "", "report", "render", "seed-reply", "--data="+data, "--format", f, "-o", file, "--issue"); code != 0 || !strings.Contains(errOut, "issued report") {
			t.Fatalf("%s: %d %s", f, code, errOut)
		}
	}
	if code, _, _ := runCLI(t, "", "report", "render", "no-such-report", "--data="+data); code != 2 {
		t.Fatalf("unknown template: exit %d", code)
	}
}
