package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/democity"
	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/metrics"

	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

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
