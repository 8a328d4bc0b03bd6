package mtgobench

import (
	"testing"

	"github.com/gotd/td/bin"
	"github.com/gotd/td/tg"
)

// TestGotdAvailable checks that the rival's packages link, so a broken module setup shows up
// as a test failure rather than as missing benchmarks.
func TestGotdAvailable(t *testing.T) {
	var b bin.Buffer
	if err := (&tg.InputPeerUser{UserID: 1, AccessHash: 2}).Encode(&b); err != nil {
		t.Fatal(err)
	}
	if b.Len() == 0 {
		t.Fatal("gotd encoded nothing")
	}
}
