//go:build !race

package updates

const raceEnabled = false
