package compute_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/compute"
	"github.com/xinzhi-platform/xinzhi/internal/match"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/search"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestDemandMatching: a demand is matched to centres with that much
// capacity in operation at its precision and not committed to demands in
// use; planned capacity and other precisions do not count.
func TestDemandMatching(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
			t.Fatal(err)
		}
		centre := func(name string, cs ...compute.Capacity) int64 {
			o, err := registry.Create(ctx, db, registry.Organisation{Name: name, Kind: "compute"})
			if err != nil {
				t.Fatal(err)
			}
			err = db.InTx(ctx, func(tx *store.Tx) error {
				for _, c := range cs {
					c.OrganisationID = o.ID
					if _, err := compute.Add(ctx, tx, c); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return o.ID
		}
		a := centre("沈阳人工智能算力中心", compute.Capacity{Precision: "FP16", PFLOPS: 300, Status: "operating", Since: "2024-01-01", Price: 800, NationalNetwork: true})
		b := centre("沈阳华为人工智能计算中心", compute.Capacity{Precision: "FP16", PFLOPS: 100, Status: "operating", Since: "2024-01-01", Price: 1200})
		centre("中国电信东北区域智算中心", compute.Capacity{Precision: "FP16", PFLOPS: 1000, Status: "planned", Since: "2024-01-01"})
		centre("沈阳超算中心", compute.Capacity{Precision: "FP64", PFLOPS: 500, Status: "operating", Since: "2024-01-01"})
		firm, _ := registry.Create(ctx, db, registry.Organisation{Name: "沈阳某大模型科技有限公司", Kind: "enterprise"})
		pub, _ := program.Latest(ctx, db, "compute_demand")
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "cd", Name: "算力需求", Opens: "2024-01-01", Closes: "2099-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		today := time.Now().Add(8 * time.Hour).Format(time.DateOnly)
		demand := func(pflops float64, stage string, centre int64) int64 {
			t.Helper()
			at := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
			d := map[string]any{"title": "大模型训练算力", "precision": "FP16", "pflops": pflops, "days": 30.0, "start": today, "purpose": "训练行业大模型"}
			if centre != 0 {
				d["centre"] = float64(centre)
			}
			recs := []program.Seeded{{CallID: call.ID, OrganisationID: firm.ID, Created: at, Data: d, Marks: []program.Mark{{Stage: "draft", At: at}}}}
			if stage != "draft" {
				recs[0].Marks = append(recs[0].Marks, program.Mark{Stage: stage, At: at.Add(time.Minute)})
			}
			if err := db.InTx(ctx, func(tx *store.Tx) error { return program.Seed(ctx, tx, recs) }); err != nil {
				t.Fatal(err)
			}
			return recs[0].ID
		}
		seg, err := search.Default()
		if err != nil {
			t.Fatal(err)
		}
		pools := map[string]*match.Pool{compute.Centres: compute.NewCentres(db, seg)}
		owner := access.Principal{UserID: 1, Roles: []access.Role{access.Org}, OrgID: firm.ID}
		suggest := func(id int64) []int64 {
			t.Helper()
			got, err := match.Suggest(ctx, db, pools, owner, id, 10)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, c := range got {
				ids = append(ids, c.ID)
			}
			return ids
		}
		big := demand(200, "posted", 0)
		if got := suggest(big); !slices.Equal(got, []int64{a}) {
			t.Errorf("200P FP16: %v, want only the centre with 300P operating (%d)", got, a)
		}
		small := demand(80, "posted", 0)
		if got := suggest(small); !slices.Equal(got, []int64{a, b}) {
			t.Errorf("80P FP16: %v, want %d (cheaper, on the national network) then %d", got, a, b)
		}
		// 150P of the first centre in use: 200P no longer fits anywhere.
		demand(150, "in_use", a)
		if got := suggest(big); len(got) != 0 {
			t.Errorf("200P with 150P of 300P committed: %v, want none", got)
		}
		if got := suggest(small); !slices.Equal(got, []int64{a, b}) {
			t.Errorf("80P with 150P free at the first: %v", got)
		}
	})
}
