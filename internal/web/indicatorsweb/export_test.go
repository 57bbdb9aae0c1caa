package indicatorsweb_test

import (
	"context"
	"slices"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

var ctx = context.Background()

// TestIndicatorExportKeepsTheDate: an indicator's export link gives the
// figure and the records as of the date the page shows, not as of today.
func TestIndicatorExportKeepsTheDate(t *testing.T) {
	e := webtest.New(t, storetest.Open(t, store.SQLite), false)
	db := e.DB
	if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
		t.Fatal(err)
	}
	pub, _ := program.Latest(ctx, db, "challenge")
	call, _ := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "c-1", Name: "榜单批次", Opens: "2020-01-01", Closes: "2099-01-01"})
	for _, title := range []string{"高纯石英砂提纯", "工业母机主轴"} {
		p, _ := program.CreateProject(ctx, db, call.ID, e.OrgA.ID, map[string]any{"title": title})
		if _, err := db.ExecContext(ctx, `UPDATE projects SET stage = 'screened' WHERE id = ?`, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := program.Move(ctx, db, access.Principal{UserID: 1, Name: "m", Roles: []access.Role{access.Manager}}, p.ID, "publish", ""); err != nil {
			t.Fatal(err)
		}
	}
	c := e.Client()
	c.SignIn("u-manager", webtest.Password)
	for _, asOf := range []string{"", "2020-06-30"} {
		_, body := c.Get("/indicators/challenge_lists_published?as_of=" + asOf)
		shown := webtest.TableColumn(t, body, "records", 0)
		if asOf == "" && len(shown) != 2 || asOf != "" && len(shown) != 0 {
			t.Fatalf("as of %q the page lists %q", asOf, shown)
		}
		href := webtest.HrefOf(t, body, `/indicators/challenge_lists_published/export[^"]*`)
		resp, data := c.Get(href)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", href, resp.StatusCode)
		}
		got := webtest.SheetColumn(t, []byte(data), "x.xlsx", "记录", 0)
		if !slices.Equal(got, shown) {
			t.Errorf("as of %q: %s gives %q, the page shows %q", asOf, href, got, shown)
		}
		if asOf != "" {
			def := webtest.SheetColumn(t, []byte(data), "x.xlsx", "", 1)
			if !slices.Contains(def, asOf) {
				t.Errorf("the export's definition sheet %q does not say as of %s", def, asOf)
			}
		}
	}
}
