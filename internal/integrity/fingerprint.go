package integrity

import (
	"hash/fnv"
	"strings"
	"unicode"
)

// Fingerprinting: the text is normalised (letters, digits and Han
// characters kept, lower-cased; spaces and punctuation dropped), cut into
// overlapping n-grams of Gram runes, each hashed, and of every Window
// consecutive hashes the smallest kept (winnowing). Any passage two texts
// share of at least Gram+Window-1 runes gives them a common fingerprint;
// passages shorter than Gram never do, so short stock phrases are ignored.
const (
	Gram   = 12
	Window = 8
)

// Print is a kept hash and where its n-gram starts in the normalised text.
type Print struct {
	Hash int64
	Pos  int
}

// normalise keeps a text's letters, digits and Han characters, lower-cased,
// and for each the index of its rune in the original text.
func normalise(text string) ([]rune, []int) {
	var out []rune
	var at []int
	i := 0
	for _, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			out = append(out, unicode.ToLower(r))
			at = append(at, i)
		}
		i++
	}
	return out, at
}

// Strip takes out of a text what every application shares and so proves
// nothing: the template's own wording (labels, help, options), each given
// in excludes, and the references from a line starting 参考文献 or
// References on.
func Strip(text string, excludes []string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "参考文献") || strings.HasPrefix(strings.ToLower(t), "references") {
			lines = lines[:i]
			break
		}
	}
	text = strings.Join(lines, "\n")
	for _, x := range excludes {
		if len([]rune(strings.TrimSpace(x))) >= 4 { // a two-character label is too common to cut
			text = strings.ReplaceAll(text, x, " ")
		}
	}
	return text
}

// Prints fingerprints a text.
func Prints(text string) []Print {
	rs, _ := normalise(text)
	if len(rs) < Gram {
		return nil
	}
	hashes := make([]int64, len(rs)-Gram+1)
	h := fnv.New64a()
	buf := make([]byte, 0, Gram*4)
	for i := range hashes {
		h.Reset()
		buf = buf[:0]
		for _, r := range rs[i : i+Gram] {
			buf = append(buf, string(r)...)
		}
		h.Write(buf)
		hashes[i] = int64(h.Sum64() >> 1) // positive: fits a signed column on both engines
	}
	var out []Print
	last := -1
	for start := 0; start+Window <= len(hashes) || (start == 0 && len(hashes) > 0); start++ {
		end := min(start+Window, len(hashes))
		best := start
		for j := start; j < end; j++ {
			if hashes[j] <= hashes[best] { // the rightmost smallest: a repeat keeps one print
				best = j
			}
		}
		if best != last {
			out = append(out, Print{Hash: hashes[best], Pos: best})
			last = best
		}
		if end == len(hashes) {
			break
		}
	}
	return out
}
