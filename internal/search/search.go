// Package search turns Chinese (and mixed Latin) text into terms for a
// full-text index over organisation names, former names and descriptions.
//
// A document is indexed under IndexTerms(text); a query q matches it when
// every term of QueryTerms(q) is among the document's terms. The dictionary
// (gse's embedded Simplified Chinese dictionary plus dict.txt beside this
// file) is compiled into the binary: nothing is read from disk or the network
// at run time. See README.md for the choices made and what they cost.
package search

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// MaxTermBytes is the longest term, in bytes, that IndexTerms and QueryTerms
// return. Longer dictionary words are represented by their bigrams; longer
// Latin words and digit runs are cut to their first MaxTermBytes bytes (at a
// character boundary), the same way on both sides.
const MaxTermBytes = 32

//go:embed dict.txt
var domainDict string

// Segmenter splits text into search terms. It is safe for concurrent use;
// get the shared one with Default.
type Segmenter struct {
	dict *dictionary
}

var (
	defaultOnce sync.Once
	defaultSeg  *Segmenter
	defaultErr  error
)

// Default returns the process-wide Segmenter. The dictionary is compiled
// into the binary in a form that is searched in place (see dict.go), so this
// costs microseconds and no heap; a damaged dictionary is an error returned
// to every caller.
func Default() (*Segmenter, error) {
	defaultOnce.Do(func() {
		var d *dictionary
		d, defaultErr = parseDictionary(wordsBin)
		if defaultErr == nil {
			defaultSeg = &Segmenter{dict: d}
		}
	})
	return defaultSeg, defaultErr
}

// stopWords are never terms: legal-form words that nearly every company name
// carries, and function words. Single Han characters are never terms anyway,
// so only words of two or more characters (and Latin words) are listed. The
// bigrams inside the longer legal-form words (限公, 份有, …) are stop words
// too: otherwise nearly every company would be indexed under them.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		有限 公司 有限公司 股份 股份公司 股份有限 股份有限公司 有限责任 责任 责任公司
		有限责任公司 集团 集团公司 集团有限公司 有限合伙 合伙
		以及 或者 并且 而且 还是 及其 其中 我们 他们 以上 以下 等等 之一 之间 进行 通过 包括
		co ltd inc llc corp corporation company limited group the and of a an`) {
		m[w] = true
		if r := []rune(w); len(r) > 2 && unicode.Is(unicode.Han, r[0]) {
			for i := 0; i+1 < len(r); i++ {
				m[string(r[i:i+2])] = true
			}
		}
	}
	return m
}()

// stopChars are single characters that, standing alone in a query, ask for
// nothing (a lone character otherwise asks for its bigram with a neighbour).
var stopChars = map[string]bool{
	"的": true, "和": true, "与": true, "及": true, "或": true, "等": true, "在": true,
	"之": true, "了": true, "是": true, "对": true, "为": true, "于": true, "其": true,
}

// runKind is what a run of characters is.
type runKind int

const (
	hanRun  runKind = iota // Han characters
	wordRun                // other letters and digits: Latin words, digit runs, kana…
)

// normRune folds full-width ASCII to ASCII and letters to lower case.
func normRune(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		r -= 0xFEE0
	case r == 0x3000:
		r = ' '
	}
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	return unicode.ToLower(r)
}

func kindOf(r rune) (runKind, bool) {
	if r < utf8.RuneSelf {
		if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
			return wordRun, true
		}
		return 0, false
	}
	if unicode.Is(unicode.Han, r) {
		return hanRun, true
	}
	if unicode.IsLetter(r) || unicode.IsNumber(r) {
		return wordRun, true
	}
	return 0, false
}

// runs calls fn for each maximal run of Han characters or of other letters
// and digits in text, normalised; punctuation, symbols and spaces separate
// runs and are dropped. off holds the byte offset of each character of run
// in run, plus len(run) at the end.
func runs(text string, fn func(k runKind, run string, off []int)) {
	var (
		buf  []byte
		off  []int
		kind runKind
	)
	flush := func() {
		if len(off) > 0 {
			off = append(off, len(buf))
			fn(kind, string(buf), off)
		}
		buf, off = buf[:0], off[:0]
	}
	for _, r := range text {
		r = normRune(r)
		k, ok := kindOf(r)
		if !ok {
			flush()
			continue
		}
		if k != kind && len(off) > 0 {
			flush()
		}
		kind = k
		off = append(off, len(buf))
		buf = utf8.AppendRune(buf, r)
	}
	flush()
}

// truncate cuts a word to at most MaxTermBytes bytes at a character boundary.
func truncate(w string) string {
	if len(w) <= MaxTermBytes {
		return w
	}
	i := MaxTermBytes
	for i > 0 && !utf8.RuneStart(w[i]) {
		i--
	}
	return w[:i]
}

// termSet collects terms, dropping stop words.
type termSet []string

func (t *termSet) add(w string) {
	if w != "" && len(w) <= MaxTermBytes && !stopWords[w] {
		*t = append(*t, w)
	}
}

func (t termSet) done() []string {
	if len(t) == 0 {
		return nil
	}
	slices.Sort(t)
	return slices.Compact([]string(t))
}

// IndexTerms returns the terms to index a document under: de-duplicated,
// sorted, each at most MaxTermBytes bytes, without stop words.
//
// For each run of Han characters: every dictionary word of two or more
// characters that occurs anywhere in the run (jieba's "full mode", a superset
// of search-mode segmentation: 沈阳新松机器人自动化 gives 沈阳, 新松, 机器,
// 机器人, 自动, 自动化, … and also 阳新), and every character bigram of the
// run. For each run of other letters and digits: the run, lower-cased.
func (s *Segmenter) IndexTerms(text string) []string {
	return s.indexTerms(text).done()
}

// TermCounts returns the terms IndexTerms gives for text, each with the
// number of times it occurs there, and their sum (the text's length in
// terms): what a ranking such as BM25 needs besides the term set.
func (s *Segmenter) TermCounts(text string) (counts map[string]int, length int) {
	terms := s.indexTerms(text)
	counts = make(map[string]int, len(terms))
	for _, t := range terms {
		counts[t]++
	}
	return counts, len(terms)
}

// indexTerms returns IndexTerms' terms in text order, with repeats.
func (s *Segmenter) indexTerms(text string) termSet {
	var terms termSet
	runs(text, func(k runKind, run string, off []int) {
		if k == wordRun {
			terms.add(truncate(run))
			return
		}
		n := len(off) - 1
		for i := 0; i+1 < n; i++ {
			terms.add(run[off[i]:off[i+2]])
			// Two-character words are bigrams already: add the longer ones.
			s.dict.prefixes(run, off, i, n, func(j int, _ float32) {
				if j-i >= 3 {
					terms.add(run[off[i]:off[j]])
				}
			})
		}
	})
	return terms
}

// QueryTerms returns the terms a document must all carry to match query q:
// de-duplicated, sorted, without stop words. An empty result means q has
// nothing searchable (only stop words, punctuation or a lone Han character):
// callers decide whether that matches nothing or everything.
//
// Each run of Han characters is segmented the coarsest way (gse's
// shortest-path segmentation, not search mode). A word of two or more
// characters is a term as it is (if longer than MaxTermBytes, its bigrams
// are); a character left on its own becomes the bigram it forms with the
// character before it (or after it, at the start of the run), so 拓荆科 asks
// for 拓荆 and 荆科. Runs of other letters and digits are terms whole,
// lower-cased. Every term is thus a word or bigram that occurs in q, and
// IndexTerms indexes every dictionary word and bigram that occurs in a
// document, so a document that contains each run of q matches q.
func (s *Segmenter) QueryTerms(q string) []string {
	var terms termSet
	runs(q, func(k runKind, run string, off []int) {
		if k == wordRun {
			terms.add(truncate(run))
			return
		}
		n := len(off) - 1
		if n < 2 {
			return // a lone character: too unselective, and not indexed
		}
		i := 0 // the segment's first character
		for _, j := range s.segment(run, off) {
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
