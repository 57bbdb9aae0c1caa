package indicatorsweb_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestIndicatorsOverHTTP: an indicator's page shows the
// figure as of a date with the records behind it; the API answers the same;
// an organisation user cannot read them; a bad date is refused.
func TestIndicatorsOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
			t.Fatal(err)
		}
		pub, _ := program.Latest(ctx, db, "challenge")
		call, _ := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "c-1", Name: "榜单批次", Opens: "2020-01-01", Closes: "2099-01-01"})
		p, _ := program.CreateProject(ctx, db, call.ID, e.OrgA.ID, map[string]any{"title": "高纯石英砂提纯"})
		if _, err := db.ExecContext(ctx, `UPDATE projects SET stage = 'screened' WHERE id = ?`, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := program.Move(ctx, db, access.Principal{UserID: 1, Name: "m", Roles: []access.Role{access.Manager}}, p.ID, "publish", ""); err != nil {
			t.Fatal(err)
		}
		c := e.Client()
		c.SignIn("u-manager", webtest.Password)
		resp, body := c.Get("/indicators/challenge_lists_published")
		if resp.StatusCode != 200 || !strings.Contains(body, "高纯石英砂提纯") || !strings.Contains(body, e.OrgA.Name) {
			t.Fatalf("indicator page: %d", resp.StatusCode)
		}
		if !strings.Contains(body, "<td>榜单发布</td>") || strings.Contains(body, "<td>published</td>") || strings.Contains(body, "challenge:published") {
			t.Error("the record list shows the stage's code, not its name")
		}
		if _, body := c.Get("/indicators/challenge_lists_published?as_of=2020-01-01"); strings.Contains(body, "高纯石英砂提纯") {
			t.Error("as of 2020 the record, published today, is listed")
		}
		if resp, _ := c.Get("/indicators/challenge_lists_published?as_of=2025-13-40"); resp.StatusCode != 422 {
			t.Errorf("bad date: %d", resp.StatusCode)
		}
		if resp, _ := c.Get("/indicators/challenge_lists_published/export"); resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
			t.Errorf("export: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		resp, body = c.Get("/api/v1/metrics/challenge_lists_published?records=1")
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
		if resp, _ := c.Get("/api/v1/metrics/no_such"); resp.StatusCode != 404 {
			t.Errorf("unknown indicator: %d", resp.StatusCode)
		}
		org := e.Client()
		org.SignIn("u-org", webtest.Password)
		if resp, _ := org.Get("/indicators/challenge_lists_published"); resp.StatusCode != 403 {
			t.Errorf("organisation user reads indicators: %d", resp.StatusCode)
		}
	})
}
