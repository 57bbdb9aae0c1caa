package totp

import "errors"

// matrix is a QR symbol: size×size modules addressed (x, y) = (column, row).
type matrix struct {
	size    int
	version int
	mask    int
	dark    []bool // module colour, row-major
	fn      []bool // function pattern (finder, timing, format…), never masked
}

func newMatrix(version int) *matrix {
	size := 17 + 4*version
	return &matrix{size: size, version: version,
		dark: make([]bool, size*size), fn: make([]bool, size*size)}
}

// Dark reports the colour of module (x, y); outside the symbol is light.
func (m *matrix) Dark(x, y int) bool {
	if x < 0 || y < 0 || x >= m.size || y >= m.size {
		return false
	}
	return m.dark[y*m.size+x]
}

func (m *matrix) setFn(x, y int, dark bool) {
	m.dark[y*m.size+x] = dark
	m.fn[y*m.size+x] = true
}

// encode returns the QR symbol for text, with the mask of lowest penalty.
func encode(text []byte) (*matrix, error) {
	return encodeMask(text, -1)
}

// encodeMask is encode with a forced mask 0–7, or -1 to choose.
func encodeMask(text []byte, mask int) (*matrix, error) {
	if mask < -1 || mask > 7 {
		return nil, errors.New("totp: QR mask must be 0-7")
	}
	v, err := chooseVersion(len(text))
	if err != nil {
		return nil, err
	}
	codewords := interleave(dataCodewordsFor(text, v), levelM[v])
	m := newMatrix(v)
	m.drawFunctionPatterns()
	m.placeData(codewords)
	if mask < 0 {
		best := -1
		for k := 0; k < 8; k++ {
			m.applyMask(k)
			m.drawFormat(k)
			if p := m.penalty(); best < 0 || p < best {
				best, mask = p, k
			}
			m.applyMask(k) // XOR again to undo
		}
	}
	m.applyMask(mask)
	m.drawFormat(mask)
	m.mask = mask
	return m, nil
}

// drawFunctionPatterns draws finders, separators, timing and alignment
// patterns, version information and the dark module, and reserves the
// format areas (drawn later, once the mask is known).
func (m *matrix) drawFunctionPatterns() {
	n := m.size
	for i := 0; i < n; i++ {
		m.setFn(6, i, i%2 == 0)
		m.setFn(i, 6, i%2 == 0)
	}
	for _, c := range [][2]int{{3, 3}, {n - 4, 3}, {3, n - 4}} {
		m.drawFinder(c[0], c[1])
	}
	pos := alignmentPositions(m.version)
	last := len(pos) - 1
	for i, cx := range pos {
		for j, cy := range pos {
			corner := i == 0 && j == 0 || i == 0 && j == last || i == last && j == 0
			if !corner {
				m.drawAlignment(cx, cy)
			}
		}
	}
	m.drawFormat(0) // reserve the areas; overwritten after masking
	m.drawVersion()
}

// drawFinder draws a 7×7 finder centred on (cx, cy) with its light
// separator, clipped to the symbol.
func (m *matrix) drawFinder(cx, cy int) {
	for dy := -4; dy <= 4; dy++ {
		for dx := -4; dx <= 4; dx++ {
			x, y := cx+dx, cy+dy
			if x < 0 || y < 0 || x >= m.size || y >= m.size {
				continue
			}
			d := max(abs(dx), abs(dy)) // ring: 0,1 dark; 2 light; 3 dark; 4 light
			m.setFn(x, y, d != 2 && d != 4)
		}
	}
}

// drawAlignment draws a 5×5 alignment pattern centred on (cx, cy).
func (m *matrix) drawAlignment(cx, cy int) {
	for dy := -2; dy <= 2; dy++ {
		for dx := -2; dx <= 2; dx++ {
			m.setFn(cx+dx, cy+dy, max(abs(dx), abs(dy)) != 1)
		}
	}
}

// alignmentPositions gives the row/column centres of alignment patterns.
func alignmentPositions(version int) []int {
	if version == 1 {
		return nil
	}
	// Versions 2–6 have a pattern near the far corners; 7–13 add a
	// middle row and column.
	last := 4*version + 10
	if version < 7 {
		return []int{6, last}
	}
	mid := 2*version + 8 // (6+last)/2, always even here
	return []int{6, mid, last}
}

// formatBits returns the 15-bit format information for level M and mask:
// 5 data bits, a BCH(15,5) remainder (generator 0x537), XOR 0x5412.
func formatBits(mask int) uint32 {
	data := uint32(0b00<<3 | mask) // level M is 00
	rem := data << 10
	for i := 14; i >= 10; i-- {
		if rem>>uint(i)&1 == 1 {
			rem ^= 0x537 << uint(i-10)
		}
	}
	return (data<<10 | rem) ^ 0x5412
}

// versionBits returns the 18-bit version information for versions ≥ 7:
// 6 data bits and a BCH(18,6) remainder (generator 0x1F25).
func versionBits(version int) uint32 {
	rem := uint32(version) << 12
	for i := 17; i >= 12; i-- {
		if rem>>uint(i)&1 == 1 {
			rem ^= 0x1F25 << uint(i-12)
		}
	}
	return uint32(version)<<12 | rem
}

// drawFormat writes both copies of the format information (bit 0 is the
// least significant) and the dark module.
func (m *matrix) drawFormat(mask int) {
	f, n := formatBits(mask), m.size
	bit := func(i int) bool { return f>>uint(i)&1 == 1 }
	for i := 0; i <= 5; i++ {
		m.setFn(8, i, bit(i))
	}
	m.setFn(8, 7, bit(6))
	m.setFn(8, 8, bit(7))
	m.setFn(7, 8, bit(8))
	for i := 9; i < 15; i++ {
		m.setFn(14-i, 8, bit(i))
	}
	for i := 0; i < 8; i++ {
		m.setFn(n-1-i, 8, bit(i))
	}
	for i := 8; i < 15; i++ {
		m.setFn(8, n-15+i, bit(i))
	}
	m.setFn(8, n-8, true) // the dark module
}

// drawVersion writes both 6×3 copies of the version information.
func (m *matrix) drawVersion() {
	if m.version < 7 {
		return
	}
	v := versionBits(m.version)
	for i := 0; i < 18; i++ {
		dark := v>>uint(i)&1 == 1
		a, b := m.size-11+i%3, i/3
		m.setFn(a, b, dark)
		m.setFn(b, a, dark)
	}
}

// placeData fills the non-function modules with the codeword bits, in
// two-column strips zig-zagging up and down from the bottom right and
// skipping the vertical timing column. Leftover modules (remainder bits)
// stay light.
func (m *matrix) placeData(codewords []byte) {
	n, i, upward := m.size, 0, true
	for right := n - 1; right >= 1; right -= 2 {
		if right == 6 {
			right = 5
		}
		for k := 0; k < n; k++ {
			y := k
			if upward {
				y = n - 1 - k
			}
			for _, x := range []int{right, right - 1} {
				if m.fn[y*n+x] || i >= 8*len(codewords) {
					continue
				}
				m.dark[y*n+x] = codewords[i/8]>>uint(7-i%8)&1 == 1
				i++
			}
		}
		upward = !upward
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
