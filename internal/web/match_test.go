package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestChallengesList: the public list shows published challenges with
// their public fields only, to anyone; drafts stay off it.
func TestChallengesList(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	e := newEnv(t, db, false)
	if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
		t.Fatal(err)
	}
	pub, _ := program.Latest(ctx, db, "challenge")
	call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "c-2025", Name: "2025年揭榜挂帅", Opens: "2025-01-01", Closes: "2099-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 3, 3, 2, 0, 0, 0, time.UTC)
	recs := []program.Seeded{
		{CallID: call.ID, OrganisationID: e.orgA.ID, Title: "高纯石英砂提纯", Data: map[string]any{"field": "集成电路", "need": "内部需求细节", "bounty": 3e6, "bid_deadline": "2025-06-30", "term_months": 24.0},
			Marks: []program.Mark{{Stage: "published", At: at}}},
		{CallID: call.ID, OrganisationID: e.orgA.ID, Title: "草稿榜单", Data: map[string]any{"field": "新能源"}, Marks: []program.Mark{{Stage: "submitted", At: at}}},
	}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return program.Seed(ctx, tx, recs) }); err != nil {
		t.Fatal(err)
	}
	anon := e.client()
	resp, body := anon.get("/challenges")
	if resp.StatusCode != 200 || !strings.Contains(body, "高纯石英砂提纯") || !strings.Contains(body, "300 万元") && !strings.Contains(body, "300") || strings.Contains(body, "草稿榜单") || strings.Contains(body, "内部需求细节") {
		t.Fatalf("public list: %d\n%s", resp.StatusCode, body)
	}
	if strings.Contains(body, fmt.Sprintf(`href="/projects/%d"`, recs[0].ID)) {
		t.Error("the anonymous list links to the record")
	}
}
