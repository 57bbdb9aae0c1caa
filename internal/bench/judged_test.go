package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/assist"
	"github.com/xinzhi-platform/xinzhi/internal/democity"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestPrecision: precision at k over a hand-made ranking, unjudged
// candidates counted as misses and reported, a short list's missing
// places counted as misses.
func TestPrecision(t *testing.T) {
	judged := map[string]bool{"a": true, "b": false, "c": true, "x": true}
	ranked := []string{"a", "b", "c", "d", "e", "f"}
	for _, c := range []struct {
		k        int
		p        float64
		unjudged int
	}{{1, 1, 0}, {2, 0.5, 0}, {5, 0.4, 2}, {20, 0.1, 3}} {
		p, un := Precision(ranked, judged, c.k)
		if math.Abs(p-c.p) > 1e-12 || un != c.unjudged {
			t.Errorf("precision@%d = %v with %d unjudged, want %v with %d", c.k, p, un, c.p, c.unjudged)
		}
	}
	if p, _ := Precision(nil, judged, 5); p != 0 {
		t.Errorf("no candidates: precision %v, want 0", p)
	}
}

// TestParseJudged: the shipped pairs parse, cover at least 30 needs of
// both kinds with relevant and irrelevant candidates each; bad rows are
// refused.
func TestParseJudged(t *testing.T) {
	pairs, err := ParseJudged(strings.NewReader(judgedPairs))
	if err != nil {
		t.Fatal(err)
	}
	type tally struct{ rel, not int }
	needs := map[[2]string]*tally{}
	for _, p := range pairs {
		k := [2]string{p.Kind, p.Need}
		if needs[k] == nil {
			needs[k] = &tally{}
		}
		if p.Relevant {
			needs[k].rel++
		} else {
			needs[k].not++
		}
	}
	kinds := map[string]int{}
	for k, n := range needs {
		kinds[k[0]]++
		if n.rel == 0 || n.not == 0 {
			t.Errorf("%s %q: %d relevant and %d not: a need judged all one way says nothing of the order", k[0], k[1], n.rel, n.not)
		}
	}
	if len(needs) < 30 || kinds["challenge"] == 0 || kinds["funding_need"] == 0 {
		t.Errorf("%d needs judged (%v), want at least 30 of both kinds", len(needs), kinds)
	}
	for _, bad := range []string{
		"kind,need,candidate,relevant\nchallenge,a,b,2\n",
		"kind,need,candidate,relevant\nscene,a,b,1\n",
		"need,candidate,relevant,kind\nchallenge,a,b,1\n",
	} {
		if _, err := ParseJudged(strings.NewReader(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

// TestJudgedStep: on the demo city every judged need and candidate
// resolves, the plain matcher's precision is measured, and re-ranking
// through an embeddings endpoint (a local server speaking the OpenAI
// protocol that knows the judgements: an oracle) does at least as well
// at every weight and better at 0.75 — the wiring from model to figure.
func TestJudgedStep(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo city")
	}
	if raceEnabled {
		t.Skip("runs on both engines in the steps without -race (see race_on_test.go)")
	}
	pairs, err := ParseJudged(strings.NewReader(judgedPairs))
	if err != nil {
		t.Fatal(err)
	}
	rel := map[string]bool{} // need title + "|" + candidate key
	var titles []string
	for _, p := range pairs {
		if p.Relevant {
			rel[p.Need+"|"+p.Candidate] = true
		}
		titles = append(titles, p.Need)
	}
	oracle := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Input []string }
		json.NewDecoder(r.Body).Decode(&req)
		need := ""
		for _, t := range titles {
			if strings.HasPrefix(req.Input[0], t+"\n") && len(t) > len(need) {
				need = t
			}
		}
		var data []map[string]any
		for i, s := range req.Input {
			v := []float64{0, 1}
			key, _, _ := strings.Cut(s, "：")
			if name, inst, ok := strings.Cut(key, " "); ok {
				key = name + "@" + inst
			}
			if i == 0 || rel[need+"|"+key] {
				v = []float64{1, 0}
			}
			data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": v})
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data, "model": "oracle", "usage": map[string]any{"prompt_tokens": 1, "total_tokens": 1}})
	}))
	t.Cleanup(oracle.Close)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := democity.Load(ctx, db, democity.Options{Programs: programs.Files}); err != nil {
			t.Fatal(err)
		}
		cfg := Config{AI: assist.Config{BaseURL: oracle.URL + "/v1", Model: "chat", EmbedModel: "oracle", Timeout: 10 * time.Second, DailyTokens: 1e6}, AIOn: true}
		var rows []Row
		if err := judged(ctx, cfg, db, nil, func(r Row) { rows = append(rows, r) }); err != nil {
			t.Fatal(err)
		}
		plain := map[string]float64{}
		reranked := 0
		for _, r := range rows {
			var p5, p20 float64
			if _, err := fmt.Sscanf(r.Value, "%f / %f", &p5, &p20); err != nil {
				t.Fatalf("%s: %q: %v", r.What, r.Value, err)
			}
			kind, _, _ := strings.Cut(r.What, ":")
			if strings.Contains(r.What, "plain matcher") {
				if p5 <= 0 || p20 <= 0 || p5 > 1 || p20 > 1 {
					t.Errorf("%s: %s", r.What, r.Value)
				}
				plain[kind] = p5
				continue
			}
			reranked++
			if p5 < plain[kind] {
				t.Errorf("%s: %.3f below the plain matcher's %.3f with an oracle's embeddings", r.What, p5, plain[kind])
			}
			if strings.Contains(r.What, "all: re-ranked (weight 0.75)") && p5 <= plain[kind] {
				t.Errorf("%s: %.3f, no better than the plain matcher's %.3f with an oracle's embeddings", r.What, p5, plain[kind])
			}
		}
		if len(plain) != 3 || reranked != 9 {
			t.Errorf("%d plain rows and %d re-ranked, want 3 and 9:\n%s", len(plain), reranked, Markdown(rows))
		}
	})
}
