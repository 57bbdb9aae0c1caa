package program_test

import (
	"context"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// TestRecordsWithoutTextAreNamed: a form with no text field to name its
// records by (a pilot: industry, levels, amounts) names them for the
// applicant and the program, entered one by one or seeded.
func TestRecordsWithoutTextAreNamed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		src := `key: t_untitled
name: 数字化试点测试
version: 1
form:
  - {key: industry, label: 行业, type: choice, options: [通用设备, 专用设备]}
  - {key: amount, label: 金额, type: money}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: done, name: 完成, terminal: true}
transitions:
  - {key: finish, name: 完成, from: draft, to: done, by: ["role:manager"]}
`
		if _, err := program.Publish(ctx, db, []byte(src)); err != nil {
			t.Fatal(err)
		}
		pub, _ := program.Latest(ctx, db, "t_untitled")
		call, _ := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "u-1", Name: "试点批次", Opens: "2025-01-01", Closes: "2099-12-31"})
		o, _ := registry.Create(ctx, db, registry.Organisation{Name: "沈阳某某机械有限公司", Kind: "enterprise"})
		pr, err := program.CreateProject(ctx, db, call.ID, o.ID, map[string]any{"industry": "通用设备"})
		if err != nil || pr.Title != "沈阳某某机械有限公司 · 数字化试点测试" {
			t.Fatalf("entered: %q %v", pr.Title, err)
		}
		at := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return program.Seed(ctx, tx, []program.Seeded{{CallID: call.ID, OrganisationID: o.ID, Data: map[string]any{"industry": "专用设备"}, Marks: []program.Mark{{Stage: "done", At: at}}}})
		}); err != nil {
			t.Fatal(err)
		}
		var title string
		if err := db.QueryRowContext(ctx, `SELECT title FROM projects WHERE id <> ? AND call_id = ?`, pr.ID, call.ID).Scan(&title); err != nil || title != "沈阳某某机械有限公司 · 数字化试点测试" {
			t.Errorf("seeded: %q %v", title, err)
		}
	})
}
