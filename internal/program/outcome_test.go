package program_test

import (
	"context"
	"errors"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

func TestCheckOutcome(t *testing.T) {
	for _, c := range []struct {
		o      program.Outcome
		fields []string
	}{
		{program.Outcome{Kind: "evaluation", Title: "华泵一号鉴定", Level: "国际先进", Day: "2025-05-01"}, nil},
		{program.Outcome{Kind: "problem", Title: "高温密封", Status: "solved", Day: "2025-05-01", Field: "高端装备"}, nil},
		{program.Outcome{Kind: "evaluation", Title: "x", Level: "世界第一", Day: "2025-05-01"}, []string{"level"}},
		{program.Outcome{Kind: "problem", Title: "x", Day: "2025-13-01"}, []string{"day", "status"}},
		{program.Outcome{Kind: "rumour", Title: " ", Day: "2025-01-01"}, []string{"kind", "title"}},
	} {
		got := program.CheckOutcome(c.o).ByField("en")
		if len(got) != len(c.fields) {
			t.Errorf("%+v: problems %v, want fields %v", c.o, got, c.fields)
		}
		for _, f := range c.fields {
			if got[f] == "" {
				t.Errorf("%+v: no problem for %s (%v)", c.o, f, got)
			}
		}
	}
}

func TestAddOutcome(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		call, org := setup(t, db, nil)
		p, _ := program.CreateProject(ctx, db, call.ID, org.ID, data(1e6, 1e6))
		o := program.Outcome{ProjectID: p.ID, Kind: "milestone", Title: "首飞", Day: "2025-06-01"}
		stranger := access.Principal{UserID: 5, Roles: []access.Role{access.Org}, OrgID: org.ID + 1}
		if _, err := program.AddOutcome(ctx, db, stranger, o); !errors.Is(err, problem.ErrForbidden) {
			t.Fatalf("another organisation recording: %v", err)
		}
		owner := access.Principal{UserID: 6, Name: "owner", Roles: []access.Role{access.Org}, OrgID: org.ID}
		if _, err := program.AddOutcome(ctx, db, owner, o); err != nil {
			t.Fatal(err)
		}
		got, err := program.Outcomes(ctx, db, p.ID)
		if err != nil || len(got) != 1 || got[0].Title != "首飞" {
			t.Fatalf("outcomes %+v %v", got, err)
		}
	})
}
