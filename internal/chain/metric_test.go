package chain_test

import (
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/metrics"
)

// TestIndicators: the letter's chain figures come out of the map: a chain
// mapped (links, organisations, a bottleneck), its leader, and the
// clusters whose members' output grew by 10% or more on the same scope
// (a member with no figure the year before does not count).
func TestIndicators(t *testing.T) {
	set := must(metric.Load(metrics.Files))
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := build(t, db)
		org := func(name, cluster string) int64 {
			return must(registry.Create(ctx, db, registry.Organisation{Name: name, Kind: "enterprise", Clusters: []string{cluster}})).ID
		}
		fast, slow, fresh := org("沈阳快企业", "新能源"), org("沈阳慢企业", "机器人"), org("沈阳新企业", "机器人")
		figs := []registry.Figure{{OrganisationID: fast, Year: 2023, Value: 100}, {OrganisationID: fast, Year: 2024, Value: 110},
			{OrganisationID: slow, Year: 2023, Value: 100}, {OrganisationID: slow, Year: 2024, Value: 105},
			{OrganisationID: fresh, Year: 2024, Value: 1000}} // new in 2024: out of the comparison
		for i := range figs {
			figs[i].Kind = "output_value"
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return registry.InsertFigures(ctx, tx, figs) }); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			id   string
			asOf string
			want float64
		}{{"chain_innovation_map", "2025-06-30", 1}, {"chain_leaders_driving", "2025-06-30", 1}, {"clusters_double_digit", "2025-06-30", 1}, {"clusters_double_digit", "2024-12-31", 1}, {"clusters_double_digit", "2024-12-30", 0}} {
			asOf, _ := time.Parse(time.DateOnly, tc.asOf)
			res, err := metric.Eval(ctx, db, set, tc.id, metric.Params{AsOf: asOf, Records: true})
			if err != nil {
				t.Fatal(err)
			}
			if res.Value != tc.want {
				t.Errorf("%s as of %s = %v, want %v", tc.id, tc.asOf, res.Value, tc.want)
			}
			recs, err := metric.ListRecords(ctx, db, set, res)
			if err != nil || len(recs.Rows) != int(tc.want) {
				t.Errorf("%s: records %v %v", tc.id, recs, err)
			}
		}
		res := must(metric.Eval(ctx, db, set, "chain_leaders_driving", metric.Params{Records: true}))
		if recs := must(metric.ListRecords(ctx, db, set, res)); len(recs.Links) != 1 || recs.Links[0] != "/orgs/"+itoa64(c.shengu) {
			t.Errorf("the leader's record: %+v", recs)
		}
	})
}
