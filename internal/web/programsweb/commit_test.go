package programsweb_test

import (
	"fmt"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
	"net/url"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

const committedProgram = `key: w_commit
name: 承诺书网页测试
version: 1
commitment:
  version: "2025-1"
  text: 本单位和项目负责人承诺所报材料真实、准确。
form:
  - {key: title, label: 项目名称, type: text, required: true}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: submitted, name: 已提交, terminal: true}
transitions:
  - {key: submit, name: 提交, from: draft, to: submitted, by: [owner], requires: [title], commit: true}
`

// TestCommitmentOverHTTP: the applicant reads the commitment on the
// record's page, cannot submit before confirming it, confirms as the unit
// (on the page) and for the leader (through the API), then submits.
func TestCommitmentOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		if _, err := program.Publish(ctx, db, []byte(committedProgram)); err != nil {
			t.Fatal(err)
		}
		pub, _ := program.Latest(ctx, db, "w_commit")
		call, _ := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "wc-1", Name: "承诺批次", Opens: "2025-01-01", Closes: "2099-12-31"})
		pr, _ := program.CreateProject(ctx, db, call.ID, e.OrgA.ID, map[string]any{"title": "项目"})
		base := fmt.Sprintf("/projects/%d", pr.ID)
		org := e.Client()
		org.SignIn("u-org", webtest.Password)
		if _, body := org.Get(base); !strings.Contains(body, "所报材料真实、准确") || !strings.Contains(body, `id="commit-unit"`) {
			t.Fatal("the commitment is not on the record's page")
		}
		if resp, body := org.Post(base+"/move", url.Values{"transition": {"submit"}}); resp.StatusCode != 422 || !strings.Contains(body, "确认承诺书") {
			t.Fatalf("submitted before confirming: %d", resp.StatusCode)
		}
		if resp, _ := org.Post(base+"/commit", url.Values{"role": {"unit"}}); resp.StatusCode != 303 {
			t.Fatalf("confirm as the unit: %d", resp.StatusCode)
		}
		if resp, body := org.Raw("POST", "/api/v1"+base+"/commitments", "application/json", []byte(`{"role": "leader"}`)); resp.StatusCode != 201 || !strings.Contains(body, `"version": "2025-1"`) {
			t.Fatalf("confirm for the leader: %d %s", resp.StatusCode, body)
		}
		org.Get(base)
		if resp, _ := org.Post(base+"/move", url.Values{"transition": {"submit"}}); resp.StatusCode != 303 {
			t.Fatalf("submit after confirming: %d", resp.StatusCode)
		}
	})
}
