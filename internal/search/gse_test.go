package search

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-ego/gse"

	"github.com/xinzhi-platform/xinzhi/internal/search/internal/gsedict"
)

// gseSegmenter is the search package as it was before the compact
// dictionary: gse v0.80.3 with its embedded zh_s dictionary and dict.txt,
// IndexTerms and QueryTerms verbatim. It is the reference the compact
// dictionary must agree with, term for term, because the terms are stored.
type gseSegmenter struct {
	seg    *gse.Segmenter
	maxLen int
}

var (
	gseOnce sync.Once
	gseRef  *gseSegmenter
	gseErr  error
)

func loadGse() (*gseSegmenter, error) {
	seg, err := gsedict.Load(domainDict)
	if err != nil {
		return nil, err
	}
	return &gseSegmenter{seg: seg, maxLen: seg.Dict.MaxTokenLen()}, nil
}

func gseSeg(t testing.TB) *gseSegmenter {
	t.Helper()
	gseOnce.Do(func() { gseRef, gseErr = loadGse() })
	if gseErr != nil {
		t.Fatal(gseErr)
	}
	return gseRef
}

func (s *gseSegmenter) IndexTerms(text string) []string {
	var terms termSet
	runs(text, func(k runKind, run string, off []int) {
		if k == wordRun {
			terms.add(truncate(run))
			return
		}
		b := []byte(run)
		n := len(off) - 1
		for i := 0; i+1 < n; i++ {
			terms.add(run[off[i]:off[i+2]])
			for j := i + 3; j <= min(i+s.maxLen, n); j++ {
				freq, _, ok := s.seg.Dict.Find(b[off[i]:off[j]])
				if !ok {
					break
				}
				if freq > 0 {
					terms.add(run[off[i]:off[j]])
				}
			}
		}
	})
	return terms.done()
}

func (s *gseSegmenter) QueryTerms(q string) []string {
	var terms termSet
	runs(q, func(k runKind, run string, off []int) {
		if k == wordRun {
			terms.add(truncate(run))
			return
		}
		n := len(off) - 1
		if n < 2 {
			return
		}
		i := 0
		for _, sg := range s.seg.Segment([]byte(run)) {
			j := i + 1
			for j < n && off[j] < sg.End() {
				j++
			}
			w := run[off[i]:off[j]]
			switch {
			case stopWords[w], j-i == 1 && stopChars[w]:
			case j-i >= 2 && len(w) <= MaxTermBytes:
				terms.add(w)
			case j-i >= 2:
				for x := i; x+1 < j; x++ {
					terms.add(run[off[x]:off[x+2]])
				}
			case i > 0:
				terms.add(run[off[i-1]:off[j]])
			default:
				terms.add(run[off[i]:off[j+1]])
			}
			i = j
		}
	})
	return terms.done()
}

// The generated words.bin is what go generate would write now: dict.txt and
// gse's dictionary have not changed since.
func TestCompactDictUpToDate(t *testing.T) {
	g := gseSeg(t)
	want, err := gsedict.Compile(g.seg)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != wordsBin {
		t.Fatalf("words.bin is stale (%d bytes, want %d): run go generate ./internal/search", len(wordsBin), len(want))
	}
}

func TestCompactDictionary(t *testing.T) {
	d := seg(t).dict
	for i := 1; i < d.n; i++ {
		if d.word(i-1) >= d.word(i) {
			t.Fatalf("words %d and %d out of order: %q, %q", i-1, i, d.word(i-1), d.word(i))
		}
	}
	for i := 0; i < d.n; i++ {
		if dist := d.dist(i); !(dist > 0 && dist < pseudoDistance) {
			t.Fatalf("word %q has distance %v", d.word(i), dist)
		}
	}
	if gsedict.Magic != dictMagic || gsedict.FirstLo != firstLo || gsedict.FirstHi != firstHi {
		t.Fatal("gsedict and dict.go disagree on the format")
	}
	for c := rune(firstLo); c <= firstHi; c++ {
		lo, hi := int(u32(d.first, int(c-firstLo))), int(u32(d.first, int(c-firstLo)+1))
		if lo > hi || hi > d.n ||
			lo < hi && (!strings.HasPrefix(d.word(lo), string(c)) || !strings.HasPrefix(d.word(hi-1), string(c))) ||
			lo > 0 && strings.HasPrefix(d.word(lo-1), string(c)) || hi < d.n && strings.HasPrefix(d.word(hi), string(c)) {
			t.Fatalf("the first-character table is wrong at %q: [%d, %d)", c, lo, hi)
		}
	}
	for _, damaged := range []string{"", wordsBin[:len(wordsBin)-1], "X" + wordsBin[1:], wordsBin[:40]} {
		if _, err := parseDictionary(damaged); err == nil {
			t.Errorf("a damaged dictionary of %d bytes was accepted", len(damaged))
		}
	}
}

// equivalenceCorpus returns at least 400,000 strings: every dictionary word
// alone; every dictionary word in context (runs of 2 to 8 random dictionary
// words joined without a break, so that words straddle and compete, some
// with Latin, digits, punctuation or stop words between them); and generated
// organisation names.
func equivalenceCorpus(d *dictionary) []string {
	var out []string
	for i := 0; i < d.n; i++ {
		out = append(out, d.word(i))
	}
	rng := rand.New(rand.NewPCG(21, 2026))
	glue := []string{"", "", "", "", "", "有限公司", "的", "和", "，", " ", "5G", "ＡＢＣ", "2026年", "（集团）", "·"}
	for i := 0; i < d.n; i++ {
		var b strings.Builder
		b.WriteString(d.word(i))
		for range 1 + rng.IntN(7) {
			b.WriteString(glue[rng.IntN(len(glue))])
			b.WriteString(d.word(rng.IntN(d.n)))
		}
		out = append(out, b.String())
	}
	return append(out, corpus(50000)...)
}

// The compact dictionary gives exactly gse's terms, so no stored term
// changes and no reindex is needed.
func TestSameTermsAsGse(t *testing.T) {
	s, g := seg(t), gseSeg(t)
	docs := equivalenceCorpus(s.dict)
	switch {
	case testing.Short():
		docs = sample(docs, 50)
	case raceEnabled:
		docs = sample(docs, 20)
	}
	diffs := 0
	for _, d := range docs {
		for _, f := range []struct {
			name     string
			got, old func(string) []string
		}{{"IndexTerms", s.IndexTerms, g.IndexTerms}, {"QueryTerms", s.QueryTerms, g.QueryTerms}} {
			if got, want := f.got(d), f.old(d); !slices.Equal(got, want) {
				if diffs++; diffs <= 20 {
					t.Errorf("%s(%q) = %q, gse gives %q", f.name, d, got, want)
				}
			}
		}
	}
	t.Logf("%d strings compared, %d differ", len(docs), diffs)
}

// sample returns every nth string of docs.
func sample(docs []string, n int) []string {
	var out []string
	for i := 0; i < len(docs); i += n {
		out = append(out, docs[i])
	}
	return out
}

// BenchmarkLoad loads each dictionary afresh: time per load (the garbage
// collections around it not counted), the heap a loaded dictionary keeps
// (MB-kept: live heap after a collection) and what loading allocates
// (MB-alloc).
func BenchmarkLoad(b *testing.B) {
	for _, c := range []struct {
		name string
		load func() (any, error)
	}{
		{"compact", func() (any, error) { return parseDictionary(wordsBin) }},
		{"gse", func() (any, error) { return loadGse() }},
	} {
		b.Run(c.name, func(b *testing.B) {
			var before, after runtime.MemStats
			var kept, alloc uint64
			for b.Loop() {
				b.StopTimer()
				runtime.GC()
				runtime.ReadMemStats(&before)
				b.StartTimer()
				v, err := c.load()
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				runtime.GC()
				runtime.ReadMemStats(&after)
				runtime.KeepAlive(v)
				kept, alloc = after.HeapAlloc-before.HeapAlloc, after.TotalAlloc-before.TotalAlloc
				b.StartTimer()
			}
			b.ReportMetric(float64(kept)/(1<<20), "MB-kept")
			b.ReportMetric(float64(alloc)/(1<<20), "MB-alloc")
		})
	}
}

// BenchmarkSegmenters compares the throughput of the compact dictionary and
// gse on 1,000 organisation names and on a 100 KB document.
func BenchmarkSegmenters(b *testing.B) {
	names := corpus(1000)
	var long strings.Builder
	for long.Len() < 100<<10 {
		long.WriteString(tiexi + "。" + hunnanLab + "。" + siasunEn + "。" + blower + "\n")
	}
	// gse is loaded only when its first run starts, after the compact ones:
	// its 127 MB of live heap slows every later garbage collection. So with
	// -count above 1, the compact runs after the first one pay for it too;
	// BENCHMARKS.md runs the benchmark five times with -count 1 instead.
	type impl struct {
		name       string
		index, ask func(string) []string
	}
	s := seg(b)
	impls := []func() impl{
		func() impl { return impl{"compact", s.IndexTerms, s.QueryTerms} },
		func() impl { g := gseSeg(b); return impl{"gse", g.IndexTerms, g.QueryTerms} },
	}
	for k, name := range []string{"compact", "gse"} {
		for _, w := range []struct {
			name string
			f    func(im impl) func(string) []string
			in   []string
		}{
			{"IndexTerms/names", func(im impl) func(string) []string { return im.index }, names},
			{"QueryTerms/names", func(im impl) func(string) []string { return im.ask }, names},
			{"IndexTerms/100KB", func(im impl) func(string) []string { return im.index }, []string{long.String()}},
			{"QueryTerms/100KB", func(im impl) func(string) []string { return im.ask }, []string{long.String()}},
		} {
			b.Run(w.name+"/"+name, func(b *testing.B) {
				f := w.f(impls[k]())
				for b.Loop() {
					for _, x := range w.in {
						f(x)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(w.in)), "ns/string")
			})
		}
	}
}

func TestMain(m *testing.M) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	t0 := time.Now()
	s, err := Default()
	loadTime = time.Since(t0)
	runtime.GC()
	runtime.ReadMemStats(&after)
	if err != nil {
		fmt.Fprintln(os.Stderr, "search.Default:", err)
		os.Exit(1)
	}
	loadHeap = after.HeapAlloc - before.HeapAlloc
	loadAll = after.TotalAlloc - before.TotalAlloc
	runtime.KeepAlive(s)
	os.Exit(m.Run())
}
