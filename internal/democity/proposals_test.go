package democity_test

import (
	"context"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/democity"
	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/proposal"
	"github.com/xinzhi-platform/xinzhi/internal/report"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/metrics"
	"github.com/xinzhi-platform/xinzhi/reports"
)

// checkProposals: the seed letter stands as 王志坚委员's proposal, replied
// with the letter word for word as of the city's last day and rated; around
// it a year of others, some overdue, one extended, one sent back, one
// re-handled after 不满意, every class of the list used.
func checkProposals(t *testing.T, db *store.DB) {
	ctx := context.Background()
	rows, err := proposal.List(ctx, db, proposal.Filter{Day: democity.AsOf})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 30 {
		t.Fatalf("%d proposals, want a year's worth", len(rows))
	}
	overdueRows, err := proposal.List(ctx, db, proposal.Filter{Day: democity.AsOf, Overdue: true})
	if err != nil {
		t.Fatal(err)
	}
	lean, err := proposal.Overdue(ctx, db, democity.AsOf)
	if err != nil {
		t.Fatal(err)
	}
	if len(lean) != len(overdueRows) || len(lean) == 0 {
		t.Fatalf("overdue: %d from the board, %d read by deadline", len(overdueRows), len(lean))
	}
	for i, r := range overdueRows {
		if l := lean[i]; l.ID != r.ID || l.Title != r.Title || l.Lead != r.Lead || l.State != r.State || l.DueOn != r.DueOn {
			t.Errorf("overdue row %d: board %+v, by deadline %+v", i, r, l)
		}
	}
	var seed *proposal.Row
	overdue, extended, rehandled := 0, 0, 0
	classes := map[string]int{}
	for i, r := range rows {
		if r.Number == democity.SeedProposalNumber {
			seed = &rows[i]
		}
		if r.Overdue {
			overdue++
		}
		if r.Extended {
			extended++
		}
		if r.Round > 1 {
			rehandled++
		}
		classes[r.Class]++
	}
	if seed == nil || seed.Member != "王志坚" || seed.State != proposal.Closed || seed.Handling != "satisfied" {
		t.Fatalf("the seed letter's proposal: %+v", seed)
	}
	if overdue < 2 || extended != 1 || rehandled != 1 || classes["A"] == 0 || classes["B"] == 0 || classes["C"] == 0 {
		t.Errorf("overdue %d, extended %d, re-handled %d, classes %v", overdue, extended, rehandled, classes)
	}
	var sentBack int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM proposal_units WHERE status = 'sent_back'`).Scan(&sentBack); err != nil || sentBack != 1 {
		t.Errorf("sent back: %d (%v)", sentBack, err)
	}
	p, err := proposal.Get(ctx, db, seed.ID)
	if err != nil {
		t.Fatal(err)
	}
	issued, err := report.Get(ctx, db, p.ReportID)
	if err != nil {
		t.Fatal(err)
	}
	set, _ := metric.Load(metrics.Files)
	tpls, _ := report.LoadTemplates(reports.Files)
	asOf, _ := time.ParseInLocation(time.DateOnly, democity.AsOf, time.FixedZone("CST", 8*3600))
	fresh, err := report.Render(ctx, db, set, tpls["seed-reply"], asOf)
	if err != nil {
		t.Fatal(err)
	}
	if issued.Body != fresh.Body || len(issued.Figures) != len(fresh.Figures) || len(issued.Figures) == 0 {
		t.Errorf("the issued reply is not the letter as of %s (%d figures, %d fresh)", democity.AsOf, len(issued.Figures), len(fresh.Figures))
	}
	units, total, err := proposal.Yearly(ctx, db, 2025, democity.AsOf)
	if err != nil {
		t.Fatal(err)
	}
	if len(units) < 4 || total.Count != len(rows) || total.OnTimeRate <= 0 || total.HandlingRate <= 0 {
		t.Errorf("yearly figures: %d units, %+v", len(units), total)
	}
}
