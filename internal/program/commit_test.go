package program_test

import (
	"context"
	"errors"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

const committedTemplate = `key: t_commit
name: 承诺书测试
version: 1
commitment:
  version: "2025-1"
  text: 本单位和项目负责人承诺所报材料真实、准确，无重复申报，遵守科研诚信规定。
form:
  - {key: title, label: 项目名称, type: text, required: true}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: submitted, name: 已提交, terminal: true}
transitions:
  - {key: submit, name: 提交, from: draft, to: submitted, by: [owner], requires: [title], commit: true}
`

func TestCommitmentBeforeSubmission(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := program.Publish(ctx, db, []byte(committedTemplate)); err != nil {
			t.Fatal(err)
		}
		pub, _ := program.Latest(ctx, db, "t_commit")
		call, _ := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "c-1", Name: "承诺批次", Opens: "2025-01-01", Closes: "2099-12-31"})
		o, _ := registry.Create(ctx, db, registry.Organisation{Name: "承诺测试单位", Kind: "enterprise"})
		other, _ := registry.Create(ctx, db, registry.Organisation{Name: "另一单位", Kind: "enterprise"})
		as := access.Principal{UserID: 5, Name: "张填报", Roles: []access.Role{access.Org}, OrgID: o.ID}
		pr, _ := program.CreateProject(ctx, db, call.ID, o.ID, map[string]any{"title": "项目"})
		if _, err := program.Move(ctx, db, as, pr.ID, "submit", ""); !errors.Is(err, problem.ErrInvalid) {
			t.Fatalf("submitted without the commitment: %v", err)
		}
		if _, err := program.Commit(ctx, db, access.Principal{UserID: 6, Roles: []access.Role{access.Org}, OrgID: other.ID}, pr.ID, "unit"); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("another unit confirmed: %v", err)
		}
		if _, err := program.Commit(ctx, db, as, pr.ID, "unit"); err != nil {
			t.Fatal(err)
		}
		if _, err := program.Move(ctx, db, as, pr.ID, "submit", ""); !errors.Is(err, problem.ErrInvalid) {
			t.Fatalf("submitted with the unit's confirmation only: %v", err)
		}
		if _, err := program.Commit(ctx, db, as, pr.ID, "leader"); err != nil {
			t.Fatal(err)
		}
		if _, err := program.Move(ctx, db, as, pr.ID, "submit", ""); err != nil {
			t.Fatalf("submit after both confirmed: %v", err)
		}
		cs, err := program.Confirmations(ctx, db, pr.ID)
		if err != nil || len(cs) != 2 || cs[0].Version != "2025-1" || cs[0].Actor != "张填报" || len(cs[0].Hash) != 64 {
			t.Fatalf("confirmations kept: %+v %v", cs, err)
		}
	})
}
