package registryweb_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
)

// TestImportInterrupted: an import whose node stopped mid-commit (its row
// running, its lease run out, nothing written) shows as interrupted, with
// the file's preview, and its owner confirms it again, on any node; another
// user still cannot see it.
func TestImportInterrupted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		c := e.Client()
		c.SignIn("u-manager", webtest.Password)
		c.Get("/registry/import")
		code := webtest.CreditCode(t, 77)
		csv := "统一社会信用代码,单位名称\n" + code + ",沈阳中断导入测试有限公司\n"
		resp, body := upload(c, "orgs", "orgs.csv", []byte(csv))
		if resp.StatusCode != 200 {
			t.Fatalf("preview: %d", resp.StatusCode)
		}
		job := findGroup(t, jobRE, body)
		// What a node that took the commit and died leaves behind.
		if _, err := db.ExecContext(ctx, `UPDATE import_jobs SET state = 'running', holder = 'dead-node', lease_until = ?, done = 1 WHERE id = ?`, store.Now().Add(-time.Second), job); err != nil {
			t.Fatal(err)
		}
		_, body = c.Get("/registry/import/" + job)
		if !strings.Contains(body, `id="import-interrupted"`) || !strings.Contains(body, `/registry/import/`+job+`/commit`) {
			t.Fatalf("an interrupted import's page:\n%s", body)
		}
		if n := webtest.CountRows(t, db, "organisations WHERE credit_code = '"+code+"'"); n != 0 {
			t.Fatalf("%d rows before the import was confirmed again", n)
		}
		v := e.Client()
		v.SignIn("u-viewer", webtest.Password)
		if resp, _ := v.Post("/registry/import/"+job+"/commit", nil); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("a viewer committing another's import: %d", resp.StatusCode)
		}
		resp, _ = c.Post("/registry/import/"+job+"/commit", nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("confirm again: %d", resp.StatusCode)
		}
		if _, body = c.Get("/registry/import/" + job + "?wait=1"); !strings.Contains(body, `id="import-done"`) {
			t.Fatalf("after confirming again:\n%s", body)
		}
		if n := webtest.CountRows(t, db, "organisations WHERE credit_code = '"+code+"'"); n != 1 {
			t.Fatalf("%d rows after the import, want 1", n)
		}
	})
}
