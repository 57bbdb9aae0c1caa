package programsweb

// SetBoardMax lowers the records a board draws, for a test; it returns the
// restore.
func SetBoardMax(n int) func() {
	old := boardMax
	boardMax = n
	return func() { boardMax = old }
}
