package match

import (
	"math"
	"slices"
)

// compiled is a query's constraints resolved against the index's codes.
type compiled struct {
	in   [][]uint32 // per In: the attribute codes that satisfy it, sorted
	nums []Constraint
}

// compile resolves In constraints to codes; ok is false when one can never
// hold (no document has any of its values).
func (ix *Index) compile(cs []Constraint) (compiled, bool) {
	var c compiled
	for _, x := range cs {
		if x.Attr == "" {
			c.nums = append(c.nums, x)
			continue
		}
		var codes []uint32
		for _, v := range x.Values {
			if code, ok := ix.attrCode[x.Attr+"\x00"+v]; ok {
				codes = append(codes, code)
			}
		}
		if len(codes) == 0 {
			return c, false
		}
		slices.Sort(codes)
		c.in = append(c.in, codes)
	}
	return c, true
}

// pass reports whether slot s meets every constraint.
func (c compiled) pass(ix *Index, s uint32) bool {
	w, bit := s>>6, uint64(1)<<(s&63)
	for _, want := range c.in {
		ok := false
		for _, code := range want {
			if bits := ix.codeBits[code]; int(w) < len(bits) && bits[w]&bit != 0 {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	for _, x := range c.nums {
		if x.Covers {
			lo, hi := ix.num(x.Num+"_min", s), ix.num(x.Num+"_max", s)
			if !math.IsNaN(lo) && x.Value < lo || !math.IsNaN(hi) && x.Value > hi {
				return false
			}
			continue
		}
		v := ix.num(x.Num, s)
		if math.IsNaN(v) || v < x.Min || v > x.Max {
			return false
		}
	}
	return true
}

// narrowest returns the slots of the In constraint with fewest, when the
// constraint has a single value (several would need a merge); nil if none.
func (c compiled) narrowestOf(ix *Index) []uint32 {
	var best []uint32
	found := false
	for _, codes := range c.in {
		if len(codes) != 1 {
			continue
		}
		l := ix.byCode[codes[0]]
		if !found || len(l) < len(best) {
			best, found = l, true
		}
	}
	return best
}
