package totp

// A small QR Code encoder (ISO/IEC 18004): byte mode, error-correction
// level M, versions 1–10 (up to 213 bytes), enough for an otpauth:// URI.
// This file builds the codewords; qr_matrix.go lays them out and qr_svg.go
// draws the result.

import "fmt"

const maxVersion = 10

// blockSpec describes error-correction level M for one version: each block
// carries ec EC codewords; there are n1 blocks of d1 data codewords then
// n2 blocks of d1+1.
type blockSpec struct{ ec, n1, d1, n2 int }

// levelM is indexed by version (index 0 unused).
var levelM = [maxVersion + 1]blockSpec{
	{},
	{10, 1, 16, 0},
	{16, 1, 28, 0},
	{26, 1, 44, 0},
	{18, 2, 32, 0},
	{24, 2, 43, 0},
	{16, 4, 27, 0},
	{18, 4, 31, 0},
	{22, 2, 38, 2},
	{22, 3, 36, 2},
	{26, 4, 43, 1},
}

// dataCodewords is the number of data codewords of a version at level M.
func (b blockSpec) dataCodewords() int { return b.n1*b.d1 + b.n2*(b.d1+1) }

// totalCodewords counts data and EC codewords together.
func (b blockSpec) totalCodewords() int { return b.dataCodewords() + (b.n1+b.n2)*b.ec }

// countBits is the width of the byte-mode character count field.
func countBits(version int) int {
	if version <= 9 {
		return 8
	}
	return 16
}

// chooseVersion returns the smallest version whose capacity holds n bytes.
func chooseVersion(n int) (int, error) {
	for v := 1; v <= maxVersion; v++ {
		if 4+countBits(v)+8*n <= 8*levelM[v].dataCodewords() {
			return v, nil
		}
	}
	return 0, fmt.Errorf("totp: %d bytes is too long for a version %d-M QR code", n, maxVersion)
}

// bitWriter appends bits most-significant first.
type bitWriter struct {
	buf []byte
	n   int // bits written
}

func (w *bitWriter) write(v uint32, bits int) {
	for i := bits - 1; i >= 0; i-- {
		if w.n%8 == 0 {
			w.buf = append(w.buf, 0)
		}
		if v>>uint(i)&1 == 1 {
			w.buf[w.n/8] |= 0x80 >> uint(w.n%8)
		}
		w.n++
	}
}

// dataCodewordsFor encodes data in byte mode and pads it to the capacity
// of version: mode, count, data, terminator, zero bits to a byte boundary,
// then alternating 0xEC 0x11 pad bytes.
func dataCodewordsFor(data []byte, version int) []byte {
	capacity := levelM[version].dataCodewords()
	var w bitWriter
	w.write(0b0100, 4)
	w.write(uint32(len(data)), countBits(version))
	for _, c := range data {
		w.write(uint32(c), 8)
	}
	w.write(0, min(4, 8*capacity-w.n))
	if w.n%8 != 0 {
		w.write(0, 8-w.n%8)
	}
	for pad := byte(0xEC); len(w.buf) < capacity; pad ^= 0xEC ^ 0x11 {
		w.buf = append(w.buf, pad)
	}
	return w.buf
}

// interleave splits data into blocks, appends each block's Reed–Solomon
// codewords and interleaves them as the standard requires: the i-th data
// codeword of every block in turn, then the i-th EC codeword likewise.
func interleave(data []byte, spec blockSpec) []byte {
	gen := rsGenerator(spec.ec)
	var blocks, ecs [][]byte
	for i, off := 0, 0; i < spec.n1+spec.n2; i++ {
		n := spec.d1
		if i >= spec.n1 {
			n++
		}
		blocks = append(blocks, data[off:off+n])
		ecs = append(ecs, rsRemainder(data[off:off+n], gen))
		off += n
	}
	out := make([]byte, 0, spec.totalCodewords())
	for i := 0; i <= spec.d1; i++ {
		for _, b := range blocks {
			if i < len(b) {
				out = append(out, b[i])
			}
		}
	}
	for i := 0; i < spec.ec; i++ {
		for _, e := range ecs {
			out = append(out, e[i])
		}
	}
	return out
}

// Reed–Solomon over GF(256) with the QR primitive polynomial
// x^8 + x^4 + x^3 + x^2 + 1 (0x11D) and generator element α = 2.

var gfExp, gfLog = gfTables()

func gfTables() (exp [512]byte, log [256]byte) {
	x := 1
	for i := 0; i < 255; i++ {
		exp[i] = byte(x)
		log[x] = byte(i)
		x <<= 1
		if x&0x100 != 0 {
			x ^= 0x11D
		}
	}
	for i := 255; i < 512; i++ { // so gfMul needs no modulo
		exp[i] = exp[i-255]
	}
	return exp, log
}

func gfMul(a, b byte) byte {
	if a == 0 || b == 0 {
		return 0
	}
	return gfExp[int(gfLog[a])+int(gfLog[b])]
}

// rsGenerator returns the coefficients of (x-α^0)(x-α^1)…(x-α^(n-1)),
// highest degree first, without the leading 1.
func rsGenerator(n int) []byte {
	g := []byte{1}
	for i := 0; i < n; i++ {
		next := make([]byte, len(g)+1)
		for j, c := range g {
			next[j] ^= c                    // c·x
			next[j+1] ^= gfMul(c, gfExp[i]) // c·α^i (minus is plus in GF(2^8))
		}
		g = next
	}
	return g[1:]
}

// rsRemainder returns the EC codewords: data·x^n mod the generator.
func rsRemainder(data, gen []byte) []byte {
	rem := make([]byte, len(gen))
	for _, d := range data {
		factor := d ^ rem[0]
		copy(rem, rem[1:])
		rem[len(rem)-1] = 0
		for i, g := range gen {
			rem[i] ^= gfMul(g, factor)
		}
	}
	return rem
}
