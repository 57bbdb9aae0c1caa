package web

// SetBoardMax lowers the records a board draws, for a test; it returns the
// restore.
func SetBoardMax(n int) func() {
	old := boardMax
	boardMax = n
	return func() { boardMax = old }
}

// SetLandingMax lowers the lines of stage counts a landing shows, for a
// test; it returns the restore.
func SetLandingMax(n int) func() {
	old := landingMax
	landingMax = n
	return func() { landingMax = old }
}
