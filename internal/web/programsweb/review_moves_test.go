package programsweb_test

import (
	"fmt"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// moveButton finds a move's button on a record's page.
func moveButton(body, key string) string {
	return regexp.MustCompile(`<button[^>]*value="` + key + `"[^>]*>`).FindString(body)
}

// TestReviewDecisions: the moves that decide on a review wait, disabled
// with the reason, until the sheets the template asks for are in; the
// positive move is primary and the negative one set apart; experts are
// named by their names, never their logins; the managers are told when the
// applicant submits and when the round's reviews are complete.
func TestReviewDecisions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		pub, err := program.Publish(ctx, db, []byte(webtest.LandingProgram))
		if err != nil {
			t.Fatal(err)
		}
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "rd-1", Name: "评审决定测试批次", Opens: "2020-01-01", Closes: "2099-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		rec, err := program.CreateProject(ctx, db, call.ID, e.OrgA.ID, map[string]any{"title": "高精度减速器"})
		if err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprint(rec.ID)
		var person int64
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.QueryRowContext(ctx, `INSERT INTO people (name, created_at, updated_at) VALUES ('王五', ?, ?) RETURNING id`, store.Now(), store.Now()).Scan(&person)
		}); err != nil {
			t.Fatal(err)
		}
		var experts []auth.User
		for _, x := range []struct{ login, name string }{{"r-wang", "王教授"}, {"r-li", "李研究员"}} {
			u, err := e.Auth.CreateUser(ctx, auth.NewUser{Username: x.login, DisplayName: x.name, Password: webtest.Password, Roles: []access.Role{access.Reviewer}})
			if err != nil {
				t.Fatal(err)
			}
			experts = append(experts, u)
		}
		if _, err := db.ExecContext(ctx, `UPDATE users SET person_id = ? WHERE id = ?`, person, experts[0].ID); err != nil {
			t.Fatal(err)
		}

		// The applicant submits: the managers are told.
		org := e.Client()
		org.SignIn("u-org", webtest.Password)
		org.Get("/projects/" + id)
		if resp, _ := org.Post("/projects/"+id+"/move", url.Values{"transition": {"submit"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("submit: %d", resp.StatusCode)
		}
		mgr := e.Client()
		mgr.SignIn("u-manager", webtest.Password)
		if _, body := mgr.Get("/notices"); !strings.Contains(body, "“高精度减速器”（测试待办项目）已提交") {
			t.Error("the manager is not told of the submission")
		}
		mgr.Get("/projects/" + id)
		if resp, _ := mgr.Post("/projects/"+id+"/move", url.Values{"transition": {"start_review"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("start review: %d", resp.StatusCode)
		}
		var aids []int64
		for _, x := range experts {
			var aid int64
			if err := db.InTx(ctx, func(tx *store.Tx) error {
				return tx.QueryRowContext(ctx, `INSERT INTO review_assignments (project_id, round, reviewer_id, status, assigned_at, assigned_by) VALUES (?, 1, ?, 'assigned', ?, 'test') RETURNING id`,
					rec.ID, x.ID, store.Now()).Scan(&aid)
			}); err != nil {
				t.Fatal(err)
			}
			aids = append(aids, aid)
		}

		page := func(want string) string {
			t.Helper()
			_, body := mgr.Get("/projects/" + id)
			approve, reject := moveButton(body, "approve"), moveButton(body, "reject")
			if !strings.Contains(approve, "btn-primary") || !strings.Contains(reject, "btn-negative") || strings.Contains(reject, "btn-primary") {
				t.Errorf("approve %q and reject %q: want the positive primary and the negative set apart", approve, reject)
			}
			waiting := strings.Contains(approve, "disabled") && strings.Contains(reject, "disabled")
			switch want {
			case "wait":
				if !waiting || !strings.Contains(body, `id="moves-wait"`) {
					t.Errorf("with the reviews not all in, the decisions are offered (approve %q) or no reason is given", approve)
				}
			case "decide":
				if strings.Contains(approve, "disabled") || strings.Contains(reject, "disabled") || strings.Contains(body, `id="moves-wait"`) {
					t.Errorf("with the reviews in, a decision is still held back: %q %q", approve, reject)
				}
			}
			return body
		}
		body := page("wait")
		if !strings.Contains(body, "已收到 0/2 份") {
			t.Error("the reason does not count the sheets in")
		}
		if !strings.Contains(body, "王教授（王五）") || !strings.Contains(body, "李研究员") || strings.Contains(body, "r-wang") || strings.Contains(body, "r-li") {
			t.Error("the experts are not named by their names (and person), or their logins show")
		}
		for i, x := range experts {
			rc := e.Client()
			rc.SignIn(x.Username, webtest.Password)
			rc.Get("/reviews")
			if resp, body := rc.Post(fmt.Sprintf("/assignments/%d/score", aids[i]), url.Values{"score_merit": {"80"}, "version": {"1"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s scores: %d %s", x.Username, resp.StatusCode, body)
			}
			_, notices := mgr.Get("/notices")
			complete := strings.Contains(notices, "第 1 轮专家评审已完成（2 份评审意见）")
			if i == 0 {
				page("wait")
				if complete {
					t.Error("the round is told complete with one sheet of two")
				}
			} else {
				page("decide")
				if !complete {
					t.Error("the manager is not told that the round's reviews are complete")
				}
			}
		}
	})
}

// TestBulkDecisionWaitsForReviews: on the call's board a decision taken on
// several records moves those whose sheets are in and leaves the others,
// saying why.
func TestBulkDecisionWaitsForReviews(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		pub, err := program.Publish(ctx, db, []byte(webtest.LandingProgram))
		if err != nil {
			t.Fatal(err)
		}
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "bulk-1", Name: "批量决定测试批次", Opens: "2020-01-01", Closes: "2099-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		other, err := e.Auth.CreateUser(ctx, auth.NewUser{Username: "r-other", Password: webtest.Password, Roles: []access.Role{access.Reviewer}})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for i, sheets := range []int{2, 0} {
			p, err := program.CreateProject(ctx, db, call.ID, e.OrgA.ID, map[string]any{"title": fmt.Sprintf("批量记录%d", i)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, `UPDATE projects SET stage = 'review' WHERE id = ?`, p.ID); err != nil {
				t.Fatal(err)
			}
			for _, rv := range []int64{e.Users[access.Reviewer].ID, other.ID}[:sheets] {
				if _, err := db.ExecContext(ctx, `INSERT INTO review_assignments (project_id, round, reviewer_id, status, assigned_at, assigned_by, total) VALUES (?, 1, ?, 'submitted', ?, 'test', 80)`,
					p.ID, rv, store.Now()); err != nil {
					t.Fatal(err)
				}
			}
			ids = append(ids, p.ID)
		}
		mgr := e.Client()
		mgr.SignIn("u-manager", webtest.Password)
		mgr.Get(fmt.Sprintf("/calls/%d", call.ID))
		resp, body := mgr.Post(fmt.Sprintf("/calls/%d/bulk", call.ID), url.Values{"transition": {"approve"}, "confirm": {"1"}, "ids": {fmt.Sprint(ids[0]), fmt.Sprint(ids[1])}})
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "已收到 0/2 份") {
			t.Fatalf("bulk approve: %d, the record without its sheets not refused with the reason", resp.StatusCode)
		}
		for i, want := range []string{"approved", "review"} {
			p, err := program.GetProject(ctx, db, ids[i])
			if err != nil || p.Stage != want {
				t.Errorf("record %d: %s, want %s (%v)", i, p.Stage, want, err)
			}
		}
	})
}
