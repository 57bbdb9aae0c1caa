// Package match ranks candidates for a need: challenges and their solvers,
// funding needs and financial products, SMEs and digital solutions, compute
// demand and centres. One Index holds the candidates' profiles (Doc) in
// memory; a Query combines Chinese text relevance (BM25F over the terms of
// internal/search, with a weight per field), hard constraints and weighted
// features, and every Suggestion says why it ranks where it does.
//
// An Index changes one profile at a time (Put, Delete) under a lock, so it
// stays current as records change; Pool (pool.go) keeps one in step with the
// database by reading the audit chain. See README.md for the scoring.
package match

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/xinzhi-platform/xinzhi/internal/search"
)

// Doc is one candidate's profile.
type Doc struct {
	ID int64
	// Text holds the searchable text by field (name, description, …).
	Text map[string]string
	// Attrs holds values a constraint can require (kind, cluster, district,
	// stage, qualification …); an attribute may hold several values.
	Attrs map[string][]string
	// Nums holds numbers for ranges and features (problems solved, capacity,
	// price, amount_min/amount_max, lat/lon …).
	Nums map[string]float64
}

// Config fixes an index's fields and BM25 parameters.
type Config struct {
	// Fields lists the text fields with their default weights; text in a
	// field not listed is refused by Put.
	Fields map[string]float64
	// K1 and B are BM25's parameters (1.2 and 0.75 when zero).
	K1, B float64
}

// Index is an in-memory ranking index. It is safe for concurrent use.
type Index struct {
	seg    *search.Segmenter
	k1, b  float64
	fields []string
	weight []float64

	mu       sync.RWMutex
	ids      []int64              // slot → document id
	alive    []bool               // slot → not deleted or replaced
	terms    [][]uint32           // slot → its distinct term ids
	codes    [][]uint32           // slot → its attribute codes, sorted
	flen     [][]uint16           // field → slot → length in terms
	ftotal   []float64            // field → total length over live slots
	nums     map[string][]float32 // name → slot → value (NaN: none)
	numMax   map[string]float64   // name → largest value ever put
	bySlot   map[int64]uint32     // document id → its live slot
	dict     map[string]uint32    // term → id
	postings [][]posting          // term id → postings in slot order
	df       []int32              // term id → live documents holding it
	deadIn   []int32              // term id → dead postings in its list
	attrCode map[string]uint32    // "attr\x00value" → code
	attrName []string             // code → "attr\x00value"
	byCode   [][]uint32           // code → slots in order (dead ones too)
	codeBits [][]uint64           // code → bit set of its live slots

	exhaustive bool // tests: never prune (prune.go)
}

// posting is one field of one document holding a term tf times; the
// field's length rides along, coded in a byte (lenCode), so scoring reads
// nothing but the postings.
type posting struct {
	slot  uint32
	tf    uint16
	field uint8
	len   uint8
}

// lenCode codes a field length in a byte: exact up to 128, then 16 steps
// per doubling (about 4% apart) up to some 30,000 terms.
func lenCode(n int) uint8 {
	if n <= 128 {
		return uint8(n)
	}
	return uint8(min(255, 128+int(math.Log2(float64(n)/128)*16)))
}

// lenOf is the length a code stands for.
func lenOf(c uint8) float64 {
	if c <= 128 {
		return float64(c)
	}
	return 128 * math.Exp2(float64(c-128)/16)
}

// New returns an empty index over the given fields.
func New(seg *search.Segmenter, cfg Config) (*Index, error) {
	if seg == nil {
		return nil, fmt.Errorf("match: no segmenter")
	}
	if len(cfg.Fields) == 0 || len(cfg.Fields) > 255 {
		return nil, fmt.Errorf("match: an index needs 1 to 255 text fields, got %d", len(cfg.Fields))
	}
	ix := &Index{seg: seg, k1: cfg.K1, b: cfg.B,
		nums: map[string][]float32{}, numMax: map[string]float64{}, bySlot: map[int64]uint32{},
		dict: map[string]uint32{}, attrCode: map[string]uint32{}}
	if ix.k1 <= 0 {
		ix.k1 = 1.2
	}
	if ix.b < 0 || ix.b > 1 || cfg.B == 0 {
		ix.b = 0.75
	}
	for f := range cfg.Fields {
		ix.fields = append(ix.fields, f)
	}
	slices.Sort(ix.fields)
	for _, f := range ix.fields {
		w := cfg.Fields[f]
		if !(w > 0) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("match: field %q needs a positive weight, got %v", f, w)
		}
		ix.weight = append(ix.weight, w)
	}
	ix.flen = make([][]uint16, len(ix.fields))
	ix.ftotal = make([]float64, len(ix.fields))
	return ix, nil
}

// Fields returns the index's text fields in order.
func (ix *Index) Fields() []string { return slices.Clone(ix.fields) }

// Len returns the number of live documents.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.bySlot)
}

// analysed is a document segmented outside the lock.
type analysed struct {
	doc    Doc
	counts []map[string]int // field → term → count
	lens   []int
}

func (ix *Index) analyse(d Doc) (analysed, error) {
	a := analysed{doc: d, counts: make([]map[string]int, len(ix.fields)), lens: make([]int, len(ix.fields))}
	for name, text := range d.Text {
		f, ok := slices.BinarySearch(ix.fields, name)
		if !ok {
			return a, fmt.Errorf("match: document %d: unknown text field %q (the index has %v)", d.ID, name, ix.fields)
		}
		a.counts[f], a.lens[f] = ix.seg.TermCounts(text)
	}
	for name, v := range d.Nums {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return a, fmt.Errorf("match: document %d: %s is not a finite number", d.ID, name)
		}
	}
	return a, nil
}

// Put adds a document, replacing any with the same ID.
func (ix *Index) Put(d Doc) error {
	a, err := ix.analyse(d)
	if err != nil {
		return err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.put(a)
	return nil
}

// PutAll adds documents, segmenting them first without holding the lock.
func (ix *Index) PutAll(ds []Doc) error {
	as := make([]analysed, 0, len(ds))
	for _, d := range ds {
		a, err := ix.analyse(d)
		if err != nil {
			return err
		}
		as = append(as, a)
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, a := range as {
		ix.put(a)
	}
	return nil
}

// Delete removes the document with this ID, if there is one.
func (ix *Index) Delete(id int64) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.remove(id)
}

func (ix *Index) remove(id int64) {
	s, ok := ix.bySlot[id]
	if !ok {
		return
	}
	delete(ix.bySlot, id)
	ix.alive[s] = false
	for f := range ix.fields {
		ix.ftotal[f] -= float64(ix.flen[f][s])
	}
	for _, t := range ix.terms[s] {
		ix.df[t]--
		ix.deadIn[t] += int32(fieldsHolding(ix.postings[t], s))
		if int(ix.deadIn[t])*4 > len(ix.postings[t]) {
			ix.compact(t)
		}
	}
	for _, c := range ix.codes[s] {
		ix.codeBits[c][s>>6] &^= 1 << (s & 63)
	}
	ix.terms[s] = nil
	ix.codes[s] = nil
}

// fieldsHolding counts the postings of slot s in list (sorted by slot).
func fieldsHolding(list []posting, s uint32) int {
	i, _ := slices.BinarySearchFunc(list, s, func(p posting, s uint32) int { return cmpSlot(p.slot, s) })
	n := 0
	for ; i < len(list) && list[i].slot == s; i++ {
		n++
	}
	return n
}

func cmpSlot(a, b uint32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compact drops a term's dead postings.
func (ix *Index) compact(t uint32) {
	list := ix.postings[t][:0]
	for _, p := range ix.postings[t] {
		if ix.alive[p.slot] {
			list = append(list, p)
		}
	}
	ix.postings[t] = slices.Clip(list)
	ix.deadIn[t] = 0
}

func (ix *Index) put(a analysed) {
	d := a.doc
	ix.remove(d.ID)
	s := uint32(len(ix.ids))
	ix.ids = append(ix.ids, d.ID)
	ix.alive = append(ix.alive, true)
	ix.bySlot[d.ID] = s
	var tids []uint32
	for f := range ix.fields {
		n := min(a.lens[f], math.MaxUint16)
		ix.flen[f] = append(ix.flen[f], uint16(n))
		ix.ftotal[f] += float64(n)
		terms := make([]string, 0, len(a.counts[f]))
		for t := range a.counts[f] {
			terms = append(terms, t)
		}
		for _, term := range terms {
			t, ok := ix.dict[term]
			if !ok {
				t = uint32(len(ix.postings))
				ix.dict[term] = t
				ix.postings = append(ix.postings, nil)
				ix.df = append(ix.df, 0)
				ix.deadIn = append(ix.deadIn, 0)
			}
			tf := min(a.counts[f][term], math.MaxUint16)
			ix.postings[t] = append(ix.postings[t], posting{slot: s, tf: uint16(tf), field: uint8(f), len: lenCode(n)})
			tids = append(tids, t)
		}
	}
	// A term in two fields has two postings (field order) but one df.
	slices.Sort(tids)
	tids = slices.Compact(tids)
	for _, t := range tids {
		ix.df[t]++
		// Postings of this slot were appended field by field; keep each
		// term's list sorted by slot, then field (they are: s is the
		// largest slot, and fields were walked in order).
	}
	ix.terms = append(ix.terms, slices.Clip(tids))

	var codes []uint32
	for attr, vals := range d.Attrs {
		for _, v := range vals {
			key := attr + "\x00" + v
			c, ok := ix.attrCode[key]
			if !ok {
				c = uint32(len(ix.attrName))
				ix.attrCode[key] = c
				ix.attrName = append(ix.attrName, key)
				ix.byCode = append(ix.byCode, nil)
				ix.codeBits = append(ix.codeBits, nil)
			}
			codes = append(codes, c)
		}
	}
	slices.Sort(codes)
	codes = slices.Compact(codes)
	for _, c := range codes {
		ix.byCode[c] = append(ix.byCode[c], s)
		for int(s>>6) >= len(ix.codeBits[c]) {
			ix.codeBits[c] = append(ix.codeBits[c], 0)
		}
		ix.codeBits[c][s>>6] |= 1 << (s & 63)
	}
	ix.codes = append(ix.codes, codes)

	for name, col := range ix.nums {
		v, ok := d.Nums[name]
		if !ok {
			ix.nums[name] = append(col, float32(math.NaN()))
			continue
		}
		ix.nums[name] = append(col, float32(v))
	}
	for name, v := range d.Nums {
		if _, ok := ix.nums[name]; !ok {
			col := make([]float32, s+1)
			for i := range col {
				col[i] = float32(math.NaN())
			}
			col[s] = float32(v)
			ix.nums[name] = col
		}
		if v > ix.numMax[name] {
			ix.numMax[name] = v
		}
	}
}
