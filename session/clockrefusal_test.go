package session_test

import (
	"errors"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mtgo-labs/mtgo/session"
)

// countingConn counts the packets the session writes.
type countingConn struct {
	session.PacketConn
	n *atomic.Int64
}

func (c countingConn) WritePacket(p []byte) error {
	c.n.Add(1)
	return c.PacketConn.WritePacket(p)
}

// TestImplausibleServerClockEndsRun: a server that claims a time the session will not follow
// (2040, past the msg_id range) rejects every message with bad_msg_notification 16. A caller
// that tries again whenever its call fails went on for ever at the pace of round trips (20
// minutes of virtual time in a bubble before 7940168). Each call now fails with
// ErrClockOffset, and after a few refusals in a row Run ends with it, even under a policy that
// never gives up, after a bounded number of packets.
func TestImplausibleServerClockEndsRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var written atomic.Int64
		h := start(t, nil, func(o *session.Options) {
			o.Reconnect.MaxAttempts = -1
			wrapConns(o, func(pc session.PacketConn) session.PacketConn {
				return countingConn{PacketConn: pc, n: &written}
			})
		})
		if err := h.echo(h.ctx, 1); err != nil {
			t.Fatal(err)
		}
		h.srv.SetSkew(time.Until(time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)))
		before := written.Load()
		const maxCalls = 16
		calls := 0
		for ; calls < maxCalls; calls++ {
			err := h.echo(h.ctx, 2)
			if errors.Is(err, session.ErrClosed) {
				break
			}
			if !errors.Is(err, session.ErrClockOffset) {
				t.Fatalf("call %d: %v, want ErrClockOffset", calls, err)
			}
		}
		if calls == maxCalls {
			t.Fatalf("Run still going after %d calls failed", calls)
		}
		err := <-h.runErr
		if !errors.Is(err, session.ErrClockOffset) || !errors.Is(err, session.ErrReconnectFailed) {
			t.Fatalf("Run: %v, want a *ReconnectError wrapping ErrClockOffset", err)
		}
		if n := written.Load() - before; n > 8 {
			t.Errorf("%d packets written after the server's clock went wrong, want at most 8", n)
		}
		t.Logf("%d calls failed, %d packets written", calls, written.Load()-before)
	})
}

// TestClockRefusalsTogetherCountOnce: a server whose clock the session will not follow
// rejects calls sent one by one while it holds its answers, then sends the notices together
// in one packet. Each notice counted as a refusal in a row, so five calls refused at once
// ended Run in one round trip; the limit means rounds. The calls fail with ErrClockOffset
// and the connection stays.
func TestClockRefusalsTogetherCountOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := start(t, nil, func(o *session.Options) { o.Reconnect.MaxAttempts = -1 })
		if err := h.echo(h.ctx, 1); err != nil {
			t.Fatal(err)
		}
		h.srv.SetSkew(time.Until(time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)))
		h.srv.SetSilent(true)
		const held = 4
		errs := make(chan error, held)
		for i := range held {
			go func() { errs <- h.echo(h.ctx, int64(10+i)) }()
			synctest.Wait() // sent alone, refused, the notice held
		}
		h.srv.SetSilent(false)
		last := h.echo(h.ctx, 20) // its notice goes out with the held ones
		for i := range held + 1 {
			err := last
			if i < held {
				err = <-errs
			}
			if !errors.Is(err, session.ErrClockOffset) {
				t.Fatalf("call %d: %v, want ErrClockOffset", i, err)
			}
		}
		synctest.Wait()
		select {
		case err := <-h.runErr:
			t.Fatalf("Run ended after one packet of refusals: %v", err)
		default:
		}
		if n := h.srv.Connections(); n != 1 {
			t.Errorf("%d connections, want the first kept", n)
		}
	})
}
