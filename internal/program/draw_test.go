package program_test

import (
	"context"
	"slices"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/integrity"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

func TestDrawOrderIsReproducible(t *testing.T) {
	ids := []int64{11, 12, 13, 14, 15, 16, 17, 18}
	loads := map[int64]int{13: 2, 17: 1}
	a := program.DrawOrder(ids, loads, 42)
	if b := program.DrawOrder([]int64{18, 17, 16, 15, 14, 13, 12, 11}, loads, 42); !slices.Equal(a, b) {
		t.Fatalf("the same seed drew %v and %v", a, b)
	}
	if a[len(a)-1] != 13 || a[len(a)-2] != 17 {
		t.Errorf("the most loaded are not drawn last: %v", a)
	}
	differ := 0
	for seed := uint64(1); seed <= 20; seed++ {
		if !slices.Equal(program.DrawOrder(ids, loads, seed), a) {
			differ++
		}
	}
	if differ < 15 {
		t.Errorf("only %d of 20 other seeds drew another order", differ)
	}
}

// TestDrawRecordedAndSanctionsExclude: a draw keeps its seed and
// candidates, and replaying them gives the experts assigned; an expert
// barred from reviewing by a sanction is left out, with the reason.
func TestDrawRecordedAndSanctionsExclude(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := buildReviewWorld(t, db, 6)
		barredOrg, _ := registry.Create(ctx, db, registry.Organisation{Name: "受处理的评审专家单位", Kind: "institute"})
		if _, err := db.ExecContext(ctx, `UPDATE users SET org_id = ? WHERE id = ?`, barredOrg.ID, w.reviewers["r-free1"]); err != nil {
			t.Fatal(err)
		}
		if _, err := integrity.Add(ctx, db, integrity.Sanction{Subject: "organisation", SubjectID: barredOrg.ID, Misconduct: "评审中违规打招呼", Scopes: []string{"review"},
			Starts: "2020-01-01", Source: "bureau", Decision: "沈科诚〔2024〕9号"}); err != nil {
			t.Fatal(err)
		}
		res, err := program.Assign(ctx, db, w.manager, w.project.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range res.Excluded {
			if x.Reviewer == "r-free1" && slices.ContainsFunc(x.Conflicts, func(c program.Conflict) bool { return c.Reason == program.ExcludedSanction }) {
				goto excluded
			}
		}
		t.Fatalf("the sanctioned expert was not excluded: %+v", res.Excluded)
	excluded:
		if res.Seed == 0 || slices.Contains(res.Candidates, w.reviewers["r-free1"]) {
			t.Fatalf("seed %d, candidates %v", res.Seed, res.Candidates)
		}
		replay := program.DrawOrder(res.Candidates, nil, res.Seed)[:len(res.Assigned)]
		var got []int64
		for _, r := range res.Assigned {
			got = append(got, r.UserID)
		}
		if !slices.Equal(replay, got) {
			t.Errorf("replaying the recorded draw gives %v, the draw assigned %v", replay, got)
		}
	})
}
