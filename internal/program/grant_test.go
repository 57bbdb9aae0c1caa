package program_test

import (
	"context"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestTransitionGrantsRecognition: recognising a smart factory records the
// recognition in the registry, of the kind the category names and at the
// tier applied for, so that the registry and the program agree.
func TestTransitionGrantsRecognition(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
			t.Fatal(err)
		}
		pub, _ := program.Latest(ctx, db, "smart_factory_recognition")
		call, _ := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "sf", Name: "智能工厂认定", Opens: "2020-01-01", Closes: "2099-01-01"})
		org, _ := registry.Create(ctx, db, registry.Organisation{Name: "沈阳鼓风机集团", Kind: "enterprise"})
		for _, c := range []struct{ category, tier, kind string }{{"智能工厂", "卓越级", "smart_factory"}, {"数字化车间", "省级", "digital_workshop"}} {
			p, err := program.CreateProject(ctx, db, call.ID, org.ID, map[string]any{"title": "认定", "category": c.category, "tier": c.tier})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, `UPDATE projects SET stage = 'publicised' WHERE id = ?`, p.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := program.Move(ctx, db, access.Principal{UserID: 1, Name: "m", Roles: []access.Role{access.Manager}}, p.ID, "recognise", ""); err != nil {
				t.Fatalf("%s: %v", c.category, err)
			}
		}
		recs, err := registry.Recognitions(ctx, db, "organisation", org.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, r := range recs {
			got[r.Kind] = r.Level
		}
		if got["smart_factory"] != "卓越级" || got["digital_workshop"] != "省级" || len(recs) != 2 {
			t.Fatalf("recognitions: %+v", recs)
		}
	})
}
