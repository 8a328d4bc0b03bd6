package conn

import (
	"context"
	"testing"

	"github.com/mtgo-labs/mtgo/session"
)

// TestRedialNotifier checks that every dial after the first signals a redial (coalescing
// while nobody takes the signal) and the first does not.
func TestRedialNotifier(t *testing.T) {
	d := NewRedialNotifier(session.DialerFunc(func(context.Context, int, string) (session.PacketConn, error) {
		return nil, nil
	}))
	dial := func() {
		t.Helper()
		if _, err := d.DialPacket(t.Context(), 2, "x"); err != nil {
			t.Fatal(err)
		}
	}
	signalled := func() bool {
		select {
		case <-d.C():
			return true
		default:
			return false
		}
	}
	dial()
	if signalled() {
		t.Fatal("the first dial is not a redial")
	}
	for i := range 3 {
		dial()
		if !signalled() {
			t.Fatalf("redial %d not signalled", i+1)
		}
	}
	dial()
	dial()
	if !signalled() || signalled() {
		t.Fatal("two redials while nobody listened must leave exactly one signal")
	}
}
