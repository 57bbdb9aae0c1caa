package ai_test

import (
	"context"
	"errors"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/ai"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

func TestCatalogue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		uni, _ := registry.Create(ctx, db, registry.Organisation{Name: "沈阳农业大学", Kind: "university"})
		firm, _ := registry.Create(ctx, db, registry.Organisation{Name: "东软集团股份有限公司", Kind: "enterprise"})
		alliance, _ := registry.Create(ctx, db, registry.Organisation{Name: "沈阳人工智能产业技术创新联盟", Kind: "alliance"})

		// A batch with one bad row stores nothing, and names the row.
		batch := []ai.Dataset{
			{OwnerID: uni.ID, Name: "农药配方数据集", Domain: "农药配方", Samples: 20318, Access: "on_application", Registered: "2025-03-18"},
			{OwnerID: firm.ID, Name: "医学影像", Domain: "医疗影像", Samples: 0, Access: "public", Registered: "2025-13-01"},
		}
		_, err := ai.AddDatasets(ctx, db, batch)
		var ps problem.List
		if !errors.As(err, &ps) || len(ps) != 3 || ps[0].Field != "2.samples" {
			t.Fatalf("a bad row: %v", err)
		}
		if got, _ := ai.Datasets(ctx, db, "2099-01-01"); len(got) != 0 {
			t.Fatalf("a refused batch stored %d", len(got))
		}
		batch[1] = ai.Dataset{OwnerID: firm.ID, Name: "医学影像", Domain: "医疗影像", Samples: 186000, Access: "open", Registered: "2024-08-02", Withdrawn: "2025-05-01"}
		if _, err := ai.AddDatasets(ctx, db, batch); err != nil {
			t.Fatal(err)
		}
		if _, err := ai.AddDatasets(ctx, db, batch[:1]); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("the same data set twice: %v", err)
		}
		for _, c := range []struct {
			day  string
			want int
		}{{"2024-08-01", 0}, {"2024-08-02", 1}, {"2025-03-18", 2}, {"2025-05-01", 1}} {
			if got, _ := ai.Datasets(ctx, db, c.day); len(got) != c.want {
				t.Errorf("data sets on %s: %d, want %d", c.day, len(got), c.want)
			}
		}
		if _, err := ai.AddModel(ctx, db, ai.Model{OwnerID: firm.ID, Name: "沈阳·太一", Domain: "通用", Registered: "2024-12-26"}); err != nil {
			t.Fatal(err)
		}
		if _, err := ai.AddModel(ctx, db, ai.Model{OwnerID: 999999, Domain: "", Registered: "x"}); !errors.As(err, &ps) || len(ps) != 4 {
			t.Errorf("a bad model: %v", err)
		}

		if err := ai.Join(ctx, db, firm.ID, []ai.Member{{MemberID: uni.ID, Joined: "2024-09-20"}}); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("joined an enterprise as if an alliance: %v", err)
		}
		if err := ai.Join(ctx, db, alliance.ID, []ai.Member{{MemberID: uni.ID, Joined: "2024-09-20"}, {MemberID: alliance.ID, Joined: "2024-09-20"}}); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("an alliance joined itself: %v", err)
		}
		if err := ai.Join(ctx, db, alliance.ID, []ai.Member{{MemberID: uni.ID, Joined: "2024-09-20"}, {MemberID: firm.ID, Role: "理事长单位", Joined: "2024-09-20"}}); err != nil {
			t.Fatal(err)
		}
		as, err := ai.Alliances(ctx, db, "2025-06-30")
		if err != nil || len(as) != 1 || as[0].Members != 2 {
			t.Fatalf("alliances %+v %v", as, err)
		}
		if ms, _ := ai.Members(ctx, db, alliance.ID, "2024-09-19"); len(ms) != 0 {
			t.Errorf("members before founding: %v", ms)
		}
	})
}
