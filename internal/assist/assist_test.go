package assist

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/report"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

var ctx = context.Background()

// endpoint is a local server speaking the OpenAI wire protocol: each
// request to /chat/completions takes the next answer; every request body
// is kept, to see what left.
type endpoint struct {
	*httptest.Server
	mu      sync.Mutex
	answers []func(w http.ResponseWriter, r *http.Request)
	bodies  []string
}

func newEndpoint(t *testing.T, answers ...func(w http.ResponseWriter, r *http.Request)) *endpoint {
	e := &endpoint{answers: answers}
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(strings.NewReader(string(b)))
		e.mu.Lock()
		e.bodies = append(e.bodies, string(b))
		var next func(http.ResponseWriter, *http.Request)
		if len(e.answers) > 0 {
			next, e.answers = e.answers[0], e.answers[1:]
		}
		e.mu.Unlock()
		if r.Method != http.MethodPost || (r.URL.Path != "/v1/chat/completions" && r.URL.Path != "/v1/embeddings") || next == nil {
			http.Error(w, `{"error":{"message":"unexpected request","type":"invalid_request_error"}}`, http.StatusNotFound)
			return
		}
		if r.Header.Get("Authorization") != "Bearer sk-test" {
			http.Error(w, `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}`, http.StatusUnauthorized)
			return
		}
		next(w, r)
	}))
	t.Cleanup(e.Close)
	return e
}

func (e *endpoint) sent() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.bodies...)
}

// completion answers as the protocol documents a chat completion.
func completion(content string, in, out int) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		b, _ := json.Marshal(map[string]any{
			"id": "chatcmpl-abc123", "object": "chat.completion", "created": 1751328000, "model": "gov-llm-1",
			"choices": []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": content}, "logprobs": nil, "finish_reason": "stop"}},
			"usage":   map[string]any{"prompt_tokens": in, "completion_tokens": out, "total_tokens": in + out},
		})
		w.Write(b)
	}
}

// rateLimited answers 429 as the protocol documents it.
func rateLimited(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Retry-After", "20")
	w.WriteHeader(http.StatusTooManyRequests)
	io.WriteString(w, `{"error":{"message":"Rate limit reached for requests","type":"requests","param":null,"code":"rate_limit_exceeded"}}`)
}

// stall never answers: the client's timeout ends the call.
func stall(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }

func service(db *store.DB, url string, daily int64, timeout time.Duration) *Service {
	return New(Config{BaseURL: url + "/v1", Model: "gov-llm-1", Key: "sk-test", Timeout: timeout, DailyTokens: daily}, true, db, nil)
}

var figures = map[string]report.Figure{
	"smart_factory_total": {ID: "smart_factory_total", Name: "智能工厂累计", Unit: "家", Value: 61, AsOf: "2025-06-30", Records: []int64{1, 2, 3}},
	"sme_digital_total":   {ID: "sme_digital_total", Name: "中小企业数字化转型累计", Unit: "户", Value: 1400, AsOf: "2025-06-30", Records: []int64{4, 5}},
	"compute_share":       {ID: "compute_share", Name: "算力券使用率", Unit: "%", Value: 36.54, AsOf: "2025-06-30", Records: []int64{}},
}

var request = ReplyRequest{ProposalID: 7, Title: "关于加快智能制造的提案", Member: "王建国", Cosigners: "李四",
	Body: "建议加大支持。联系电话13800138000，身份证210102199003071234，邮箱wang@example.cn。", Template: "reply_smart", AsOf: "2025-06-30", Figures: figures}

func kind(err error) string {
	var pe *problem.Error
	if errors.As(err, &pe) {
		return pe.Key
	}
	return ""
}

// TestDraftReplyBindsNumbers: the model's draft carries a number the
// records do not give (1500 where they give 1400); it is marked and the
// draft cannot be accepted until fixed; accepting is audited with the
// model, the prompt's hash and the bound figures. What left held no
// personal data, and the member's name only once an administrator allows
// it.
func TestDraftReplyBindsNumbers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		answer := "截至2025年6月30日，全市累计认定智能工厂{{smart_factory_total}}家，推动{{sme_digital_total|zh}}户中小企业开展数字化转型，算力券使用率{{compute_share|pct}}%。\n一是持续推进，二是培育企业1500户。"
		e := newEndpoint(t, completion(answer, 420, 120), completion(answer, 400, 100))
		s := service(db, e.URL, 100000, 5*time.Second)
		who := Who{Name: "起草人"}
		id, err := s.DraftReply(ctx, who, request)
		if err != nil {
			t.Fatal(err)
		}
		d, err := GetDraft(ctx, db, id)
		if err != nil {
			t.Fatal(err)
		}
		wantBody := "截至2025年6月30日，全市累计认定智能工厂61家，推动1400户中小企业开展数字化转型，算力券使用率36.5%。\n一是持续推进，二是培育企业1500户。"
		if d.Body != wantBody {
			t.Fatalf("filled draft:\n%s\nwant\n%s", d.Body, wantBody)
		}
		c := Check(d.Body, d.Figures)
		var faults, bound []string
		for _, m := range c.Marks {
			if m.Problem != "" {
				faults = append(faults, m.Text)
			}
			if m.Bound() {
				bound = append(bound, m.Text+"="+m.Figure)
			}
		}
		if strings.Join(faults, ",") != "1500" || strings.Join(bound, ",") != "61=smart_factory_total,1400=sme_digital_total,36.5%=compute_share" {
			t.Fatalf("faults %v, bound %v", faults, bound)
		}
		sent := e.sent()[0]
		for _, personal := range []string{"13800138000", "210102199003071234", "wang@example.cn", "王建国", "李四"} {
			if strings.Contains(sent, personal) {
				t.Errorf("the request carried %q:\n%s", personal, sent)
			}
		}
		if !strings.Contains(sent, "{{sme_digital_total}}") || !strings.Contains(sent, "1400户") {
			t.Errorf("the request did not give the figures: %s", sent)
		}

		// Accepting as drafted is refused, and changes nothing.
		err = db.InTx(ctx, func(tx *store.Tx) error { _, err := Accept(ctx, tx, d, who, d.Body); return err })
		if !errors.Is(err, problem.ErrInvalid) || kind(err) != "assist.unbound" {
			t.Fatalf("accepting an unbound number: %v", err)
		}
		if again, _ := GetDraft(ctx, db, id); again.State != "open" {
			t.Fatalf("a refused acceptance changed the draft: %s", again.State)
		}
		// Fixed, it is accepted, and the figures it states are the report's.
		fixed := strings.Replace(d.Body, "1500", "1400", 1)
		var rep report.Issued
		err = db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			rep, err = Accept(ctx, tx, d, Who{UserID: 0, Name: "科长"}, fixed)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Figures) != 3 || rep.Body != fixed || rep.AsOf != "2025-06-30" {
			t.Fatalf("accepted report: %+v", rep)
		}
		evs, err := audit.List(ctx, db, audit.Filter{Entity: "assist_draft"})
		if err != nil {
			t.Fatal(err)
		}
		var accepted *audit.Event
		for i := range evs {
			if evs[i].Action == "accept" {
				accepted = &evs[i]
			}
		}
		if accepted == nil {
			t.Fatalf("no accept in the audit chain: %+v", evs)
		}
		after := accepted.After
		for _, want := range []string{`"accepted_by":"科长"`, `"model":"gov-llm-1"`, `"prompt_sha256":"` + d.PromptHash + `"`, `"id":"sme_digital_total"`, `"value":1400`} {
			if !strings.Contains(after, want) {
				t.Errorf("audit of the acceptance lacks %s: %s", want, after)
			}
		}
		if len(d.PromptHash) != 64 {
			t.Errorf("prompt hash %q", d.PromptHash)
		}
		// A second acceptance of the same draft is a conflict.
		err = db.InTx(ctx, func(tx *store.Tx) error { _, err := Accept(ctx, tx, d, who, fixed); return err })
		if !errors.Is(err, problem.ErrConflict) {
			t.Fatalf("accepting twice: %v", err)
		}

		// The administrator allows the member's name: it is sent, the
		// phone number still is not.
		if err := SetField(ctx, db, "admin", "proposal.member", true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DraftReply(ctx, who, request); err != nil {
			t.Fatal(err)
		}
		sent = e.sent()[1]
		if !strings.Contains(sent, "王建国") || strings.Contains(sent, "13800138000") || strings.Contains(sent, "李四") {
			t.Errorf("with the member allowed, the request was:\n%s", sent)
		}
		used, _, err := s.Used(ctx)
		if err != nil || used != 420+120+400+100 {
			t.Errorf("tokens used %d (%v)", used, err)
		}
		calls, err := Calls(ctx, db, 10)
		if err != nil || len(calls) != 2 || calls[0].Status != "ok" || calls[0].In != 400 || calls[0].PromptHash == "" {
			t.Errorf("call log %+v (%v)", calls, err)
		}
	})
}

// TestFailuresAreOrdinary: a 429, a timeout, an endpoint that is down and
// a spent budget each give their own message, are logged, and keep no
// draft.
func TestFailuresAreOrdinary(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEndpoint(t, rateLimited, stall, completion("{{smart_factory_total}}家", 90, 20))
		s := service(db, e.URL, 100, 200*time.Millisecond)
		who := Who{Name: "起草人"}
		for _, want := range []struct {
			key  string
			kind error
		}{{"assist.rate_limited", problem.ErrTooMany}, {"assist.timeout", problem.ErrConflict}} {
			_, err := s.DraftReply(ctx, who, request)
			if kind(err) != want.key || !errors.Is(err, want.kind) {
				t.Fatalf("want %s, got %v", want.key, err)
			}
		}
		// Within budget: 110 tokens spent of 100.
		if _, err := s.DraftReply(ctx, who, request); err != nil {
			t.Fatal(err)
		}
		_, err := s.DraftReply(ctx, who, request)
		if kind(err) != "assist.budget" || !errors.Is(err, problem.ErrTooMany) {
			t.Fatalf("a spent budget: %v", err)
		}
		if n := len(e.sent()); n != 3 {
			t.Errorf("%d requests reached the endpoint; the spent budget must stop the fourth", n)
		}
		down := service(db, "http://127.0.0.1:1", 100000, time.Second)
		if _, err := down.DraftReply(ctx, who, request); kind(err) != "assist.down" {
			t.Fatalf("an endpoint that is down: %v", err)
		}
		calls, err := Calls(ctx, db, 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range calls {
			got = append(got, c.Status)
		}
		if strings.Join(got, ",") != "down,budget,ok,timeout,rate_limited" {
			t.Errorf("call log statuses (newest first): %v", got)
		}
		var drafts int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM assist_drafts`).Scan(&drafts); err != nil || drafts != 1 {
			t.Errorf("%d drafts kept (%v); only the answered call keeps one", drafts, err)
		}
		// With nothing configured there is no service and it says so.
		var off *Service
		if off.On() {
			t.Error("a nil service is on")
		}
		if _, err := off.DraftReply(ctx, who, request); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("drafting with no endpoint: %v", err)
		}
	})
}

func TestFromEnv(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	if _, on, err := FromEnv(env()); on || err != nil {
		t.Errorf("nothing set: on=%v err=%v", on, err)
	}
	c, on, err := FromEnv(env("XINZHI_AI_BASE_URL", "https://llm.example.gov.cn/v1/", "XINZHI_AI_MODEL", "m", "XINZHI_AI_KEY", "k", "XINZHI_AI_TIMEOUT", "30s", "XINZHI_AI_DAILY_TOKENS", "5000"))
	if !on || err != nil || c.BaseURL != "https://llm.example.gov.cn/v1" || c.Timeout != 30*time.Second || c.DailyTokens != 5000 || c.Key != "k" {
		t.Errorf("FromEnv: %+v on=%v err=%v", c, on, err)
	}
	for _, bad := range [][]string{
		{"XINZHI_AI_BASE_URL", "llm.example", "XINZHI_AI_MODEL", "m"},
		{"XINZHI_AI_BASE_URL", "https://llm.example/v1"},
		{"XINZHI_AI_BASE_URL", "https://llm.example/v1", "XINZHI_AI_MODEL", "m", "XINZHI_AI_KEY", "a", "XINZHI_AI_KEY_FILE", "/k"},
		{"XINZHI_AI_BASE_URL", "https://llm.example/v1", "XINZHI_AI_MODEL", "m", "XINZHI_AI_TIMEOUT", "soon"},
		{"XINZHI_AI_BASE_URL", "https://llm.example/v1", "XINZHI_AI_MODEL", "m", "XINZHI_AI_DAILY_TOKENS", "-1"},
		{"XINZHI_AI_BASE_URL", "https://llm.example/v1", "XINZHI_AI_MODEL", "m", "XINZHI_AI_KEY_FILE", "/nonexistent/key"},
	} {
		if _, on, err := FromEnv(env(bad...)); on || err == nil {
			t.Errorf("FromEnv(%v) accepted", bad)
		}
	}
}
