package registryweb_test

import (
	"slices"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
)

// TestRegistryExportsWhatThePageShows: the export links of a searched,
// filtered and sorted registry list give its organisations in its order, as
// CSV and as Excel; the paging links keep the search too.
func TestRegistryExportsWhatThePageShows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
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
			if _, err := registry.Save(ctx, db, e.Seg, cat, o); err != nil {
				t.Fatal(err)
			}
		}
		c := e.Client()
		c.SignIn("u-viewer", webtest.Password)
		_, body := c.Get("/registry?q=" + "%E6%9C%BA%E5%99%A8%E4%BA%BA" + "&kind=enterprise&sort=-founded")
		shown := webtest.TableColumn(t, body, "organisations", 0)
		want := []string{"沈阳智能机器人研究院", "辽宁机器人产业园", "沈阳新松机器人自动化股份有限公司"}
		if !slices.Equal(shown, want) {
			t.Fatalf("the page lists %q, want %q", shown, want)
		}
		for _, f := range []struct{ pattern, file string }{
			{`/registry/export\?[^"]*format=csv[^"]*`, "x.csv"},
			{`/registry/export\?[^"]*format=xlsx[^"]*`, "x.xlsx"},
		} {
			href := webtest.HrefOf(t, body, f.pattern)
			resp, data := c.Get(href)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d", href, resp.StatusCode)
			}
			if got := webtest.SheetColumn(t, []byte(data), f.file, "", 1); !slices.Equal(got, shown) {
				t.Errorf("%s gives %q, the page shows %q", href, got, shown)
			}
		}
		// Two to a page: the next page's link keeps the search, filter and sort.
		_, body = c.Get("/registry?q=%E6%9C%BA%E5%99%A8%E4%BA%BA&kind=enterprise&sort=-founded&per_page=2")
		_, body = c.Get(webtest.HrefOf(t, body, `/registry\?[^"]*page=2[^"]*`))
		if got := webtest.TableColumn(t, body, "organisations", 0); !slices.Equal(got, want[2:]) {
			t.Errorf("page 2 lists %q, want %q", got, want[2:])
		}
	})
}
