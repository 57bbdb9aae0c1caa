package match

import (
	"container/heap"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// MaxQueryTerms is how many of a query's terms are scored: the rarest ones
// (highest idf) when a long text, such as a challenge's need, gives more.
const MaxQueryTerms = 32

// Query asks for the best candidates for a need.
type Query struct {
	// Text is the need in words; Terms, if set, are used instead of the
	// terms of Text (already segmented, e.g. by a benchmark).
	Text  string
	Terms []string
	// Fields overrides the index's field weights for this query.
	Fields map[string]float64
	// Must are hard constraints: a candidate failing one is not suggested.
	Must []Constraint
	// Features add weighted, normalised numbers to the score.
	Features []Feature
	// TextWeight weighs text relevance (scaled to 0–1 by the best candidate)
	// against the features; 1 when zero.
	TextWeight float64
	// Exclude lists document IDs never to suggest (the need's owner, …).
	Exclude []int64
	// Limit is how many suggestions to return (20 when zero).
	Limit int
	// Browse ranks every candidate passing the constraints, the text only
	// adding to the score (a compute demand: any centre with the capacity
	// will do); otherwise a candidate must share a term with the text.
	Browse bool
}

// Constraint is one hard condition. Build them with In, Between and Covers.
type Constraint struct {
	Attr   string
	Values []string
	Num    string
	Min    float64
	Max    float64
	Covers bool
	Value  float64
}

// In requires attribute attr to hold one of values.
func In(attr string, values ...string) Constraint { return Constraint{Attr: attr, Values: values} }

// Between requires number num to lie in [lo, hi].
func Between(num string, lo, hi float64) Constraint { return Constraint{Num: num, Min: lo, Max: hi} }

// Covers requires the candidate's range num_min … num_max (a missing bound is
// open) to contain v: a product lending 1–5 million covers a need of 2.
func Covers(num string, v float64) Constraint { return Constraint{Num: num, Covers: true, Value: v} }

// Condition is a constraint a suggestion met, for people and programs:
// an attribute and the values allowed, or a number and its bounds (Covers:
// the candidate's range holds that value), with a plain Text.
type Condition struct {
	Attr   string   `json:"attr,omitempty"`
	Values []string `json:"values,omitempty"`
	Num    string   `json:"num,omitempty"`
	Min    *float64 `json:"min,omitempty"`
	Max    *float64 `json:"max,omitempty"`
	Covers *float64 `json:"covers,omitempty"`
	Text   string   `json:"text"`
}

func (c Constraint) condition() Condition {
	out := Condition{Attr: c.Attr, Values: c.Values, Text: c.String()}
	switch {
	case c.Attr != "":
	case c.Covers:
		v := c.Value
		out.Num, out.Covers = c.Num, &v
	default:
		lo, hi := c.Min, c.Max
		out.Num, out.Min, out.Max = c.Num, &lo, &hi
	}
	return out
}

func (c Constraint) String() string {
	switch {
	case c.Attr != "":
		return fmt.Sprintf("%s ∈ {%s}", c.Attr, strings.Join(c.Values, ", "))
	case c.Covers:
		return fmt.Sprintf("%s_min ≤ %s ≤ %s_max", c.Num, plain(c.Value), c.Num)
	default:
		return fmt.Sprintf("%s ≤ %s ≤ %s", plain(c.Min), c.Num, plain(c.Max))
	}
}

// Feature adds Weight × a number scaled to 0–1: log(1+v)/log(1+max) for
// counts (higher is better), 1 − v/max when Lower (price), or, with Near,
// 1/(1 + km/10) from the point Near = {lat, lon} to the candidate's lat, lon.
type Feature struct {
	Name   string
	Weight float64
	Lower  bool
	Near   *[2]float64
}

// Suggestion is one ranked candidate and why.
type Suggestion struct {
	ID       int64        `json:"id"`
	Score    float64      `json:"score"`
	Text     float64      `json:"text"` // the text part of Score, after TextWeight
	Terms    []TermHit    `json:"terms"`
	Features []FeatureHit `json:"features"`
	Passed   []Condition  `json:"passed"`
}

// TermHit is one query term the candidate holds.
type TermHit struct {
	Term   string   `json:"term"`
	Fields []string `json:"fields"`
	Score  float64  `json:"score"` // its BM25F contribution, before scaling
}

// FeatureHit is one feature's part of the score.
type FeatureHit struct {
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Weight float64 `json:"weight"`
	Points float64 `json:"points"` // Weight × the scaled value
}

type qterm struct {
	term string
	id   uint32
	idf  float64
}

// scratch is per-query working memory, pooled: one score per slot.
type scratch struct {
	acc     []float32
	touched []uint32
}

var scratches sync.Pool

// Match returns the best candidates for q, best first.
func (ix *Index) Match(q Query) ([]Suggestion, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 20
	}
	weights := slices.Clone(ix.weight)
	for name, w := range q.Fields {
		f, ok := slices.BinarySearch(ix.fields, name)
		if !ok {
			return nil, fmt.Errorf("match: unknown text field %q (the index has %v)", name, ix.fields)
		}
		if !(w >= 0) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("match: field %q needs a weight of 0 or more, got %v", name, w)
		}
		weights[f] = w
	}
	for _, ft := range q.Features {
		if !(ft.Weight >= 0) || math.IsInf(ft.Weight, 0) {
			return nil, fmt.Errorf("match: feature %q needs a weight of 0 or more, got %v", ft.Name, ft.Weight)
		}
	}
	textWeight := q.TextWeight
	if textWeight == 0 {
		textWeight = 1
	}
	terms := q.Terms
	if terms == nil && strings.TrimSpace(q.Text) != "" {
		terms = ix.seg.QueryTerms(q.Text)
	}

	ix.mu.RLock()
	defer ix.mu.RUnlock()
	n := len(ix.bySlot)
	qts := ix.pickTerms(terms, n)
	cons, ok := ix.compile(q.Must)
	if !ok {
		return nil, nil // a required value nobody holds
	}
	excluded := map[uint32]bool{}
	for _, id := range q.Exclude {
		if s, ok := ix.bySlot[id]; ok {
			excluded[s] = true
		}
	}

	sc, _ := scratches.Get().(*scratch)
	if sc == nil {
		sc = &scratch{}
	}
	if len(sc.acc) < len(ix.ids) {
		sc.acc = make([]float32, len(ix.ids)+len(ix.ids)/4)
	}
	defer func() {
		for _, s := range sc.touched {
			sc.acc[s] = 0
		}
		sc.touched = sc.touched[:0]
		scratches.Put(sc)
	}()

	norms := ix.norms(weights, n)
	candidates := func(yield func(uint32) bool) {
		if len(qts) > 0 && !q.Browse {
			for _, s := range sc.touched {
				if !yield(s) {
					return
				}
			}
			return
		}
		// No text: every live slot passing the most selective In.
		if best := cons.narrowestOf(ix); best != nil {
			for _, s := range best {
				if ix.alive[s] && !yield(s) {
					return
				}
			}
			return
		}
		for s, ok := range ix.alive {
			if ok && !yield(uint32(s)) {
				return
			}
		}
	}
	cand, pruned := ix.scoreTerms(sc, qts, norms, q, cons, excluded, limit, textWeight)
	if pruned && !q.Browse {
		candidates = slices.Values(cand)
	}

	// Pass 1: constraints, and the best text score among those passing.
	passing := make([]uint32, 0, 256)
	var best float32
	for s := range candidates {
		if excluded[s] || !cons.pass(ix, s) {
			continue
		}
		passing = append(passing, s)
		best = max(best, sc.acc[s])
	}
	// Pass 2: the final score; keep the top limit. Features add at most
	// their weights, so a candidate whose text cannot lift it above the
	// worst kept is not scored further.
	maxFeatures := 0.0
	for _, f := range q.Features {
		maxFeatures += f.Weight
	}
	h := &topK{}
	for _, s := range passing {
		text := 0.0
		if best > 0 {
			text = textWeight * float64(sc.acc[s]/best)
		}
		if h.Len() == limit && text+maxFeatures < (*h)[0].score {
			continue
		}
		score := text + ix.featurePoints(q.Features, s, nil)
		x := hit{s, ix.ids[s], score, text}
		if h.Len() < limit {
			heap.Push(h, x)
		} else if (*h)[0].worse(x) {
			(*h)[0] = x
			heap.Fix(h, 0)
		}
	}
	out := make([]Suggestion, h.Len())
	for i := len(out) - 1; i >= 0; i-- {
		x := heap.Pop(h).(hit)
		out[i] = ix.explain(x, qts, norms, q)
	}
	return out, nil
}

// pickTerms keeps the query's known terms, at most MaxQueryTerms of them,
// rarest first.
func (ix *Index) pickTerms(terms []string, n int) []qterm {
	var qts []qterm
	seen := map[string]bool{}
	for _, t := range terms {
		id, ok := ix.dict[t]
		if !ok || seen[t] || ix.df[id] == 0 {
			continue
		}
		seen[t] = true
		df := float64(ix.df[id])
		qts = append(qts, qterm{t, id, math.Log(1 + (float64(n)-df+0.5)/(df+0.5))})
	}
	slices.SortStableFunc(qts, func(a, b qterm) int {
		switch {
		case a.idf > b.idf:
			return -1
		case a.idf < b.idf:
			return 1
		}
		return strings.Compare(a.term, b.term)
	})
	if len(qts) > MaxQueryTerms {
		qts = qts[:MaxQueryTerms]
	}
	return qts
}

// norms returns, per field and length code, the field's weight over BM25's
// length normalisation: w/(1−b+b·len/avg).
func (ix *Index) norms(weights []float64, n int) [][256]float64 {
	out := make([][256]float64, len(ix.fields))
	for f := range out {
		avg := 1.0
		if n > 0 && ix.ftotal[f] > 0 {
			avg = ix.ftotal[f] / float64(n)
		}
		for c := range 256 {
			out[f][c] = weights[f] / (1 - ix.b + ix.b*lenOf(uint8(c))/avg)
		}
	}
	return out
}

// accumulate adds one term's BM25F score to every live slot holding it:
// the field-weighted, length-normalised frequency tf' = Σ w·tf/(1−b+b·len/avg)
// saturates as idf·tf'(k1+1)/(k1+tf').
func (ix *Index) accumulate(sc *scratch, qt qterm, norms [][256]float64) {
	list := ix.postings[qt.id]
	k1 := ix.k1
	for i := 0; i < len(list); {
		s := list[i].slot
		var tfw float64
		for ; i < len(list) && list[i].slot == s; i++ {
			p := list[i]
			tfw += float64(p.tf) * norms[p.field][p.len]
		}
		if !ix.alive[s] || tfw == 0 {
			continue
		}
		if sc.acc[s] == 0 {
			sc.touched = append(sc.touched, s)
		}
		sc.acc[s] += float32(qt.idf * tfw * (k1 + 1) / (k1 + tfw))
	}
}

// featurePoints sums the features' points for slot s, appending each to
// hits when hits is not nil.
func (ix *Index) featurePoints(fs []Feature, s uint32, hits *[]FeatureHit) float64 {
	total := 0.0
	for _, ft := range fs {
		v, scaled := ix.feature(ft, s)
		pts := ft.Weight * scaled
		total += pts
		if hits != nil {
			if math.IsNaN(v) {
				v = 0 // the candidate has no such number: it scores nothing
			}
			*hits = append(*hits, FeatureHit{Name: ft.Name, Value: v, Weight: ft.Weight, Points: pts})
		}
	}
	return total
}

func (ix *Index) feature(ft Feature, s uint32) (v, scaled float64) {
	if ft.Near != nil {
		lat, lon := ix.num("lat", s), ix.num("lon", s)
		if math.IsNaN(lat) || math.IsNaN(lon) {
			return math.NaN(), 0
		}
		km := haversine(ft.Near[0], ft.Near[1], lat, lon)
		return km, 1 / (1 + km/10)
	}
	v = ix.num(ft.Name, s)
	mx := ix.numMax[ft.Name]
	if math.IsNaN(v) || mx <= 0 {
		return v, 0
	}
	v = max(v, 0)
	if ft.Lower {
		return v, max(0, 1-v/mx)
	}
	return v, math.Log1p(v) / math.Log1p(mx)
}

func (ix *Index) num(name string, s uint32) float64 {
	col, ok := ix.nums[name]
	if !ok || int(s) >= len(col) {
		return math.NaN()
	}
	return float64(col[s])
}

func haversine(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0
	rad := math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * r * math.Asin(math.Sqrt(min(1, a)))
}

// explain spells out why slot x.slot scored as it did.
func (ix *Index) explain(x hit, qts []qterm, norms [][256]float64, q Query) Suggestion {
	s := x.slot
	sg := Suggestion{ID: ix.ids[s], Score: x.score, Text: x.text, Terms: []TermHit{}, Features: []FeatureHit{}, Passed: []Condition{}} // empty lists, not null, for the API
	for _, qt := range qts {
		list := ix.postings[qt.id]
		i, _ := slices.BinarySearchFunc(list, s, func(p posting, s uint32) int { return cmpSlot(p.slot, s) })
		var tfw float64
		var fields []string
		for ; i < len(list) && list[i].slot == s; i++ {
			p := list[i]
			tfw += float64(p.tf) * norms[p.field][p.len]
			fields = append(fields, ix.fields[p.field])
		}
		if tfw > 0 {
			sg.Terms = append(sg.Terms, TermHit{Term: qt.term, Fields: fields, Score: qt.idf * tfw * (ix.k1 + 1) / (ix.k1 + tfw)})
		}
	}
	slices.SortStableFunc(sg.Terms, func(a, b TermHit) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	})
	ix.featurePoints(q.Features, s, &sg.Features)
	for _, c := range q.Must {
		sg.Passed = append(sg.Passed, c.condition())
	}
	return sg
}

type hit struct {
	slot  uint32
	id    int64
	score float64
	text  float64
}

// worse orders hits: a lower score, or on a tie the larger ID, is worse, so
// results do not depend on insertion order.
func (a hit) worse(b hit) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	return a.id > b.id
}

// topK is a min-heap: the worst hit kept is at the top.
type topK []hit

func (h topK) Len() int           { return len(h) }
func (h topK) Less(i, j int) bool { return h[i].worse(h[j]) }
func (h topK) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *topK) Push(x any)        { *h = append(*h, x.(hit)) }
func (h *topK) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// plain prints a number without an exponent.
func plain(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
