package web

// SetLandingMax lowers the lines of stage counts a landing shows, for a
// test; it returns the restore.
func SetLandingMax(n int) func() {
	old := landingMax
	landingMax = n
	return func() { landingMax = old }
}
