package program_test

import (
	"context"
	"errors"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// TestWatchAlerts: an organisation watching a program with a keyword hears
// of a new call whose name matches, once, and not of others.
func TestWatchAlerts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		pub, err := program.Publish(ctx, db, []byte(parentTemplate))
		if err != nil {
			t.Fatal(err)
		}
		a, _ := registry.Create(ctx, db, registry.Organisation{Name: "关注企业甲", Kind: "enterprise"})
		b, _ := registry.Create(ctx, db, registry.Organisation{Name: "关注企业乙", Kind: "enterprise"})
		for _, w := range []program.Watch{{OrganisationID: a.ID, ProgramKey: "t_challenge", Keyword: "人工智能"}, {OrganisationID: a.ID}, {OrganisationID: b.ID, ProgramKey: "t_challenge", Keyword: "新材料"}} {
			if err := program.AddWatch(ctx, db, w); err != nil {
				t.Fatal(err)
			}
		}
		if err := program.AddWatch(ctx, db, program.Watch{OrganisationID: b.ID, ProgramKey: "no_such"}); !errors.Is(err, problem.ErrInvalid) {
			t.Fatalf("watching an unknown program: %v", err)
		}
		if _, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "ai-1", Name: "人工智能揭榜第一批", Opens: "2026-01-01", Closes: "2026-03-01"}); err != nil {
			t.Fatal(err)
		}
		na, _ := program.Notices(ctx, db, 0, a.ID, 10)
		nb, _ := program.Notices(ctx, db, 0, b.ID, 10)
		if len(na) != 1 || na[0].Kind != "call_opened" || len(nb) != 0 {
			t.Fatalf("notices: a %+v, b %+v", na, nb)
		}
	})
}
