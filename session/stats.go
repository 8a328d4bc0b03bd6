package session

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
)

var (
	// ErrRPCDropped fails a call whose answer DropRPC dropped: the server was told with
	// rpc_drop_answer that the answer is no longer wanted.
	ErrRPCDropped = errors.New("session: call dropped by rpc_drop_answer")
	// ErrUnknownMsgID fails DropRPC for a msg_id no call in flight was sent with.
	ErrUnknownMsgID = errors.New("session: no call in flight has this msg_id")
	// errRedial ends a connection Redial asked to replace.
	errRedial = errors.New("session: redial requested")
)

// ConnState is where a Conn's run loop is.
type ConnState int32

// The states of a Conn.
const (
	// StateIdle: Run has not started.
	StateIdle ConnState = iota
	// StateConnecting: dialing, running the key exchange or binding a temporary key.
	StateConnecting
	// StateConnected: a connection is up and serving calls.
	StateConnected
	// StateWaiting: the connection broke; the loop waits before dialing again.
	StateWaiting
	// StateClosed: Run returned.
	StateClosed
)

// String returns the state's name.
func (s ConnState) String() string {
	switch s {
	case StateIdle:
		return "idle"
	case StateConnecting:
		return "connecting"
	case StateConnected:
		return "connected"
	case StateWaiting:
		return "waiting"
	case StateClosed:
		return "closed"
	}
	return fmt.Sprintf("ConnState(%d)", int32(s))
}

// Stats is a Conn's state at one moment, for health checks and diagnostics (see Conn.Stats).
type Stats struct {
	// State is where the run loop is.
	State ConnState
	// Addr is the address dialed.
	Addr string
	// SessionID is the MTProto session's id, 0 before the first connection.
	SessionID int64
	// SaltValidUntil is the server time until which announced server salts cover the
	// session, zero when only the current salt is known (it is fetched before it runs out).
	SaltValidUntil time.Time
	// RTT is the smoothed round trip of the keepalive pings, 0 before the first pong.
	RTT time.Duration
	// LastPong is when the last keepalive pong arrived, zero before the first.
	LastPong time.Time
	// InFlight is the number of calls waiting for their answer.
	InFlight int
	// Queued is the number of messages waiting to be written.
	Queued int
	// Dials counts the connections opened (the first and every reconnect).
	Dials int64
	// DroppedUpdates counts the pushes dropped because the update handler was far behind
	// (more than 1024 waiting); the handler is then told of a new session, as after a lost
	// connection, to fetch what had a pts or qts.
	DroppedUpdates int64
	// LastError is why the last connection ended, nil if none did; LastErrorAt is when.
	LastError   error
	LastErrorAt time.Time
}

// connStats is what Stats reads: atomics the run loop writes, so reading never waits for it.
type connStats struct {
	state     atomic.Int32
	addr      atomic.Pointer[string]
	sessionID atomic.Int64
	saltUntil atomic.Int64 // unix nanoseconds, 0 for none
	rtt       atomic.Int64
	lastPong  atomic.Int64 // unix nanoseconds, 0 for none
	queued    atomic.Int32
	dials     atomic.Int64
	lastErr   atomic.Pointer[errAt]
	// droppedUpdates counts the pushes a full update queue dropped (updateQueue).
	droppedUpdates atomic.Int64
}

type errAt struct {
	err error
	at  time.Time
}

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromUnixNano(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// Stats returns the connection's state. It reads atomics only: cheap enough to call every
// second from a monitor, and it never waits for the run loop.
func (c *Conn) Stats() Stats {
	st := &c.stats
	s := Stats{
		State:          ConnState(st.state.Load()),
		SessionID:      st.sessionID.Load(),
		SaltValidUntil: fromUnixNano(st.saltUntil.Load()),
		RTT:            time.Duration(st.rtt.Load()),
		LastPong:       fromUnixNano(st.lastPong.Load()),
		InFlight:       len(c.slots),
		Queued:         int(st.queued.Load()),
		Dials:          st.dials.Load(),
		DroppedUpdates: st.droppedUpdates.Load(),
	}
	if a := st.addr.Load(); a != nil {
		s.Addr = *a
	}
	if e := st.lastErr.Load(); e != nil {
		s.LastError, s.LastErrorAt = e.err, e.at
	}
	return s
}

// setState records where the loop is.
func (c *Conn) setState(s ConnState) { c.stats.state.Store(int32(s)) }

// noteLost records why a connection ended.
func (c *Conn) noteLost(err error, now time.Time) {
	if err != nil {
		c.stats.lastErr.Store(&errAt{err: err, at: now})
	}
}

// publishStats copies what the engine knows into the atomics Stats reads.
func (l *loop) publishStats() {
	st := &l.c.stats
	st.rtt.Store(int64(l.eng.RTT()))
	st.lastPong.Store(unixNano(l.eng.LastPong()))
	st.saltUntil.Store(unixNano(l.eng.SaltValidUntil()))
	st.queued.Store(int32(l.eng.Queued() + len(l.waiting)))
	st.sessionID.Store(l.eng.SessionID()) // a clock correction may start a new one
}

// Redial drops the current connection and dials again at once, without waiting for a
// backoff: for a network change (a new Wi-Fi, a VPN going up), after which the old socket may
// hang for minutes before it fails. Calls in flight are sent again on the new connection
// (see Run). It does nothing while Run is not running.
func (c *Conn) Redial() {
	select {
	case c.redial <- struct{}{}:
	default:
	}
	c.box.signal() // the loop checks redial after each wake-up
}

// dropReq is a DropRPC waiting for the loop.
type dropReq struct {
	msgID int64
	done  chan error
}

// DropRPC gives up the call in flight that was sent with msgID: the server is told with
// rpc_drop_answer that its answer is no longer wanted, and the waiting caller gets an error
// matching ErrRPCDropped. It returns once the loop dropped the call (the rpc_drop_answer goes
// out with the next packet), ErrUnknownMsgID when no call in flight was sent with msgID. The
// server may have run the call already: dropping only stops its answer. A call waiting for its
// answer in the session a clock correction left is dropped without telling the server (see
// mtp.Engine.Cancel).
func (c *Conn) DropRPC(ctx context.Context, msgID int64) error {
	done := make(chan error, 1)
	c.box.mu.Lock()
	if c.box.closed {
		err := c.box.err
		c.box.mu.Unlock()
		return err
	}
	c.box.drops = append(c.box.drops, dropReq{msgID: msgID, done: done})
	c.box.mu.Unlock()
	c.box.signal()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-c.done:
		return c.closedErr()
	}
}

// drop runs a DropRPC on the loop.
func (l *loop) drop(msgID int64) error {
	if msgID != 0 && l.eng != nil {
		for id, cl := range l.calls {
			if l.eng.MsgID(id) != msgID {
				continue
			}
			delete(l.calls, id)
			l.eng.Cancel(id) // queues rpc_drop_answer: the call was sent (in this session)
			cl.res <- result{err: fmt.Errorf("%w: msg_id %#x", ErrRPCDropped, msgID)}
			return nil
		}
	}
	return fmt.Errorf("%w: %#x", ErrUnknownMsgID, msgID)
}

// sentKey is the context key of OnSent.
type sentKey struct{}

// OnSent returns a context whose calls report the msg_id they are sent with to f (again
// after every resend under a new msg_id), for DropRPC. f runs on the connection's loop: it
// must return at once.
func OnSent(ctx context.Context, f func(msgID int64)) context.Context {
	return context.WithValue(ctx, sentKey{}, f)
}

// sentHook returns the OnSent function of ctx, nil if none.
func sentHook(ctx context.Context) func(int64) {
	f, _ := ctx.Value(sentKey{}).(func(int64))
	return f
}
