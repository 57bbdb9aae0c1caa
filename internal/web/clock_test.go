package web_test

import (
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web"
)

// dueProgram is a program whose submission closes with the call.
const dueProgram = `key: test_due
name: 测试截止项目
name_en: Deadline test program
version: 1
form:
  - {key: title, label: 项目名称, label_en: Title, type: text, required: true, max: 60}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: submitted, name: 已提交, terminal: true}
transitions:
  - {key: submit, name: 提交申报, name_en: Submit, from: draft, to: submitted, by: [owner], deadline: call_end}
`

// TestBusinessDate: a server pinned to 2025-06-30 judges a call that runs
// to 2025-07-15 open, its deadline not overdue, and takes the submission,
// though the wall clock is long past the call's end; every page names the
// business date. Without a pinned date the same call is closed.
func TestBusinessDate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		pinned, _ := time.ParseInLocation(time.DateOnly, "2025-06-30", time.FixedZone("CST", 8*3600))
		e := newEnvCfg(t, db, false, web.Config{AsOf: pinned})
		pub, err := program.Publish(ctx, db, []byte(dueProgram))
		if err != nil {
			t.Fatal(err)
		}
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "due-2025", Name: "2025年截止测试批次", Opens: "2025-06-01", Closes: "2025-07-15"})
		if err != nil {
			t.Fatal(err)
		}
		if store.Now().Format(time.DateOnly) <= call.Closes {
			t.Skip("the wall clock is not past the call's end")
		}
		for _, path := range []string{"/", "/signin", "/no-such-page"} {
			if _, body := e.client().get(path); !strings.Contains(body, `id="business-date"`) || !strings.Contains(body, "业务日期 2025-06-30") {
				t.Errorf("%s does not name the business date", path)
			}
		}
		org := e.client()
		org.signIn("u-org", pw)
		_, body := org.get("/programs")
		if !strings.Contains(body, "业务日期 2025-06-30") {
			t.Error("the page does not name the business date")
		}
		if !strings.Contains(body, "/calls/"+strconv.FormatInt(call.ID, 10)+"/apply") {
			t.Fatal("the call open on the business date is not offered")
		}
		resp, _ := org.post("/calls/"+strconv.FormatInt(call.ID, 10)+"/apply", url.Values{"title": {"高精度减速器"}})
		if resp.StatusCode != 303 {
			t.Fatalf("apply on the business date: %d", resp.StatusCode)
		}
		pid := idFrom(t, resp.Header.Get("Location"), "/projects/")
		_, body = org.get("/projects/" + pid)
		if !strings.Contains(body, `id="deadlines"`) || strings.Contains(body, "已逾期") {
			t.Fatal("the deadline is missing or shown overdue on the business date")
		}
		if resp, _ := org.post("/projects/"+pid+"/move", url.Values{"transition": {"submit"}}); resp.StatusCode != 303 {
			t.Fatalf("submit before the call's end on the business date: %d", resp.StatusCode)
		}

		// The same call on a server that follows the wall clock is closed.
		srv, err := web.New(web.Config{Demo: true, Version: "test", Keys: e.keys, Search: e.seg, Files: program.Files{Dir: t.TempDir()}}, db, e.auth, slog.New(slog.NewTextHandler(testLog(), nil)))
		if err != nil {
			t.Fatal(err)
		}
		wall := *e
		wall.srv, wall.ts = srv, httptest.NewServer(srv)
		defer wall.ts.Close()
		o2 := wall.client()
		o2.signIn("u-org", pw)
		if _, body := o2.get("/programs"); strings.Contains(body, "/calls/"+strconv.FormatInt(call.ID, 10)+"/apply") || strings.Contains(body, `id="business-date"`) {
			t.Fatal("without a business date the call still shows open, or a date is named")
		}
	})
}
