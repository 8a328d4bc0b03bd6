//go:build race

package sqlite_test

import "github.com/mtgo-labs/mtgo/client/storage/storagetest"

// largePeers is TestConformance's large peer set under the race detector: 100 000 peers
// under MTGO_CI, a tenth of the suite's 1 000 000, which took over 600 s there on a loaded
// machine (the detector slows this pure-Go SQLite about tenfold); 100 batches are enough for
// the suite's check that the last batches cost about what the first did. Without MTGO_CI,
// the suite's small set, as every backend stores. A function, so that the environment is
// read while the test runs, where go test's cache sees it.
func largePeers() int { return min(100_000, storagetest.LargeCount(storagetest.Backend{})) }
