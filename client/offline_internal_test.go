package mtgo

import "testing"

// newOfflineClient returns a client that keeps its state in memory, runs no update engine and
// never connects; it is stopped when the test ends.
func newOfflineClient(t testing.TB) *Client {
	t.Helper()
	cfg := DefaultConfig
	cfg.InMemory, cfg.NoUpdates = true, true
	c, err := NewClient(1, "hash", &cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	return c
}
