package web_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestIndicatorsOverHTTP: the cockpit and an indicator's page show the
// figure as of a date with the records behind it; the API answers the same;
// an organisation user cannot read them; a bad date is refused.
func TestIndicatorsOverHTTP(t *testing.T) {
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
		resp, body := c.get("/indicators/challenge_lists_published")
		if resp.StatusCode != 200 || !strings.Contains(body, "高纯石英砂提纯") || !strings.Contains(body, e.orgA.Name) {
			t.Fatalf("indicator page: %d", resp.StatusCode)
		}
		if !strings.Contains(body, "<td>榜单发布</td>") || strings.Contains(body, "<td>published</td>") || strings.Contains(body, "challenge:published") {
			t.Error("the record list shows the stage's code, not its name")
		}
		if _, body := c.get("/indicators/challenge_lists_published?as_of=2020-01-01"); strings.Contains(body, "高纯石英砂提纯") {
			t.Error("as of 2020 the record, published today, is listed")
		}
		if resp, _ := c.get("/indicators/challenge_lists_published?as_of=2025-13-40"); resp.StatusCode != 422 {
			t.Errorf("bad date: %d", resp.StatusCode)
		}
		if resp, _ := c.get("/indicators/challenge_lists_published/export"); resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
			t.Errorf("export: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		resp, body = c.get("/api/v1/metrics/challenge_lists_published?records=1")
		var got struct {
			Value   float64 `json:"value"`
			Records int     `json:"records"`
			List    struct {
				Rows [][]string `json:"rows"`
			} `json:"record_list"`
		}
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &got) != nil || got.Value != 1 || got.Records != 1 || len(got.List.Rows) != 1 {
			t.Fatalf("API: %d %s", resp.StatusCode, body)
		}
		if resp, _ := c.get("/api/v1/metrics/no_such"); resp.StatusCode != 404 {
			t.Errorf("unknown indicator: %d", resp.StatusCode)
		}
		org := e.client()
		org.signIn("u-org", pw)
		if resp, _ := org.get("/indicators/challenge_lists_published"); resp.StatusCode != 403 {
			t.Errorf("organisation user reads indicators: %d", resp.StatusCode)
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

// TestReportsOverHTTP: a manager issues the letter as of a date; the
// frozen report shows its figures, says nothing moved, and downloads as
// Word; a viewer reads it but cannot issue one.
func TestReportsOverHTTP(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite), false)
	c := e.client()
	c.signIn("u-manager", pw)
	c.get("/reports")
	resp, _ := c.post("/reports/templates/seed-reply/issue", url.Values{"as_of": {"2025-06-30"}})
	if resp.StatusCode != 303 {
		t.Fatalf("issue: %d", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	if resp, body := c.get(loc + "?compare=1"); resp.StatusCode != 200 || !strings.Contains(body, "王志坚委员") || !strings.Contains(body, `id="figures"`) || !strings.Contains(body, "没有变化") {
		t.Fatalf("report page: %d", resp.StatusCode)
	}
	if resp, _ := c.get(loc + "/download/docx"); resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "wordprocessingml") {
		t.Fatalf("docx: %d", resp.StatusCode)
	}
	if resp, _ := c.post("/reports/templates/seed-reply/issue", url.Values{"as_of": {"30/06/2025"}}); resp.StatusCode != 422 {
		t.Errorf("bad date: %d", resp.StatusCode)
	}
	v := e.client()
	v.signIn("u-viewer", pw)
	if resp, _ := v.get(loc); resp.StatusCode != 200 {
		t.Errorf("viewer reading: %d", resp.StatusCode)
	}
	v.get("/reports")
	if resp, _ := v.post("/reports/templates/seed-reply/issue", url.Values{"as_of": {"2025-06-30"}}); resp.StatusCode != 403 {
		t.Errorf("viewer issuing: %d", resp.StatusCode)
	}
}
