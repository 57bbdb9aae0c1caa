package web_test

import (
	"context"
	"fmt"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
	"strings"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/democity"
	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/metrics"

	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestBoardSaysWhenCut: a call with more records than a board draws says
// how many it shows of how many.
func TestBoardSaysWhenCut(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	e := newEnv(t, db, false)
	ctx := context.Background()
	if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
		t.Fatal(err)
	}
	pub, err := program.Latest(ctx, db, "talent_service")
	if err != nil {
		t.Fatal(err)
	}
	c, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "ts-2025", Name: "人才服务", Opens: "2025-01-01", Closes: "2099-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := program.CreateProject(ctx, db, c.ID, e.orgA.ID, map[string]any{"details": fmt.Sprint("服务", i)}); err != nil {
			t.Fatal(err)
		}
	}
	restore := web.SetBoardMax(2)
	defer restore()
	m := e.client()
	m.signIn("u-manager", pw)
	_, body := m.get(fmt.Sprintf("/calls/%d", c.ID))
	if !strings.Contains(body, "此处显示最新的 2 条记录，本批次共 3 条") {
		t.Errorf("the board does not say it is cut:\n%s", body)
	}
	// The export gives every record of the call, not only those drawn.
	resp, data := m.get(fmt.Sprintf("/calls/%d/export", c.ID))
	if resp.StatusCode != 200 {
		t.Fatalf("export: %d", resp.StatusCode)
	}
	if got := webtest.SheetColumn(t, []byte(data), "x.xlsx", "", 0); len(got) != 3 {
		t.Errorf("the export of a cut board has records %q, want all 3", got)
	}
	web.SetBoardMax(5)
	if _, body := m.get(fmt.Sprintf("/calls/%d", c.ID)); strings.Contains(body, "此处显示最新的") {
		t.Error("a whole board says it is cut")
	}
}

// TestUnknownDistrictRefused: a district code that is not the city's is
// refused with a message, not answered with zeros under "the whole city".
func TestUnknownDistrictRefused(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	e := newEnv(t, db, false)
	m := e.client()
	m.signIn("u-manager", pw)
	resp, body := m.get("/cockpit/areas/5?district=999999")
	if resp.StatusCode != 422 || !strings.Contains(body, "不是本市的区县") {
		t.Errorf("unknown district: %d", resp.StatusCode)
	}
	if resp, _ := m.get("/cockpit/areas/5?district=210106"); resp.StatusCode != 200 {
		t.Errorf("铁西区: %d", resp.StatusCode)
	}
}

// TestDistrictAndPeriodCarry: over the demo city, an area page for a
// district and a period links each figure to its records for the same
// district and period, and the indicator page counts only those.
func TestDistrictAndPeriodCarry(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	e := newEnv(t, db, false)
	ctx := context.Background()
	if _, err := democity.Load(ctx, db, democity.Options{Programs: programs.Files}); err != nil {
		t.Fatal(err)
	}
	set, err := metric.Load(metrics.Files)
	if err != nil {
		t.Fatal(err)
	}
	m := e.client()
	m.signIn("u-manager", pw)
	_, body := m.get("/cockpit/areas/5?as_of=2025-06-30&from=2024-07-01&district=210106")
	link := `/indicators/smart_factory_new?as_of=2025-06-30&amp;from=2024-07-01&amp;district=210106`
	if !strings.Contains(body, link) {
		t.Fatalf("the area page does not carry the district and period into its links")
	}
	day := func(s string) time.Time {
		v, _ := time.ParseInLocation(time.DateOnly, s, time.FixedZone("CST", 8*3600))
		return v
	}
	want, err := metric.Eval(ctx, db, set, "smart_factory_new", metric.Params{AsOf: day("2025-06-30"), From: day("2024-07-01"), District: []string{"210106"}})
	if err != nil {
		t.Fatal(err)
	}
	city, _ := metric.Eval(ctx, db, set, "smart_factory_new", metric.Params{AsOf: day("2025-06-30"), From: day("2024-07-01")})
	if want.Value == city.Value {
		t.Fatalf("the district holds the whole city's %v: a useless check", city.Value)
	}
	_, body = m.get(strings.ReplaceAll(link, "&amp;", "&"))
	if got := strings.Count(body, `<tr><td><a href="/projects/`); got != int(want.Value) {
		t.Errorf("the indicator page lists %d records, the district has %v", got, want.Value)
	}
}
