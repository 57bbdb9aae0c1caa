package program_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestImportRecords: a clerk's sheet of investment leads becomes records,
// every row or none; each bad cell is named by its row.
func TestImportRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
			t.Fatal(err)
		}
		inv, _ := registry.Create(ctx, db, registry.Organisation{Name: "北京某创投有限公司", Kind: "investor"})
		pub, err := program.Latest(ctx, db, "investment_project")
		if err != nil {
			t.Fatal(err)
		}
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "inv-2025", Name: "2025年科技招商", Opens: "2025-01-01", Closes: "2099-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		mgr := access.Principal{UserID: 1, Name: "mgr", Roles: []access.Role{access.Manager}}
		read := func(csv string) *tabular.Table {
			tb, err := tabular.Read(bytes.NewReader([]byte(csv)), int64(len(csv)), "leads.csv", tabular.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			return tb
		}
		head := "单位（统一社会信用代码或名称）,项目名称,投资方,所属产业,线索来源,计划投资额（元）\n"
		bad := head + ",EDA底座研发中心,北京某创投有限公司,集成电路,招商活动,50000000\n,氢能装备基地,无此公司,新能源,以商招商,一亿\n,机器人关节,北京某创投有限公司,量子,招商活动,3000000\n"
		_, err = program.ImportRecords(ctx, db, mgr, call.ID, read(bad))
		var ps problem.List
		if !errors.As(err, &ps) || len(ps) != 3 {
			t.Fatalf("a sheet with bad rows: %v", err)
		}
		msg := ps.Error()
		for _, want := range []string{"Row 3", "无此公司", "Row 4"} {
			if !strings.Contains(msg, want) {
				t.Errorf("the problems %q do not name %q", msg, want)
			}
		}
		if rows, _ := program.Projects(ctx, db, program.ProjectFilter{Program: "investment_project"}); len(rows) != 0 {
			t.Fatalf("a refused sheet stored %d records", len(rows))
		}
		if _, err := program.ImportRecords(ctx, db, access.Principal{UserID: 2, Roles: []access.Role{access.Viewer}}, call.ID, read(bad)); !errors.Is(err, problem.ErrForbidden) {
			t.Errorf("a viewer imported: %v", err)
		}
		good := head + ",EDA底座研发中心,北京某创投有限公司,集成电路,招商活动,\"50,000,000\"\n,氢能装备基地,北京某创投有限公司,新能源,以商招商,100000000\n"
		n, err := program.ImportRecords(ctx, db, mgr, call.ID, read(good))
		if err != nil || n != 2 {
			t.Fatalf("import: %d %v", n, err)
		}
		rows, err := program.Projects(ctx, db, program.ProjectFilter{Program: "investment_project"})
		if err != nil || len(rows) != 2 {
			t.Fatalf("records %d %v", len(rows), err)
		}
		pr, err := program.GetProject(ctx, db, rows[0].ID)
		if err != nil || pr.Stage != "lead" || pr.Data["investor"] != float64(inv.ID) || (pr.Data["planned_investment"] != 5e7 && pr.Data["planned_investment"] != 1e8) {
			t.Errorf("imported record %+v %v", pr, err)
		}
	})
}
