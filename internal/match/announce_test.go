package match_test

import (
	"context"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/match"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// A challenge tells its likely solvers once, when it is published, and not
// before: a draft is nobody's business but its owner's and the bureau's.
func TestPublishedChallengeTellsItsSolvers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setUp(t, db)
		pools := map[string]*match.Pool{"": match.NewSolvers(db, f.seg)}
		unread := func(org int64) int {
			t.Helper()
			n, err := program.Unread(ctx, db, 0, org)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		announce := func() int {
			t.Helper()
			n, err := match.Announce(ctx, db, pools, f.challenge.ID, 10)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := announce(); n != 0 || unread(f.neu.ID) != 0 {
			t.Fatalf("a draft challenge told %d organisations", n)
		}
		f.challenge.Data["term_months"] = 12.0
		f.challenge.Data["amount_requested"] = 5e6
		f.challenge.Data["bid_deadline"] = "2099-12-01"
		if _, err := program.SaveData(ctx, db, program.Files{}, f.asOwner, f.challenge.ID, f.challenge.Data, nil, f.challenge.Version); err != nil {
			t.Fatal(err)
		}
		for _, step := range []struct {
			by  access.Principal
			key string
		}{{f.asOwner, "submit"}, {f.asManager, "screen"}, {f.asManager, "publish"}} {
			if _, err := program.Move(ctx, db, step.by, f.challenge.ID, step.key, ""); err != nil {
				t.Fatalf("%s: %v", step.key, err)
			}
		}
		n := announce()
		if n < 2 || unread(f.neu.ID) != 1 || unread(f.inst.ID) != 1 {
			t.Fatalf("published: told %d; 东北大学 %d, institute %d unread", n, unread(f.neu.ID), unread(f.inst.ID))
		}
		if unread(f.bank.ID) != 0 || unread(f.far.ID) != 0 {
			t.Errorf("the bank (%d) or an unrelated firm (%d) were told", unread(f.bank.ID), unread(f.far.ID))
		}
		own, err := program.Notices(ctx, db, 0, f.owner.ID, 20)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range own {
			if n.Kind == match.AnnounceKind {
				t.Errorf("the owner was suggested its own challenge: %+v", n)
			}
		}
		ns, err := program.Notices(ctx, db, 0, f.neu.ID, 5)
		if err != nil || len(ns) != 1 || ns[0].Kind != match.AnnounceKind || ns[0].ProjectID != f.challenge.ID {
			t.Fatalf("notice %+v, %v", ns, err)
		}
		if n := announce(); n != 0 || unread(f.neu.ID) != 1 {
			t.Errorf("a second announcement told %d more", n)
		}
	})
}
