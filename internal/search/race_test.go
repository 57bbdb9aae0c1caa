//go:build race

package search

// raceEnabled makes TestSameTermsAsGse compare a sample under the race
// detector, which makes gse ten times slower.
const raceEnabled = true
