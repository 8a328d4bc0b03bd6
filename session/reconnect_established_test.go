package session_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/session/sessiontest"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
)

// outageConn is a Conn of srv in a synctest bubble whose network can be taken down (every dial
// fails), running until the test ends; runErr receives what Run returned.
type outageConn struct {
	conn   *session.Conn
	srv    *sessiontest.Server
	down   atomic.Bool
	runErr chan error
}

func startOutageConn(t *testing.T, adjust func(*session.Options)) *outageConn {
	t.Helper()
	o := &outageConn{srv: sessiontest.NewServer(t), runErr: make(chan error, 1)}
	inner := o.srv.Dialer()
	opts := session.Options{
		Session:    o.srv.Session(),
		PublicKeys: o.srv.PublicKeys(),
		Dialer: session.DialerFunc(func(ctx context.Context, dc int, addr string) (session.PacketConn, error) {
			if o.down.Load() {
				return nil, errors.New("network unreachable")
			}
			return inner.DialPacket(ctx, dc, addr)
		}),
		Reconnect: session.ReconnectPolicy{MaxAttempts: 3, Persistent: true},
	}
	if adjust != nil {
		adjust(&opts)
	}
	conn, err := session.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	o.conn = conn
	ctx, stop := context.WithCancel(context.Background())
	go func() { o.runErr <- conn.Run(ctx) }()
	t.Cleanup(func() {
		stop()
		<-conn.Done()
	})
	return o
}

// echo makes a call the server answers (unless its handler holds n).
func (o *outageConn) echo(ctx context.Context, n int64) error {
	var out sessiontest.Payload
	return o.conn.Invoke(ctx, &sessiontest.Payload{N: n, Data: []byte("x")}, &out)
}

// ended returns what Run returned within d (virtual time), failing t when it is still running.
func (o *outageConn) ended(t *testing.T, d time.Duration, what string) error {
	t.Helper()
	select {
	case err := <-o.runErr:
		return err
	case <-time.After(d):
		t.Fatalf("Run still redials %v after %s", d, what)
	}
	return nil
}

// TestReconnectPersistentBeforeEstablished: Persistent lifts MaxAttempts only once the owner
// marked the Run established. A connection that worked (it answered a call) and then went
// down before the mark still ends Run after MaxAttempts failures, failing a call left waiting
// with the reconnect failure: the owner's setup on it (the client's Connect) gets an error
// instead of waiting for ever. It failed when a connection's first packet lifted the limit.
func TestReconnectPersistentBeforeEstablished(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := startOutageConn(t, nil)
		if err := o.echo(context.Background(), 1); err != nil {
			t.Fatal(err)
		}
		o.down.Store(true)
		o.srv.CutAll()
		callErr := make(chan error, 1)
		go func() { callErr <- o.echo(context.Background(), 2) }()
		err := o.ended(t, time.Hour, "an outage before the Run was marked established")
		var re *session.ReconnectError
		if !errors.As(err, &re) || re.Attempts != 3 {
			t.Fatalf("Run = %v, want a *ReconnectError after 3 attempts", err)
		}
		if err := <-callErr; !errors.Is(err, session.ErrReconnectFailed) {
			t.Fatalf("call waiting during the outage = %v, want the reconnect failure", err)
		}
	})
}

// TestBindRefusedAfterAccepted: once the server accepted a temporary key's binding, bindings
// refused twice in a row (here from the key's renewal, the permanent key being gone) end
// Run, even with a Persistent policy marked established: the refusal is an answer no redial
// changes. (A single refusal is redialed: client's TestE2ETempKeyBindingFailed.)
// The calls waiting, the one in flight at the renewal and the one held for the binding,
// fail with an error that wraps the server's *RPCError, and Run's *ReconnectError wraps it
// too. It failed when the refusal was redialed for ever.
func TestBindRefusedAfterAccepted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const ttl = time.Minute // renewed from 45 s, once the calls in flight are done or at 60 s
		o := startOutageConn(t, func(opts *session.Options) { opts.TempKeyTTL = ttl })
		if err := o.echo(context.Background(), 1); err != nil {
			t.Fatal(err)
		}
		o.conn.MarkEstablished()
		const heldN = 99
		o.srv.Handle(func(r sessiontest.Request) {
			var p sessiontest.Payload
			var b tl.Buffer
			b.ResetTo(r.Body)
			if p.Decode(&b) == nil && p.N == heldN {
				return // never answered: the renewal waits for it until the key expires
			}
			sessiontest.Echo(r)
		})
		o.srv.ForgetPermanentKeys()
		calls := make(chan error, 2)
		held := func() { // repeatable: else the one in flight fails at the key's change
			var out sessiontest.Payload
			calls <- o.conn.InvokeWith(context.Background(), &sessiontest.Payload{N: heldN}, &out, session.WithRepeatable())
		}
		go held()
		time.Sleep(50 * time.Second) // renewal due: new calls wait for the next binding
		go held()
		err := o.ended(t, time.Hour, "a refused binding")
		var re *session.ReconnectError
		if !errors.As(err, &re) || re.Attempts != 2 || !errors.Is(err, session.ErrBind) {
			t.Fatalf("Run = %v, want a *ReconnectError of the second refused binding", err)
		}
		for range 2 {
			err := <-calls
			if e, ok := rpcerr.As(err); !ok || e.Message != "PERM_AUTH_KEY_INVALID" || !errors.Is(err, session.ErrBind) {
				t.Errorf("call waiting for the binding = %v, want the server's refusal", err)
			}
		}
		if err := o.echo(context.Background(), 3); !errors.Is(err, session.ErrBind) {
			t.Errorf("call after the refusal = %v, want the server's refusal", err)
		}
	})
}
