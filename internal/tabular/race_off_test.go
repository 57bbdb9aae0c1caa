//go:build !race

package tabular

const raceEnabled = false
