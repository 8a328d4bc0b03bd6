package conn

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/mtgo-labs/mtgo/session"
)

// failingConn fails every read and write with err.
type failingConn struct{ err error }

func (f failingConn) ReadPacket() ([]byte, error) { return nil, f.err }
func (f failingConn) WritePacket([]byte) error    { return f.err }
func (f failingConn) Close() error                { return nil }

// TestRedialNotifierLinkEvents checks the order of the events: a connection's first error is
// one loss (later errors of the same connection are not), a connection closed by the session
// first is no loss, every connection served after the first is a redial, and one that
// breaks before the session serves on it is a loss without a redial.
func TestRedialNotifierLinkEvents(t *testing.T) {
	eof := errors.New("eof")
	d, h := newHeldNotifier(func() (session.PacketConn, error) { return failingConn{err: eof}, nil })
	dial := func() session.PacketConn { return dialT(t, d, true) }
	pc := dial()
	_, _ = pc.ReadPacket()
	_ = pc.WritePacket(nil)
	pc = dial()
	_ = pc.Close() // the session's own close: a migration, Disconnect
	_, _ = pc.ReadPacket()
	pc = dial()
	_ = pc.WritePacket(nil)
	_, _ = dialT(t, d, false).ReadPacket() // broken in the key exchange
	want := []LinkEvent{{Lost: eof}, {}, {}, {Lost: eof}, {Lost: eof}}
	if diff := cmp.Diff(want, h.run(t.Context()), cmpopts.EquateErrors()); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
	if h.started != 1 {
		t.Fatalf("%d drainers for the events waiting together, want 1", h.started)
	}
	for range maxLinkEvents + 3 {
		dial()
	}
	if ev := h.run(t.Context()); len(ev) != maxLinkEvents {
		t.Fatalf("%d events delivered, want the latest %d", len(ev), maxLinkEvents)
	}
}

// TestRedialNotifierLossBeforeFirstServe: a connection that breaks before any was served (the
// first dial of a home connection, as after a migration, refused in its key exchange) is a
// loss, so the first connection served after it is the redial that ends it: without it the
// client would stay down (OnDisconnect with no OnConnect, Health not connected).
func TestRedialNotifierLossBeforeFirstServe(t *testing.T) {
	eof := errors.New("eof")
	d, h := newHeldNotifier(func() (session.PacketConn, error) { return failingConn{err: eof}, nil })
	_, _ = dialT(t, d, false).ReadPacket() // refused
	dialT(t, d, true)
	want := []LinkEvent{{Lost: eof}, {}}
	if diff := cmp.Diff(want, h.run(t.Context()), cmpopts.EquateErrors()); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
}

// TestRedialNotifierServedAfterBreak: the session may be told it serves a connection whose
// reader has already failed (the reader runs while the loop waits for the key's binding);
// that connection is lost, not a redial.
func TestRedialNotifierServedAfterBreak(t *testing.T) {
	eof := errors.New("eof")
	d, h := newHeldNotifier(func() (session.PacketConn, error) { return failingConn{err: eof}, nil })
	for range 2 {
		pc := dialT(t, d, false)
		_, _ = pc.ReadPacket()
		pc.(session.ServeNotifier).Serving()
	}
	want := []LinkEvent{{Lost: eof}, {Lost: eof}}
	if diff := cmp.Diff(want, h.run(t.Context()), cmpopts.EquateErrors()); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
}
