//go:build !race

package mtgobench

const raceEnabled = false
