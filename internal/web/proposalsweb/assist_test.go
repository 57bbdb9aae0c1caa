package proposalsweb_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/assist"
	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/proposal"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// modelEndpoint is a local server speaking the OpenAI chat completions
// protocol: each call takes the next answer (a draft, or 429); what was
// sent is kept.
type modelEndpoint struct {
	*httptest.Server
	mu      sync.Mutex
	answers []string // a draft's text, or "429"
	sent    []string
}

// requests is what was sent so far.
func (m *modelEndpoint) requests() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.sent...)
}

func newModelEndpoint(t *testing.T, answers ...string) *modelEndpoint {
	m := &modelEndpoint{answers: answers}
	m.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		m.mu.Lock()
		m.sent = append(m.sent, string(b))
		answer := "429"
		if len(m.answers) > 0 {
			answer, m.answers = m.answers[0], m.answers[1:]
		}
		m.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if answer == "429" || r.URL.Path != "/v1/chat/completions" {
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, `{"error":{"message":"Rate limit reached for requests","type":"requests","param":null,"code":"rate_limit_exceeded"}}`)
			return
		}
		out, _ := json.Marshal(map[string]any{"id": "chatcmpl-1", "object": "chat.completion", "created": 1751328000, "model": "gov-llm-1",
			"choices": []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": answer}, "finish_reason": "stop"}},
			"usage":   map[string]any{"prompt_tokens": 800, "completion_tokens": 120, "total_tokens": 920}})
		w.Write(out)
	}))
	t.Cleanup(m.Close)
	return m
}

// AIDraft is the model's draft in the tests: one figure as a placeholder,
// one number the records do not give.
const AIDraft = "王志坚委员：\n截至2025年6月30日，全市智能工厂达到{{smart_factory_total}}家。一是持续推进，二是新增培育企业1500户。"

func aiConfig(url string) web.Config {
	return web.Config{AI: assist.Config{BaseURL: url + "/v1", Model: "gov-llm-1", Timeout: 5 * time.Second, DailyTokens: 100000}, AIOn: true}
}

var aiDraftID = regexp.MustCompile(`/ai-draft/(\d+)/accept`)

// TestAIDraft: with no endpoint nothing is offered; with one, the lead
// unit's drafter asks for a draft, sees the number no figure gives marked,
// cannot accept it until it is fixed, then accepts it as the proposal's
// draft, audited; a rate-limited endpoint gives its message and the page
// still works.
func TestAIDraft(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := newModelEndpoint(t, "429", AIDraft)
		// Without an endpoint (another database): no button, and the route says it is off.
		off := storetest.Open(t, db.Engine())
		plain := webtest.New(t, off, false)
		offID := assignedProposal(t, plain, off)
		drafter0 := plain.Client()
		drafter0.SignIn("drafter", webtest.Password)
		if _, body := drafter0.Get("/proposals/" + offID); !strings.Contains(body, `id="f-draft"`) || strings.Contains(body, "ai-draft") {
			t.Fatal("with no endpoint the page offers AI, or no draft at all")
		}
		if resp, _ := drafter0.Post("/proposals/"+offID+"/ai-draft", url.Values{"template": {"seed-reply"}, "as_of": {"2025-06-30"}}); resp.StatusCode != 404 {
			t.Fatalf("AI drafting with no endpoint: %d", resp.StatusCode)
		}

		e := webtest.NewConfig(t, db, false, aiConfig(m.URL))
		id := assignedProposal(t, e, db)
		drafter, costaff := e.Client(), e.Client()
		drafter.SignIn("drafter", webtest.Password)
		costaff.SignIn("costaff", webtest.Password)
		if _, body := costaff.Get("/proposals/" + id); strings.Contains(body, `id="f-ai-draft"`) {
			t.Error("the co-unit, who may not draft, is offered AI drafting")
		}
		if _, body := drafter.Get("/proposals/" + id); !strings.Contains(body, `id="f-ai-draft"`) {
			t.Fatal("the drafter is not offered AI drafting")
		}
		// The co-unit may not draft: refused before anything is sent.
		if resp, body := costaff.Post("/proposals/"+id+"/ai-draft", url.Values{"template": {"seed-reply"}, "as_of": {"2025-06-30"}}); resp.StatusCode != 403 || !strings.Contains(body, "主办单位") || len(m.requests()) != 0 {
			t.Fatalf("AI drafting by the co-unit: %d, %d requests sent", resp.StatusCode, len(m.requests()))
		}
		// A rate-limited endpoint: its message, the page as it was, nothing kept.
		resp, body := drafter.Post("/proposals/"+id+"/ai-draft", url.Values{"template": {"seed-reply"}, "as_of": {"2025-06-30"}})
		if resp.StatusCode != 429 || !strings.Contains(body, "限流（429）") || !strings.Contains(body, `id="facts"`) {
			t.Fatalf("rate-limited: %d %s", resp.StatusCode, section(body, `id="flash"`))
		}
		resp, body = drafter.Post("/proposals/"+id+"/ai-draft", url.Values{"template": {"seed-reply"}, "as_of": {"2025-06-30"}, "instructions": {"侧重智能制造"}})
		if resp.StatusCode != 303 {
			t.Fatalf("AI draft: %d %.500s", resp.StatusCode, body)
		}
		if sent := m.requests(); strings.Contains(sent[1], "13912345678") || strings.Contains(sent[1], "王志坚") || !strings.Contains(sent[1], "{{smart_factory_total}}") {
			t.Errorf("what was sent: %.2000s", sent[1])
		}
		_, page := drafter.Get("/proposals/" + id)
		if !strings.Contains(page, `<mark class="ai-fault"`) || !strings.Contains(page, "⚠1500") || !strings.Contains(page, `data-figure="smart_factory_total"`) {
			t.Fatalf("the draft's marks: %s", section(page, `id="ai-draft"`))
		}
		did := aiDraftID.FindStringSubmatch(page)
		if did == nil {
			t.Fatal("no accept form")
		}
		drafted := strings.Replace(AIDraft, "{{smart_factory_total}}", "0", 1) // no records in this city: 0 factories
		// Accepting it as drafted is refused, in both languages' catalogue, and changes nothing.
		code, body := act(t, drafter, db, id, "ai-draft/"+did[1]+"/accept", url.Values{"body": {drafted}, "class": {"A"}})
		if code != 422 || !strings.Contains(body, "1 处数字不是所给指标的数值") || !strings.Contains(body, "⚠1500") {
			t.Fatalf("accepting an unbound number: %d %s", code, section(body, `id="ai-draft"`))
		}
		if p, _ := proposal.Get(ctx, db, mustInt(t, id)); p.ReplyBody != "" || p.State != proposal.Assigned {
			t.Fatalf("a refused acceptance changed the proposal: %s", p.State)
		}
		// Checked after fixing: no mark; accepted: the proposal's draft.
		fixed := strings.Replace(drafted, "，二是新增培育企业1500户", "", 1)
		if code, body := act(t, drafter, db, id, "ai-draft/"+did[1]+"/check", url.Values{"body": {fixed}, "class": {"A"}}); code != 200 || strings.Contains(section(body, `id="ai-draft"`), "ai-fault") {
			t.Fatalf("check: %d %s", code, section(body, `id="ai-draft"`))
		}
		if code, body := act(t, drafter, db, id, "ai-draft/"+did[1]+"/accept", url.Values{"body": {fixed}, "class": {"A"}}); code != 303 {
			t.Fatalf("accept: %d %s", code, section(body, `id="flash"`))
		}
		p, _ := proposal.Get(ctx, db, mustInt(t, id))
		if p.ReplyBody != strings.ReplaceAll(fixed, "\r\n", "\n") || p.State != proposal.Drafted || !strings.Contains(p.ReplyFigures, "smart_factory_total") {
			t.Fatalf("accepted: %s %q %s", p.State, p.ReplyBody, p.ReplyFigures)
		}
		evs, err := audit.List(ctx, db, audit.Filter{Entity: "assist_draft", Action: "accept"})
		if err != nil || len(evs) != 1 || !strings.Contains(evs[0].After, `"accepted_by":"drafter"`) && !strings.Contains(evs[0].After, `"accepted_by":"`) || !strings.Contains(evs[0].After, `"prompt_sha256":"`) || !strings.Contains(evs[0].After, `"id":"smart_factory_total"`) {
			t.Fatalf("the acceptance in the audit chain: %+v (%v)", evs, err)
		}
		if n := webtest.CountRows(t, db, "assist_drafts"); n != 1 {
			t.Errorf("%d drafts kept", n)
		}
		// The security administrator sees the call log without prompt text,
		// and allows the member's name; a manager may not.
		sec := e.As(access.SecAdmin)
		resp, body = sec.Get("/admin/assist")
		if resp.StatusCode != 200 || !strings.Contains(body, "rate_limited") || !strings.Contains(body, ">ok<") || strings.Contains(body, "侧重智能制造") || !strings.Contains(body, "920 / 100000") {
			t.Fatalf("the settings page: %d %s", resp.StatusCode, section(body, `id="assist-tokens"`))
		}
		if resp, _ := drafter.Post("/admin/assist/fields", url.Values{"field": {"proposal.member"}, "allowed": {"1"}}); resp.StatusCode != 403 {
			t.Errorf("a manager set a field: %d", resp.StatusCode)
		}
		if resp, _ := sec.Post("/admin/assist/fields", url.Values{"field": {"proposal.member"}, "allowed": {"1"}}); resp.StatusCode != 303 {
			t.Fatalf("allow the member's name: %d", resp.StatusCode)
		}
		if allowed, err := assist.Allowed(ctx, db); err != nil || !allowed["proposal.member"] || allowed["proposal.cosigners"] {
			t.Errorf("fields after the change: %v (%v)", allowed, err)
		}
	})
}

// assignedProposal registers a proposal (the member's phone number in its
// text) and assigns it to the bureau with the industry bureau as co-unit.
func assignedProposal(t *testing.T, e *webtest.Env, db *store.DB) string {
	t.Helper()
	if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
		t.Fatal(err)
	}
	pc := newProposalCity(t, e)
	office := e.Client()
	office.SignIn("u-manager", webtest.Password)
	office.Get("/proposals/new")
	resp, _ := office.Post("/proposals", url.Values{"number": {"第0456号"}, "kind": {"cppcc"}, "member": {"王志坚"}, "member_contact": {"13912345678"},
		"title": {"关于智能制造的提案"}, "body": {"建议加大支持，联系电话13912345678。"}, "received_on": {"2025-03-01"}})
	id := webtest.IDFrom(t, resp.Header.Get("Location"), "/proposals/")
	if code, body := act(t, office, db, id, "assign", url.Values{"lead": {fmt.Sprint(pc.bureau)}, "co": {fmt.Sprint(pc.industry)}}); code != 303 {
		t.Fatalf("assign: %d %.300s", code, body)
	}
	return id
}

// section is the part of a page from marker on, for failure messages.
func section(page, marker string) string {
	i := strings.Index(page, marker)
	if i < 0 {
		return "(no " + marker + ")"
	}
	return page[i:min(len(page), i+3000)]
}
