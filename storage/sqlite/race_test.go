//go:build race

package sqlite_test

// largePeers is TestConformance's large peer set under the race detector: 100 000 peers, a
// tenth of the suite's 1 000 000 under MTGO_CI, which took over 600 s there on a loaded
// machine (the detector slows this pure-Go SQLite about tenfold). 100 batches are enough
// for the suite's check that the last batches cost about what the first did.
const largePeers = 100_000
