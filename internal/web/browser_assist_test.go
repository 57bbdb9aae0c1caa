package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/assist"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/proposal"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestBrowserAIDraft: the bureau's drafter asks the model (a local server
// speaking the OpenAI protocol) for a reply, sees the number no figure
// gives marked, fixes it in the editor and accepts the draft.
func TestBrowserAIDraft(t *testing.T) {
	exe := browserExecutable(t)
	db := storetest.Open(t, store.SQLite)
	ctx := t.Context()
	if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
		t.Fatal(err)
	}
	bureau, err := registry.Create(ctx, db, registry.Organisation{Name: "沈阳市科学技术局", Kind: "government"})
	if err != nil {
		t.Fatal(err)
	}
	svc := browserAuth(t, db, auth.NewUser{Username: "drafter", Roles: []access.Role{access.Manager}, OrgID: bureau.ID})
	office := proposal.Actor{Name: "office"}
	id, err := proposal.Register(ctx, db, nil, office, proposal.New{Number: "第0168号", Kind: "cppcc", Member: "王志坚", Title: "关于智能制造的提案", ReceivedOn: "2025-02-10"})
	if err != nil {
		t.Fatal(err)
	}
	if err := proposal.Assign(ctx, db, office, id, 0, "2025-02-12", bureau.ID, nil); err != nil {
		t.Fatal(err)
	}
	model := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"id": "chatcmpl-1", "object": "chat.completion", "created": 1751328000, "model": "gov-llm-1",
			"choices": []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": "王志坚委员：\n全市智能工厂达到{{smart_factory_total}}家，另有培育企业1500户。"}, "finish_reason": "stop"}},
			"usage":   map[string]any{"prompt_tokens": 700, "completion_tokens": 60, "total_tokens": 760}})
	}))
	t.Cleanup(model.Close)
	base := browserServe(t, db, svc, web.Config{Keys: browserKeys(t, "ktest"), Files: program.Files{Dir: t.TempDir()},
		AI: assist.Config{BaseURL: model.URL + "/v1", Model: "gov-llm-1", Timeout: 10 * time.Second, DailyTokens: 100000}, AIOn: true})

	b := newBrowser(t, exe)
	b.signIn(base, "drafter")
	path := fmt.Sprintf("/proposals/%d", id)
	b.navigate(base + path)
	b.run(chromedp.SetValue(chromedp.ID("ai-asof"), "2025-06-30"))
	b.click("#ai-ask")
	fault, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("#ai-preview mark.ai-fault")))
	if err != nil || fault != "⚠1500" {
		t.Fatalf("the unbound number is marked %q (%v)", fault, err)
	}
	text, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.ID("ai-body")))
	if err != nil {
		t.Fatal(err)
	}
	b.run(chromedp.SetValue(chromedp.ID("ai-body"), strings.Replace(text, "，另有培育企业1500户", "", 1)))
	b.click("#ai-accept")
	state, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.ID("state")))
	if err != nil || strings.TrimSpace(state) != "督办未审核" {
		t.Fatalf("state after accepting reads %q (%v)", state, err)
	}
	reply, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.ID("reply-text")))
	if err != nil || !strings.Contains(reply, "全市智能工厂达到0家。") || strings.Contains(reply, "1500") {
		t.Errorf("the accepted reply reads %q (%v)", reply, err)
	}
	b.expectNoProblems()
}
