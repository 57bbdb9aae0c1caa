package programsweb_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/assist"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
)

// TestAIReviewSummary: the blind reviewer asks the model (a local server
// speaking the OpenAI protocol) for a summary of the application; what is
// sent names neither the applicant nor the team's units and holds no
// phone number; the summary's number from the form is bound, the one the
// form does not give is marked; the manager, who reviews nothing, is not
// offered it and does not see the reviewer's summary.
func TestAIReviewSummary(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var mu sync.Mutex
		var sent []string
		model := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			sent = append(sent, string(b))
			mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(map[string]any{"id": "chatcmpl-2", "object": "chat.completion", "created": 1751328000, "model": "gov-llm-1",
				"choices": []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": "项目申请资金{{amount_requested}}元，另需配套500万元；请核实实施方案。"}, "finish_reason": "stop"}},
				"usage":   map[string]any{"prompt_tokens": 300, "completion_tokens": 40, "total_tokens": 340}})
		}))
		t.Cleanup(model.Close)
		e := webtest.NewConfig(t, db, false, web.Config{AI: assist.Config{BaseURL: model.URL + "/v1", Model: "gov-llm-1", Timeout: 5 * time.Second, DailyTokens: 100000}, AIOn: true})
		mgr, org, rev := e.Client(), e.Client(), e.Client()
		mgr.SignIn("u-manager", webtest.Password)
		org.SignIn("u-org", webtest.Password)
		rev.SignIn("u-reviewer", webtest.Password)
		mgr.Get("/programs")
		if resp, body := mgr.Raw("POST", "/api/v1/programs", "application/yaml", []byte(webtest.BlindTemplate)); resp.StatusCode != 201 {
			t.Fatalf("publish: %d %s", resp.StatusCode, body)
		}
		mgr.Get("/programs/test_blind/calls/new")
		resp, _ := mgr.Post("/programs/test_blind/calls", url.Values{"key": {"tb-2025"}, "name": {"2025年测试批次"}, "opens": {"2020-01-01"}, "closes": {"2099-12-31"}, "budget": {"500"}})
		call := webtest.IDFrom(t, resp.Header.Get("Location"), "/calls/")
		org.Get("/calls/" + call + "/apply")
		resp, _ = org.Send("/calls/"+call+"/apply", url.Values{"title": {"高精度减速器，联系人电话13912345678"}, "amount_requested": {"1,200,000"}, "partner": {e.OrgB.Name},
			"team.0.name": {"张三"}, "team.0.role": {"负责人"}, "team.0.unit": {e.OrgB.Name}}, map[string][2]string{"plan": {"甲企业-实施方案.pdf", string(pdf)}})
		if resp.StatusCode != 303 {
			t.Fatalf("apply: %d", resp.StatusCode)
		}
		pid := webtest.IDFrom(t, resp.Header.Get("Location"), "/projects/")
		org.Post("/projects/"+pid+"/move", url.Values{"transition": {"submit"}})
		mgr.Get("/projects/" + pid)
		for _, step := range []string{"screen", "start_review"} {
			if resp, _ := mgr.Post("/projects/"+pid+"/move", url.Values{"transition": {step}}); resp.StatusCode != 303 {
				t.Fatalf("%s: %d", step, resp.StatusCode)
			}
		}
		if resp, _ := mgr.Post("/projects/"+pid+"/assign", nil); resp.StatusCode != 303 {
			t.Fatalf("assign: %d", resp.StatusCode)
		}
		if _, body := mgr.Get("/projects/" + pid); strings.Contains(body, `id="f-ai-summary"`) {
			t.Error("the manager, who reviews nothing, is offered a reviewer's summary")
		}
		if resp, _ := mgr.Post("/projects/"+pid+"/ai-summary", nil); resp.StatusCode != 403 {
			t.Errorf("the manager asked for a summary: %d", resp.StatusCode)
		}
		if _, body := rev.Get("/projects/" + pid); !strings.Contains(body, `id="f-ai-summary"`) {
			t.Fatal("the reviewer is not offered a summary")
		}
		if resp, body := rev.Post("/projects/"+pid+"/ai-summary", nil); resp.StatusCode != 303 {
			t.Fatalf("summary: %d %.400s", resp.StatusCode, body)
		}
		mu.Lock()
		req := sent[0]
		mu.Unlock()
		for _, leak := range []string{e.OrgA.Name, e.OrgB.Name, "13912345678", "甲企业-实施方案"} {
			if strings.Contains(req, leak) {
				t.Errorf("the request sent %q: %s", leak, req)
			}
		}
		if !strings.Contains(req, "{{amount_requested}} = 1200000元") || !strings.Contains(req, "高精度减速器") {
			t.Errorf("the request lacks the form: %s", req)
		}
		_, body := rev.Get("/projects/" + pid)
		if !strings.Contains(body, `data-figure="amount_requested">1200000</mark>`) || !strings.Contains(body, "⚠500万") {
			i := strings.Index(body, `id="ai-summary"`)
			t.Fatalf("the summary's marks: %.1500s", body[max(0, i):])
		}
		if _, body := mgr.Get("/projects/" + pid); strings.Contains(body, "ai-summary-text") {
			t.Error("the manager sees the reviewer's summary")
		}
	})
}
