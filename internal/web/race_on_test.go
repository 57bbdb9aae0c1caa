//go:build race

package web_test

// raceEnabled keeps TestAPIEveryOperation out of the race step: it loads the
// demo city once per engine, which the race detector makes several minutes,
// and what it checks (every response against the OpenAPI document) is not a
// data race; it runs on both engines in CI's two other test steps.
const raceEnabled = true
