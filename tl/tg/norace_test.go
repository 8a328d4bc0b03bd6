//go:build !race

package tg

// raceEnabled skips allocation counts, which the race detector inflates.
const raceEnabled = false
