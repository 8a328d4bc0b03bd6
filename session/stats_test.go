package session_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/session/sessiontest"
	"github.com/mtgo-labs/mtgo/transport/proxy"
)

// holdServer answers nothing: every request reaches held (with its msg_id) and stays pending.
func holdServer(t *testing.T) (*sessiontest.Server, chan sessiontest.Request) {
	srv := sessiontest.NewServer(t)
	held := make(chan sessiontest.Request, 16)
	srv.Handle(func(r sessiontest.Request) { held <- r })
	return srv, held
}

func TestDropRPC(t *testing.T) {
	srv, held := holdServer(t)
	h := start(t, srv, nil)
	sent := make(chan int64, 4)
	ctx := session.OnSent(h.ctx, func(id int64) { sent <- id })
	errc := make(chan error, 1)
	go func() { errc <- h.echo(ctx, 7) }()
	r := <-held
	msgID := <-sent
	if msgID != r.MsgID {
		t.Fatalf("OnSent reported msg_id %#x, the server got %#x", msgID, r.MsgID)
	}
	if st := h.conn.Stats(); st.InFlight != 1 || st.State != session.StateConnected {
		t.Errorf("stats with one call held: %+v", st)
	}
	if err := h.conn.DropRPC(h.ctx, msgID); err != nil {
		t.Fatalf("DropRPC: %v", err)
	}
	if err := <-errc; !errors.Is(err, session.ErrRPCDropped) {
		t.Fatalf("dropped call returned %v, want ErrRPCDropped", err)
	}
	// The answer that comes after the drop reaches nobody, and the connection goes on.
	r.Reply(r.Body)
	srv.Handle(sessiontest.Echo)
	if err := h.echo(h.ctx, 8); err != nil {
		t.Fatalf("call after the drop: %v", err)
	}
	tests := []struct {
		name  string
		msgID int64
	}{
		{"answered call", msgID},
		{"zero", 0},
		{"never sent", 12345},
	}
	for _, tt := range tests {
		if err := h.conn.DropRPC(h.ctx, tt.msgID); !errors.Is(err, session.ErrUnknownMsgID) {
			t.Errorf("%s: DropRPC = %v, want ErrUnknownMsgID", tt.name, err)
		}
	}
}

func TestDropRPCAfterRun(t *testing.T) {
	srv := sessiontest.NewServer(t)
	h := start(t, srv, nil)
	if err := h.echo(h.ctx, 1); err != nil {
		t.Fatal(err)
	}
	h.stop()
	<-h.conn.Done()
	if err := h.conn.DropRPC(context.Background(), 1); !errors.Is(err, session.ErrClosed) {
		t.Fatalf("DropRPC after Run: %v, want ErrClosed", err)
	}
}

func TestRedialKeepsCallsAndStats(t *testing.T) {
	srv, held := holdServer(t)
	h := start(t, srv, nil)
	if st := h.conn.Stats(); st.State > session.StateConnected {
		t.Fatalf("state before the first connection: %v", st.State)
	}
	errc := make(chan error, 1)
	go func() { errc <- h.echo(h.ctx, 3) }()
	first := <-held
	before := h.conn.Stats()
	if before.Dials != 1 || before.SessionID == 0 || before.Addr == "" {
		t.Fatalf("stats after the first dial: %+v", before)
	}
	h.conn.Redial()
	// The call held on the old connection is sent again on the new one, with its msg_id.
	again := <-held
	if again.MsgID != first.MsgID || again.Conn == first.Conn {
		t.Fatalf("resent call: msg_id %#x on conn %d, first %#x on conn %d", again.MsgID, again.Conn, first.MsgID, first.Conn)
	}
	again.Reply(again.Body)
	if err := <-errc; err != nil {
		t.Fatalf("call across the redial: %v", err)
	}
	after := h.conn.Stats()
	if after.Dials != 2 || after.State != session.StateConnected || after.SessionID != before.SessionID || after.LastError != nil {
		t.Fatalf("stats after the redial: %+v (before %+v)", after, before)
	}
	if srv.Connections() != 2 {
		t.Fatalf("server saw %d connections, want 2", srv.Connections())
	}
}

func TestStatsAfterCut(t *testing.T) {
	srv := sessiontest.NewServer(t)
	h := start(t, srv, nil)
	if err := h.echo(h.ctx, 1); err != nil {
		t.Fatal(err)
	}
	srv.CutAll()
	if err := h.echo(h.ctx, 2); err != nil {
		t.Fatal(err)
	}
	st := h.conn.Stats()
	if st.LastError == nil || st.LastErrorAt.IsZero() || st.Dials < 2 {
		t.Fatalf("stats after a cut: %+v", st)
	}
	h.stop()
	<-h.conn.Done()
	if got := h.conn.Stats().State; got != session.StateClosed {
		t.Fatalf("state after Run: %v", got)
	}
}

func TestConnStateString(t *testing.T) {
	for s, want := range map[session.ConnState]string{
		session.StateIdle: "idle", session.StateConnecting: "connecting", session.StateConnected: "connected",
		session.StateWaiting: "waiting", session.StateClosed: "closed", 42: "ConnState(42)",
	} {
		if got := s.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int32(s), got, want)
		}
	}
}

func BenchmarkStats(b *testing.B) {
	c, err := session.New(session.Options{Session: session.Session{DC: 1, Addr: "127.0.0.1:1"}})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = c.Stats()
	}
}

func TestProxyAuthFailureIsFinal(t *testing.T) {
	dials := 0
	c, err := session.New(session.Options{
		Session:   session.Session{DC: 2, Addr: "127.0.0.1:1"},
		Reconnect: session.ReconnectPolicy{MaxAttempts: 8},
		Dialer: session.DialerFunc(func(context.Context, int, string) (session.PacketConn, error) {
			dials++
			return nil, fmt.Errorf("dial through socks5: %w", proxy.ErrAuth)
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Run(context.Background())
	var re *session.ReconnectError
	if !errors.As(err, &re) || !errors.Is(err, proxy.ErrAuth) || dials != 1 {
		t.Fatalf("Run = %v after %d dials, want a ReconnectError with proxy.ErrAuth after 1", err, dials)
	}
}

// servedConn tells served the state Stats reports when the session starts serving on it.
type servedConn struct {
	session.PacketConn
	conn   **session.Conn
	ready  chan struct{} // closed once *conn is set
	served chan session.ConnState
}

func (s servedConn) Serving() {
	<-s.ready
	s.served <- (*s.conn).Stats().State
}

// TestServeNotifier: a connection implementing ServeNotifier hears once per connection that
// the session serves on it, after the key exchange, with Stats already connected.
func TestServeNotifier(t *testing.T) {
	srv := sessiontest.NewServer(t)
	served := make(chan session.ConnState, 4)
	var conn *session.Conn
	ready := make(chan struct{})
	h := start(t, srv, func(o *session.Options) {
		wrapConns(o, func(pc session.PacketConn) session.PacketConn {
			return servedConn{PacketConn: pc, conn: &conn, ready: ready, served: served}
		})
		o.Session.AuthKey = nil // the first connection runs the key exchange before serving
	})
	conn = h.conn
	close(ready)
	if err := h.echo(h.ctx, 1); err != nil {
		t.Fatal(err)
	}
	if st := <-served; st != session.StateConnected {
		t.Fatalf("first connection served in state %v", st)
	}
	h.conn.Redial()
	if err := h.echo(h.ctx, 2); err != nil {
		t.Fatal(err)
	}
	if st := <-served; st != session.StateConnected {
		t.Fatalf("redial served in state %v", st)
	}
	if n := len(served); n != 0 {
		t.Fatalf("%d more notices, want one per connection", n)
	}
}

// bindCountingConn records, when the session starts serving on it, how many temporary keys
// the server has bound by then.
type bindCountingConn struct {
	session.PacketConn
	srv   *sessiontest.Server
	binds chan int
}

func (b bindCountingConn) Serving() { b.binds <- b.srv.Binds() }

// TestServeNotifierAfterBinding: with a temporary key, calls wait for its binding, so the
// session serves a connection (and tells its ServeNotifier) only once the binding is
// answered: a binding that then fails would otherwise count as a connection served.
func TestServeNotifierAfterBinding(t *testing.T) {
	srv := sessiontest.NewServer(t)
	binds := make(chan int, 4)
	h := start(t, srv, func(o *session.Options) {
		o.TempKeyTTL = time.Hour
		wrapConns(o, func(pc session.PacketConn) session.PacketConn {
			return bindCountingConn{PacketConn: pc, srv: srv, binds: binds}
		})
	})
	if err := h.echo(h.ctx, 1); err != nil {
		t.Fatal(err)
	}
	if n := <-binds; n != 1 {
		t.Fatalf("served with %d temporary keys bound, want 1", n)
	}
}
