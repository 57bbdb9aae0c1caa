package digital_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/digital"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/search"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// TestCatalogue: only a provider admitted to the catalogue lists solutions;
// an SME's weak scenes are matched to solutions that serve them.
func TestCatalogue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := model(t)
		prov, _ := registry.Create(ctx, db, registry.Organisation{Name: "沈阳智造云科技有限公司", Kind: "enterprise"})
		other, _ := registry.Create(ctx, db, registry.Organisation{Name: "沈阳某软件有限公司", Kind: "enterprise"})
		if err := registry.Grant(ctx, db, registry.Recognition{Kind: digital.ProviderKind, Level: "市级", Subject: "organisation", SubjectID: prov.ID, Granted: "2024-03-01"}); err != nil {
			t.Fatal(err)
		}
		add := func(s digital.Solution) (digital.Solution, error) { return m.AddSolution(ctx, db, s) }
		if _, err := add(digital.Solution{ProviderID: other.ID, Name: "x", Scenes: []string{"质量管理"}, Deploy: "saas", Listed: "2024-05-01"}); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("a company not in the catalogue listed a solution: %v", err)
		}
		if _, err := add(digital.Solution{ProviderID: prov.ID, Name: "x", Scenes: []string{"质量管理"}, Deploy: "saas", Listed: "2024-01-01"}); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("a solution listed before its provider was admitted: %v", err)
		}
		var list problem.List
		if _, err := add(digital.Solution{ProviderID: prov.ID, Name: "x", Scenes: []string{"炼丹"}, Deploy: "cloud", Listed: "2024-05-01"}); !errors.As(err, &list) || len(list) != 2 {
			t.Errorf("an unknown scene and deploy: %v", err)
		}
		for _, s := range []digital.Solution{
			{Name: "质检云", Description: "机器视觉质量检测与质量追溯", Scenes: []string{"质量管理"}, Price: 30000},
			{Name: "设备管家", Description: "设备联网与预测性维护", Scenes: []string{"设备管理"}, Price: 20000},
			{Name: "轻量MES", Description: "生产管控、计划排程与质量追溯", Scenes: []string{"生产管控", "计划排程", "质量管理"}, Price: 80000},
			{Name: "财务云", Description: "业财一体化", Scenes: []string{"财务管理"}, Price: 10000},
		} {
			s.ProviderID, s.Deploy, s.Listed = prov.ID, "saas", "2024-05-01"
			if _, err := add(s); err != nil {
				t.Fatal(err)
			}
		}
		seg, err := search.Default()
		if err != nil {
			t.Fatal(err)
		}
		// Weak in 质量管理 and 生产管控 only (everything else at level 3).
		sc := map[string]int{}
		for _, s := range m.Scenes {
			sc[s.Name] = 3
		}
		sc["质量管理"], sc["生产管控"] = 1, 1
		r, ps := m.Assess(digital.Answers{Rates: map[string]float64{"equipment": 100, "collection": 100}, // 30 + 20: level 2 by score
			Changes: map[string]string{"green": "better", "quality": "better", "market": "better"}, Scenes: sc})
		if len(ps) > 0 || r.Level != 2 || !slices.Equal(r.Weak, []string{"生产管控", "质量管理"}) {
			t.Fatalf("assessment: level %d, weak %v (%v)", r.Level, r.Weak, ps)
		}
		pool := digital.NewSolutions(db, seg)
		fits, err := digital.Suggest(ctx, db, pool, r, 10)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range fits {
			names = append(names, f.Solution.Name)
		}
		if len(fits) != 2 || fits[0].Solution.Name != "轻量MES" || !slices.Equal(fits[0].Covers, []string{"生产管控", "质量管理"}) {
			t.Errorf("fits %v: want 轻量MES (both weak scenes) then 质检云, nothing for strong scenes", names)
		}

		// The provider's admission is revoked: its solutions leave the
		// catalogue from that day, and the pool, without a rebuild.
		if err := registry.Grant(ctx, db, registry.Recognition{Kind: digital.ProviderKind, Level: "市级", Subject: "organisation", SubjectID: prov.ID, Granted: "2024-03-01", Revoked: "2025-01-01"}); err != nil {
			t.Fatal(err)
		}
		if got, _ := digital.Solutions(ctx, db, "2024-12-31", ""); len(got) != 4 {
			t.Errorf("the day before the revocation: %d solutions", len(got))
		}
		if got, _ := digital.Solutions(ctx, db, "2025-01-01", ""); len(got) != 0 {
			t.Errorf("after the revocation: %d solutions", len(got))
		}
		if fits, err := digital.Suggest(ctx, db, pool, r, 10); err != nil || len(fits) != 0 {
			t.Errorf("a revoked provider's solutions are still suggested: %d %v", len(fits), err)
		}
	})
}
