package assist

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// embeddings answers as the protocol documents an embeddings list, with a
// vector per input chosen by a word in it; data come back out of order,
// as the index says where each belongs.
func embeddings(w http.ResponseWriter, r *http.Request) {
	var req embedRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Model != "embed-1" {
		http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusBadRequest)
		return
	}
	vec := func(s string) []float64 {
		switch {
		case strings.Contains(s, "减速器") || strings.Contains(s, "齿轮"):
			return []float64{1, 0.1, 0}
		case strings.Contains(s, "芯片"):
			return []float64{0, 1, 0.2}
		}
		return []float64{0.1, 0.1, 1}
	}
	var data []map[string]any
	for i := len(req.Input) - 1; i >= 0; i-- {
		data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": vec(req.Input[i])})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data, "model": "embed-1", "usage": map[string]any{"prompt_tokens": 30, "total_tokens": 30}})
}

// TestRerank: suggestions are reordered by the blend of the matcher's
// score and the embeddings' similarity; personal data in the texts does
// not leave; the call is logged; with no embeddings model the matcher's
// order stands.
func TestRerank(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEndpoint(t, embeddings)
		s := New(Config{BaseURL: e.URL + "/v1", Model: "gov-llm-1", EmbedModel: "embed-1", Key: "sk-test", Timeout: 5 * time.Second, DailyTokens: 1000}, true, db, nil)
		cands := []Ranked{
			{ID: 1, Text: "芯片封装测试，联系电话13800138000", Score: 10},
			{ID: 2, Text: "精密减速器研发制造", Score: 8},
			{ID: 3, Text: "物流仓储", Score: 9},
		}
		got, err := s.Rerank(ctx, Who{Name: "经办人"}, "高精度齿轮减速器攻关", cands, 0.5)
		if err != nil {
			t.Fatal(err)
		}
		var order []int64
		for _, c := range got {
			order = append(order, c.ID)
		}
		if len(order) != 3 || order[0] != 2 {
			t.Fatalf("re-ranked order %v (%+v)", order, got)
		}
		if sent := e.sent()[0]; strings.Contains(sent, "13800138000") || !strings.Contains(sent, `"model":"embed-1"`) {
			t.Errorf("what was sent: %s", sent)
		}
		calls, err := Calls(ctx, db, 5)
		if err != nil || len(calls) != 1 || calls[0].Purpose != PurposeRerank || calls[0].Model != "embed-1" || calls[0].In != 30 {
			t.Errorf("call log %+v (%v)", calls, err)
		}
		noEmbed := New(Config{BaseURL: e.URL + "/v1", Model: "gov-llm-1", Timeout: time.Second, DailyTokens: 1000}, true, db, nil)
		kept, err := noEmbed.Rerank(ctx, Who{}, "减速器", cands, 0.5)
		if !errors.Is(err, problem.ErrNotFound) || kept[0].ID != 1 {
			t.Errorf("without an embeddings model: %v %v", kept, err)
		}
	})
}

// TestBlend: the weight moves the order from the matcher's (0) to the
// similarity's (1); between, the blend of score scaled to the best and
// similarity decides, ties keeping the matcher's order.
func TestBlend(t *testing.T) {
	cands := []Ranked{{ID: 1, Score: 4, Similarity: 0.1}, {ID: 2, Score: 3, Similarity: 0.9}, {ID: 3, Score: 2, Similarity: 0.5}, {ID: 4, Score: 2, Similarity: 0.5}}
	for _, c := range []struct {
		w    float64
		want string
	}{{0, "1234"}, {1, "2341"}, {0.5, "2134"}} {
		got := ""
		for _, r := range Blend(cands, c.w) {
			got += string(rune('0' + r.ID))
		}
		if got != c.want {
			t.Errorf("weight %v: order %s, want %s", c.w, got, c.want)
		}
	}
	if cands[0].ID != 1 || cands[0].Blend != 0 {
		t.Error("Blend changed its argument")
	}
}
