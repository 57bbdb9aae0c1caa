// Package chaintest seeds what the industrial chains' pages read, for tests
// of those pages.
package chaintest

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TacklingRecord seeds an approved tackling project (major equipment
// tackling, the shipped program) of org, in progress, that solved one
// problem, and gives its id.
func TacklingRecord(t *testing.T, db *store.DB, org int64, title string) int64 {
	t.Helper()
	ctx := context.Background()
	if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
		t.Fatal(err)
	}
	p, err := program.Latest(ctx, db, "major_equipment_tackling")
	if err != nil {
		t.Fatal(err)
	}
	call, err := program.OpenCall(ctx, db, program.Call{TemplateID: p.ID, Key: "met-" + strconv.FormatInt(time.Now().UnixNano(), 36), Name: "攻关", Opens: "2024-01-01", Closes: "2099-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 3, 1, 2, 0, 0, 0, time.UTC)
	recs := []program.Seeded{{CallID: call.ID, OrganisationID: org, Title: title, Data: map[string]any{"mode": "龙头企业自主研发", "amount_requested": 1e6},
		Marks:    []program.Mark{{Stage: "submitted", At: at}, {Stage: "approved", At: at.AddDate(0, 2, 0)}, {Stage: "in_progress", At: at.AddDate(0, 3, 0)}},
		Outcomes: []program.Outcome{{Kind: "problem", Title: "转子型线", Status: "solved", Day: "2024-12-01"}}}}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return program.Seed(ctx, tx, recs) }); err != nil {
		t.Fatal(err)
	}
	return recs[0].ID
}
