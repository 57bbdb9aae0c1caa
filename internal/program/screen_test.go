package program_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/integrity"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

const screenedTemplate = `key: t_screened
name: 测试诚信核查项目
version: 1
form:
  - {key: title, label: 项目名称, type: text, required: true}
  - {key: leader, label: 项目负责人, type: person}
  - key: team
    label: 项目组
    type: table
    columns:
      - {key: member, label: 成员, type: person, required: true}
      - {key: unit, label: 所在单位, type: organisation}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: submitted, name: 已提交}
  - {key: approved, name: 立项, terminal: true}
transitions:
  - {key: submit, name: 提交, from: draft, to: submitted, by: [owner], requires: [title], screen: apply}
  - {key: approve, name: 立项, from: submitted, to: approved, by: ["role:manager"], screen: apply, rule: 'applicant.has_valid("高新技术企业认定", call.deadline)', message: 申报单位须持有截止日有效的高新技术企业证书。}
`

// TestScreeningAtSubmissionAndApproval: the worked cases of the integrity
// rules. The call closes on 2099-06-30 (the screening day for applying,
// while it is ahead).
func TestScreeningAtSubmissionAndApproval(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := program.Publish(ctx, db, []byte(screenedTemplate)); err != nil {
			t.Fatal(err)
		}
		bad := strings.Replace(screenedTemplate, "screen: apply}", "screen: lunch}", 1)
		if _, err := program.Parse([]byte(bad)); err == nil || !strings.Contains(err.Error(), "lunch") {
			t.Errorf("a bad screen scope was accepted: %v", err)
		}
		pub, _ := program.Latest(ctx, db, "t_screened")
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "s-2099", Name: "测试批次", Opens: "2025-01-01", Closes: "2099-06-30"})
		if err != nil {
			t.Fatal(err)
		}
		firm, _ := registry.Create(ctx, db, registry.Organisation{Name: "沈阳申报科技有限公司", Kind: "enterprise"})
		partner, _ := registry.Create(ctx, db, registry.Organisation{Name: "沈阳合作研究院", Kind: "institute"})
		line, _ := seal.NewKeyLine("ktest")
		keys, _ := seal.ParseKeyring(line)
		var leader, member registry.Person
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			if leader, _, err = registry.UpsertPerson(ctx, tx, keys, registry.Person{Name: "李负责", IDNumber: "T-SCREEN-1", OrganisationID: firm.ID}); err != nil {
				return err
			}
			member, _, err = registry.UpsertPerson(ctx, tx, keys, registry.Person{Name: "王成员", IDNumber: "T-SCREEN-2", OrganisationID: partner.ID})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		owner := access.Principal{UserID: 1, Name: "firm", Roles: []access.Role{access.Org}, OrgID: firm.ID}
		mgr := access.Principal{UserID: 2, Name: "mgr", Roles: []access.Role{access.Manager}}
		newRecord := func() program.Project {
			t.Helper()
			pr, err := program.CreateProject(ctx, db, call.ID, firm.ID, map[string]any{"title": "精密减速器", "leader": float64(leader.ID),
				"team": []any{map[string]any{"member": float64(member.ID), "unit": float64(partner.ID)}}})
			if err != nil {
				t.Fatal(err)
			}
			// the form's people and organisations become the record's parties on a save
			if _, err := program.SaveData(ctx, db, program.Files{}, owner, pr.ID, pr.Data, nil, pr.Version); err != nil {
				t.Fatal(err)
			}
			return pr
		}
		sanction := func(subject string, id int64, starts, ends string, watch bool) integrity.Sanction {
			t.Helper()
			s, err := integrity.Add(ctx, db, integrity.Sanction{Subject: subject, SubjectID: id, Misconduct: "抄袭剽窃", Scopes: []string{"apply"}, Starts: starts, Ends: ends,
				Source: "national", Decision: "国科诚〔2024〕7号", Watch: watch})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}

		// A sanction on the leader that ends the day before the deadline
		// does not bar the application; a watch-list entry on the partner
		// only warns.
		sanction("person", leader.ID, "2022-01-01", "2099-06-29", false)
		sanction("organisation", partner.ID, "2024-01-01", "", true)
		a := newRecord()
		if _, err := program.Move(ctx, db, owner, a.ID, "submit", ""); err != nil {
			t.Fatalf("a sanction ending before the deadline barred the submission: %v", err)
		}
		pa, _ := program.GetProject(ctx, db, a.ID)
		tpl, _ := program.LoadTemplate(ctx, db, pa.TemplateID)
		bars, warns, day, err := program.Screening(ctx, db, tpl, pa, "apply")
		if err != nil || len(bars) != 0 || len(warns) != 1 || day != "2099-06-30" || warns[0].Role != "项目组·所在单位" {
			t.Fatalf("screening: bars %+v warns %+v on %s (%v)", bars, warns, day, err)
		}

		// A team member barred at the deadline: the submission is refused
		// and the message names the member, the misconduct and the decision.
		onMember := sanction("person", member.ID, "2025-01-01", "2099-12-31", false)
		b := newRecord()
		_, err = program.Move(ctx, db, owner, b.ID, "submit", "")
		var pe *problem.Error
		if !errors.As(err, &pe) || !errors.Is(err, problem.ErrConflict) {
			t.Fatalf("a barred team member: %v", err)
		}
		msg := pe.Message("zh-CN")
		for _, want := range []string{"项目组·成员", "王成员", "抄袭剽窃", "国科诚〔2024〕7号"} {
			if !strings.Contains(msg, want) {
				t.Errorf("the refusal %q does not name %q", msg, want)
			}
		}
		if pb, _ := program.GetProject(ctx, db, b.ID); pb.Stage != "draft" {
			t.Errorf("a refused submission moved the record to %s", pb.Stage)
		}

		// At approval the qualification must be valid on the deadline: a
		// certificate that expires before it does not count; one valid
		// through it does.
		if err := registry.Grant(ctx, db, registry.Recognition{Kind: "high_tech", Level: "国家级", Subject: "organisation", SubjectID: firm.ID, Granted: "2096-11-01", ValidUntil: "2099-06-29"}); err != nil {
			t.Fatal(err)
		}
		if _, err := program.Move(ctx, db, mgr, a.ID, "approve", ""); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("approved with a certificate expiring before the deadline: %v", err)
		}
		if err := registry.Grant(ctx, db, registry.Recognition{Kind: "high_tech", Level: "国家级", Subject: "organisation", SubjectID: firm.ID, Granted: "2099-06-01", ValidUntil: "2102-05-31"}); err != nil {
			t.Fatal(err)
		}
		// Checked again at approval: the member sanctioned since the
		// submission bars it, until the sanction is overturned on appeal.
		if _, err := program.Move(ctx, db, mgr, a.ID, "approve", ""); !errors.Is(err, problem.ErrConflict) {
			t.Errorf("approved with a team member barred since the submission: %v", err)
		}
		if _, err := integrity.SetAppeal(ctx, db, onMember.ID, "overturned", "", onMember.Version); err != nil {
			t.Fatal(err)
		}
		if _, err := program.Move(ctx, db, mgr, a.ID, "approve", ""); err != nil {
			t.Errorf("approve with a valid certificate and the sanction overturned: %v", err)
		}
	})
}
