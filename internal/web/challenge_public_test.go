package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestPublicChallengePage: a visitor reads a published challenge's need,
// key indicators, bounty, deadline and term without signing in, in both
// languages; a challenge not yet published is not found, and fields the
// template keeps private never show.
func TestPublicChallengePage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
			t.Fatal(err)
		}
		pub, err := program.Latest(ctx, db, "challenge")
		if err != nil {
			t.Fatal(err)
		}
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "ch-pub", Name: "榜单征集", Opens: "2020-01-01", Closes: "2099-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]int64{}
		for _, c := range []struct{ title, stage string }{{"高端轴承寿命攻关", "published"}, {"草稿榜单", "draft"}} {
			p, err := program.CreateProject(ctx, db, call.ID, e.orgA.ID, map[string]any{"title": c.title, "field": "高端装备", "need": "轴承寿命须达到进口水平",
				"indicators": []any{map[string]any{"indicator": "额定寿命", "target": "≥20000小时"}}, "bounty": 3e6, "bid_deadline": "2099-06-30",
				"term_months": 24.0, "amount_requested": 1234567.0})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, `UPDATE projects SET stage = ? WHERE id = ?`, c.stage, p.ID); err != nil {
				t.Fatal(err)
			}
			ids[c.stage] = p.ID
		}
		anon := e.client()
		_, list := anon.get("/challenges")
		link := fmt.Sprintf(`href="/challenges/%d"`, ids["published"])
		if !strings.Contains(list, link) {
			t.Errorf("the public list does not open the challenge (%s)", link)
		}
		resp, body := anon.get(fmt.Sprintf("/challenges/%d", ids["published"]))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("anonymous challenge page: %d", resp.StatusCode)
		}
		for _, want := range []string{"高端轴承寿命攻关", "轴承寿命须达到进口水平", "额定寿命", "≥20000小时", "300", "2099-06-30", "24", "揭榜中", "/signin?next="} {
			if !strings.Contains(body, want) {
				t.Errorf("the challenge page lacks %q", want)
			}
		}
		if strings.Contains(body, "1,234,567") || strings.Contains(body, "1234567") || strings.Contains(body, "甲企业-") {
			t.Error("the challenge page shows a private field")
		}
		if resp, _ := anon.get(fmt.Sprintf("/challenges/%d", ids["draft"])); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a draft challenge: %d, want 404", resp.StatusCode)
		}
		anon.post("/lang", url.Values{"lang": {"en"}, "back": {"/"}})
		if _, front := anon.get("/"); !strings.Contains(front, "High-end equipment") || strings.Contains(front, "<td>高端装备</td>") {
			t.Error("the English front page names the challenge's field in Chinese")
		}
		if _, body := anon.get(fmt.Sprintf("/challenges/%d", ids["published"])); !strings.Contains(body, "Technical need") || !strings.Contains(body, "Key indicators") || !strings.Contains(body, "High-end equipment") {
			t.Error("the English challenge page is not in English")
		}
	})
}
