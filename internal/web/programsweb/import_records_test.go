package programsweb_test

import (
	"fmt"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestImportRecordsOverHTTP: a manager imports a call's records from a
// sheet on the call's page; a sheet with a bad row is refused whole, the
// row named.
func TestImportRecordsOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
			t.Fatal(err)
		}
		registry.Create(ctx, db, registry.Organisation{Name: "北京某创投有限公司", Kind: "investor"})
		pub, _ := program.Latest(ctx, db, "investment_project")
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "inv-2025", Name: "2025年科技招商", Opens: "2025-01-01", Closes: "2099-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		mgr := e.Client()
		mgr.SignIn("u-manager", webtest.Password)
		base := fmt.Sprintf("/calls/%d", call.ID)
		if _, body := mgr.Get(base); !strings.Contains(body, `id="import"`) {
			t.Fatal("the call page has no import")
		}
		if resp, _ := mgr.Get(base + "/import-template.xlsx"); resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("template: %d", resp.StatusCode)
		}
		head := "单位（统一社会信用代码或名称）,项目名称,投资方,所属产业,线索来源,计划投资额（元）\n"
		bad := head + ",EDA底座研发中心,北京某创投有限公司,集成电路,招商活动,50000000\n,氢能装备基地,北京某创投有限公司,新能源,路边捡的,100000000\n"
		resp, body := mgr.Send(base+"/import", nil, map[string][2]string{"file": {"leads.csv", bad}})
		if resp.StatusCode != 422 || !strings.Contains(body, "第3行") {
			t.Fatalf("a bad sheet: %d", resp.StatusCode)
		}
		good := strings.Replace(bad, "路边捡的", "以商招商", 1)
		resp, _ = mgr.Send(base+"/import", nil, map[string][2]string{"file": {"leads.csv", good}})
		if resp.StatusCode != 303 || !strings.Contains(resp.Header.Get("Location"), "imported=2") {
			t.Fatalf("import: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if rows, _ := program.Projects(ctx, db, program.ProjectFilter{Program: "investment_project"}); len(rows) != 2 {
			t.Fatalf("records: %d", len(rows))
		}
		org := e.Client()
		org.SignIn("u-org", webtest.Password)
		org.Get("/programs") // a CSRF token, so the refusal is the permission's
		if resp, _ := org.Send(base+"/import", nil, map[string][2]string{"file": {"leads.csv", good}}); resp.StatusCode != 403 {
			t.Errorf("an organisation imported: %d", resp.StatusCode)
		}
	})
}
