package compute_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/compute"
	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/metrics"
)

func TestCheck(t *testing.T) {
	good := compute.Capacity{OrganisationID: 1, Precision: "FP16", PFLOPS: 300, Status: "operating", Since: "2025-03-28"}
	for _, c := range []struct {
		name  string
		edit  func(*compute.Capacity)
		field string
	}{
		{"no precision", func(c *compute.Capacity) { c.Precision = "" }, "precision"},
		{"unknown status", func(c *compute.Capacity) { c.Status = "done" }, "status"},
		{"negative", func(c *compute.Capacity) { c.PFLOPS = -1 }, "pflops"},
		{"bad date", func(c *compute.Capacity) { c.Since = "28/03/2025" }, "since"},
		{"ends before it starts", func(c *compute.Capacity) { c.Until = "2025-01-01" }, "until"},
		{"no centre", func(c *compute.Capacity) { c.OrganisationID = 0 }, "organisation_id"},
	} {
		x := good
		c.edit(&x)
		ps := compute.Check(x)
		if len(ps) != 1 || ps[0].Field != c.field {
			t.Errorf("%s: %v", c.name, ps)
		}
	}
	if ps := compute.Check(good); len(ps) != 0 {
		t.Errorf("good: %v", ps)
	}
}

// TestCapacityAsOf: a phase that moves from building to operating counts
// as built before the day and as operating from it; only compute centres
// hold capacity.
func TestCapacityAsOf(t *testing.T) {
	set, err := metric.Load(metrics.Files)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		centre, err := registry.Create(ctx, db, registry.Organisation{Name: "沈阳人工智能算力中心", Kind: "compute"})
		if err != nil {
			t.Fatal(err)
		}
		firm, _ := registry.Create(ctx, db, registry.Organisation{Name: "沈阳某科技有限公司", Kind: "enterprise"})
		err = db.InTx(ctx, func(tx *store.Tx) error {
			for _, c := range []compute.Capacity{
				{OrganisationID: centre.ID, Phase: "一期", Precision: "FP16", PFLOPS: 100, Status: "operating", Since: "2021-09-28", NationalNetwork: true},
				{OrganisationID: centre.ID, Phase: "三期", Precision: "FP16", PFLOPS: 300, Status: "building", Since: "2024-03-01", Until: "2025-03-28"},
				{OrganisationID: centre.ID, Phase: "三期", Precision: "FP16", PFLOPS: 300, Status: "operating", Since: "2025-03-28", NationalNetwork: true},
			} {
				if _, err := compute.Add(ctx, tx, c); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := compute.Add(ctx, tx, compute.Capacity{OrganisationID: firm.ID, Precision: "FP16", PFLOPS: 1, Status: "operating", Since: "2025-01-01"})
			return err
		})
		var pe *problem.Error
		if !errors.As(err, &pe) || pe.Key != "compute.not_a_centre" {
			t.Errorf("capacity of an enterprise: %v", err)
		}
		cst := time.FixedZone("CST", 8*3600)
		for _, c := range []struct {
			day                string
			operating, planned float64
		}{{"2025-03-27", 100, 300}, {"2025-03-28", 400, 0}, {"2021-09-27", 0, 0}} {
			d, _ := time.ParseInLocation(time.DateOnly, c.day, cst)
			now, err := metric.Eval(ctx, db, set, "compute_now_pflops", metric.Params{AsOf: d})
			if err != nil {
				t.Fatal(err)
			}
			later, _ := metric.Eval(ctx, db, set, "compute_planned_pflops", metric.Params{AsOf: d})
			if now.Value != c.operating || later.Value != c.planned {
				t.Errorf("as of %s: operating %v planned %v, want %v %v", c.day, now.Value, later.Value, c.operating, c.planned)
			}
		}
		caps, err := compute.Of(ctx, db, centre.ID)
		if err != nil || len(caps) != 3 || !strings.HasPrefix(caps[2].Since, "2025") {
			t.Errorf("capacities: %+v %v", caps, err)
		}
	})
}
