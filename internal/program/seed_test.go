package program_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestSeedHistories: Seed writes the template's shortest path between the
// marks, the amounts on the moves that record money, the recognitions
// moves grant and the daily summary; it refuses a history the template
// does not allow and writes nothing then.
func TestSeedHistories(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
			t.Fatal(err)
		}
		call := func(key string) int64 {
			pub, err := program.Latest(ctx, db, key)
			if err != nil {
				t.Fatal(err)
			}
			c, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: key + "-s", Name: key, Opens: "2024-01-01", Closes: "2024-12-31"})
			if err != nil {
				t.Fatal(err)
			}
			return c.ID
		}
		equip, factory, special := call("major_equipment_tackling"), call("smart_factory_recognition"), call("major_special_project")
		org, err := registry.Create(ctx, db, registry.Organisation{Name: "沈鼓集团股份有限公司", Kind: "enterprise"})
		if err != nil {
			t.Fatal(err)
		}
		at := func(s string) time.Time { v, _ := time.Parse(time.DateTime, s); return v }
		good := []program.Seeded{
			{CallID: equip, OrganisationID: org.ID, Title: "华泵一号", Data: map[string]any{"amount_requested": 5e6},
				Marks: []program.Mark{{Stage: "approved", At: at("2024-06-10 02:00:00")}, {Stage: "in_progress", At: at("2024-07-01 02:00:00")}}, Approved: 4e6,
				Outcomes: []program.Outcome{{Kind: "evaluation", Title: "国际先进", Level: "国际先进", Day: "2025-03-18"}}},
			{CallID: factory, OrganisationID: org.ID, Data: map[string]any{"category": "智能工厂", "tier": "卓越级"},
				Marks: []program.Mark{{Stage: "recognised", At: at("2024-09-01 02:00:00")}}},
			// tranches of 40/30/30%, the mid-term check between them
			{CallID: special, OrganisationID: org.ID, Title: "高精密晶圆研磨", Data: map[string]any{"amount_requested": 1e7}, Approved: 8e6,
				Marks: []program.Mark{{Stage: "approved", At: at("2024-03-01 02:00:00")}, {Stage: "in_progress", At: at("2024-03-20 02:00:00")},
					{Move: "pay", At: at("2024-04-01 02:00:00"), Amount: 3.2e6}, {Stage: "midterm", At: at("2024-09-02 02:00:00")},
					{Move: "midterm_pass", At: at("2024-09-20 02:00:00")}, {Move: "pay", At: at("2024-10-08 02:00:00"), Amount: 2.4e6},
					{Move: "pay", At: at("2025-03-03 02:00:00"), Amount: 2.4e6}}},
		}
		for _, c := range []struct {
			name string
			rec  program.Seeded
			want string
		}{
			{"no path", program.Seeded{CallID: equip, OrganisationID: org.ID, Marks: []program.Mark{{Stage: "approved", At: at("2024-06-01 02:00:00")}, {Stage: "submitted", At: at("2024-07-01 02:00:00")}}}, "no path"},
			{"money without its move", program.Seeded{CallID: factory, OrganisationID: org.ID, Marks: []program.Mark{{Stage: "recognised", At: at("2024-06-01 02:00:00")}}, Approved: 1}, "no move that approves"},
			{"more than requested", program.Seeded{CallID: equip, OrganisationID: org.ID, Data: map[string]any{"amount_requested": 1e6}, Marks: []program.Mark{{Stage: "approved", At: at("2024-06-01 02:00:00")}}, Approved: 2e6}, "more than requested"},
			{"marks out of order", program.Seeded{CallID: equip, OrganisationID: org.ID, Created: at("2024-08-01 02:00:00"), Marks: []program.Mark{{Stage: "approved", At: at("2024-06-01 02:00:00")}}}, "not after"},
			{"tranches off the total", program.Seeded{CallID: equip, OrganisationID: org.ID, Approved: 2e6, Disbursed: 2e6,
				Marks: []program.Mark{{Stage: "in_progress", At: at("2024-06-01 02:00:00")}, {Move: "pay", At: at("2024-07-01 02:00:00"), Amount: 1e6}}}, "add up to"},
			{"a move from elsewhere", program.Seeded{CallID: equip, OrganisationID: org.ID, Marks: []program.Mark{{Stage: "approved", At: at("2024-06-01 02:00:00")}, {Move: "pay", At: at("2024-07-01 02:00:00"), Amount: 1}}}, "not a move from"},
			{"unknown field", program.Seeded{CallID: equip, OrganisationID: org.ID, Data: map[string]any{"nonsense": 1.0}, Marks: []program.Mark{{Stage: "approved", At: at("2024-06-01 02:00:00")}}}, "not in the form"},
		} {
			recs := append(append([]program.Seeded{}, good...), c.rec)
			err := db.InTx(ctx, func(tx *store.Tx) error { return program.Seed(ctx, tx, recs) })
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: got %v, want an error naming %q", c.name, err, c.want)
			}
		}
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM projects`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("a refused batch left %d records (%v)", n, err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return program.Seed(ctx, tx, good) }); err != nil {
			t.Fatal(err)
		}
		hist, err := program.History(ctx, db, good[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		var path []string
		for _, e := range hist {
			path = append(path, e.To)
		}
		if got := strings.Join(path, ">"); got != "draft>submitted>screened>review>approved>in_progress" {
			t.Errorf("history %s", got)
		}
		p, err := program.GetProject(ctx, db, good[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Stage != "in_progress" || p.AmountApproved != 4e6 || p.Title != "华泵一号" {
			t.Errorf("record %+v", p)
		}
		// the approval and each tranche stand in the history with their
		// amounts; the record's total is their sum
		hist, err = program.History(ctx, db, good[2].ID)
		if err != nil {
			t.Fatal(err)
		}
		var moves []string
		paid := 0.0
		for _, e := range hist {
			if e.Amount != nil {
				moves = append(moves, fmt.Sprintf("%s:%.0f", e.Transition, *e.Amount))
				if e.Transition == "pay" {
					paid += *e.Amount
				}
			}
		}
		if got := strings.Join(moves, " "); got != "approve:8000000 pay:3200000 pay:2400000 pay:2400000" {
			t.Errorf("amounts on the events: %s", got)
		}
		if p, err := program.GetProject(ctx, db, good[2].ID); err != nil || p.AmountDisbursed != paid || p.Stage != "in_progress" {
			t.Errorf("special project: disbursed %v, tranches %v, stage %s (%v)", p.AmountDisbursed, paid, p.Stage, err)
		}
		recs, err := registry.Recognitions(ctx, db, "organisation", org.ID)
		if err != nil || len(recs) != 1 || recs[0].Kind != "smart_factory" || recs[0].Level != "卓越级" || recs[0].Granted != "2024-09-01" {
			t.Errorf("granted %+v (%v)", recs, err)
		}
		// The summary Seed kept equals the one the migration computes from
		// the events.
		type row struct {
			program, stage, day string
			first, in, out      int
		}
		read := func() map[string]row {
			rows, err := db.QueryContext(ctx, `SELECT program, stage, day, first_reached, entered, exited FROM stage_daily`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			out := map[string]row{}
			for rows.Next() {
				var r row
				if err := rows.Scan(&r.program, &r.stage, &r.day, &r.first, &r.in, &r.out); err != nil {
					t.Fatal(err)
				}
				out[r.program+"|"+r.stage+"|"+r.day] = r
			}
			return out
		}
		kept := read()
		if err := program.RebuildSummary(ctx, db); err != nil {
			t.Fatal(err)
		}
		rebuilt := read()
		if len(kept) == 0 || len(kept) != len(rebuilt) {
			t.Fatalf("summary rows: kept %d, rebuilt %d", len(kept), len(rebuilt))
		}
		for k, v := range rebuilt {
			if kept[k] != v {
				t.Errorf("%s: kept %+v, rebuilt %+v", k, kept[k], v)
			}
		}
	})
}

// TestShippedTemplateChanged: a shipped template changed under the same
// version number (a newer release) is published as the next version once,
// and publishing again changes nothing.
func TestShippedTemplateChanged(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	src, err := programs.Files.ReadFile("challenge.yaml")
	if err != nil {
		t.Fatal(err)
	}
	old := fstest.MapFS{"challenge.yaml": {Data: src}}
	if n, err := program.PublishShipped(ctx, db, old); err != nil || n != 1 {
		t.Fatalf("first: %d %v", n, err)
	}
	changed := fstest.MapFS{"challenge.yaml": {Data: []byte(strings.Replace(string(src), "name: ", "name: 新", 1))}}
	for i, want := range []int{1, 0} {
		n, err := program.PublishShipped(ctx, db, changed)
		if err != nil || n != want {
			t.Fatalf("changed, round %d: %d %v", i, n, err)
		}
	}
	p, err := program.Latest(ctx, db, "challenge")
	if err != nil || p.Template.Version != 2 || !strings.HasPrefix(p.Template.Name, "新") {
		t.Fatalf("latest: %+v %v", p.Template, err)
	}
	if n, _ := program.PublishShipped(ctx, db, old); n != 0 {
		t.Errorf("an older shipped text went over a newer version: %d", n)
	}
}
