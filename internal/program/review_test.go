package program_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/password"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// reviewWorld is an applicant with relatives and a pool of experts, each
// tied to the applicant in one way, plus free ones.
type reviewWorld struct {
	call      program.Call
	applicant registry.Organisation
	project   program.Project
	reviewers map[string]int64 // username → user id
	manager   access.Principal
}

func (w reviewWorld) principal(name string) access.Principal {
	return access.Principal{UserID: w.reviewers[name], Name: name, Roles: []access.Role{access.Reviewer}}
}

func buildReviewWorld(t *testing.T, db *store.DB, free int) reviewWorld {
	t.Helper()
	ctx := context.Background()
	w := reviewWorld{reviewers: map[string]int64{}, manager: access.Principal{UserID: 999, Name: "manager", Roles: []access.Role{access.Manager}}}
	w.call, w.applicant = setup(t, db, []string{"高新技术企业"})
	org := func(name string, parent int64) int64 {
		o, err := registry.Create(ctx, db, registry.Organisation{Name: name, Kind: "enterprise", ParentID: parent})
		if err != nil {
			t.Fatal(err)
		}
		return o.ID
	}
	parent := org("沈阳母公司集团有限公司", 0)
	if _, err := db.ExecContext(ctx, `UPDATE organisations SET parent_id = ? WHERE id = ?`, parent, w.applicant.ID); err != nil {
		t.Fatal(err)
	}
	child := org("芯源子公司有限公司", w.applicant.ID)
	partner := org("东北大学合作方研究院", 0)
	elsewhere := org("大连无关科技有限公司", 0)

	keys, err := seal.ParseKeyring(mustKeyLine(t))
	if err != nil {
		t.Fatal(err)
	}
	svc := auth.New(db, auth.Config{Password: password.Params{Memory: 8 * 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}})
	n := 0
	person := func(orgID int64) int64 {
		n++
		var p registry.Person
		err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			p, _, err = registry.UpsertPerson(ctx, tx, keys, registry.Person{Name: fmt.Sprintf("专家%d", n), IDNumber: fmt.Sprintf("T%04d", n), OrganisationID: orgID})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	user := func(name string, orgID, personID int64) {
		u, err := svc.CreateUser(ctx, auth.NewUser{Username: name, Password: "review-pass-2025!", Roles: []access.Role{access.Reviewer}, OrgID: orgID})
		if err != nil {
			t.Fatal(err)
		}
		if personID != 0 {
			if err := svc.LinkPerson(ctx, u.ID, personID); err != nil {
				t.Fatal(err)
			}
		}
		w.reviewers[name] = u.ID
	}
	today := time.Now().UTC()
	day := func(years int) string { return today.AddDate(-years, 0, 0).Format(time.DateOnly) }

	user("r-own", w.applicant.ID, 0)            // account bound to the applicant
	user("r-person", 0, person(w.applicant.ID)) // registry says they work there
	user("r-parent", parent, 0)
	user("r-child", child, 0)
	p := person(elsewhere)
	if err := registry.AddEmployment(ctx, db, registry.Employment{PersonID: p, OrganisationID: w.applicant.ID, Started: day(8), Ended: day(1)}); err != nil {
		t.Fatal(err)
	}
	user("r-former", 0, p)
	p = person(elsewhere)
	if err := registry.AddEmployment(ctx, db, registry.Employment{PersonID: p, OrganisationID: w.applicant.ID, Started: day(20), Ended: day(10)}); err != nil {
		t.Fatal(err)
	}
	user("r-long-ago", 0, p) // left ten years ago: no conflict with a three-year window
	user("r-partner", partner, 0)
	coPerson := person(elsewhere)
	user("r-coapplicant", 0, coPerson)
	user("r-declared", elsewhere, 0)
	user("r-avoided", elsewhere, 0)
	for i := range free {
		user(fmt.Sprintf("r-free%d", i+1), 0, 0)
	}

	// A past project of the applicant with the partner organisation and the
	// co-applicant expert on its team.
	past, err := program.CreateProject(ctx, db, w.call.ID, w.applicant.ID, data(1e6, 1e6))
	if err != nil {
		t.Fatal(err)
	}
	if err := program.AddParty(ctx, db, past.ID, program.Party{OrganisationID: partner, Role: "partner"}); err != nil {
		t.Fatal(err)
	}
	if err := program.AddParty(ctx, db, past.ID, program.Party{PersonID: coPerson, Role: "member"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO reviewer_declarations (user_id, organisation_id, reason, declared_at) VALUES (?, ?, '师生关系', ?)`,
		w.reviewers["r-declared"], w.applicant.ID, store.Now()); err != nil {
		t.Fatal(err)
	}
	w.project, err = program.CreateProject(ctx, db, w.call.ID, w.applicant.ID, data(3e6, 3e6))
	if err != nil {
		t.Fatal(err)
	}
	if err := program.Avoid(ctx, db, w.project.ID, w.reviewers["r-avoided"], "竞争关系"); err != nil {
		t.Fatal(err)
	}
	owner := access.Principal{UserID: 1, Name: "applicant", Roles: []access.Role{access.Org}, OrgID: w.applicant.ID}
	for _, step := range []struct {
		p   access.Principal
		key string
	}{{owner, "submit"}, {w.manager, "screen"}, {w.manager, "start_review"}} {
		if _, err := program.Move(ctx, db, step.p, w.project.ID, step.key, ""); err != nil {
			t.Fatalf("%s: %v", step.key, err)
		}
	}
	return w
}

func mustKeyLine(t *testing.T) string {
	line, err := seal.NewKeyLine("t1")
	if err != nil {
		t.Fatal(err)
	}
	return line
}

// TestAssignmentHonoursConflicts: with five free experts and one who left
// the applicant long ago, automatic assignment picks only from those six,
// and every other expert is excluded with the reason the registry gives.
func TestAssignmentHonoursConflicts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildReviewWorld(t, db, 5)
		res, err := program.Assign(ctx, db, w.manager, w.project.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Assigned) != 5 || res.Short != 0 {
			t.Fatalf("assigned %d, short %d", len(res.Assigned), res.Short)
		}
		allowed := []string{"r-long-ago", "r-free1", "r-free2", "r-free3", "r-free4", "r-free5"}
		for _, r := range res.Assigned {
			if !slices.Contains(allowed, r.Username) {
				t.Errorf("assigned %s, who has a conflict", r.Username)
			}
		}
		want := map[string]string{
			"r-own": program.ConflictOwnOrg, "r-person": program.ConflictOwnOrg, "r-parent": program.ConflictChild,
			"r-child": program.ConflictParent, "r-former": program.ConflictFormerEmployer, "r-partner": program.ConflictCoApplicant,
			"r-coapplicant": program.ConflictCoApplicant, "r-declared": program.ConflictDeclared, "r-avoided": program.ConflictAvoid,
		}
		got := map[string][]string{}
		for _, x := range res.Excluded {
			for _, c := range x.Conflicts {
				got[x.Reviewer] = append(got[x.Reviewer], c.Reason)
			}
		}
		for name, reason := range want {
			if !slices.Contains(got[name], reason) {
				t.Errorf("%s excluded for %v, want %s", name, got[name], reason)
			}
		}
		if len(got) != len(want) {
			t.Errorf("excluded %v, want exactly %v", got, want)
		}
		// Each exclusion is logged with its reason.
		var logged int
		if err := db.QueryRowContext(ctx, `SELECT count(DISTINCT reviewer_id) FROM review_exclusions WHERE project_id = ?`, w.project.ID).Scan(&logged); err != nil || logged != len(want) {
			t.Errorf("logged exclusions for %d reviewers (%v), want %d", logged, err, len(want))
		}
		// Read back, the log names each organisation (pages never show its number).
		logged2, err := program.Exclusions(ctx, db, w.project.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range logged2 {
			for _, c := range x.Conflicts {
				if c.OrganisationID != 0 && (c.Organisation == "" || strings.Contains(c.Detail, "organisation")) {
					t.Errorf("%s: logged conflict %+v does not name its organisation", x.Reviewer, c)
				}
			}
		}
		// A second run has nothing to add.
		res, err = program.Assign(ctx, db, w.manager, w.project.ID, 1)
		if err != nil || len(res.Assigned) != 0 {
			t.Errorf("second assignment: %+v %v", res, err)
		}
		// A manager may not override into the applicant's own organisation,
		// and must give a reason for any override.
		if err := program.Override(ctx, db, w.manager, w.project.ID, 1, w.reviewers["r-own"], "急需"); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("override into own organisation: %v", err)
		}
		if err := program.Override(ctx, db, w.manager, w.project.ID, 1, w.reviewers["r-long-ago"], ""); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("override without reason: %v", err)
		}
		// Only managers assign.
		if _, err := program.Assign(ctx, db, w.principal("r-free1"), w.project.ID, 1); !errors.Is(err, problem.ErrForbidden) {
			t.Errorf("reviewer assigning: %v", err)
		}
	})
}

// TestDeclineScoreRank: a reviewer who declines with a conflict is replaced
// at once and kept away from the applicant after; sheets are checked, the
// aggregate is a trimmed mean, and the approve rule sees it.
func TestDeclineScoreRank(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildReviewWorld(t, db, 6)
		if _, err := program.Assign(ctx, db, w.manager, w.project.ID, 1); err != nil {
			t.Fatal(err)
		}
		as, err := program.Assignments(ctx, db, w.project.ID)
		if err != nil || len(as) != 5 {
			t.Fatalf("assignments %d %v", len(as), err)
		}
		first := as[0]
		decliner := w.principal(first.Reviewer)
		// Someone else cannot decline or score it.
		other := w.principal(as[1].Reviewer)
		if err := program.Decline(ctx, db, other, first.ID, "x", false); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("declining another's assignment: %v", err)
		}
		if err := program.Decline(ctx, db, decliner, first.ID, "", true); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("declining without a reason: %v", err)
		}
		if err := program.Decline(ctx, db, decliner, first.ID, "曾指导申报单位负责人", true); err != nil {
			t.Fatal(err)
		}
		as, _ = program.Assignments(ctx, db, w.project.ID)
		live := 0
		for _, a := range as {
			if a.Status == program.Assigned {
				live++
			}
		}
		if live != 5 {
			t.Errorf("after a decline %d live assignments, want 5 (a replacement)", live)
		}
		cs, err := program.Conflicts(ctx, db, first.ReviewerID, w.project.ID, 3)
		if err != nil || len(cs) == 0 || cs[0].Reason != program.ConflictDeclared {
			t.Errorf("declared conflict not kept: %+v %v", cs, err)
		}

		// The manager cannot approve before the sheets are in.
		if _, err := program.Move(ctx, db, w.manager, w.project.ID, "approve", "评审通过"); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("approve without sheets: %v", err)
		}
		marks := []float64{90, 80, 70, 60, 20}
		i := 0
		for _, a := range as {
			if a.Status != program.Assigned {
				continue
			}
			me := w.principal(a.Reviewer)
			bad := program.Score{Scores: map[string]float64{"innovation": 101, "bogus": 1}, Version: a.Version}
			err := func() error { _, err := program.SubmitScores(ctx, db, me, a.ID, bad); return err }()
			var list problem.List
			if !errors.As(err, &list) || len(list.ByField("en")) != 5 { // out of range, three missing, one unknown
				t.Fatalf("bad sheet: %v", err)
			}
			m := marks[i]
			i++
			sheet := program.Score{Scores: map[string]float64{"innovation": m, "feasibility": m, "team": m, "impact": m}, Comment: "ok", Version: a.Version}
			got, err := program.SubmitScores(ctx, db, me, a.ID, sheet)
			if err != nil || got.Total == nil || *got.Total != m {
				t.Fatalf("sheet %v: %+v %v", m, got, err)
			}
			if _, err := program.SubmitScores(ctx, db, me, a.ID, sheet); !errors.Is(err, problem.ErrConflict) {
				t.Errorf("a second submission on the stale version: %v", err)
			}
		}
		tpl, _ := program.LoadTemplate(ctx, db, w.project.TemplateID)
		res, err := program.Results(ctx, db, tpl, w.project.ID, 1)
		if err != nil || res.Submitted != 5 || res.Score == nil || *res.Score != 70 {
			t.Fatalf("results %+v %v (trimmed mean of 90 80 70 60 20 is 70)", res, err)
		}
		rank, err := program.Ranking(ctx, db, w.call.ID, "review", 1)
		if err != nil || len(rank) != 1 || rank[0].Rank != 1 {
			t.Errorf("ranking %+v %v", rank, err)
		}
		amount := 2e6
		if _, err := program.MoveWith(ctx, db, w.manager, w.project.ID, "approve", program.MoveInput{Note: "评审通过", Amount: &amount}); err != nil {
			t.Errorf("approve with sheets in: %v", err)
		}
		// Scores are closed once the record leaves review.
		a := as[len(as)-1]
		if _, err := program.SubmitScores(ctx, db, w.principal(a.Reviewer), a.ID, program.Score{Version: a.Version + 1}); !errors.Is(err, problem.ErrConflict) {
			t.Errorf("scoring after review: %v", err)
		}
	})
}

func TestAggregate(t *testing.T) {
	for _, c := range []struct {
		how  string
		xs   []float64
		want float64
	}{
		{"mean", []float64{90, 80, 70}, 80},
		{"median", []float64{90, 10, 70, 60}, 65},
		{"median", []float64{90, 10, 70}, 70},
		{"trimmed_mean", []float64{100, 80, 70, 0}, 75},
		{"trimmed_mean", []float64{100, 80}, 90},
		{"mean", nil, 0},
	} {
		if got := program.Aggregate(c.how, c.xs); got != c.want {
			t.Errorf("%s %v = %v, want %v", c.how, c.xs, got, c.want)
		}
	}
}

// scoreByFreeReviewers adds n experts with no ties, assigns them and has
// each submit a full sheet.
func scoreByFreeReviewers(t *testing.T, db *store.DB, projectID int64, n int) {
	t.Helper()
	ctx := context.Background()
	svc := auth.New(db, auth.Config{Password: password.Params{Memory: 8 * 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}})
	for i := range n {
		if _, err := svc.CreateUser(ctx, auth.NewUser{Username: fmt.Sprintf("free-%d-%d", projectID, i), Password: "review-pass-2025!", Roles: []access.Role{access.Reviewer}}); err != nil {
			t.Fatal(err)
		}
	}
	manager := access.Principal{UserID: 999, Name: "manager", Roles: []access.Role{access.Manager}}
	if _, err := program.Assign(ctx, db, manager, projectID, 1); err != nil {
		t.Fatal(err)
	}
	as, err := program.Assignments(ctx, db, projectID)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		me := access.Principal{UserID: a.ReviewerID, Name: a.Reviewer, Roles: []access.Role{access.Reviewer}}
		sheet := program.Score{Scores: map[string]float64{"innovation": 80, "feasibility": 80, "team": 80, "impact": 80}, Version: a.Version}
		if _, err := program.SubmitScores(ctx, db, me, a.ID, sheet); err != nil {
			t.Fatal(err)
		}
	}
}

const smallReview = `key: t_small
name: 小型评审
version: 1
form:
  - {key: title, label: 名称, type: text, required: true}
  - {key: partner, label: 合作单位, type: organisation}
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
  reviewers_per_record: 2
  aggregate: mean
  criteria:
    - {key: merit, name: 水平, weight: 1, min: 0, max: 10}
`

// TestLoadBalancedAndFormParties: four records, two reviewers each, four
// free experts: each expert gets two. A partner named in the form is a
// party, so its own expert is never drawn.
func TestLoadBalancedAndFormParties(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		pub, err := program.Publish(ctx, db, []byte(smallReview))
		if err != nil {
			t.Fatal(err)
		}
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "small-1", Name: "小批次", Opens: "2020-01-01", Closes: "2099-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		a, _ := registry.Create(ctx, db, registry.Organisation{Name: "申报企业", Kind: "enterprise"})
		partner, _ := registry.Create(ctx, db, registry.Organisation{Name: "合作高校", Kind: "university"})
		svc := auth.New(db, auth.Config{Password: password.Fast})
		users := map[string]int64{}
		for _, nu := range []auth.NewUser{{Username: "partner-expert", OrgID: partner.ID}, {Username: "e1"}, {Username: "e2"}, {Username: "e3"}, {Username: "e4"}} {
			nu.Password, nu.Roles = "review-pass-2025!", []access.Role{access.Reviewer}
			u, err := svc.CreateUser(ctx, nu)
			if err != nil {
				t.Fatal(err)
			}
			users[nu.Username] = u.ID
		}
		applicant := access.Principal{UserID: 50, Name: "applicant", Roles: []access.Role{access.Org}, OrgID: a.ID}
		manager := access.Principal{UserID: 51, Name: "manager", Roles: []access.Role{access.Manager}}
		for i := range 4 {
			p, err := program.Apply(ctx, db, program.Files{}, applicant, call.ID, map[string]any{"title": fmt.Sprintf("项目%d", i), "partner": float64(partner.ID)}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := program.Move(ctx, db, applicant, p.ID, "submit", ""); err != nil {
				t.Fatal(err)
			}
			if _, err := program.Move(ctx, db, manager, p.ID, "start_review", ""); err != nil {
				t.Fatal(err)
			}
			res, err := program.Assign(ctx, db, manager, p.ID, 1)
			if err != nil || len(res.Assigned) != 2 {
				t.Fatalf("assign %d: %+v %v", i, res, err)
			}
			excluded := false
			for _, x := range res.Excluded {
				for _, c := range x.Conflicts {
					excluded = excluded || (x.Reviewer == "partner-expert" && c.Reason == program.ConflictOwnOrg && c.OrganisationID == partner.ID)
				}
			}
			if !excluded {
				t.Fatalf("the partner's expert was not excluded: %+v", res.Excluded)
			}
		}
		for _, name := range []string{"e1", "e2", "e3", "e4"} {
			as, _ := program.ReviewerAssignments(ctx, db, users[name])
			if len(as) != 2 {
				t.Errorf("%s has %d assignments, want 2 (balanced)", name, len(as))
			}
		}
	})
}
