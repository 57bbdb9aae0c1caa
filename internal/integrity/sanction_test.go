package integrity_test

import (
	"context"
	"errors"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/integrity"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

func TestInForce(t *testing.T) {
	s := integrity.Sanction{Scopes: []string{"apply", "review"}, Starts: "2023-07-01", Ends: "2025-06-29"}
	for _, c := range []struct {
		name       string
		mod        func(*integrity.Sanction)
		scope, day string
		want       bool
	}{
		{"in its term", nil, "apply", "2025-01-01", true},
		{"its first day", nil, "apply", "2023-07-01", true},
		{"its last day", nil, "apply", "2025-06-29", true},
		{"the day after it ends (a deadline of 2025-06-30)", nil, "apply", "2025-06-30", false},
		{"before it starts", nil, "apply", "2023-06-30", false},
		{"another scope", nil, "award", "2025-01-01", false},
		{"indefinite", func(s *integrity.Sanction) { s.Ends = "" }, "review", "2099-01-01", true},
		{"overturned on appeal", func(s *integrity.Sanction) { s.Appeal = "overturned" }, "apply", "2025-01-01", false},
		{"appeal pending: still in force", func(s *integrity.Sanction) { s.Appeal = "pending" }, "apply", "2025-01-01", true},
		{"watch list only", func(s *integrity.Sanction) { s.Watch = true }, "apply", "2025-01-01", false},
	} {
		x := s
		if c.mod != nil {
			c.mod(&x)
		}
		if got := x.InForce(c.scope, c.day); got != c.want {
			t.Errorf("%s: in force %v, want %v", c.name, got, c.want)
		}
	}
}

func TestRegister(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org, _ := registry.Create(ctx, db, registry.Organisation{Name: "沈阳某科技有限公司", Kind: "enterprise"})
		bad := integrity.Sanction{Subject: "company", SubjectID: org.ID, Scopes: []string{"apply", "lunch"}, Starts: "2025-13-01", Source: "rumour"}
		_, err := integrity.Add(ctx, db, bad)
		var ps problem.List
		if !errors.As(err, &ps) || len(ps) != 5 {
			t.Fatalf("a bad entry: %v", err)
		}
		if _, err := integrity.Add(ctx, db, integrity.Sanction{Subject: "organisation", SubjectID: org.ID + 99, Misconduct: "虚报材料", Scopes: []string{"apply"}, Starts: "2025-01-01", Source: "bureau"}); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("a sanction on no one: %v", err)
		}
		s, err := integrity.Add(ctx, db, integrity.Sanction{Subject: "organisation", SubjectID: org.ID, Misconduct: "虚报材料", Scopes: []string{"apply"}, Starts: "2025-01-01", Ends: "2027-12-31", Source: "bureau", Decision: "沈科诚〔2025〕3号"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := integrity.Add(ctx, db, integrity.Sanction{Subject: "organisation", SubjectID: org.ID, Misconduct: "多头申报嫌疑", Scopes: []string{"apply"}, Starts: "2025-01-01", Source: "provincial", Watch: true}); err != nil {
			t.Fatal(err)
		}
		subs := []integrity.Subject{{Kind: "organisation", ID: org.ID, Role: "申报单位"}}
		bars, warns, err := integrity.Screen(ctx, db, subs, "apply", "2025-06-30")
		if err != nil || len(bars) != 1 || len(warns) != 1 || bars[0].Name != org.Name || bars[0].Role != "申报单位" {
			t.Fatalf("screen: %+v %+v %v", bars, warns, err)
		}
		if _, err := integrity.SetAppeal(ctx, db, s.ID, "overturned", "", s.Version-1); !errors.Is(err, problem.ErrConflict) {
			t.Errorf("an appeal over a stale version: %v", err)
		}
		if _, err := integrity.SetAppeal(ctx, db, s.ID, "overturned", "", s.Version); err != nil {
			t.Fatal(err)
		}
		if bars, _, _ := integrity.Screen(ctx, db, subs, "apply", "2025-06-30"); len(bars) != 0 {
			t.Errorf("an overturned sanction still bars: %+v", bars)
		}
	})
}
