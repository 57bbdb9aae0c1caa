package integrity

import (
	"strings"
	"testing"
)

// FuzzPrints: fingerprints are positions inside the normalised text, in
// order, and a text always shares all its fingerprints with itself plus
// anything appended.
func FuzzPrints(f *testing.F) {
	for _, s := range []string{"", "本项目围绕精密减速器开展联合攻关，预计显著降低振动噪声。", "abcdefghijklmnopqrstuvwxyz0123456789", "参考文献\n[1] x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ps := Prints(s)
		rs, at := normalise(s)
		if len(rs) != len(at) {
			t.Fatalf("normalised %d runes with %d places", len(rs), len(at))
		}
		last := -1
		for _, p := range ps {
			if p.Pos <= last || p.Pos+Gram > len(rs) || p.Hash < 0 {
				t.Fatalf("print %+v after %d in %d runes", p, last, len(rs))
			}
			last = p.Pos
		}
		more := map[int64]bool{}
		for _, p := range Prints(s + "。" + strings.Repeat("补", Gram+Window)) {
			more[p.Hash] = true
		}
		for _, p := range ps[:max(0, len(ps)-Window)] { // the last windows may pick a later minimum once text follows
			if !more[p.Hash] {
				t.Fatalf("a print of the text is lost when text is appended: %+v", p)
			}
		}
		_ = Strip(s, []string{"研究内容", s})
	})
}
