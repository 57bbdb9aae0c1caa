package web_test

import (
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestCockpitOverHTTP: the cockpit and a section's page show the figures
// with a chart, for the city or a district; there are nine sections.
// (An indicator's own page is indicatorsweb's.)
func TestCockpitOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
			t.Fatal(err)
		}
		pub, _ := program.Latest(ctx, db, "challenge")
		call, _ := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "c-1", Name: "榜单批次", Opens: "2020-01-01", Closes: "2099-01-01"})
		p, _ := program.CreateProject(ctx, db, call.ID, e.orgA.ID, map[string]any{"title": "高纯石英砂提纯"})
		if _, err := db.ExecContext(ctx, `UPDATE projects SET stage = 'screened' WHERE id = ?`, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := program.Move(ctx, db, access.Principal{UserID: 1, Name: "m", Roles: []access.Role{access.Manager}}, p.ID, "publish", ""); err != nil {
			t.Fatal(err)
		}
		c := e.client()
		c.signIn("u-manager", pw)
		if resp, body := c.get("/cockpit"); resp.StatusCode != 200 || !strings.Contains(body, `class="chart"`) || !strings.Contains(body, "发布“揭榜挂帅”项目榜单") {
			t.Fatalf("cockpit: %d", resp.StatusCode)
		}
		if resp, body := c.get("/cockpit/areas/2"); resp.StatusCode != 200 || !strings.Contains(body, "发布“揭榜挂帅”项目榜单") || !strings.Contains(body, `class="chart"`) || !strings.Contains(body, "上年同期") {
			t.Fatalf("area page: %d", resp.StatusCode)
		}
		if _, body := c.get("/cockpit/areas/2?district=210102"); !strings.Contains(body, `id="area-figures"`) {
			t.Fatal("area page for a district")
		}
		if resp, _ := c.get("/cockpit/areas/10"); resp.StatusCode != 404 {
			t.Errorf("area 10: %d", resp.StatusCode)
		}
	})
}

// TestOpenDataIsPublic: anyone may download the open data; it is JSON in
// the standards' shapes.
func TestOpenDataIsPublic(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite), false)
	c := e.client()
	for path, key := range map[string]string{"/open-data/grants.json": `"grants"`, "/open-data/challenges.json": `"releases"`,
		"/open-data/ocds/releases.json?date=2025-06-30": `"publishedDate": "2025-06-30T23:59:59+08:00"`,
		"/open-data/ocds/records.json?date=2025-06-30":  `"records"`, "/open-data/grants.json?date=2025-06-30": `"grants"`,
		"/open-data/ocds/releases.json?date=2025-06-30&since=2025-06-01": `"releases"`} {
		resp, body := c.get(path)
		if resp.StatusCode != 200 || !strings.Contains(body, key) || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Errorf("%s: %d %s", path, resp.StatusCode, body)
		}
	}
	// The same day twice: the same bytes.
	_, a := c.get("/open-data/ocds/records.json?date=2025-06-30")
	_, b := c.get("/open-data/ocds/records.json?date=2025-06-30")
	if a != b {
		t.Errorf("a day exported twice differs")
	}
	for _, path := range []string{"/open-data/grants.json?date=2025-13-01", "/open-data/ocds/releases.json?since=yesterday"} {
		if resp, body := c.get(path); resp.StatusCode != 422 || !strings.Contains(body, "YYYY-MM-DD") {
			t.Errorf("%s: %d %s", path, resp.StatusCode, body)
		}
	}
	if resp, body := c.get("/open-data"); resp.StatusCode != 200 || !strings.Contains(body, "360Giving") || !strings.Contains(body, `href="/open-data/ocds/records.json"`) || !strings.Contains(body, "?date=YYYY-MM-DD") {
		t.Errorf("page: %d", resp.StatusCode)
	}
}
