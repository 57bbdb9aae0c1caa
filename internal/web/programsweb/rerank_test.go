package programsweb_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/assist"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

var firstOrg = regexp.MustCompile(`data-org="(\d+)"`)

// TestRerankSuggestions: with an embeddings model (a local server speaking
// the OpenAI embeddings protocol) the owner may re-rank a challenge's
// suggestions by meaning: the institute whose profile the model finds
// closest comes first, with its similarity shown; the plain order is the
// matcher's; a rate-limited endpoint leaves the matcher's order with its
// message.
func TestRerankSuggestions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var limited atomic.Bool
		model := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if limited.Load() {
				w.WriteHeader(http.StatusTooManyRequests)
				io.WriteString(w, `{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}`)
				return
			}
			var req struct{ Input []string }
			json.NewDecoder(r.Body).Decode(&req)
			var data []map[string]any
			for i, s := range req.Input {
				v := []float64{0, 1}
				if strings.Contains(s, "涂胶显影") || strings.Contains(s, "温控系统") {
					v = []float64{1, 0}
				}
				data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": v})
			}
			json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data, "model": "embed-1", "usage": map[string]any{"prompt_tokens": 20, "total_tokens": 20}})
		}))
		t.Cleanup(model.Close)
		e := webtest.NewConfig(t, db, false, web.Config{AI: assist.Config{BaseURL: model.URL + "/v1", Model: "gov-llm-1", EmbedModel: "embed-1", Timeout: 5 * time.Second, DailyTokens: 100000}, AIOn: true})
		if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
			t.Fatal(err)
		}
		neu, _ := registry.Create(ctx, db, registry.Organisation{Name: "东北大学", Kind: "university", Description: "精密温控与半导体装备，精密温控模块，涂胶设备"})
		inst, _ := registry.Create(ctx, db, registry.Organisation{Name: "沈阳温控技术研究所", Kind: "institute", Description: "温控系统"})
		pub, err := program.Latest(ctx, db, "challenge")
		if err != nil {
			t.Fatal(err)
		}
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "c-2025", Name: "2025年揭榜挂帅", Opens: "2025-01-01", Closes: "2099-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		ch, err := program.CreateProject(ctx, db, call.ID, e.OrgA.ID, map[string]any{"title": "涂胶显影设备精密温控模块", "need": "精密温控模块", "bounty": 1e6})
		if err != nil {
			t.Fatal(err)
		}
		owner := e.Client()
		owner.SignIn("u-org", webtest.Password)
		base := fmt.Sprintf("/projects/%d/suggestions", ch.ID)
		_, body := owner.Get(base)
		if m := firstOrg.FindStringSubmatch(body); m == nil || m[1] != fmt.Sprint(neu.ID) || !strings.Contains(body, `id="rerank-on"`) {
			t.Fatalf("the matcher's order does not put the university first, or re-ranking is not offered: %v", m)
		}
		resp, body := owner.Get(base + "?rerank=1")
		if m := firstOrg.FindStringSubmatch(body); resp.StatusCode != 200 || m == nil || m[1] != fmt.Sprint(inst.ID) || !strings.Contains(body, "已按语义重排") || !strings.Contains(body, `<span class="similarity">1.00</span>`) {
			t.Fatalf("re-ranked: %d %v", resp.StatusCode, m)
		}
		limited.Store(true)
		resp, body = owner.Get(base + "?rerank=1")
		if m := firstOrg.FindStringSubmatch(body); resp.StatusCode != 200 || m == nil || m[1] != fmt.Sprint(neu.ID) || !strings.Contains(body, `id="rerank-error"`) || !strings.Contains(body, "限流（429）") {
			t.Fatalf("rate-limited re-ranking: %d %v", resp.StatusCode, m)
		}
	})
}
