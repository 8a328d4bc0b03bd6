package session_test

import (
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/session/sessiontest"
)

// TestStaleStoredOffsetTempKey: a stored session whose time offset went stale (taken while the
// host's clock showed 1970, stored; the clock has been set since) runs under perfect forward
// secrecy. The temporary key exchange measures the server clock afresh, and the engine must
// start from that, not from the stored offset that puts the server 56 years ahead: else the
// binding goes out under a msg_id from 2038, the server rejects it, and the binding (whose
// msg_id is inside it) fails, costing a connection, a warning and a backoff wait.
func TestStaleStoredOffsetTempKey(t *testing.T) {
	srv := sessiontest.NewServer(t)
	first := start(t, srv, nil)
	if err := first.echo(first.ctx, 1); err != nil {
		t.Fatal(err)
	}
	stored := first.conn.Session()
	first.stop()
	<-first.conn.Done()
	conns := srv.Connections()

	stored.TimeOffset = time.Since(time.Unix(90, 0))
	h := start(t, srv, func(o *session.Options) {
		o.Session = stored
		o.TempKeyTTL = time.Hour
	})
	if err := h.echo(h.ctx, 2); err != nil {
		t.Fatal(err)
	}
	if n := srv.Connections() - conns; n != 1 {
		t.Errorf("%d connections, want 1: the first binding failed", n)
	}
	if off := h.conn.Session().TimeOffset; off.Abs() > 2*time.Second {
		t.Errorf("TimeOffset = %v, want about 0", off)
	}
	if s, err := h.store.Load(h.ctx); err != nil || s.TimeOffset.Abs() > 2*time.Second {
		t.Errorf("stored TimeOffset = %v (%v), want about 0", s.TimeOffset, err)
	}
}
