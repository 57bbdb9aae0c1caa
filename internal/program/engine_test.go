package program_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

func setup(t *testing.T, db *store.DB, tags []string) (program.Call, registry.Organisation) {
	t.Helper()
	ctx := context.Background()
	src, err := os.ReadFile("../../programs/major_special_project.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pub, err := program.Publish(ctx, db, src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := program.Publish(ctx, db, src); !errors.Is(err, problem.ErrConflict) {
		t.Fatalf("publishing the same version twice: %v", err)
	}
	call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "msp-2025", Name: "2025年重大科技专项", Opens: "2025-03-01", Closes: "2099-12-31", Quota: 10, Budget: 7e7})
	if err != nil {
		t.Fatal(err)
	}
	org, err := registry.Create(ctx, db, registry.Organisation{Name: "沈阳芯源微电子设备股份有限公司", Kind: "enterprise", Tags: tags})
	if err != nil {
		t.Fatal(err)
	}
	// The submit rule reads recognitions, not self-declared tags: a tag
	// 高新技术企业 stands here for the certificate.
	for _, tag := range tags {
		if tag == "高新技术企业" {
			if err := registry.Grant(ctx, db, registry.Recognition{Kind: "high_tech", Subject: "organisation", SubjectID: org.ID, Granted: "2024-11-01"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return call, org
}

func data(amount, own float64) map[string]any {
	return map[string]any{"title": "高精密晶圆研磨装备", "field": "集成电路", "summary": "研制高精密晶圆研磨设备", "amount_requested": amount,
		"self_funding": own, "plan": "sha256:abc"}
}

// TestProjectLife walks a project from draft to accepted, with the refusals
// on the way.
func TestProjectLife(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		call, org := setup(t, db, []string{"高新技术企业"})
		owner := access.Principal{UserID: 1, Name: "applicant", Roles: []access.Role{access.Org}, OrgID: org.ID}
		other := access.Principal{UserID: 2, Name: "other", Roles: []access.Role{access.Org}, OrgID: org.ID + 100}
		manager := access.Principal{UserID: 3, Name: "manager", Roles: []access.Role{access.Manager}}

		p, err := program.CreateProject(ctx, db, call.ID, org.ID, data(3e6, 1e6))
		if err != nil || p.Stage != "draft" {
			t.Fatalf("create: %+v %v", p, err)
		}
		// Another organisation's user may not submit it; a manager may not approve a draft.
		if _, err := program.Move(ctx, db, other, p.ID, "submit", ""); !errors.Is(err, problem.ErrForbidden) {
			t.Fatalf("submit by another organisation: %v", err)
		}
		if _, err := program.Move(ctx, db, manager, p.ID, "approve", ""); !errors.Is(err, problem.ErrConflict) {
			t.Fatalf("approve a draft: %v", err)
		}
		// The rule: requested funding may not exceed own funding.
		_, err = program.Move(ctx, db, owner, p.ID, "submit", "")
		var pe *problem.Error
		if !errors.As(err, &pe) || pe.Key != "project.rule_failed" || !strings.Contains(pe.Message("zh-CN"), "不得超过自筹资金") ||
			!strings.Contains(pe.Message("en"), "must not exceed the applicant's own funding") || strings.Contains(pe.Message("en"), "自筹") || !strings.Contains(pe.Message("zh-CN"), "自筹") {
			t.Fatalf("rule-blocked submit: %v", err)
		}
		if got, _ := program.GetProject(ctx, db, p.ID); got.Stage != "draft" {
			t.Fatalf("a refused move changed the stage to %s", got.Stage)
		}
		// Fix the data (a new project here) and walk the whole life.
		p, _ = program.CreateProject(ctx, db, call.ID, org.ID, data(3e6, 5e6))
		steps := []struct {
			who access.Principal
			key string
			to  string
		}{{owner, "submit", "submitted"}, {manager, "screen", "screened"}, {manager, "start_review", "review"},
			{manager, "approve", "approved"}, {owner, "start", "in_progress"}, {manager, "pay", "in_progress"},
			{owner, "apply_midterm", "midterm"}, {manager, "midterm_pass", "in_progress"}, {manager, "pay", "in_progress"},
			{owner, "apply_acceptance", "acceptance"}, {manager, "accept", "accepted"}}
		tranche := 0
		for _, s := range steps {
			in := program.MoveInput{}
			if s.key == "pay" { // 60% after the contract (not a yuan more), the rest after the mid-term check
				tranche++
				amount := 1.5e6
				if tranche == 1 {
					over := 1.5e6 + 1
					if _, err := program.MoveWith(ctx, db, s.who, p.ID, s.key, program.MoveInput{Amount: &over}); !errors.Is(err, problem.ErrInvalid) {
						t.Fatalf("a first tranche over 60%%: %v", err)
					}
				} else {
					amount = 1e6
				}
				in.Amount = &amount
			}
			if s.key == "start" { // the contract: its indicators and end, all done by acceptance
				in.Data = map[string]any{"planned_end": "2099-12-31", "milestones": []any{map[string]any{"due": "2099-06-30", "deliverable": "样机", "done": true}}}
			}
			if s.key == "approve" {
				scoreByFreeReviewers(t, db, p.ID, 3)
				if _, err := program.Move(ctx, db, s.who, p.ID, s.key, ""); !errors.Is(err, problem.ErrInvalid) {
					t.Fatalf("approve without an amount: %v", err)
				}
				over := 3e6 + 1
				if _, err := program.MoveWith(ctx, db, s.who, p.ID, s.key, program.MoveInput{Amount: &over}); !errors.Is(err, problem.ErrInvalid) {
					t.Fatalf("approve more than requested: %v", err)
				}
				amount := 2.5e6
				in.Amount = &amount
			}
			if s.key == "apply_midterm" { // nothing changed since the contract: nothing to approve
				if _, err := program.Move(ctx, db, manager, p.ID, "approve_change", ""); !errors.Is(err, problem.ErrInvalid) {
					t.Fatalf("approving a change when there is none: %v", err)
				}
			}
			got, err := program.MoveWith(ctx, db, s.who, p.ID, s.key, in)
			if err != nil || got.Stage != s.to {
				t.Fatalf("%s: %+v %v", s.key, got, err)
			}
		}
		if got, _ := program.GetProject(ctx, db, p.ID); got.AmountApproved != 2.5e6 {
			t.Fatalf("approved amount %v", got.AmountApproved)
		}
		hist, _ := program.History(ctx, db, p.ID)
		if len(hist) != 12 || hist[0].To != "draft" || hist[11].To != "accepted" || hist[4].Transition != "approve" {
			t.Fatalf("history: %+v", hist)
		}
		// each tranche stands in the history with its amount and day
		var paid []float64
		for _, e := range hist {
			if e.Transition == "pay" && e.Amount != nil {
				paid = append(paid, *e.Amount)
			}
		}
		if len(paid) != 2 || paid[0] != 1.5e6 || paid[1] != 1e6 || hist[4].Amount == nil || *hist[4].Amount != 2.5e6 {
			t.Errorf("amounts in the history: %v (approval %v)", paid, hist[4].Amount)
		}
		// A call that has closed refuses submissions, and says when it closed.
		closed, err := program.OpenCall(ctx, db, program.Call{TemplateID: call.TemplateID, Key: "msp-2024", Name: "2024年重大科技专项", Opens: "2024-03-01", Closes: "2024-04-30"})
		if err != nil {
			t.Fatal(err)
		}
		late, _ := program.CreateProject(ctx, db, closed.ID, org.ID, data(3e6, 5e6))
		_, err = program.Move(ctx, db, owner, late.ID, "submit", "")
		if !errors.As(err, &pe) || pe.Key != "project.deadline_passed" || !strings.Contains(pe.Message("zh-CN"), "2024-04-30") {
			t.Fatalf("submit after the call closed: %v", err)
		}
		// Terminal: nothing moves it.
		if _, err := program.Move(ctx, db, manager, p.ID, "reject", ""); !errors.Is(err, problem.ErrConflict) {
			t.Fatalf("move out of a terminal stage: %v", err)
		}
	})
}

// TestMissingFieldsNamed: a submit with required fields empty names them.
func TestMissingFieldsNamed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		call, org := setup(t, db, []string{"科技型中小企业"})
		d := data(1e6, 2e6)
		delete(d, "summary")
		d["plan"] = ""
		p, _ := program.CreateProject(ctx, db, call.ID, org.ID, d)
		_, err := program.Move(ctx, db, access.Principal{Roles: []access.Role{access.Org}, OrgID: org.ID}, p.ID, "submit", "")
		var pe *problem.Error
		if !errors.As(err, &pe) || pe.Key != "project.missing" || !strings.Contains(pe.Message("zh-CN"), "项目简介") || !strings.Contains(pe.Message("zh-CN"), "可行性报告") {
			t.Fatalf("missing fields: %v", err)
		}
	})
}

// TestConcurrentTransition: two managers screen the same submitted project at
// once; exactly one succeeds, the other is told it moved meanwhile. (Two
// different transitions that are both valid in sequence, such as screen then
// return, may rightly both succeed.)
func TestConcurrentTransition(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		call, org := setup(t, db, []string{"高新技术企业"})
		manager := access.Principal{Roles: []access.Role{access.Manager}}
		for round := 0; round < 10; round++ {
			p, _ := program.CreateProject(ctx, db, call.ID, org.ID, data(1e6, 2e6))
			if _, err := program.Move(ctx, db, access.Principal{Roles: []access.Role{access.Org}, OrgID: org.ID}, p.ID, "submit", ""); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, key := range []string{"screen", "screen"} {
				wg.Add(1)
				go func(i int, key string) {
					defer wg.Done()
					_, errs[i] = program.Move(ctx, db, manager, p.ID, key, "")
				}(i, key)
			}
			wg.Wait()
			ok := 0
			for _, err := range errs {
				if err == nil {
					ok++
				} else if !errors.Is(err, problem.ErrConflict) {
					t.Fatalf("the losing move failed with %v; want a conflict", err)
				}
			}
			hist, _ := program.History(ctx, db, p.ID)
			if ok != 1 || len(hist) != 3 {
				t.Fatalf("round %d: %d moves succeeded, %d events; want exactly one", round, ok, len(hist))
			}
		}
	})
}

// TestRuleSeesRecognitionsAndFigures: a rule over the applicant's registry
// profile sees its recognitions and its latest yearly figures.
func TestRuleSeesRecognitionsAndFigures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		src := []byte(`key: lighthouse
name: 领航级智能工厂
version: 1
form:
  - {key: note, label: 说明, type: text}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: submitted, name: 已提交, terminal: true}
transitions:
  - key: submit
    name: 提交
    from: draft
    to: submitted
    by: [owner]
    rule: '"智能工厂:卓越级" in applicant.recognitions && applicant.figures.revenue >= 100000'
    message: 须已获卓越级智能工厂认定，且最近一年营业收入不低于 10 亿元。
`)
		pub, err := program.Publish(ctx, db, src)
		if err != nil {
			t.Fatal(err)
		}
		call, _ := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "lh", Name: "领航", Opens: "2025-01-01", Closes: "2025-12-31"})
		org, _ := registry.Create(ctx, db, registry.Organisation{Name: "沈阳鼓风机集团股份有限公司", Kind: "enterprise"})
		owner := access.Principal{Roles: []access.Role{access.Org}, OrgID: org.ID}
		p, _ := program.CreateProject(ctx, db, call.ID, org.ID, map[string]any{})
		if _, err := program.Move(ctx, db, owner, p.ID, "submit", ""); !errors.Is(err, problem.ErrInvalid) {
			t.Fatalf("without recognition and figures: %v", err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := registry.UpsertFigure(ctx, tx, registry.Figure{OrganisationID: org.ID, Year: 2023, Kind: "revenue", Value: 50000}); err != nil {
				return err
			}
			if _, err := registry.UpsertFigure(ctx, tx, registry.Figure{OrganisationID: org.ID, Year: 2024, Kind: "revenue", Value: 120000}); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO recognitions (kind, level, subject, subject_id, granted, created_at, updated_at) VALUES ('smart_factory', '卓越级', 'organisation', ?, '2024-12-20', ?, ?)`,
				org.ID, store.Now(), store.Now())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := program.Move(ctx, db, owner, p.ID, "submit", ""); err != nil {
			t.Fatalf("with recognition and 2024 revenue: %v", err)
		}
	})
}
