package crypto

import (
	"crypto/sha1"
	"errors"
	"io"
	"testing"
)

func errorIs(err, target error) bool { return errors.Is(err, target) }

// randBytes returns n deterministic pseudo-random bytes.
func randBytes(t testing.TB, r io.Reader, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		t.Fatal(err)
	}
	return b
}

// skipAllocs skips allocation counting where it is meaningless.
func skipAllocs(t *testing.T) {
	t.Helper()
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	if testing.CoverMode() != "" {
		t.Skip("allocation counts are not meaningful with coverage")
	}
}

// benchSizes are the payload sizes every throughput benchmark runs at.
var benchSizes = []struct {
	name string
	n    int
}{
	{"64B", 64},
	{"1KiB", 1 << 10},
	{"16KiB", 16 << 10},
	{"512KiB", 512 << 10},
}

func sha1Sum(b []byte) [20]byte { return sha1.Sum(b) }
