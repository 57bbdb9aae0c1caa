//go:build race

package tabular

// raceEnabled shrinks the big tests: the race detector makes them ten times
// slower and finds nothing more in a hundred thousand rows than in ten.
const raceEnabled = true
