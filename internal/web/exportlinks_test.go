package web_test

import (
	"bytes"
	"encoding/csv"
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// hrefOf is the (unescaped) target of the first link whose href matches
// pattern (a regexp over the raw attribute).
func hrefOf(t *testing.T, body, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(`href="(` + pattern + `)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link %s in the page", pattern)
	}
	return html.UnescapeString(m[1])
}

var (
	rowRE  = regexp.MustCompile(`(?s)<tr[^>]*>(.*?)</tr>`)
	cellRE = regexp.MustCompile(`(?s)<td[^>]*>(.*?)</td>`)
	tagRE  = regexp.MustCompile(`<[^>]*>`)
)

// tableColumn is column col of the body rows of the table with id, as text
// (none when the page has no such table).
func tableColumn(t *testing.T, body, id string, col int) []string {
	t.Helper()
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return []string{}
	}
	tb := body[i:]
	tb = tb[strings.Index(tb, "<tbody>"):strings.Index(tb, "</tbody>")]
	out := []string{}
	for _, r := range rowRE.FindAllStringSubmatch(tb, -1) {
		cells := cellRE.FindAllStringSubmatch(r[1], -1)
		if len(cells) <= col || strings.Contains(r[0], `class="muted"`) && len(cells) == 1 {
			continue // the "none" row
		}
		out = append(out, strings.TrimSpace(html.UnescapeString(tagRE.ReplaceAllString(cells[col][1], ""))))
	}
	return out
}

// sheetColumn reads a download (CSV or .xlsx) and returns column col of
// the named sheet's data rows.
func sheetColumn(t *testing.T, data []byte, filename, sheet string, col int) []string {
	t.Helper()
	if strings.HasSuffix(filename, ".csv") {
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, r := range rows[1:] {
			out = append(out, r[col])
		}
		return out
	}
	tb, err := tabular.ReadSheet(bytes.NewReader(data), int64(len(data)), filename, tabular.Limits{}, sheet)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, r := range tb.Rows {
		out = append(out, r.Cells[col])
	}
	return out
}

// TestRegistryExportsWhatThePageShows: the export links of a searched,
// filtered and sorted registry list give its organisations in its order, as
// CSV and as Excel; the paging links keep the search too.
func TestRegistryExportsWhatThePageShows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		cat, err := registry.LoadCatalogue(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range []registry.Organisation{
			{Name: "沈阳新松机器人自动化股份有限公司", Kind: "enterprise", Founded: "2000-04-30"},
			{Name: "沈阳智能机器人研究院", Kind: "enterprise", Founded: "2015-06-01"},
			{Name: "辽宁机器人产业园", Kind: "enterprise", Founded: "2010-01-01"},
			{Name: "机器人学国家重点实验室", Kind: "institute", Founded: "1989-01-01"},
			{Name: "沈阳芯源微电子设备股份有限公司", Kind: "enterprise", Founded: "2002-12-17"},
		} {
			if _, err := registry.Save(ctx, db, e.seg, cat, o); err != nil {
				t.Fatal(err)
			}
		}
		c := e.client()
		c.signIn("u-viewer", pw)
		_, body := c.get("/registry?q=" + "%E6%9C%BA%E5%99%A8%E4%BA%BA" + "&kind=enterprise&sort=-founded")
		shown := tableColumn(t, body, "organisations", 0)
		want := []string{"沈阳智能机器人研究院", "辽宁机器人产业园", "沈阳新松机器人自动化股份有限公司"}
		if !slices.Equal(shown, want) {
			t.Fatalf("the page lists %q, want %q", shown, want)
		}
		for _, f := range []struct{ pattern, file string }{
			{`/registry/export\?[^"]*format=csv[^"]*`, "x.csv"},
			{`/registry/export\?[^"]*format=xlsx[^"]*`, "x.xlsx"},
		} {
			href := hrefOf(t, body, f.pattern)
			resp, data := c.get(href)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d", href, resp.StatusCode)
			}
			if got := sheetColumn(t, []byte(data), f.file, "", 1); !slices.Equal(got, shown) {
				t.Errorf("%s gives %q, the page shows %q", href, got, shown)
			}
		}
		// Two to a page: the next page's link keeps the search, filter and sort.
		_, body = c.get("/registry?q=%E6%9C%BA%E5%99%A8%E4%BA%BA&kind=enterprise&sort=-founded&per_page=2")
		_, body = c.get(hrefOf(t, body, `/registry\?[^"]*page=2[^"]*`))
		if got := tableColumn(t, body, "organisations", 0); !slices.Equal(got, want[2:]) {
			t.Errorf("page 2 lists %q, want %q", got, want[2:])
		}
	})
}

// TestIndicatorExportKeepsTheDate: an indicator's export link gives the
// figure and the records as of the date the page shows, not as of today.
func TestIndicatorExportKeepsTheDate(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite), false)
	db := e.db
	if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
		t.Fatal(err)
	}
	pub, _ := program.Latest(ctx, db, "challenge")
	call, _ := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "c-1", Name: "榜单批次", Opens: "2020-01-01", Closes: "2099-01-01"})
	for _, title := range []string{"高纯石英砂提纯", "工业母机主轴"} {
		p, _ := program.CreateProject(ctx, db, call.ID, e.orgA.ID, map[string]any{"title": title})
		if _, err := db.ExecContext(ctx, `UPDATE projects SET stage = 'screened' WHERE id = ?`, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := program.Move(ctx, db, access.Principal{UserID: 1, Name: "m", Roles: []access.Role{access.Manager}}, p.ID, "publish", ""); err != nil {
			t.Fatal(err)
		}
	}
	c := e.client()
	c.signIn("u-manager", pw)
	for _, asOf := range []string{"", "2020-06-30"} {
		_, body := c.get("/indicators/challenge_lists_published?as_of=" + asOf)
		shown := tableColumn(t, body, "records", 0)
		if asOf == "" && len(shown) != 2 || asOf != "" && len(shown) != 0 {
			t.Fatalf("as of %q the page lists %q", asOf, shown)
		}
		href := hrefOf(t, body, `/indicators/challenge_lists_published/export[^"]*`)
		resp, data := c.get(href)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", href, resp.StatusCode)
		}
		got := sheetColumn(t, []byte(data), "x.xlsx", "记录", 0)
		if !slices.Equal(got, shown) {
			t.Errorf("as of %q: %s gives %q, the page shows %q", asOf, href, got, shown)
		}
		if asOf != "" {
			def := sheetColumn(t, []byte(data), "x.xlsx", "", 1)
			if !slices.Contains(def, asOf) {
				t.Errorf("the export's definition sheet %q does not say as of %s", def, asOf)
			}
		}
	}
}

// TestAuditExportKeepsTheFilter: the audit log's export link gives the
// events the filtered page lists, newest first.
func TestAuditExportKeepsTheFilter(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite), false)
	c := e.client()
	c.signIn("u-auditor", pw)
	m := e.client()
	m.signIn("u-manager", pw)
	_, body := c.get("/admin/audit?entity=user&action=sign_in")
	shown := tableColumn(t, body, "audit-log", 0)
	if len(shown) == 0 {
		t.Fatal("the filtered log is empty")
	}
	href := hrefOf(t, body, `/admin/audit/export[^"]*`)
	resp, data := c.get(href)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d", href, resp.StatusCode)
	}
	if got := sheetColumn(t, []byte(data), "x.csv", "", 0); !slices.Equal(got, shown) {
		t.Errorf("%s gives events %q, the page shows %q", href, got, shown)
	}
}
