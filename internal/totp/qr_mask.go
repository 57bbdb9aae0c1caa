package totp

// maskFuncs are the eight data mask conditions; a module is inverted
// where the condition holds. x is the column, y the row.
var maskFuncs = [8]func(x, y int) bool{
	func(x, y int) bool { return (x+y)%2 == 0 },
	func(x, y int) bool { return y%2 == 0 },
	func(x, y int) bool { return x%3 == 0 },
	func(x, y int) bool { return (x+y)%3 == 0 },
	func(x, y int) bool { return (y/2+x/3)%2 == 0 },
	func(x, y int) bool { return x*y%2+x*y%3 == 0 },
	func(x, y int) bool { return (x*y%2+x*y%3)%2 == 0 },
	func(x, y int) bool { return ((x+y)%2+x*y%3)%2 == 0 },
}

// applyMask XORs mask k onto the data modules (applying twice undoes it).
func (m *matrix) applyMask(k int) {
	f := maskFuncs[k]
	for y := 0; y < m.size; y++ {
		for x := 0; x < m.size; x++ {
			if !m.fn[y*m.size+x] && f(x, y) {
				m.dark[y*m.size+x] = !m.dark[y*m.size+x]
			}
		}
	}
}

// Penalty weights of the mask evaluation rules (ISO/IEC 18004 §7.8.3).
const (
	penaltyRun     = 3  // N1: a run of 5 same-colour modules, +1 per extra
	penaltyBlock   = 3  // N2: each 2×2 block of one colour
	penaltyFinder  = 40 // N3: a 1:1:3:1:1 finder-like pattern beside 4 light
	penaltyBalance = 10 // N4: per 5% of dark modules away from 50%
)

// penalty scores the symbol as masked; encode keeps the lowest.
func (m *matrix) penalty() int {
	n, score, dark := m.size, 0, 0
	for i := 0; i < n; i++ {
		score += m.linePenalty(func(k int) bool { return m.Dark(k, i) })
		score += m.linePenalty(func(k int) bool { return m.Dark(i, k) })
	}
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			c := m.Dark(x, y)
			if c {
				dark++
			}
			if x+1 < n && y+1 < n && c == m.Dark(x+1, y) && c == m.Dark(x, y+1) && c == m.Dark(x+1, y+1) {
				score += penaltyBlock
			}
		}
	}
	// Deviation from half dark, in whole 5% steps.
	dev := abs(dark*20-n*n*10) / (n * n)
	return score + dev*penaltyBalance
}

// finderLike is dark-light-dark-dark-dark-light-dark followed by four
// light modules; the reverse is checked too.
var finderLike = [11]bool{true, false, true, true, true, false, true, false, false, false, false}

// linePenalty scores one row or column (rules N1 and N3); at(k) is the
// colour of its k-th module.
func (m *matrix) linePenalty(at func(int) bool) int {
	n, score, run := m.size, 0, 0
	for k := 0; k < n; k++ {
		if k > 0 && at(k) == at(k-1) {
			run++
		} else {
			run = 1
		}
		if run == 5 {
			score += penaltyRun
		} else if run > 5 {
			score++
		}
	}
	for k := 0; k+len(finderLike) <= n; k++ {
		fwd, rev := true, true
		for j, want := range finderLike {
			fwd = fwd && at(k+j) == want
			rev = rev && at(k+len(finderLike)-1-j) == want
		}
		if fwd {
			score += penaltyFinder
		}
		if rev {
			score += penaltyFinder
		}
	}
	return score
}
