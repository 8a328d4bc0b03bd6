//go:build !race

package mini

const raceEnabled = false
