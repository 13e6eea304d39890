//go:build race

package detect

// raceEnabled: sync.Pool drops items at random under the race detector, so
// allocation counts are only asserted without it (.ci/run runs the
// allocation tests in a separate non-race pass).
const raceEnabled = true
