//go:build !race

package sqlite_test

// largePeers is TestConformance's large peer set: the suite's (1 000 000 under MTGO_CI).
func largePeers() int { return 0 }
