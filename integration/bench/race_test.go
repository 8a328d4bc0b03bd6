//go:build race

package mtgobench

// raceEnabled reports a -race build: the race detector drops some of sync.Pool's puts at
// random, which changes allocation counts from run to run.
const raceEnabled = true
