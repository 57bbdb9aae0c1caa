package program_test

import (
	"context"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// untitledTemplate has no text field: its records are named for the
// applicant and the program.
const untitledTemplate = `key: t_untitled
name: 合作协议测试
name_en: Agreement test
version: 1
form:
  - {key: solution, label: 技术方案, type: longtext}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: submitted, name: 已提交}
  - {key: selected, name: 已选定}
  - {key: contracted, name: 已签约, terminal: true}
transitions:
  - {key: submit, name: 提交, from: draft, to: submitted, by: [owner], requires: [solution]}
  - {key: select, name: 选定, name_en: Select, from: submitted, to: selected, by: ["role:manager"]}
  - {key: contract, name: 签订合作协议, name_en: Sign agreement, from: selected, to: contracted, by: ["role:manager"]}
`

// TestMoveNoticeNamesRecordAndMove: the notice of a move by the bureau
// names the record and the move in the reader's language, with no stray
// format argument, and a record without a title field keeps its name
// after its form is saved.
func TestMoveNoticeNamesRecordAndMove(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := program.Publish(ctx, db, []byte(untitledTemplate)); err != nil {
			t.Fatal(err)
		}
		pub, _ := program.Latest(ctx, db, "t_untitled")
		call, _ := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "c-1", Name: "协议批次", Opens: "2025-01-01", Closes: "2099-12-31"})
		o, _ := registry.Create(ctx, db, registry.Organisation{Name: "揭榜测试单位", Kind: "enterprise"})
		owner := access.Principal{UserID: 5, Name: "张填报", Roles: []access.Role{access.Org}, OrgID: o.ID}
		pr, err := program.CreateProject(ctx, db, call.ID, o.ID, map[string]any{"solution": "方案甲"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := program.SaveData(ctx, db, program.Files{}, owner, pr.ID, map[string]any{"solution": "方案乙"}, nil, pr.Version); err != nil {
			t.Fatal(err)
		}
		got, _ := program.GetProject(ctx, db, pr.ID)
		const title = "揭榜测试单位 · 合作协议测试"
		if got.Title != title {
			t.Errorf("after a save the record is named %q, want %q", got.Title, title)
		}
		if _, err := program.Move(ctx, db, owner, pr.ID, "submit", ""); err != nil {
			t.Fatal(err)
		}
		manager := access.Principal{UserID: 99, Name: "manager", Roles: []access.Role{access.Manager}}
		for _, move := range []string{"select", "contract"} {
			if _, err := program.Move(ctx, db, manager, pr.ID, move, ""); err != nil {
				t.Fatalf("%s: %v", move, err)
			}
		}
		ns, _ := program.Notices(ctx, db, 0, o.ID, 10)
		if len(ns) == 0 || ns[0].Kind != "project_moved" {
			t.Fatalf("notices: %+v", ns)
		}
		// A notice written before the fix: no title, two names.
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return program.Notify(ctx, tx, program.Notice{OrganisationID: o.ID, ProjectID: pr.ID, Kind: "project_moved", Args: []any{"", "签订合作协议", "Sign agreement"}})
		}); err != nil {
			t.Fatal(err)
		}
		old, _ := program.Notices(ctx, db, 0, o.ID, 1)
		if got, want := i18n.T(i18n.ZH, "notice."+old[0].Kind, old[0].Args...), "“"+title+"”已办理：签订合作协议。"; got != want {
			t.Errorf("an old notice reads %q, want %q", got, want)
		}
		for lang, want := range map[string]string{i18n.ZH: "“" + title + "”已办理：签订合作协议。", i18n.EN: title + ": Sign agreement."} {
			if got := i18n.T(lang, "notice."+ns[0].Kind, ns[0].Args...); got != want || strings.Contains(got, "%!") {
				t.Errorf("%s notice reads %q, want %q", lang, got, want)
			}
		}
	})
}
