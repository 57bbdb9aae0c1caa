package reportsweb_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
)

// TestReportsOverHTTP: a manager issues the letter as of a date; the
// frozen report shows its figures, says nothing moved, and downloads as
// Word; a viewer reads it but cannot issue one.
func TestReportsOverHTTP(t *testing.T) {
	e := webtest.New(t, storetest.Open(t, store.SQLite), false)
	c := e.Client()
	c.SignIn("u-manager", webtest.Password)
	c.Get("/reports")
	resp, _ := c.Post("/reports/templates/seed-reply/issue", url.Values{"as_of": {"2025-06-30"}})
	if resp.StatusCode != 303 {
		t.Fatalf("issue: %d", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	if resp, body := c.Get(loc + "?compare=1"); resp.StatusCode != 200 || !strings.Contains(body, "王志坚委员") || !strings.Contains(body, `id="figures"`) || !strings.Contains(body, "没有变化") {
		t.Fatalf("report page: %d", resp.StatusCode)
	}
	if resp, _ := c.Get(loc + "/download/docx"); resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "wordprocessingml") {
		t.Fatalf("docx: %d", resp.StatusCode)
	}
	if resp, _ := c.Post("/reports/templates/seed-reply/issue", url.Values{"as_of": {"30/06/2025"}}); resp.StatusCode != 422 {
		t.Errorf("bad date: %d", resp.StatusCode)
	}
	v := e.Client()
	v.SignIn("u-viewer", webtest.Password)
	if resp, _ := v.Get(loc); resp.StatusCode != 200 {
		t.Errorf("viewer reading: %d", resp.StatusCode)
	}
	v.Get("/reports")
	if resp, _ := v.Post("/reports/templates/seed-reply/issue", url.Values{"as_of": {"2025-06-30"}}); resp.StatusCode != 403 {
		t.Errorf("viewer issuing: %d", resp.StatusCode)
	}
}
