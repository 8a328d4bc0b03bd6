//go:build race

package teletest

// raceEnabled reports a build with the race detector.
const raceEnabled = true
