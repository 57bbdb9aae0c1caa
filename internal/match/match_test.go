package match

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/search"
)

func segmenter(t testing.TB) *search.Segmenter {
	t.Helper()
	seg, err := search.Default()
	if err != nil {
		t.Fatal(err)
	}
	return seg
}

var orgFields = Config{Fields: map[string]float64{"name": 3, "description": 1, "capability": 2}}

func newIndex(t testing.TB, docs ...Doc) *Index {
	t.Helper()
	ix, err := New(segmenter(t), orgFields)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.PutAll(docs); err != nil {
		t.Fatal(err)
	}
	return ix
}

func ids(ss []Suggestion) []int64 {
	var out []int64
	for _, s := range ss {
		out = append(out, s.ID)
	}
	return out
}

var city = []Doc{
	{ID: 1, Text: map[string]string{"name": "沈阳精密温控技术有限公司", "description": "半导体设备温控模块研发"},
		Attrs: map[string][]string{"kind": {"enterprise"}, "district": {"浑南区"}, "cluster": {"集成电路"}},
		Nums:  map[string]float64{"problems_solved": 2, "lat": 41.74, "lon": 123.45}},
	{ID: 2, Text: map[string]string{"name": "东北大学", "description": "冶金、材料、自动化", "capability": "精密温控 半导体设备 热管理"},
		Attrs: map[string][]string{"kind": {"university"}, "district": {"和平区"}},
		Nums:  map[string]float64{"problems_solved": 40, "lat": 41.77, "lon": 123.42}},
	{ID: 3, Text: map[string]string{"name": "沈阳机器人研究所", "description": "工业机器人 视觉检测 温控"},
		Attrs: map[string][]string{"kind": {"institute"}, "district": {"浑南区"}},
		Nums:  map[string]float64{"problems_solved": 10, "lat": 41.70, "lon": 123.50}},
	{ID: 4, Text: map[string]string{"name": "大连涂胶显影装备公司", "description": "涂胶显影设备 半导体设备"},
		Attrs: map[string][]string{"kind": {"enterprise"}, "district": {"外地"}},
		Nums:  map[string]float64{"problems_solved": 0, "lat": 38.91, "lon": 121.61}},
	{ID: 5, Text: map[string]string{"name": "科技贷A", "description": "科技信贷 研发贷款"},
		Attrs: map[string][]string{"kind": {"product"}, "stage": {"研发", "中试"}},
		Nums:  map[string]float64{"amount_min": 1e6, "amount_max": 5e6, "rate": 3.2}},
	{ID: 6, Text: map[string]string{"name": "科技贷B", "description": "科技信贷 中试贷款"},
		Attrs: map[string][]string{"kind": {"product"}, "stage": {"中试", "产业化"}},
		Nums:  map[string]float64{"amount_min": 5e6, "rate": 4.1}},
}

func TestMatch(t *testing.T) {
	ix := newIndex(t, city...)
	near := [2]float64{41.74, 123.45}
	cases := []struct {
		name string
		q    Query
		want []int64
	}{
		{"name weighs more than description", Query{Text: "精密温控"}, []int64{1, 2, 3}},
		{"constraint on kind", Query{Text: "精密温控", Must: []Constraint{In("kind", "university", "institute")}}, []int64{2, 3}},
		{"constraint on district", Query{Text: "半导体设备", Must: []Constraint{In("district", "浑南区", "和平区")}}, []int64{1, 2}},
		{"unknown value matches nothing", Query{Text: "温控", Must: []Constraint{In("kind", "bank")}}, nil},
		{"exclude the owner", Query{Text: "精密温控", Exclude: []int64{1}}, []int64{2, 3}},
		{"features lift a strong solver", Query{Text: "温控", Features: []Feature{{Name: "problems_solved", Weight: 2}}}, []int64{2, 3, 1}},
		{"distance", Query{Text: "半导体设备", Features: []Feature{{Name: "distance", Weight: 3, Near: &near}}, TextWeight: 0.1}, []int64{1, 2, 4}},
		{"amount range covers the need", Query{Text: "科技信贷", Must: []Constraint{Covers("amount", 2e6)}}, []int64{5}},
		{"open upper bound", Query{Text: "科技信贷", Must: []Constraint{Covers("amount", 8e6)}}, []int64{6}},
		{"stage and lower rate", Query{Must: []Constraint{In("stage", "中试")}, Features: []Feature{{Name: "rate", Weight: 1, Lower: true}}}, []int64{5, 6}},
		{"between", Query{Must: []Constraint{Between("problems_solved", 5, 50)}, Features: []Feature{{Name: "problems_solved", Weight: 1}}}, []int64{2, 3}},
		{"limit", Query{Text: "精密温控", Limit: 1}, []int64{1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ix.Match(c.q)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(got), c.want) {
				t.Errorf("got %v, want %v", ids(got), c.want)
			}
		})
	}
}

func TestExplanation(t *testing.T) {
	ix := newIndex(t, city...)
	got, err := ix.Match(Query{Text: "精密温控半导体", Must: []Constraint{In("kind", "university")},
		Features: []Feature{{Name: "problems_solved", Weight: 0.5}}})
	if err != nil || len(got) != 1 {
		t.Fatalf("%v %v", got, err)
	}
	s := got[0]
	sum := s.Text
	for _, f := range s.Features {
		sum += f.Points
	}
	if math.Abs(sum-s.Score) > 1e-9 {
		t.Errorf("text %v + features %v != score %v", s.Text, s.Features, s.Score)
	}
	if len(s.Features) != 1 || s.Features[0].Value != 40 || s.Features[0].Points != 0.5 {
		t.Errorf("features: %+v (the most problems solved scales to the full weight)", s.Features)
	}
	terms := map[string][]string{}
	for _, h := range s.Terms {
		terms[h.Term] = h.Fields
	}
	if !slices.Equal(terms["精密"], []string{"capability"}) || !slices.Equal(terms["半导体"], []string{"capability"}) {
		t.Errorf("terms: %+v", s.Terms)
	}
	if len(s.Passed) != 1 || s.Passed[0].Text != "kind ∈ {university}" || s.Passed[0].Attr != "kind" {
		t.Errorf("passed: %v", s.Passed)
	}
}

// TestIncremental: an index changed by puts, replacements and deletes ranks
// exactly as one built from scratch over the documents left.
func TestIncremental(t *testing.T) {
	words := []string{"温控", "半导体", "机器人", "视觉", "涂胶显影", "精密", "传感器", "新能源", "电池", "航空", "发动机", "材料"}
	rng := rand.New(rand.NewPCG(7, 7))
	doc := func(id int64) Doc {
		text := ""
		for range 1 + rng.IntN(6) {
			text += words[rng.IntN(len(words))]
		}
		return Doc{ID: id, Text: map[string]string{"name": words[rng.IntN(len(words))] + "公司", "description": text},
			Attrs: map[string][]string{"kind": {[]string{"enterprise", "university"}[rng.IntN(2)]}},
			Nums:  map[string]float64{"problems_solved": float64(rng.IntN(20))}}
	}
	live := map[int64]Doc{}
	ix := newIndex(t)
	for step := range 3000 {
		id := int64(rng.IntN(300))
		if step%7 == 0 {
			ix.Delete(id)
			delete(live, id)
			continue
		}
		d := doc(id)
		if err := ix.Put(d); err != nil {
			t.Fatal(err)
		}
		live[id] = d
	}
	var docs []Doc
	for _, d := range live {
		docs = append(docs, d)
	}
	fresh := newIndex(t, docs...)
	if ix.Len() != fresh.Len() {
		t.Fatalf("len %d, fresh %d", ix.Len(), fresh.Len())
	}
	for _, q := range []Query{{Text: "温控半导体"}, {Text: "机器人视觉", Must: []Constraint{In("kind", "university")}},
		{Text: "新能源电池", Features: []Feature{{Name: "problems_solved", Weight: 1}}, Limit: 50}} {
		a, err := ix.Match(q)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := fresh.Match(q)
		if len(a) == 0 || !slices.Equal(ids(a), ids(b)) {
			t.Errorf("%q: incremental %v, fresh %v", q.Text, ids(a), ids(b))
			continue
		}
		for i := range a {
			if math.Abs(a[i].Score-b[i].Score) > 1e-6 {
				t.Errorf("%q #%d: score %v, fresh %v", q.Text, i, a[i].Score, b[i].Score)
			}
		}
	}
}

func TestRefused(t *testing.T) {
	ix := newIndex(t, city...)
	if err := ix.Put(Doc{ID: 9, Text: map[string]string{"price": "x"}}); err == nil {
		t.Error("an unknown field was accepted")
	}
	if err := ix.Put(Doc{ID: 9, Nums: map[string]float64{"rate": math.NaN()}}); err == nil {
		t.Error("NaN was accepted")
	}
	if _, err := ix.Match(Query{Text: "温控", Fields: map[string]float64{"price": 1}}); err == nil {
		t.Error("an unknown field weight was accepted")
	}
	if _, err := ix.Match(Query{Features: []Feature{{Name: "rate", Weight: -1}}}); err == nil {
		t.Error("a negative feature weight was accepted")
	}
	if _, err := New(segmenter(t), Config{Fields: map[string]float64{"name": 0}}); err == nil {
		t.Error("a zero field weight was accepted")
	}
	if ix.Len() != len(city) {
		t.Errorf("refused puts changed the index: %d documents", ix.Len())
	}
}

// TestPruningChangesNothing: the same queries over the same corpus give the
// same suggestions, scores and order with pruning as without.
func TestPruningChangesNothing(t *testing.T) {
	c := newCorpus(11)
	var docs []Doc
	for id := range 5000 {
		docs = append(docs, c.doc(int64(id+1)))
	}
	fast, slow := newIndex(t, docs...), newIndex(t, docs...)
	slow.exhaustive = true
	pruned := 0
	for i := range 300 {
		q := Query{Text: c.query(), Limit: 1 + i%25}
		switch i % 4 {
		case 1:
			q.Must = []Constraint{In("kind", "university", "institute")}
		case 2:
			q.Features = []Feature{{Name: "problems_solved", Weight: 0.3}, {Name: "recognitions", Weight: 0.1}}
		case 3:
			q.Features = []Feature{{Name: "problems_solved", Weight: 2}}
			q.Exclude = []int64{1, 2, 3}
		}
		a, err := fast.Match(q)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := slow.Match(q)
		if !slices.Equal(ids(a), ids(b)) {
			t.Fatalf("%+v: pruned %v, exhaustive %v", q, ids(a), ids(b))
		}
		for j := range a {
			if math.Abs(a[j].Score-b[j].Score) > 1e-9 {
				t.Fatalf("%+v #%d: %v vs %v", q, j, a[j].Score, b[j].Score)
			}
		}
		sc := &scratch{acc: make([]float32, len(fast.ids))}
		terms := fast.seg.QueryTerms(q.Text)
		qts := fast.pickTerms(terms, fast.Len())
		cons, _ := fast.compile(q.Must)
		if _, ok := fast.scoreTerms(sc, qts, fast.norms(fast.weight, fast.Len()), q, cons, nil, q.Limit, 1); ok {
			pruned++
		}
	}
	if pruned < 30 {
		t.Errorf("pruning took effect on %d of 300 queries: the test does not exercise it", pruned)
	}
	t.Logf("pruned %d of 300 queries", pruned)
}

// TestBrowse: with Browse, candidates that share no term with the text are
// ranked too, after those that do.
func TestBrowse(t *testing.T) {
	ix := newIndex(t, city...)
	got, err := ix.Match(Query{Text: "机器人", Must: []Constraint{In("district", "浑南区")}, Browse: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids(got), []int64{3, 1}) {
		t.Errorf("browse: %v, want 3 (matches the text) then 1", ids(got))
	}
	got, _ = ix.Match(Query{Text: "机器人", Must: []Constraint{In("district", "浑南区")}})
	if !slices.Equal(ids(got), []int64{3}) {
		t.Errorf("search: %v, want 3 only", ids(got))
	}
}
