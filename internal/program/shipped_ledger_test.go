package program_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// TestShippedLedgerAcrossLevels: the shipped templates share one ledger. A
// leader running a national project and a city special project may not
// lead a third application; once the national project ends (completed),
// the application goes in.
func TestShippedLedgerAcrossLevels(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		call, org := setup(t, db, []string{"高新技术企业"})
		src, err := os.ReadFile("../../programs/national_project.yaml")
		if err != nil {
			t.Fatal(err)
		}
		npub, err := program.Publish(ctx, db, src)
		if err != nil {
			t.Fatal(err)
		}
		ncall, _ := program.OpenCall(ctx, db, program.Call{TemplateID: npub.ID, Key: "np", Name: "国家和省级项目登记", Opens: "2020-01-01", Closes: "2099-12-31"})
		line, _ := seal.NewKeyLine("ktest")
		keys, _ := seal.ParseKeyring(line)
		var leader registry.Person
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			leader, _, err = registry.UpsertPerson(ctx, tx, keys, registry.Person{Name: "郑负责", IDNumber: "T-L-1"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		owner := access.Principal{UserID: 1, Name: "applicant", Roles: []access.Role{access.Org}, OrgID: org.ID}
		mgr := access.Principal{UserID: 3, Name: "manager", Roles: []access.Role{access.Manager}}
		// the national project, confirmed and started
		np, _ := program.CreateProject(ctx, db, ncall.ID, org.ID, map[string]any{"title": "高端数控机床课题", "level": "国家级", "plan": "国家科技重大专项",
			"special_project": "高档数控机床与基础制造装备", "role": "牵头", "total_funding": 1e7, "application": "sha256:abc", "leader": float64(leader.ID), "leader_time": 40.0})
		for _, s := range []struct {
			p    access.Principal
			key  string
			data map[string]any
		}{{owner, "submit", nil}, {mgr, "confirm", map[string]any{"project_no": "2025ZX04001"}}, {owner, "start", map[string]any{"start_date": "2025-01-01", "end_date": "2027-12-31"}}} {
			if _, err := program.MoveWith(ctx, db, s.p, np.ID, s.key, program.MoveInput{Data: s.data}); err != nil {
				t.Fatalf("national %s: %v", s.key, err)
			}
		}
		lead := func(title string) (int64, error) {
			d := data(3e6, 5e6)
			d["title"], d["leader"] = title, float64(leader.ID)
			p, err := program.CreateProject(ctx, db, call.ID, org.ID, d)
			if err != nil {
				t.Fatal(err)
			}
			_, err = program.Move(ctx, db, owner, p.ID, "submit", "")
			return p.ID, err
		}
		if _, err := lead("第一项市级专项"); err != nil {
			t.Fatalf("one national project led: %v", err)
		}
		_, err = lead("第二项市级专项")
		var pe *problem.Error
		if !errors.As(err, &pe) || pe.Key != "project.rule_failed" || !strings.Contains(pe.Message("zh-CN"), "少于2项") {
			t.Fatalf("a third project led at once: %v", err)
		}
		l, err := program.LedgerOf(ctx, db, leader.ID)
		if err != nil || len(l.Places) != 3 || l.ActiveLed != 2 || l.TimeCommitted != 40 || l.Places[0].Live { // the refused second application stays a draft, not live
			t.Fatalf("the ledger: %+v %v", l, err)
		}
		nat := l.Places[len(l.Places)-1] // newest first: the national project is the older
		if nat.Program != "national_project" || nat.Role != "leader" || !nat.Live || nat.PlannedEnd != "2027-12-31" || nat.Start == "" {
			t.Errorf("the national project's place: %+v", nat)
		}
		if _, err := program.Move(ctx, db, mgr, np.ID, "complete", ""); err != nil {
			t.Fatal(err)
		}
		if l, _ := program.LedgerOf(ctx, db, leader.ID); l.ActiveLed != 1 || l.Places[len(l.Places)-1].Live {
			t.Errorf("after completion: %+v", l)
		}
		if _, err := lead("第三项市级专项"); err != nil {
			t.Errorf("after the national project was completed: %v", err)
		}
	})
}
