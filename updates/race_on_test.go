//go:build race

package updates

const raceEnabled = true
