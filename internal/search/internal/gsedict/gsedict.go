// Package gsedict builds the search package's compact dictionary from gse's
// embedded Simplified Chinese dictionary and our dict.txt. It is used at
// `go generate` time (by ./gen) and by the search package's tests, which
// compare the compact dictionary against gse itself; the server does not
// link it, so neither gse nor its 30 MB of embedded dictionaries end up in
// the xinzhi binary.
package gsedict

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

// MaxWordBytes is the longest dict.txt word, in bytes (search.MaxTermBytes).
const MaxWordBytes = 32

// ParseDomain checks dict.txt and returns it without comments and blank
// lines, in the form gse's LoadDictStr reads.
func ParseDomain(text string) (string, error) {
	var b strings.Builder
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, " ")
		if len(f) != 3 {
			return "", fmt.Errorf("search: dict.txt line %d: want \"word freq pos\", got %q", i+1, line)
		}
		for _, r := range f[0] {
			if !unicode.Is(unicode.Han, r) {
				return "", fmt.Errorf("search: dict.txt line %d: %q is not all Han characters", i+1, f[0])
			}
		}
		if n := utf8.RuneCountInString(f[0]); n < 2 || len(f[0]) > MaxWordBytes {
			return "", fmt.Errorf("search: dict.txt line %d: %q must have 2 to %d bytes of characters", i+1, f[0], MaxWordBytes)
		}
		var freq float64
		if _, err := fmt.Sscan(f[1], &freq); err != nil || freq < 2 {
			return "", fmt.Errorf("search: dict.txt line %d: bad frequency %q", i+1, f[1])
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String(), nil
}

// Load builds gse's segmenter the way the search package did before the
// compact dictionary: dictionary only (no HMM), our words first (gse keeps
// the first entry of a word), then gse's embedded zh_s dictionary.
func Load(domain string) (*gse.Segmenter, error) {
	seg := &gse.Segmenter{NotLoadHMM: true, SkipLog: true}
	dict, err := ParseDomain(domain)
	if err != nil {
		return nil, err
	}
	if err := seg.LoadDictStr(dict); err != nil {
		return nil, fmt.Errorf("search: load domain dictionary: %w", err)
	}
	if err := seg.LoadDictEmbed("zh_s"); err != nil {
		return nil, fmt.Errorf("search: load gse dictionary: %w", err)
	}
	if seg.Dict == nil || seg.Dict.NumTokens() < 100000 {
		return nil, fmt.Errorf("search: gse dictionary did not load")
	}
	return seg, nil
}

// Magic starts a compact dictionary.
const Magic = "xzdict2\n"

// FirstLo and FirstHi bound the characters (CJK Extension A and the Unified
// Ideographs) whose words the compact dictionary indexes by first character.
const (
	FirstLo = 0x3400
	FirstHi = 0x9FFF
)

// Compile returns the compact dictionary of seg: every word made only of
// Han characters (the only words that can occur in the Han runs the search
// package segments), sorted by bytes, each with the distance gse's
// shortest-path segmentation gives it, computed as gse's CalcToken does:
// float32(log2 total) − float32(log2 freq), where total is the sum of the
// frequencies of all words gse loaded (Latin and mixed ones included).
//
// Layout, all integers little-endian uint32:
//
//	Magic
//	n, longest word in characters, len(words)
//	FirstHi-FirstLo+2 indexes: for each character c from FirstLo to
//	    FirstHi+1, the first word ≥ string(c), so the words that start
//	    with c are those from c's index to the next one's
//	n+1 offsets into words
//	n distances (float32 bits)
//	words, concatenated
func Compile(seg *gse.Segmenter) ([]byte, error) {
	type entry struct {
		word string
		dist float32
	}
	logTotal := float32(math.Log2(seg.Dict.TotalFreq()))
	var es []entry
	longest := 0
	for _, t := range seg.Dict.Tokens {
		w := t.Text()
		if w == "" || !allHan(w) {
			continue
		}
		es = append(es, entry{w, logTotal - float32(math.Log2(t.Freq()))})
		longest = max(longest, utf8.RuneCountInString(w))
	}
	slices.SortFunc(es, func(a, b entry) int { return strings.Compare(a.word, b.word) })
	for i := 1; i < len(es); i++ {
		if es[i].word == es[i-1].word {
			return nil, fmt.Errorf("search: word %q twice in gse's dictionary", es[i].word)
		}
	}
	size := 0
	for _, e := range es {
		size += len(e.word)
	}
	out := make([]byte, 0, len(Magic)+12+8*len(es)+4+size)
	out = append(out, Magic...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(es)))
	out = binary.LittleEndian.AppendUint32(out, uint32(longest))
	out = binary.LittleEndian.AppendUint32(out, uint32(size))
	k := 0
	for c := rune(FirstLo); c <= FirstHi+1; c++ {
		for k < len(es) && es[k].word < string(c) {
			k++
		}
		out = binary.LittleEndian.AppendUint32(out, uint32(k))
	}
	off := 0
	for _, e := range es {
		out = binary.LittleEndian.AppendUint32(out, uint32(off))
		off += len(e.word)
	}
	out = binary.LittleEndian.AppendUint32(out, uint32(off))
	for _, e := range es {
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(e.dist))
	}
	for _, e := range es {
		out = append(out, e.word...)
	}
	return out, nil
}

func allHan(w string) bool {
	for _, r := range w {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}
