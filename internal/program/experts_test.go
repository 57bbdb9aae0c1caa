package program_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/password"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

func TestParseFields(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"集成电路、人工智能", []string{"集成电路", "人工智能"}},
		{" 机器人 ,生物医药，机器人；新能源\n", []string{"机器人", "生物医药", "新能源"}},
		{" , 、", nil},
	} {
		if got := program.ParseFields(c.in); !slices.Equal(got, c.want) {
			t.Errorf("ParseFields(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func liveReviewers(t *testing.T, db *store.DB, projectID int64) (live []int64, all []int64) {
	t.Helper()
	as, err := program.Assignments(context.Background(), db, projectID)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		all = append(all, a.ReviewerID)
		if a.Status == program.Assigned || a.Status == program.Submitted {
			live = append(live, a.ReviewerID)
		}
	}
	return live, all
}

// TestRemovedExpertNeverDrawn: an expert removed from the pool is not a
// candidate of a draw, not drawn as the replacement after a decline (the
// pool then comes up short rather than take them), cannot be assigned by
// hand, and is drawn again once reinstated. Removal and reinstatement need
// a manager and a reason, and both are audited.
func TestRemovedExpertNeverDrawn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildReviewWorld(t, db, 6) // seven experts without a conflict: r-long-ago and r-free1..6
		out := w.reviewers["r-free1"]
		if err := program.RemoveExpert(ctx, db, w.principal("r-free2"), out, "不称职"); !errors.Is(err, problem.ErrForbidden) {
			t.Fatalf("a reviewer removing an expert: %v", err)
		}
		if err := program.RemoveExpert(ctx, db, w.manager, out, "  "); !errors.Is(err, problem.ErrInvalid) {
			t.Fatalf("removal without a reason: %v", err)
		}
		if err := program.RemoveExpert(ctx, db, w.manager, out, "连续两次无故缺席评审"); err != nil {
			t.Fatal(err)
		}
		if err := program.RemoveExpert(ctx, db, w.manager, out, "again"); !errors.Is(err, problem.ErrConflict) {
			t.Errorf("removing twice: %v", err)
		}
		pool, err := program.Pool(ctx, db)
		if err != nil || slices.ContainsFunc(pool, func(r program.Reviewer) bool { return r.UserID == out }) {
			t.Fatalf("the removed expert is still in the pool (%v)", err)
		}

		res, err := program.Assign(ctx, db, w.manager, w.project.ID, 1)
		if err != nil || len(res.Assigned) != 5 || res.Short != 0 {
			t.Fatalf("assign: %+v %v", res, err)
		}
		if slices.Contains(res.Candidates, out) {
			t.Errorf("the removed expert was a candidate: %v", res.Candidates)
		}
		// The first decline is replaced by the one expert left; the second
		// finds only the removed expert, and leaves the round short.
		for range 2 {
			as, _ := program.Assignments(ctx, db, w.project.ID)
			var first program.Assignment
			for _, a := range as {
				if a.Status == program.Assigned {
					first = a
					break
				}
			}
			if err := program.Decline(ctx, db, w.principal(first.Reviewer), first.ID, "时间冲突", false); err != nil {
				t.Fatal(err)
			}
		}
		live, all := liveReviewers(t, db, w.project.ID)
		if slices.Contains(all, out) {
			t.Fatalf("the removed expert was drawn as a replacement: %v", all)
		}
		if len(live) != 4 {
			t.Errorf("%d live assignments after two declines with one expert to spare, want 4", len(live))
		}
		if err := program.Override(ctx, db, w.manager, w.project.ID, 1, out, "急需"); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("assigning a removed expert by hand: %v", err)
		}

		if err := program.ReinstateExpert(ctx, db, w.manager, out, ""); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("reinstating without a reason: %v", err)
		}
		if err := program.ReinstateExpert(ctx, db, w.manager, w.reviewers["r-free2"], "误操作"); !errors.Is(err, problem.ErrConflict) {
			t.Errorf("reinstating an expert in the pool: %v", err)
		}
		if err := program.ReinstateExpert(ctx, db, w.manager, out, "申诉成立，恢复入库"); err != nil {
			t.Fatal(err)
		}
		res, err = program.Assign(ctx, db, w.manager, w.project.ID, 1)
		if err != nil || len(res.Assigned) != 1 || res.Assigned[0].UserID != out {
			t.Fatalf("after reinstatement the expert is not drawn: %+v %v", res, err)
		}
		var events int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM audit_events WHERE entity = 'expert' AND action IN ('remove', 'reinstate')`).Scan(&events); err != nil || events != 2 {
			t.Errorf("%d audit events of removal and reinstatement (%v), want 2", events, err)
		}
	})
}

// TestRemovalReplacesOpenReviews: removing an expert who holds a review
// not yet submitted withdraws it and draws a replacement at once.
func TestRemovalReplacesOpenReviews(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildReviewWorld(t, db, 6) // seven experts without a conflict, five drawn
		if _, err := program.Assign(ctx, db, w.manager, w.project.ID, 1); err != nil {
			t.Fatal(err)
		}
		before, _ := liveReviewers(t, db, w.project.ID)
		busy := before[0]
		if err := program.RemoveExpert(ctx, db, w.manager, busy, "评审中泄露申报材料"); err != nil {
			t.Fatal(err)
		}
		after, _ := liveReviewers(t, db, w.project.ID)
		if slices.Contains(after, busy) || len(after) != len(before) {
			t.Errorf("after removing %d: live reviewers %v, were %v", busy, after, before)
		}
		var st string
		if err := db.QueryRowContext(ctx, `SELECT status FROM review_assignments WHERE project_id = ? AND reviewer_id = ?`, w.project.ID, busy).Scan(&st); err != nil || st != program.Withdrawn {
			t.Errorf("the removed expert's open review is %q (%v), want withdrawn", st, err)
		}
	})
}

const fieldReview = `key: t_field
name: 按领域评审
version: 1
form:
  - {key: title, label: 名称, type: text, required: true}
  - {key: field, label: 技术领域, type: choice, required: true, options: [集成电路, 人工智能, 生物医药]}
  - {key: amount, label: 金额, type: money}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: submitted, name: 已提交}
  - {key: review, name: 评审}
  - {key: done, name: 完成, terminal: true}
transitions:
  - {key: submit, name: 提交, from: draft, to: submitted, by: [owner]}
  - {key: start_review, name: 送评, from: submitted, to: review, by: ["role:manager"]}
  - {key: finish, name: 完成, from: review, to: done, by: ["role:manager"]}
review:
  rounds: 1
  reviewers_per_record: 3
  aggregate: mean
  field: field
  criteria:
    - {key: merit, name: 水平, weight: 1, min: 0, max: 10}
`

// TestFieldMatchedDraw: a template with review.field draws only experts
// whose fields include the record's value (an expert with no field is never
// drawn for it), reports short when too few match, and the recorded draw
// replays from the matching candidates.
func TestFieldMatchedDraw(t *testing.T) {
	if _, err := program.Parse([]byte(strings.Replace(fieldReview, "field: field", "field: amount", 1))); err == nil || !strings.Contains(err.Error(), "review.field") {
		t.Errorf("review.field naming a money field: %v", err)
	}
	if _, err := program.Parse([]byte(strings.Replace(fieldReview, "field: field", "field: nosuch", 1))); err == nil || !strings.Contains(err.Error(), "nosuch") {
		t.Errorf("review.field naming no field: %v", err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		pub, err := program.Publish(ctx, db, []byte(fieldReview))
		if err != nil {
			t.Fatal(err)
		}
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "field-1", Name: "领域批次", Opens: "2020-01-01", Closes: "2099-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		org, _ := registry.Create(ctx, db, registry.Organisation{Name: "领域申报企业", Kind: "enterprise"})
		svc := auth.New(db, auth.Config{Password: password.Fast})
		manager := access.Principal{UserID: 51, Name: "manager", Roles: []access.Role{access.Manager}}
		fields := map[string][]string{"ic1": {"集成电路"}, "ic2": {"集成电路", "人工智能"}, "ai1": {"人工智能"}, "ai2": {" 人工智能 "}, "ai3": {"人工智能"}, "none": nil}
		users := map[int64]string{}
		for _, name := range []string{"ic1", "ic2", "ai1", "ai2", "ai3", "none"} {
			u, err := svc.CreateUser(ctx, auth.NewUser{Username: name, Password: "review-pass-2025!", Roles: []access.Role{access.Reviewer}})
			if err != nil {
				t.Fatal(err)
			}
			users[u.ID] = name
			if err := program.SetExpertFields(ctx, db, manager, u.ID, fields[name]); err != nil {
				t.Fatal(err)
			}
		}
		applicant := access.Principal{UserID: 50, Name: "applicant", Roles: []access.Role{access.Org}, OrgID: org.ID}
		record := func(field string) int64 {
			p, err := program.Apply(ctx, db, program.Files{}, applicant, call.ID, map[string]any{"title": "领域项目" + field, "field": field}, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, step := range []struct {
				p   access.Principal
				key string
			}{{applicant, "submit"}, {manager, "start_review"}} {
				if _, err := program.Move(ctx, db, step.p, p.ID, step.key, ""); err != nil {
					t.Fatal(err)
				}
			}
			return p.ID
		}
		names := func(rs []program.Reviewer) []string {
			var out []string
			for _, r := range rs {
				out = append(out, r.Username)
			}
			slices.Sort(out)
			return out
		}

		// 集成电路: two experts match, three are wanted.
		ic := record("集成电路")
		res, err := program.Assign(ctx, db, manager, ic, 1)
		if err != nil {
			t.Fatal(err)
		}
		if got := names(res.Assigned); !slices.Equal(got, []string{"ic1", "ic2"}) || res.Short != 1 {
			t.Errorf("集成电路 drew %v, short %d; want ic1 ic2, short 1", got, res.Short)
		}
		if res.Field != "集成电路" || res.OffField != 4 || len(res.Candidates) != 2 {
			t.Errorf("field %q, off field %d, candidates %v", res.Field, res.OffField, res.Candidates)
		}
		// 人工智能: four match (a field typed with spaces still matches),
		// three are drawn among them, as the recorded seed replays.
		ai := record("人工智能")
		res, err = program.Assign(ctx, db, manager, ai, 1)
		if err != nil || len(res.Assigned) != 3 || res.Short != 0 {
			t.Fatalf("人工智能: %+v %v", res, err)
		}
		for _, r := range res.Assigned {
			if !slices.Contains([]string{"ic2", "ai1", "ai2", "ai3"}, r.Username) {
				t.Errorf("人工智能 drew %s", r.Username)
			}
		}
		var got []int64
		for _, r := range res.Assigned {
			got = append(got, r.UserID)
		}
		loads := map[int64]int{}
		for id, name := range users {
			if name == "ic2" {
				loads[id] = 1 // drawn for 集成电路 before
			}
		}
		if replay := program.DrawOrder(res.Candidates, loads, res.Seed)[:3]; !slices.Equal(replay, got) {
			t.Errorf("replaying the draw gives %v, it assigned %v", replay, got)
		}
		// 生物医药: no one.
		res, err = program.Assign(ctx, db, manager, record("生物医药"), 1)
		if err != nil || len(res.Assigned) != 0 || res.Short != 3 {
			t.Errorf("生物医药: %+v %v", res, err)
		}
		// The expert with no field was never drawn.
		for id, name := range users {
			if name == "none" {
				if as, _ := program.ReviewerAssignments(ctx, db, id); len(as) != 0 {
					t.Errorf("the expert with no field was drawn %d times", len(as))
				}
			}
		}
		// Only managers set fields, within the length allowed.
		var ic1 int64
		for id, name := range users {
			if name == "ic1" {
				ic1 = id
			}
		}
		if err := program.SetExpertFields(ctx, db, applicant, ic1, []string{"人工智能"}); !errors.Is(err, problem.ErrForbidden) {
			t.Errorf("an applicant setting fields: %v", err)
		}
		if err := program.SetExpertFields(ctx, db, manager, ic1, []string{strings.Repeat("长", 41)}); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("a field of 41 characters: %v", err)
		}
	})
}

// TestRateExpert: a manager rates submitted reviews 1–5, may revise a
// rating, and the mean shows in Experts; a rating of an unsubmitted
// review, by a non-manager, or out of range is refused and changes nothing.
func TestRateExpert(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildReviewWorld(t, db, 5)
		if _, err := program.Assign(ctx, db, w.manager, w.project.ID, 1); err != nil {
			t.Fatal(err)
		}
		as, err := program.Assignments(ctx, db, w.project.ID)
		if err != nil || len(as) != 5 {
			t.Fatalf("assignments %d %v", len(as), err)
		}
		a, b := as[0], as[1]
		if err := program.RateExpert(ctx, db, w.manager, a.ID, 4, "按时"); !errors.Is(err, problem.ErrConflict) {
			t.Fatalf("rating an unsubmitted review: %v", err)
		}
		for _, x := range []program.Assignment{a, b} {
			sheet := program.Score{Scores: map[string]float64{"innovation": 80, "feasibility": 80, "team": 80, "impact": 80}, Version: x.Version}
			if _, err := program.SubmitScores(ctx, db, w.principal(x.Reviewer), x.ID, sheet); err != nil {
				t.Fatal(err)
			}
		}
		if err := program.RateExpert(ctx, db, w.principal(b.Reviewer), a.ID, 5, ""); !errors.Is(err, problem.ErrForbidden) {
			t.Errorf("a reviewer rating another: %v", err)
		}
		for _, bad := range []int{0, 6, -1} {
			if err := program.RateExpert(ctx, db, w.manager, a.ID, bad, ""); !errors.Is(err, problem.ErrInvalid) {
				t.Errorf("rating %d: %v", bad, err)
			}
		}
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM expert_ratings`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d ratings stored after refusals (%v)", n, err)
		}
		if err := program.RateExpert(ctx, db, w.manager, 99999, 3, ""); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("rating no assignment: %v", err)
		}

		if err := program.RateExpert(ctx, db, w.manager, a.ID, 2, "逾期三天"); err != nil {
			t.Fatal(err)
		}
		if err := program.RateExpert(ctx, db, w.manager, a.ID, 5, "复核后：意见详实"); err != nil { // revised
			t.Fatal(err)
		}
		if err := program.RateExpert(ctx, db, w.manager, b.ID, 3, ""); err != nil {
			t.Fatal(err)
		}
		rs, err := program.ProjectRatings(ctx, db, w.project.ID)
		if err != nil || len(rs) != 2 || rs[a.ID].Rating != 5 || rs[a.ID].Note != "复核后：意见详实" || rs[b.ID].Rating != 3 {
			t.Fatalf("ratings %+v %v", rs, err)
		}
		// A second review by a's expert on another record, rated 2: mean 3.5.
		other, err := program.CreateProject(ctx, db, w.call.ID, w.applicant.ID, data(2e6, 2e6))
		if err != nil {
			t.Fatal(err)
		}
		if err := program.Override(ctx, db, w.manager, other.ID, 1, a.ReviewerID, "领域对口"); err != nil {
			t.Fatal(err)
		}
		owner := access.Principal{UserID: 1, Name: "applicant", Roles: []access.Role{access.Org}, OrgID: w.applicant.ID}
		for _, step := range []struct {
			p   access.Principal
			key string
		}{{owner, "submit"}, {w.manager, "screen"}, {w.manager, "start_review"}} {
			if _, err := program.Move(ctx, db, step.p, other.ID, step.key, ""); err != nil {
				t.Fatalf("%s: %v", step.key, err)
			}
		}
		oas, _ := program.Assignments(ctx, db, other.ID)
		sheet := program.Score{Scores: map[string]float64{"innovation": 60, "feasibility": 60, "team": 60, "impact": 60}, Version: oas[0].Version}
		if _, err := program.SubmitScores(ctx, db, w.principal(a.Reviewer), oas[0].ID, sheet); err != nil {
			t.Fatal(err)
		}
		if err := program.RateExpert(ctx, db, w.manager, oas[0].ID, 2, ""); err != nil {
			t.Fatal(err)
		}

		es, err := program.Experts(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string]program.Expert{}
		for _, e := range es {
			byName[e.Username] = e
		}
		if e := byName[a.Reviewer]; e.Rating != 3.5 || e.Ratings != 2 || e.Load != 2 || e.Cap != 10 {
			t.Errorf("%s: rating %v (%d), load %d/%d; want 3.5 (2), 2/10", a.Reviewer, e.Rating, e.Ratings, e.Load, e.Cap)
		}
		if e := byName[b.Reviewer]; e.Rating != 3 || e.Ratings != 1 {
			t.Errorf("%s: rating %v (%d), want 3 (1)", b.Reviewer, e.Rating, e.Ratings)
		}
		if e := byName["r-own"]; e.Ratings != 0 || e.Removed != nil {
			t.Errorf("r-own: %+v", e)
		}
		if len(es) != len(w.reviewers) {
			t.Errorf("Experts lists %d, the pool has %d", len(es), len(w.reviewers))
		}
		// Removed experts stay listed, marked.
		if err := program.RemoveExpert(ctx, db, w.manager, w.reviewers["r-own"], "退休"); err != nil {
			t.Fatal(err)
		}
		es, _ = program.Experts(ctx, db)
		for _, e := range es {
			if e.Username == "r-own" && (e.Removed == nil || e.Removed.Reason != "退休" || e.Removed.By != "manager") {
				t.Errorf("removed expert listed as %+v", e)
			}
		}
		var events int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM audit_events WHERE action = 'rate_expert'`).Scan(&events); err != nil || events != 4 {
			t.Errorf("%d rating audit events (%v), want 4", events, err)
		}
	})
}
