package democity

import (
	"fmt"
	"github.com/xinzhi-platform/xinzhi/internal/compute"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"math"
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
			price, chips := 0.0, ""
			if r.status == "operating" {
				price, chips = map[string]float64{"算力中心": 900, "电信智算中心": 1100}[r.centre], map[string]string{"算力中心": "昇腾910B", "电信智算中心": "A800"}[r.centre]
			}
			if _, err := compute.Add(g.ctx, tx, compute.Capacity{OrganisationID: g.named[r.centre], Phase: r.phase, Precision: "FP16", PFLOPS: r.pflops,
				Status: r.status, NationalNetwork: r.national, Since: r.since, Until: r.until, Price: price, Chips: chips}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	g.step()
	return g.computeMarket()
}

// computeMarket: 24 compute vouchers of 2025 (two rejected, the others
// approved at 20–30% of their contracts, most settled and redeemed) and
// six compute demands (posted, contracted, in use, ended).
func (g *gen) computeMarket() error {
	providers := []int64{g.named["算力中心"], g.named["电信智算中心"]}
	firms := take(g, g.large, 12)
	firms = append(firms, take(g, g.smes, 12)...)
	for i, firm := range firms {
		contract := float64(10+g.rng.IntN(40)) * 1e5
		share := float64(20+g.rng.IntN(11)) / 100
		approved := math.Round(contract*share/1000) * 1000
		s := rec(firm, "", data{"provider": float64(providers[i%2]), "related_party": false, "use_case": pick(g, []string{"大模型训练", "大模型推理", "工业仿真", "自动驾驶"}),
			"compute_scale": float64(2 + g.rng.IntN(30)), "precision": "FP16", "contract_no": fmt.Sprintf("SYSL-2025-%03d", i+1), "contract_amount": contract,
			"amount_requested": approved, "contract": "sha256:demo-contract"}, nil)
		switch {
		case i < 2:
			s.Marks = g.marks("applied", "2025-01-06", "2025-02-28", "rejected", "2025-03-03", "2025-03-31")
		case i < 8:
			s.Marks = g.marks("applied", "2025-01-06", "2025-02-28", "approved", "2025-03-03", "2025-04-30")
			s.Approved = approved
		default:
			s.Data["invoice"] = "sha256:demo-invoice"
			s.Marks = g.marks("applied", "2025-01-06", "2025-02-14", "approved", "2025-02-17", "2025-03-14", "settled", "2025-03-17", "2025-05-16", "redeemed", "2025-05-19", "2025-06-20")
			s.Approved, s.Disbursed = approved, approved
		}
		if err := g.record("compute_voucher", s); err != nil {
			return err
		}
	}
	type demand struct {
		title, stage, start string
		pflops, days        float64
		centre              string
	}
	for _, d := range []demand{{"行业大模型训练算力", "posted", "2025-07-15", 120, 60, ""}, {"工业视觉模型推理", "posted", "2025-07-01", 20, 180, ""},
		{"自动驾驶仿真训练", "posted", "2025-08-01", 300, 90, ""}, {"药物分子模拟", "in_use", "2025-06-01", 60, 120, "算力中心"},
		{"城市大脑视频分析", "contracted", "2025-07-01", 40, 365, "电信智算中心"}, {"新材料计算设计", "ended", "2025-03-01", 30, 60, "算力中心"}} {
		dd := data{"precision": "FP16", "pflops": d.pflops, "days": d.days, "start": d.start, "budget": d.pflops * d.days * 1000, "purpose": d.title + "：算力需求"}
		marks := g.marks("posted", "2025-04-01", "2025-05-30")
		switch d.stage {
		case "contracted":
			marks = append(marks, g.marks("contracted", "2025-06-02", "2025-06-27")...)
		case "in_use", "ended":
			marks = append(marks, g.marks("contracted", "2025-06-02", "2025-06-10", "in_use", "2025-06-11", "2025-06-20")...)
			if d.stage == "ended" {
				marks = append(marks, g.marks("ended", "2025-06-23", "2025-06-27")...)
			}
		}
		if d.centre != "" {
			dd["centre"] = float64(g.named[d.centre])
		}
		if err := g.record("compute_demand", rec(pick(g, g.large), d.title, dd, marks)); err != nil {
			return err
		}
	}
	return g.flush()
}
