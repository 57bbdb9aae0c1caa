package match

import (
	"container/heap"
	"slices"
)

// scoreTerms adds the query's terms to the scratch scores, rarest first.
// As soon as the limit best candidates so far are sure to beat every
// candidate that holds only the terms still to come (MaxScore), it stops
// taking new candidates: the remaining terms only add to those still in
// the running. It then returns them, all passing the constraints, and true;
// it returns false when it never could prune, and every touched slot must be
// ranked.
//
// The bounds are exact, so pruning never changes the result:
//   - a term adds at most idf·(k1+1) to a document's text score;
//   - text is scaled by the best final text score, which is at least the
//     best so far (bestP) and, while bestP exceeds what the remaining terms
//     can add (r), at most bestP + r;
//   - features are scaled to 0–1, so add at most their summed weights (F).
func (ix *Index) scoreTerms(sc *scratch, qts []qterm, norms [][256]float64, q Query, cons compiled, excluded map[uint32]bool, limit int, tw float64) ([]uint32, bool) {
	rest := make([]float64, len(qts)+1) // rest[i]: the most terms i… can add
	for i := len(qts) - 1; i >= 0; i-- {
		rest[i] = rest[i+1] + qts[i].idf*(ix.k1+1)
	}
	F := 0.0
	for _, f := range q.Features {
		F += f.Weight
	}
	var cand []uint32
	pruned := false
	for i, qt := range qts {
		if pruned {
			ix.accumulateOnly(sc, qt, norms, cand)
			continue
		}
		ix.accumulate(sc, qt, norms)
		if ix.exhaustive || q.Browse || i+1 == len(qts) || len(sc.touched) >= len(ix.postings[qts[i+1].id]) {
			continue // last term, or pruning would save nothing
		}
		r := rest[i+1]
		var bestP float64
		passing := make([]uint32, 0, len(sc.touched))
		for _, s := range sc.touched {
			if excluded[s] || !cons.pass(ix, s) {
				continue
			}
			passing = append(passing, s)
			bestP = max(bestP, float64(sc.acc[s]))
		}
		if len(passing) < limit || bestP <= r {
			continue
		}
		feats := make([]float64, len(passing))
		top := make(kLargest, 0, limit) // the limit largest lower bounds
		for j, s := range passing {
			feats[j] = ix.featurePoints(q.Features, s, nil)
			top.add(tw*float64(sc.acc[s])/(bestP+r)+feats[j], limit)
		}
		theta := top[0]
		outside := tw*r/bestP + F
		if theta <= outside*(1+1e-6)+1e-9 {
			continue
		}
		for j, s := range passing {
			acc := float64(sc.acc[s])
			// Keep those that may still make the top, and those that may
			// yet hold the best text score (which scales everyone's).
			if tw*(acc+r)/bestP+feats[j] >= theta*(1-1e-6) || acc+r >= bestP*(1-1e-6) {
				cand = append(cand, s)
			}
		}
		pruned = true
	}
	return cand, pruned
}

// accumulateOnly adds one term's score to the slots in cand: by binary
// search in the term's postings when cand is much shorter, else by walking
// them and adding only to slots already scored (cand is among those; the
// others are never ranked).
func (ix *Index) accumulateOnly(sc *scratch, qt qterm, norms [][256]float64, cand []uint32) {
	list := ix.postings[qt.id]
	k1 := ix.k1
	add := func(s uint32, tfw float64) {
		sc.acc[s] += float32(qt.idf * tfw * (k1 + 1) / (k1 + tfw))
	}
	if len(cand)*16 < len(list) {
		for _, s := range cand {
			i, found := slices.BinarySearchFunc(list, s, func(p posting, s uint32) int { return cmpSlot(p.slot, s) })
			if !found {
				continue
			}
			var tfw float64
			for ; i < len(list) && list[i].slot == s; i++ {
				tfw += float64(list[i].tf) * norms[list[i].field][list[i].len]
			}
			add(s, tfw)
		}
		return
	}
	for i := 0; i < len(list); {
		s := list[i].slot
		var tfw float64
		for ; i < len(list) && list[i].slot == s; i++ {
			tfw += float64(list[i].tf) * norms[list[i].field][list[i].len]
		}
		if sc.acc[s] != 0 && ix.alive[s] {
			add(s, tfw)
		}
	}
}

// kLargest keeps the k largest values seen, the least of them first.
type kLargest []float64

func (h kLargest) Len() int           { return len(h) }
func (h kLargest) Less(i, j int) bool { return h[i] < h[j] }
func (h kLargest) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *kLargest) Push(x any)        { *h = append(*h, x.(float64)) }
func (h *kLargest) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func (h *kLargest) add(v float64, k int) {
	switch {
	case len(*h) < k:
		heap.Push(h, v)
	case v > (*h)[0]:
		(*h)[0] = v
		heap.Fix(h, 0)
	}
}
