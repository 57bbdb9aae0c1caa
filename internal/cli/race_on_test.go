//go:build race

package cli

// raceEnabled keeps the restore drill out of the race step: it loads the
// demo city twice per engine, which the race detector makes a quarter of an
// hour, and the drill's concern is what survives a restore, not data races;
// it runs on both engines in CI's two other test steps.
const raceEnabled = true
