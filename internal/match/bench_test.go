package match

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/whitespace"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// benchDocs is the corpus size: XINZHI_MATCH_DOCS, 100,000 by default
// (BENCHMARKS.md gives the 1,000,000 run).
func benchDocs(b *testing.B) int {
	n := 100000
	if s := os.Getenv("XINZHI_MATCH_DOCS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 100 {
			b.Fatalf("XINZHI_MATCH_DOCS=%q: want a whole number of at least 100", s)
		}
		n = v
	}
	return n
}

type benchSet struct {
	ours    *Index
	single  *Index // one field holding all the text: plain BM25, as Bleve's "all"
	bl      bleve.Index
	queries [][]string // segmented once, given to both engines
	texts   []string
}

var (
	benchOnce sync.Once
	bench     *benchSet
	benchErr  error
)

// setUp builds both indexes over the same documents. Bleve gets each field
// as the very terms our segmenter gives (with repeats), split by a
// whitespace tokenizer, and scores with BM25: the same texts, terms and
// scoring family, so the comparison is of the engines.
func setUp(b *testing.B) *benchSet {
	benchOnce.Do(func() {
		n := benchDocs(b)
		seg := segmenter(b)
		bs := &benchSet{}
		var before runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		ours, err := New(seg, orgFields)
		if err != nil {
			benchErr = err
			return
		}
		single, err := New(seg, Config{Fields: map[string]float64{"all": 1}})
		if err != nil {
			benchErr = err
			return
		}
		im := bleve.NewIndexMapping()
		im.ScoringModel = index.BM25Scoring
		if err := im.AddCustomAnalyzer("terms", map[string]any{"type": custom.Name, "tokenizer": whitespace.Name}); err != nil {
			benchErr = err
			return
		}
		im.DefaultAnalyzer = "terms"
		dm := mapping.NewDocumentMapping()
		for _, f := range append(ours.Fields(), "all") {
			fm := mapping.NewTextFieldMapping()
			fm.Analyzer = "terms"
			fm.Store = false
			fm.IncludeTermVectors = false
			fm.IncludeInAll = false
			dm.AddFieldMappingsAt(f, fm)
		}
		im.DefaultMapping = dm
		dir := b.TempDir()
		bl, err := bleve.New(dir+"/bleve", im)
		if err != nil {
			benchErr = err
			return
		}
		bs.bl = bl
		c := newCorpus(20250630)
		start := time.Now()
		var oursTime, bleveTime time.Duration
		const chunk = 10000
		for lo := 0; lo < n; lo += chunk {
			docs := make([]Doc, 0, chunk)
			for id := lo; id < min(n, lo+chunk); id++ {
				docs = append(docs, c.doc(int64(id+1)))
			}
			t0 := time.Now()
			if err := ours.PutAll(docs); err != nil {
				benchErr = err
				return
			}
			oursTime += time.Since(t0)
			joined := make([]Doc, len(docs))
			for i, d := range docs {
				joined[i] = Doc{ID: d.ID, Text: map[string]string{"all": d.Text["name"] + "\n" + d.Text["description"] + "\n" + d.Text["capability"]}}
			}
			if err := single.PutAll(joined); err != nil {
				benchErr = err
				return
			}
			t0 = time.Now()
			batch := bl.NewBatch()
			for _, d := range docs {
				fields := map[string]any{}
				var all strings.Builder
				for f, text := range d.Text {
					counts, _ := seg.TermCounts(text)
					var sb strings.Builder
					for term, k := range counts {
						for range k {
							sb.WriteString(term)
							sb.WriteByte(' ')
						}
					}
					fields[f] = sb.String()
					all.WriteString(sb.String())
				}
				fields["all"] = all.String()
				if err := batch.Index(strconv.FormatInt(d.ID, 10), fields); err != nil {
					benchErr = err
					return
				}
			}
			if err := bl.Batch(batch); err != nil {
				benchErr = err
				return
			}
			bleveTime += time.Since(t0)
		}
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		b.Logf("%d documents indexed in %v: ours %v (heap %d MiB), bleve %v (segmentation included in both)",
			n, time.Since(start).Round(time.Second), oursTime.Round(time.Millisecond),
			(int64(after.HeapInuse)-int64(before.HeapInuse))>>20, bleveTime.Round(time.Millisecond))
		bs.ours, bs.single = ours, single
		for range 200 {
			text := c.query()
			bs.texts = append(bs.texts, text)
			bs.queries = append(bs.queries, seg.QueryTerms(text))
		}
		bench = bs
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return bench
}

func (bs *benchSet) bleveQuery(terms []string, fields map[string]float64) *bleve.SearchRequest {
	var qs []query.Query
	for _, t := range terms {
		for f, w := range fields {
			tq := bleve.NewTermQuery(t)
			tq.SetField(f)
			tq.SetBoost(w)
			qs = append(qs, tq)
		}
	}
	req := bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(qs...), 20, 0, false)
	return req
}

// BenchmarkMatchVsBleve answers the same top-20 text queries with this
// engine and with Bleve in the same run, and reports each one's time per
// query, their ratio and how much their top-20 lists overlap.
func BenchmarkMatchVsBleve(b *testing.B) {
	bs := setUp(b)
	compare(b, bs, bs.ours, orgFields.Fields)
}

// BenchmarkSingleFieldVsBleve is the same comparison with all the text in
// one field and no weights: both engines score plain BM25 over the same
// terms, so their top-20 lists should agree but for ties and this engine's
// one-byte field lengths. It checks the scoring as much as it times it.
func BenchmarkSingleFieldVsBleve(b *testing.B) {
	bs := setUp(b)
	compare(b, bs, bs.single, map[string]float64{"all": 1})
}

// compare times each query on ix and on Bleve (over the given fields) in
// turn, and reports both times, their ratio and the top-20 overlap.
func compare(b *testing.B, bs *benchSet, ix *Index, fields map[string]float64) {
	var ours, theirs time.Duration
	overlap, compared := 0.0, 0
	for i := 0; b.Loop(); i++ {
		terms := bs.queries[i%len(bs.queries)]
		t0 := time.Now()
		got, err := ix.Match(Query{Terms: terms, Limit: 20})
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		res, err := bs.bl.Search(bs.bleveQuery(terms, fields))
		if err != nil {
			b.Fatal(err)
		}
		ours += t1.Sub(t0)
		theirs += time.Since(t1)
		if len(got) > 0 && len(res.Hits) > 0 {
			overlap += overlapOf(got, res)
			compared++
		}
	}
	n := float64(b.N)
	b.ReportMetric(float64(ours.Microseconds())/n, "xinzhi-µs/query")
	b.ReportMetric(float64(theirs.Microseconds())/n, "bleve-µs/query")
	b.ReportMetric(float64(theirs)/float64(max(ours, 1)), "bleve/xinzhi")
	if compared > 0 {
		b.ReportMetric(overlap/float64(compared), "top20-overlap")
	}
}

// overlapOf is the share of the longer top list that both lists hold.
func overlapOf(got []Suggestion, res *bleve.SearchResult) float64 {
	mine := map[string]bool{}
	for _, s := range got {
		mine[strconv.FormatInt(s.ID, 10)] = true
	}
	same := 0
	for _, h := range res.Hits {
		if mine[h.ID] {
			same++
		}
	}
	return float64(same) / float64(max(len(got), len(res.Hits)))
}

// BenchmarkMatchConstrained is a top-20 query with a kind constraint and
// two features, as a challenge's solver suggestions ask.
func BenchmarkMatchConstrained(b *testing.B) {
	bs := setUp(b)
	for i := 0; b.Loop(); i++ {
		_, err := bs.ours.Match(Query{Terms: bs.queries[i%len(bs.queries)], Limit: 20,
			Must:     []Constraint{In("kind", "university", "institute", "team")},
			Features: []Feature{{Name: "problems_solved", Weight: 0.3}, {Name: "recognitions", Weight: 0.1}}})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPut replaces one profile in the full index: what keeping it
// current costs per changed record.
func BenchmarkPut(b *testing.B) {
	bs := setUp(b)
	c := newCorpus(7)
	n := int64(bs.ours.Len())
	for i := 0; b.Loop(); i++ {
		if err := bs.ours.Put(c.doc(1 + int64(i)%n)); err != nil {
			b.Fatal(err)
		}
	}
}
