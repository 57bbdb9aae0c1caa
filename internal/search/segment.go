package search

// pseudoDistance is the distance gse gives a character that starts no
// dictionary word of one character: a "word" of its own with a probability
// of 2^-32.
const pseudoDistance = 32

// segment cuts a Han run into words the way gse's Segment does with the
// dictionary only (NotLoadHMM): the path through the run whose words have
// the greatest product of probabilities, that is the least sum of distances
// log2(total/freq). It returns the character index just past each word, in
// order. off holds the byte offset of each character of run, plus len(run).
//
// Ties and rounding follow gse exactly (github.com/go-ego/gse v0.80.3,
// segmenter.go, segmentWords and updateJumper), because the words become
// stored search terms: distances are float32 and summed in float32; each
// character is visited in order, its words shortest first, and a word
// replaces the best path ending where it ends only if strictly shorter (a
// path of distance 0 counts as none yet); the pseudo-word for a lone
// character is offered after the words that start at it, unless one of those
// is one character long. TestSameTermsAsGse checks this against gse itself.
func (s *Segmenter) segment(run string, off []int) []int {
	n := len(off) - 1
	type jumper struct {
		dist float32 // the least distance of a path from 0 to here
		size int     // characters in the last word of that path
	}
	var small [32]jumper
	jumpers := small[:0]
	if n > len(small) {
		jumpers = make([]jumper, n)
	}
	jumpers = jumpers[:n]
	update := func(at int, dist float32, size int) {
		if j := &jumpers[at]; j.dist == 0 || j.dist > dist {
			j.dist, j.size = dist, size
		}
	}
	for cur := 0; cur < n; cur++ {
		var base float32
		if cur > 0 {
			base = jumpers[cur-1].dist
		}
		first := 0 // length of the shortest word starting here
		s.dict.prefixes(run, off, cur, n, func(j int, dist float32) {
			update(j-1, base+dist, j-cur)
			if first == 0 {
				first = j - cur
			}
		})
		if first != 1 {
			update(cur, base+pseudoDistance, 1)
		}
	}
	count := 0
	for end := n; end > 0; end -= jumpers[end-1].size {
		count++
	}
	ends := make([]int, count)
	for end := n; end > 0; end -= jumpers[end-1].size {
		count--
		ends[count] = end
	}
	return ends
}
