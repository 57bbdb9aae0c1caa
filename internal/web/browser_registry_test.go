package web_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/search"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web"
)

// TestBrowserRegistryImport uploads a spreadsheet with mistakes, reads the
// problems the preview lists, uploads the corrected file, imports it while
// the progress bar runs, and finds the organisation by a Chinese word.
func TestBrowserRegistryImport(t *testing.T) {
	exe := browserExecutable(t)
	db := storetest.Open(t, store.SQLite)
	svc := browserAuth(t, db, auth.NewUser{Username: "import.manager", Roles: []access.Role{access.Manager}})
	seg, err := search.Default()
	if err != nil {
		t.Fatal(err)
	}
	base := browserServe(t, db, svc, web.Config{Keys: browserKeys(t, "kbrowser"), Search: seg})

	dir := t.TempDir()
	good, other := creditCodeFor(t, 1), creditCodeFor(t, 2)
	broken := good[:17] + map[bool]string{true: "0", false: "1"}[good[17] != '0']
	header := "统一社会信用代码,单位名称,单位类型,所在区县,成立日期,企业规模,标签,产业集群,简介\n"
	bad := header +
		broken + ",沈阳新松机器人自动化股份有限公司,企业,浑南区,2000-04-30,大,高新技术企业,机器人,工业机器人\n" +
		other + ",沈阳示例精密仪器有限公司,企业,火星区,2010-02-30,小,,高端装备,精密测量\n"
	fixed := header +
		good + ",沈阳新松机器人自动化股份有限公司,企业,浑南区,2000-04-30,大,高新技术企业,机器人,工业机器人\n" +
		other + ",沈阳示例精密仪器有限公司,企业,铁西区,2010-02-28,小,,高端装备,精密测量\n"
	badPath, fixedPath := filepath.Join(dir, "单位-有错.csv"), filepath.Join(dir, "单位.csv")
	if err := os.WriteFile(badPath, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(fixedPath, []byte(fixed), 0o600); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, exe)
	b.signIn(base, "import.manager")
	b.expectPage("/", "待办事项", "zh-CN") // a manager's landing

	upload := func(path string, wantStatus int) {
		t.Helper()
		b.navigate(base + "/registry/import")
		b.expectPage("/registry/import", "批量导入", "zh-CN")
		b.run(chromedp.SetUploadFiles(chromedp.ID("file"), []string{path}))
		resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.ID("preview")))
		if err != nil {
			t.Fatalf("preview %s: %v", path, err)
		}
		if resp.Status != int64(wantStatus) {
			t.Fatalf("preview %s: status %d, want %d", path, resp.Status, wantStatus)
		}
	}

	// The file with mistakes: every bad cell listed, nothing written.
	upload(badPath, http.StatusOK)
	problems, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.ID("problems")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"校验位应为 " + good[17:], "火星区", "2010-02-30"} {
		if !strings.Contains(problems, want) {
			t.Errorf("problem list lacks %q:\n%s", want, problems)
		}
	}
	if _, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.ID("commit"), chromedp.AtLeast(0))); err == nil {
		if n, _ := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll('#commit').length`)); n != 0 {
			t.Fatal("a file with problems offers the import button")
		}
	}
	var n int
	if err := db.QueryRowContext(t.Context(), `SELECT count(*) FROM organisations`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("organisations after a refused preview: %d %v", n, err)
	}

	// The corrected file: preview, import, progress, done.
	upload(fixedPath, http.StatusOK)
	b.run(chromedp.WaitVisible(chromedp.ID("import-ok")))
	b.click("#commit")
	b.run(chromedp.WaitVisible(chromedp.ID("import-done")))
	done, _ := chromedp.Run(b.ctx, chromedp.Text(chromedp.ID("import-done")))
	if !strings.Contains(done, "新增 2 条") {
		t.Fatalf("import result: %q", done)
	}

	// Find it by a Chinese word through the search box.
	b.navigate(base + "/registry")
	b.run(chromedp.SendKeys(chromedp.ID("q"), "机器人"))
	b.click(`form[role="search"] button[type="submit"]`)
	count, _ := chromedp.Run(b.ctx, chromedp.Text(chromedp.ID("result-count")))
	table, _ := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("table.data tbody")))
	if !strings.Contains(count, "共 1 条") || !strings.Contains(table, "沈阳新松机器人自动化股份有限公司") || strings.Contains(table, "精密仪器") {
		t.Fatalf("search 机器人: %q\n%s", count, table)
	}
	b.click(`table.data tbody a`)
	b.expectPage("/orgs/1", "沈阳新松机器人自动化股份有限公司", "zh-CN")
	b.expectNoProblems()
}
