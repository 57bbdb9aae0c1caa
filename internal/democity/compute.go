package democity

import (
	"github.com/xinzhi-platform/xinzhi/internal/compute"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// compute registers the compute centres' capacity (FP16): 718P in
// operation on 30 June 2025, the AI compute centre's third phase among it
// since March 2025, and 4,000P planned or being built at the four centres
// the letter names.
func (g *gen) compute() error {
	type row struct {
		centre, phase, status, since, until string
		pflops                              float64
		national                            bool
	}
	rows := []row{
		{"算力中心", "一期", "operating", "2021-09-28", "", 100, true},
		{"算力中心", "二期", "operating", "2023-06-15", "", 200, true},
		{"算力中心", "三期", "building", "2024-03-01", "2025-03-28", 300, false},
		{"算力中心", "三期", "operating", "2025-03-28", "", 300, true},
		{"电信智算中心", "一期", "operating", "2024-10-18", "", 118, true},
		{"电信智算中心", "二期", "building", "2025-01-10", "", 1000, false},
		{"华为计算中心", "", "building", "2024-08-01", "", 1000, false},
		{"大东计算中心", "", "planned", "2024-11-01", "", 800, false},
		{"百度计算中心", "", "building", "2025-02-20", "", 1200, false},
	}
	err := g.db.InTx(g.ctx, func(tx *store.Tx) error {
		for _, r := range rows {
			if _, err := compute.Add(g.ctx, tx, compute.Capacity{OrganisationID: g.named[r.centre], Phase: r.phase, Precision: "FP16", PFLOPS: r.pflops,
				Status: r.status, NationalNetwork: r.national, Since: r.since, Until: r.until}); err != nil {
				return err
			}
		}
		return nil
	})
	g.step()
	return err
}
