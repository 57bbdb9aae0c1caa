//go:build race

package bench

// raceEnabled keeps TestJudgedStep out of the race step: it loads the demo
// city per engine, which the race detector makes minutes, to check figures,
// not data races; it runs on both engines in CI's other two test steps.
const raceEnabled = true
