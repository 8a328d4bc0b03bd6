package session_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/session/sessiontest"
)

// wrapConns makes o's dialer hand out each connection it dials wrapped by wrap.
func wrapConns(o *session.Options, wrap func(session.PacketConn) session.PacketConn) {
	d := o.Dialer
	o.Dialer = session.DialerFunc(func(ctx context.Context, dc int, addr string) (session.PacketConn, error) {
		pc, err := d.DialPacket(ctx, dc, addr)
		if err != nil {
			return nil, err
		}
		return wrap(pc), nil
	})
}

// numberedConn tells served its dial's number (0 for the first) when the session starts
// serving on it.
type numberedConn struct {
	session.PacketConn
	n      int
	served chan<- int
}

func (c numberedConn) Serving() { c.served <- c.n }

// TestServingAfterFirstAnswer: the server accepts the socket of the first redials after a
// loss but refuses them (a transport error answering the first packet, or a hang-up before
// any), while the client is idle. Only the connection that works is served: each connection
// sends the server something it must answer at once, and the session tells its
// ServeNotifier on the first packet under the key, not before.
func TestServingAfterFirstAnswer(t *testing.T) {
	tests := []struct {
		name    string
		code    int32
		refused int
		ttl     time.Duration
	}{
		{name: "hang-up", code: 0, refused: 3},
		{name: "-429", code: -429, refused: 3},
		{name: "-404", code: -404, refused: 2}, // a third would give the key up
		{name: "hang-up, temporary key", code: 0, refused: 3, ttl: time.Hour},
		{name: "-429, temporary key", code: -429, refused: 3, ttl: time.Hour},
		{name: "-404, temporary key", code: -404, refused: 2, ttl: time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := sessiontest.NewServer(t)
			served := make(chan int, 16)
			var dials atomic.Int32
			h := start(t, srv, func(o *session.Options) {
				o.TempKeyTTL = tt.ttl
				wrapConns(o, func(pc session.PacketConn) session.PacketConn {
					return numberedConn{PacketConn: pc, n: int(dials.Add(1)) - 1, served: served}
				})
			})
			if err := h.echo(h.ctx, 1); err != nil {
				t.Fatal(err)
			}
			if n := <-served; n != 0 {
				t.Fatalf("served connection %d first, want 0", n)
			}
			for n := 1; n <= tt.refused; n++ {
				srv.Refuse(n, tt.code)
			}
			srv.CutAll()
			if n := <-served; n != tt.refused+1 {
				t.Fatalf("after the loss, served connection %d, want %d (the first not refused)", n, tt.refused+1)
			}
			if st := h.conn.Stats(); st.State != session.StateConnected || st.Dials != int64(tt.refused+2) {
				t.Errorf("stats: state %v after %d dials, want connected after %d", st.State, st.Dials, tt.refused+2)
			}
			if err := h.echo(h.ctx, 2); err != nil {
				t.Fatal(err)
			}
			if n := len(served); n != 0 {
				t.Fatalf("%d more notices, want none", n)
			}
		})
	}
}
