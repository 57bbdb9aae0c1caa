package search

import (
	_ "embed"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// words.bin is the compact dictionary: gse's Simplified Chinese dictionary
// plus dict.txt, reduced to the words of Han characters and their
// shortest-path distances. It is generated from them; regenerate it after
// editing dict.txt (TestCompactDictUpToDate fails until then).
//
//go:generate go run ./internal/gsedict/gen -dict dict.txt -o words.bin
//go:embed words.bin
var wordsBin string

const dictMagic = "xzdict2\n"

// The words that start with a character from firstLo to firstHi are found
// through a table of where they begin (gsedict.FirstLo, FirstHi).
const (
	firstLo = 0x3400
	firstHi = 0x9FFF
)

// dictionary is the compact dictionary, read in place from the embedded
// string: sorted words with offsets and distances, searched by binary search.
// Nothing is copied to the heap; the pages of the binary that hold it are
// read in by the operating system as lookups touch them.
type dictionary struct {
	n       int    // number of words
	longest int    // longest word, in characters
	first   string // for each character from firstLo to firstHi+1, the index of the first word ≥ it
	offs    string // n+1 little-endian uint32 offsets into words
	dists   string // n little-endian float32 distances
	words   string // the words, sorted by bytes, concatenated
}

func u32(s string, i int) uint32 {
	s = s[4*i : 4*i+4]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

func parseDictionary(b string) (*dictionary, error) {
	bad := func(what string) (*dictionary, error) {
		return nil, fmt.Errorf("search: words.bin is damaged (%s); run go generate ./internal/search", what)
	}
	if !strings.HasPrefix(b, dictMagic) || len(b) < len(dictMagic)+12 {
		return bad("header")
	}
	b = b[len(dictMagic):]
	n, longest, size := int(u32(b, 0)), int(u32(b, 1)), int(u32(b, 2))
	b = b[12:]
	nf := firstHi - firstLo + 2
	if len(b) != 4*nf+4*(n+1)+4*n+size || n < 100000 {
		return bad("length")
	}
	d := &dictionary{n: n, longest: longest, first: b[:4*nf]}
	b = b[4*nf:]
	d.offs, d.dists, d.words = b[:4*(n+1)], b[4*(n+1):4*(2*n+1)], b[4*(2*n+1):]
	// The order of the words is checked by TestCompactDictionary, not here:
	// checking it would read the whole dictionary into memory at start.
	if int(u32(d.offs, n)) != size {
		return bad("offsets")
	}
	return d, nil
}

func (d *dictionary) word(i int) string {
	return d.words[u32(d.offs, i):u32(d.offs, i+1)]
}

func (d *dictionary) dist(i int) float32 {
	return math.Float32frombits(u32(d.dists, i))
}

// prefixes calls fn(j, distance) for every dictionary word run[off[i]:off[j]]
// (the words that start at character i of run), shortest first, looking no
// further than character limit. off holds the byte offset of each character
// of run, plus len(run).
func (d *dictionary) prefixes(run string, off []int, i, limit int, fn func(j int, dist float32)) {
	// [lo, hi) holds the words that start with run[off[i]:off[j-1]], and
	// lo is the first of them ≥ run[off[i]:off[j]].
	lo, hi := 0, d.n
	j := i + 1
	if c, _ := utf8.DecodeRuneInString(run[off[i]:]); firstLo <= c && c <= firstHi {
		lo, hi = int(u32(d.first, int(c-firstLo))), int(u32(d.first, int(c-firstLo)+1))
		if lo == hi {
			return
		}
		if d.word(lo) == run[off[i]:off[j]] {
			fn(j, d.dist(lo))
		}
		j++
	}
	for ; j <= min(limit, i+d.longest); j++ {
		p := run[off[i]:off[j]]
		lo += search(hi-lo, func(k int) bool { return d.word(lo+k) >= p })
		if lo == hi {
			return
		}
		w := d.word(lo)
		if !strings.HasPrefix(w, p) {
			return
		}
		if w == p {
			fn(j, d.dist(lo))
		}
	}
}

// search is sort.Search without the closure's escape to the heap.
func search(n int, f func(int) bool) int {
	i, j := 0, n
	for i < j {
		h := int(uint(i+j) >> 1)
		if !f(h) {
			i = h + 1
		} else {
			j = h
		}
	}
	return i
}
