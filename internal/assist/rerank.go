package assist

import (
	"context"
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
)

// PurposeRerank is re-ranking a matcher's suggestions by embeddings.
const PurposeRerank = "match_rerank"

// Ranked is one suggestion to re-rank: the matcher's score and the text
// that describes the candidate (its profile as the matcher indexed it).
type Ranked struct {
	ID         int64
	Text       string
	Score      float64 // the matcher's
	Similarity float64 // cosine of the need's and the candidate's embeddings, after Rerank
	Blend      float64 // what Rerank orders by
}

// maxEmbedText is the most of a text sent to be embedded (runes).
const maxEmbedText = 1000

// Rerank orders the matcher's suggestions for need by a blend of the
// matcher's score (scaled to the best one) and the cosine similarity of
// embeddings: (1-weight)·score/best + weight·similarity. Texts are
// scrubbed of personal data before they leave; the call is logged and
// counted against the day's budget like any other. The matcher's own
// order is kept on ties. With no embeddings model configured it refuses
// (assist.off), and callers keep the matcher's order.
func (s *Service) Rerank(ctx context.Context, who Who, need string, cands []Ranked, weight float64) ([]Ranked, error) {
	if s == nil || s.cfg.EmbedModel == "" {
		return cands, problem.New(problem.ErrNotFound, "assist.off")
	}
	if len(cands) == 0 {
		return cands, nil
	}
	inputs := make([]string, 0, len(cands)+1)
	for _, t := range append([]string{need}, texts(cands)...) {
		clean, _ := Scrub(strings.TrimSpace(t))
		if utf8.RuneCountInString(clean) > maxEmbedText {
			clean = string([]rune(clean)[:maxEmbedText])
		}
		if clean == "" {
			clean = "—"
		}
		inputs = append(inputs, clean)
	}
	vecs, err := s.embed(ctx, who, PurposeRerank, inputs)
	if err != nil {
		return cands, err
	}
	out := make([]Ranked, len(cands))
	for i, c := range cands {
		c.Similarity = cosine(vecs[0], vecs[i+1])
		out[i] = c
	}
	return Blend(out, weight), nil
}

// Blend orders cands, whose Similarity is set, by
// (1-weight)·score/best + weight·similarity, keeping the matcher's order
// on ties; Rerank ends with it, and a measurement may try other weights
// on the same similarities without embedding again.
func Blend(cands []Ranked, weight float64) []Ranked {
	best := 0.0
	for _, c := range cands {
		best = math.Max(best, c.Score)
	}
	out := make([]Ranked, len(cands))
	for i, c := range cands {
		scaled := 0.0
		if best > 0 {
			scaled = c.Score / best
		}
		c.Blend = (1-weight)*scaled + weight*c.Similarity
		out[i] = c
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Blend > out[j].Blend })
	return out
}

func texts(cs []Ranked) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Text
	}
	return out
}

// cosine is the cosine similarity of a and b (0 when either is zero or
// they differ in length).
func cosine(a, b []float64) float64 {
	if len(a) != len(b) {
		return 0
	}
	var dot, na, nb float64
	for i := range a {
		dot += a[i] * b[i]
		na += a[i] * a[i]
		nb += b[i] * b[i]
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}
