package conn

import (
	"context"
	"testing"

	"github.com/mtgo-labs/mtgo/session"
)

// TestRedialNotifier checks that every connection served after the first signals a redial
// (coalescing while nobody takes the signal), the first does not, and a dial the session
// never served on does not either.
func TestRedialNotifier(t *testing.T) {
	d := NewRedialNotifier(session.DialerFunc(func(context.Context, int, string) (session.PacketConn, error) {
		return nil, nil
	}))
	open := func() session.PacketConn {
		t.Helper()
		pc, err := d.DialPacket(t.Context(), 2, "x")
		if err != nil {
			t.Fatal(err)
		}
		return pc
	}
	dial := func() { open().(session.ServeNotifier).Serving() }
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
	open()
	if signalled() {
		t.Fatal("a dial the session never served on is not a redial")
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
