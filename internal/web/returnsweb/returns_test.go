package returnsweb_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/returns"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
	"github.com/xinzhi-platform/xinzhi/returnforms"
)

var ctx = context.Background()

// TestReturnsOverHTTP: a unit files its half-year return in the browser
// form, the bureau returns it with a reason, the unit corrects and submits
// it through the API and the bureau accepts it; a per-district return is
// filed from Excel, a sheet with a bad cell saving nothing. Another
// organisation sees none of it.
func TestReturnsOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		if _, err := returns.PublishShipped(ctx, db, returnforms.Files); err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"talent_work", "base_stations"} {
			f, _ := returns.FormByKey(ctx, db, key)
			if err := returns.AddUnit(ctx, db, f, e.OrgA.ID); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.Auth.CreateUser(ctx, auth.NewUser{Username: "b-org", Password: webtest.Password, Roles: []access.Role{access.Org}, OrgID: e.OrgB.ID}); err != nil {
			t.Fatal(err)
		}
		unit, mgr, other := e.Client(), e.Client(), e.Client()
		unit.SignIn("u-org", webtest.Password)
		mgr.SignIn("u-manager", webtest.Password)
		other.SignIn("b-org", webtest.Password)

		if _, body := unit.Get("/returns"); !strings.Contains(body, `data-form="talent_work"`) || !strings.Contains(body, `data-form="base_stations"`) {
			t.Fatal("the unit's list lacks its forms")
		}
		if _, body := other.Get("/returns"); strings.Contains(body, `data-form="talent_work"`) {
			t.Error("another organisation sees a form it does not file")
		}
		if resp, _ := other.Get("/returns/talent_work"); resp.StatusCode != 404 {
			t.Errorf("another organisation opens the form: %d", resp.StatusCode)
		}

		// The browser form: a bad figure comes back as typed, nothing saved.
		unit.Get("/returns/talent_work/file?period=2025H1")
		form := url.Values{"period": {"2025H1"}, "version": {"0"}, "v.talents_introduced": {"4百"}, "v.graduates_retained": {"98,621"}, "v.talent_service_cases": {"1200"}, "submit": {"1"}}
		resp, body := unit.Post("/returns/talent_work/file", form)
		if resp.StatusCode != 422 || !strings.Contains(body, `value="4百"`) {
			t.Fatalf("a figure in words: %d", resp.StatusCode)
		}
		if n := webtest.CountRows(t, db, "return_filings"); n != 0 {
			t.Fatalf("a refused figure kept %d filings", n)
		}
		form.Set("v.talents_introduced", "470")
		resp, _ = unit.Post("/returns/talent_work/file", form)
		if resp.StatusCode != 303 {
			t.Fatalf("file: %d", resp.StatusCode)
		}
		id := webtest.IDFrom(t, resp.Header.Get("Location"), "/return-filings/")
		base := "/return-filings/" + id
		if _, body := mgr.Get(base); !strings.Contains(body, `data-status="submitted"`) || !strings.Contains(body, "98,621") {
			t.Fatal("the manager does not see the submitted figures")
		}
		if resp, body := mgr.Post(base+"/return", url.Values{"note": {""}}); resp.StatusCode != 422 || !strings.Contains(body, "请写明原因") {
			t.Fatalf("returned without a reason: %d", resp.StatusCode)
		}
		if resp, _ := mgr.Post(base+"/return", url.Values{"note": {"人才数与组织部口径不一致"}}); resp.StatusCode != 303 {
			t.Fatalf("return: %d", resp.StatusCode)
		}
		if resp, _ := other.Get(base); resp.StatusCode != 404 {
			t.Errorf("another organisation reads the filing: %d", resp.StatusCode)
		}

		// The correction through the API.
		resp, body = unit.Raw("GET", "/api/v1/return-filings/"+id, "", nil)
		var got struct {
			Filing  returns.Filing
			History []returns.Step
		}
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &got) != nil || got.Filing.Status != returns.Returned || len(got.History) != 3 {
			t.Fatalf("API filing: %d %s", resp.StatusCode, body)
		}
		put := func(c *webtest.Client, version int) (int, string) {
			resp, body := c.Raw("PUT", "/api/v1/returns/talent_work/filings/2025H1", "application/json",
				[]byte(fmt.Sprintf(`{"values": {"talents_introduced": 472, "graduates_retained": 98621, "talent_service_cases": 1200}, "version": %d}`, version)))
			return resp.StatusCode, body
		}
		if code, _ := put(unit, got.Filing.Version-1); code != 409 {
			t.Errorf("a stale save: %d", code)
		}
		if code, body := put(unit, got.Filing.Version); code != 200 {
			t.Fatalf("correct: %d %s", code, body)
		}
		if resp, _ := unit.Raw("POST", "/api/v1/return-filings/"+id+"/submit", "application/json", nil); resp.StatusCode != 200 {
			t.Fatalf("submit: %d", resp.StatusCode)
		}
		if resp, _ := unit.Raw("POST", "/api/v1/return-filings/"+id+"/accept", "application/json", nil); resp.StatusCode != 403 {
			t.Errorf("the unit accepted its own return: %d", resp.StatusCode)
		}
		if resp, body := mgr.Raw("POST", "/api/v1/return-filings/"+id+"/accept", "application/json", nil); resp.StatusCode != 200 || !strings.Contains(body, `"status": "accepted"`) {
			t.Fatalf("accept: %d %s", resp.StatusCode, body)
		}
		var accepted float64
		if err := db.QueryRowContext(ctx, `SELECT value FROM return_accepted WHERE field = 'talents_introduced'`).Scan(&accepted); err != nil || accepted != 472 {
			t.Fatalf("accepted figure %v %v", accepted, err)
		}

		// Per district from Excel: a bad cell saves nothing, then the sheet.
		f, _ := returns.FormByKey(ctx, db, "base_stations")
		unit.Get("/returns/base_stations/file?period=2025-05")
		bad := "区县,本月新建5G基站（个）,月末在用5G基站（个）\n浑南区,40,3100\n朝阳区,3,9\n铁西区,十二,2200\n"
		resp, body = unit.Send("/returns/base_stations/upload", url.Values{"period": {"2025-05"}}, map[string][2]string{"file": {"基站.csv", bad}})
		if resp.StatusCode != 422 || !strings.Contains(body, "第3行：“朝阳区”不是本市区县") || !strings.Contains(body, "第4行“本月新建5G基站”：“十二”不是数字") {
			t.Fatalf("a bad sheet: %d\n%s", resp.StatusCode, body)
		}
		if n := webtest.CountRows(t, db, "return_filings"); n != 1 {
			t.Fatalf("a bad sheet kept a filing: %d", n)
		}
		var buf bytes.Buffer
		if err := tabular.WriteXLSX(&buf, f.Sheet(returns.Values{"built": {"210112": 40, "210106": 12}, "in_service": {"210112": 3100, "210106": 2200}})); err != nil {
			t.Fatal(err)
		}
		resp, _ = unit.Send("/returns/base_stations/upload", url.Values{"period": {"2025-05"}}, map[string][2]string{"file": {"基站.xlsx", buf.String()}})
		if resp.StatusCode != 303 {
			t.Fatalf("the sheet: %d", resp.StatusCode)
		}
		sid := webtest.IDFrom(t, resp.Header.Get("Location"), "/return-filings/")
		if _, body := unit.Get("/return-filings/" + sid); !strings.Contains(body, "3,100") || !strings.Contains(body, `data-status="draft"`) {
			t.Fatal("the uploaded figures are not on the filing")
		}
		if resp, body := mgr.Get("/returns/base_stations"); resp.StatusCode != 200 || !strings.Contains(body, `id="board"`) {
			t.Fatalf("the form's board: %d", resp.StatusCode)
		}
		if resp, _ := unit.Get("/returns/base_stations/template.xlsx"); resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
			t.Errorf("template: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	})
}

// TestInfrastructurePage: the operators' accepted returns draw the base
// stations by month and district; the API gives the stations in service.
func TestInfrastructurePage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		if _, err := returns.PublishShipped(ctx, db, returnforms.Files); err != nil {
			t.Fatal(err)
		}
		f, _ := returns.FormByKey(ctx, db, "base_stations")
		at := time.Date(2025, 5, 31, 8, 0, 0, 0, time.UTC)
		if err := returns.Seed(ctx, db, f, "mgr", []returns.Seeded{{OrganisationID: e.OrgA.ID, Period: "2025-05", Submitted: at, Accepted: at,
			Values: returns.Values{"built": {"210112": 40, "210106": 12}, "in_service": {"210112": 3100, "210106": 2200}}}}); err != nil {
			t.Fatal(err)
		}
		c := e.Client()
		c.SignIn("u-viewer", webtest.Password)
		_, body := c.Get("/infrastructure")
		if !strings.Contains(body, `id="built-chart"`) || !strings.Contains(body, `id="district-chart"`) || !strings.Contains(body, "5,300") {
			t.Fatalf("the infrastructure page:\n%s", body)
		}
		resp, body := c.Raw("GET", "/api/v1/infrastructure", "", nil)
		if resp.StatusCode != 200 || !strings.Contains(body, `"base_stations_in_service": 5300`) || !strings.Contains(body, `"base_stations_period": "2025-05"`) {
			t.Fatalf("API: %d %s", resp.StatusCode, body)
		}
	})
}
