//go:build !race

package crypto

// raceEnabled skips allocation counts, which the race detector inflates.
const raceEnabled = false
