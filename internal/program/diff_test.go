package program_test

import (
	"context"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

const dryV1 = `key: t_dry
name: 试运行
version: 1
form:
  - {key: title, label: 名称, type: text}
  - {key: amount_requested, label: 金额, type: money}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: parked, name: 暂存}
  - {key: submitted, name: 已提交, terminal: true}
transitions:
  - {key: park, name: 暂存, from: draft, to: parked, by: [owner]}
  - {key: submit, name: 提交, from: [draft, parked], to: submitted, by: [owner], rule: "amount_requested <= 100"}
`

// TestPreviewPublish: the diff shows the changed lines; the dry run counts
// records in stages the new version drops, records whose data it refuses,
// and only those records its new rule stops that the old rule let pass.
func TestPreviewPublish(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		pub, err := program.Publish(ctx, db, []byte(dryV1))
		if err != nil {
			t.Fatal(err)
		}
		call, _ := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "dry-1", Name: "试运行批次", Opens: "2020-01-01", Closes: "2099-01-01"})
		org, _ := registry.Create(ctx, db, registry.Organisation{Name: "试运行企业", Kind: "enterprise"})
		for _, amount := range []float64{50, 80, 200} {
			if _, err := program.CreateProject(ctx, db, call.ID, org.ID, map[string]any{"title": "t", "amount_requested": amount}); err != nil {
				t.Fatal(err)
			}
		}
		parked, _ := program.CreateProject(ctx, db, call.ID, org.ID, map[string]any{"title": "暂存的"})
		if _, err := db.ExecContext(ctx, `UPDATE projects SET stage = 'parked' WHERE id = ?`, parked.ID); err != nil {
			t.Fatal(err)
		}
		v2 := strings.NewReplacer("version: 1", "version: 2", "amount_requested <= 100", "amount_requested <= 60",
			"  - {key: parked, name: 暂存}\n", "", "  - {key: park, name: 暂存, from: draft, to: parked, by: [owner]}\n", "",
			"from: [draft, parked]", "from: draft", "{key: title, label: 名称, type: text}", "{key: title, label: 名称, type: text, max: 0.5}").Replace(dryV1)
		pv, err := program.PreviewPublish(ctx, db, []byte(v2))
		if err != nil {
			t.Fatal(err)
		}
		if pv.Previous != 1 || !pv.Changed {
			t.Fatalf("preview: %+v", pv)
		}
		var added, removed int
		for _, l := range pv.Diff {
			switch l.Op {
			case '+':
				added++
			case '-':
				removed++
			}
		}
		if added == 0 || removed == 0 {
			t.Errorf("diff: +%d -%d", added, removed)
		}
		d := pv.DryRun
		if d.Records != 4 || d.LostStages["parked"] != 1 || d.RuleBlocked["submit"] != 1 || len(d.FormInvalid) != 3 {
			t.Fatalf("dry run: %+v (want 4 records, 1 in a lost stage, 1 newly blocked, 3 with titles the new form refuses)", d)
		}
		if vs, _ := program.Programs(ctx, db); vs[0].Version != 1 {
			t.Fatal("a preview published")
		}
	})
}
