// Package conn runs the client's connections: one Conn per data center session with its Run
// goroutine, the bookkeeping the per-DC pool needs, one call on a running connection, and the
// session store of one data center inside the client's storage.
package conn

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"

	"github.com/mtgo-labs/mtgo/client/internal/wire"
)

// ErrClosed fails a call whose connection the client closed (Stop, Disconnect). It is the
// client's ErrClientClosed.
var ErrClosed = errors.New("mtgo: client closed")

// Conn is one MTProto session with one data center as the client uses it (the client's Conn
// seam). The default SessionFactory builds them over *session.Conn, the session module's run
// loop.
type Conn interface {
	// Run connects (running the auth key exchange first when the session has no key),
	// serves calls and reconnects, until ctx is done or reconnection gives up. It returns
	// only after every goroutine it started has stopped.
	Run(ctx context.Context) error
	// InvokeWith sends in and decodes its result into out, waiting for the connection if
	// needed. An rpc_error answer is returned as *rpcerr.Error. repeatable marks a call that
	// is safe to send again when the connection breaks before its answer arrives; any other
	// call then fails instead.
	InvokeWith(ctx context.Context, in tl.Encoder, out tl.Decoder, repeatable bool) error
	// Session returns the current persistent state (auth key, salt, time offset).
	Session() session.Session
}

// ContextFree is implemented by connections whose InvokeWith keeps no reference to the
// call's context or request once it has returned (the session's connection keeps none):
// their calls may run on a pooled context (the engine's attempts) and in a pooled
// invokeWithoutUpdates wrapper (Live.Call). A connection that hands either to work outliving
// the call must not implement it.
type ContextFree interface{ ContextFreeCalls() }

// Config is what a SessionFactory needs to build a Conn (the client's ConnConfig).
type Config struct {
	// DC is the data center id and Addr its "host:port".
	DC   int
	Addr string
	// TestMode is true for Telegram's test data centers.
	TestMode bool
	// Media marks a connection for file transfers; CDN one to a CDN data center.
	Media, CDN bool
	// Store holds the session of this data center: loaded when connecting, saved when the
	// auth key, salt or clock offset change. The client's pool uses a connection only once
	// it has a key (Store.Keyed: loaded, or made and saved), which the pool's other
	// connections to the data center then load: a call waiting for a Conn that never gets
	// one fails when its context ends, the Conn ends, or the pool is closed.
	Store session.Store
	// PublicKeys are the RSA keys trusted for the key exchange (Telegram's and
	// Config.PublicKeys, or the CDN's for a CDN connection).
	PublicKeys []crypto.PublicKey
	// Dialer opens the packet connection (through the configured proxy, if any).
	Dialer session.Dialer
	// Init describes the client for the invokeWithLayer(initConnection) wrapping of the first
	// calls of every connection; the Conn must apply it.
	Init *session.InitConnection
	// Reconnect bounds the attempts to restore a broken connection.
	Reconnect session.ReconnectPolicy
	// Updates receives what the server pushes; nil drops it.
	Updates session.UpdateHandler
	// Logger receives the connection's log records. It says whether the connection is for
	// media; the Conn names the data center (the session's run loop does, in each record).
	Logger *slog.Logger
}

// Live is a running Conn: its Run goroutine and the bookkeeping of the per-DC pool.
type Live struct {
	DC         int
	Media, CDN bool
	Conn       Conn

	cancel context.CancelFunc
	runCtx context.Context // Run's context: ends with Close or when the owner stops
	done   chan struct{}   // closed when Run returned
	err    error           // Run's result, valid after done

	// Link reports the losses, redials and end of a home connection, nil for the others.
	Link *RedialNotifier

	closing    atomic.Bool  // Close was called: failures are the client's doing
	migratedTo atomic.Int32 // the home DC moved here while this connection was home
	active     atomic.Int32 // calls in flight
	lastUse    atomic.Int64 // unix nanoseconds of the last call
	closeOnce  sync.Once
	running    bool // Start ran it; set before Start returns
	free       bool // Conn is ContextFree
}

// Spawner runs f on a goroutine its owner waits for, with a context that ends when the owner
// stops; it reports false (running nothing) once the owner is stopping.
type Spawner func(f func(ctx context.Context)) bool

// Start runs c through spawn until the owner stops or Close is called. A Run that ends by
// itself (reconnection gave up) is logged on log and, for a home connection, reported on
// link as its end. It returns nil when the owner is stopping.
func Start(spawn Spawner, dc int, media, cdn bool, c Conn, link *RedialNotifier, log *slog.Logger) *Live {
	lc := New(dc, media, cdn, c)
	lc.Link = link
	lc.running = true
	started := make(chan struct{})
	ok := spawn(func(ctx context.Context) {
		runCtx, cancel := context.WithCancel(ctx)
		lc.cancel, lc.runCtx = cancel, runCtx
		close(started)
		lc.err = c.Run(runCtx)
		ended := lc.err != nil && !lc.closing.Load() && runCtx.Err() == nil
		close(lc.done) // before the end is reported: its hooks may Disconnect, which waits for it
		if ended {
			log.Error("connection ended", "dc", dc, "err", lc.err)
			if link != nil {
				link.end(lc.err)
			}
		}
	})
	if !ok {
		return nil
	}
	<-started
	return lc
}

// New returns a Live for c that is not running, for tests of the pool: Done reports false
// until Close.
func New(dc int, media, cdn bool, c Conn) *Live {
	lc := &Live{DC: dc, Media: media, CDN: cdn, Conn: c, done: make(chan struct{}), cancel: func() {}}
	_, lc.free = c.(ContextFree)
	lc.Touch()
	return lc
}

// Touch records a use now.
func (lc *Live) Touch() { lc.lastUse.Store(time.Now().UnixNano()) }

// Idle reports whether no call is in flight and none started within d before now.
func (lc *Live) Idle(now time.Time, d time.Duration) bool {
	return lc.active.Load() == 0 && now.Sub(time.Unix(0, lc.lastUse.Load())) >= d
}

// InFlight returns the client's calls in flight on the connection.
func (lc *Live) InFlight() int { return int(lc.active.Load()) }

// Stats returns the connection's session statistics; ok is false when the Conn keeps none
// (a replaced SessionFactory's).
func (lc *Live) Stats() (st session.Stats, ok bool) {
	if s, ok := lc.Conn.(interface{ Stats() session.Stats }); ok {
		return s.Stats(), true
	}
	return session.Stats{}, false
}

// Redial asks the connection to drop its socket and dial again now; false when the Conn
// cannot.
func (lc *Live) Redial() bool {
	if r, ok := lc.Conn.(interface{ Redial() }); ok {
		r.Redial()
		return true
	}
	return false
}

// DropRPC drops the call in flight sent with msgID (see session.Conn.DropRPC).
func (lc *Live) DropRPC(ctx context.Context, msgID int64) error {
	d, ok := lc.Conn.(interface {
		DropRPC(context.Context, int64) error
	})
	if !ok {
		return fmt.Errorf("%w: the connection cannot drop calls", session.ErrUnknownMsgID)
	}
	return d.DropRPC(ctx, msgID)
}

// Ended is closed when Run returned.
func (lc *Live) Ended() <-chan struct{} { return lc.done }

// Err returns why Run returned (ErrClosed when it gave no reason), nil while it runs.
func (lc *Live) Err() error {
	if !lc.Done() {
		return nil
	}
	if lc.err == nil {
		return ErrClosed
	}
	return lc.err
}

// Done reports whether Run returned.
func (lc *Live) Done() bool {
	select {
	case <-lc.done:
		return true
	default:
		return false
	}
}

// Close stops the Run loop and waits for it.
func (lc *Live) Close() {
	lc.closeOnce.Do(func() {
		lc.closing.Store(true)
		lc.cancel()
		if !lc.running {
			close(lc.done) // built by New for a test, never run
		}
	})
	<-lc.done
}

// CloseMigrated closes a former home connection after the home moved to dc: calls that were
// in flight fail with *Migrated.
func (lc *Live) CloseMigrated(dc int) {
	lc.migratedTo.Store(int32(dc))
	lc.Close()
}

// ContextFree reports whether the connection keeps nothing of a call once it returned (it
// implements ContextFree).
func (lc *Live) ContextFree() bool { return lc.free }

// noUpdatesWrappers are the invokeWithoutUpdates wrappers of calls on ContextFree
// connections, which keep no request once the call returned: a wrapper made per call was one
// allocation of every call of a client without an update engine.
var noUpdatesWrappers = sync.Pool{New: func() any { return new(tg.InvokeWithoutUpdatesRequest) }}

// Call sends in on the connection (wrapped in invokeWithoutUpdates when noUpdates), marked
// repeatable when the request may be sent again after a reconnect. A call failed because the
// client closed the connection returns ErrClosed, or *Migrated when the home moved.
func (lc *Live) Call(ctx context.Context, in tl.Encoder, out tl.Decoder, noUpdates bool) error {
	q := in
	if noUpdates {
		var w *tg.InvokeWithoutUpdatesRequest
		if lc.free {
			w = noUpdatesWrappers.Get().(*tg.InvokeWithoutUpdatesRequest)
			defer func() {
				w.Query = nil
				noUpdatesWrappers.Put(w)
			}()
		} else {
			w = new(tg.InvokeWithoutUpdatesRequest)
		}
		w.Query = in
		q = w
	}
	lc.active.Add(1)
	lc.Touch()
	err := lc.Conn.InvokeWith(ctx, q, out, tg.IsIdempotent(in))
	lc.Touch()
	lc.active.Add(-1)
	if err == nil {
		return nil
	}
	if _, ok := rpcerr.As(err); ok {
		return err
	}
	// The client's doing: Close, or its owner stopping (Stop cancels the engine's life before
	// the engine closes each connection, and the session fails its calls as soon as its
	// context ends).
	if (lc.closing.Load() || lc.runCtx != nil && lc.runCtx.Err() != nil) && ctx.Err() == nil {
		if dc := lc.migratedTo.Load(); dc != 0 {
			return &Migrated{DC: int(dc), Err: err}
		}
		return fmt.Errorf("%w: %s: %v", ErrClosed, wire.MethodName(in), err)
	}
	if lc.Done() && lc.err != nil && !errors.Is(err, lc.err) {
		return fmt.Errorf("%w (connection: %v)", err, lc.err)
	}
	return err
}

// Migrated fails a call whose connection was closed because the home DC moved to DC.
type Migrated struct {
	DC  int
	Err error
}

func (e *Migrated) Error() string {
	return fmt.Sprintf("connection closed by the migration to dc %d: %v", e.DC, e.Err)
}

func (e *Migrated) Unwrap() error { return e.Err }

// RedialNotifier is the Dialer of the home connection. It watches the connections it dials
// and reports, in order, a LinkEvent when one breaks after the session served on a first one
// (its first read or write error, unless the session closed it first: a Disconnect, a
// migration, a key renewal) and one for every
// connection that the session starts serving on after the first (a reconnect of the session's
// run loop; see session.ServeNotifier): pushes sent while the connection was down are lost and
// only a getDifference brings them back, and the client's OnDisconnect and OnConnect hooks run.
//
// The events go to the deliver function given to NewRedialNotifier, one at a time, on a
// goroutine that runs only while events wait: the first event starts it through the Spawner,
// and it ends as soon as it finds none left. The session's goroutine that reports an event
// never waits for its delivery.
type RedialNotifier struct {
	session.Dialer
	spawn   Spawner
	deliver func(ctx context.Context, ev LinkEvent)

	mu       sync.Mutex
	served   int64      // connections the session served on
	events   []linkItem // waiting for the drainer: at most maxLinkEvents, the oldest dropped
	draining bool       // a drainer was started and has not found the queue empty yet
}

// LinkEvent is a change of the home connection: Lost is the error that broke it, nil for a
// redial. Ended marks the last event of a connection whose Run gave up (Lost is what Run
// returned): no redial follows.
type LinkEvent struct {
	Lost  error
	Ended bool
}

// linkItem is an entry of the notifier's queue: an event, or a Flush mark (closed when the
// drainer reaches it, or when it is dropped).
type linkItem struct {
	ev      LinkEvent
	flushed chan struct{}
}

// release closes the Flush marks among items, which are dropped.
func release(items []linkItem) {
	for _, it := range items {
		if it.flushed != nil {
			close(it.flushed)
		}
	}
}

// maxLinkEvents bounds the events waiting for a delivery that is slow (a hook that blocks); the
// latest are kept, so the last one tells the connection's state.
const maxLinkEvents = 16

// NewRedialNotifier wraps d. Events are handed to deliver, in order, on goroutines started
// through spawn (with spawn's context); once spawn refuses, the events are dropped.
func NewRedialNotifier(d session.Dialer, spawn Spawner, deliver func(ctx context.Context, ev LinkEvent)) *RedialNotifier {
	return &RedialNotifier{Dialer: d, spawn: spawn, deliver: deliver}
}

// queueLocked queues it and reports whether a drainer must be started; d.mu is held.
func (d *RedialNotifier) queueLocked(it linkItem) (start bool) {
	if len(d.events) == maxLinkEvents {
		release(d.events[:1])
		d.events = append(d.events[:0], d.events[1:]...)
	}
	d.events = append(d.events, it)
	start = !d.draining
	d.draining = true
	return start
}

// startDrain runs a drainer through spawn; when spawn refuses (its owner is stopping), the
// waiting events are dropped.
func (d *RedialNotifier) startDrain() {
	if d.spawn(d.drain) {
		return
	}
	d.mu.Lock()
	dropped := d.events
	d.events, d.draining = nil, false
	d.mu.Unlock()
	release(dropped)
}

// drain delivers the waiting events in order until none is left, or ctx ends (the rest are
// dropped), then returns: the next event starts a new drainer.
func (d *RedialNotifier) drain(ctx context.Context) {
	for {
		d.mu.Lock()
		batch := d.events
		d.events = nil
		if len(batch) == 0 || ctx.Err() != nil {
			d.draining = false
			d.mu.Unlock()
			release(batch)
			return
		}
		d.mu.Unlock()
		for i, it := range batch {
			if ctx.Err() != nil {
				release(batch[i:]) // the next round ends the drain
				break
			}
			if it.flushed != nil {
				close(it.flushed)
				continue
			}
			d.deliver(ctx, it.ev)
		}
	}
}

// end reports that the connection's Run returned by itself with err: the last event.
func (d *RedialNotifier) end(err error) {
	d.mu.Lock()
	start := d.queueLocked(linkItem{ev: LinkEvent{Lost: err, Ended: true}})
	d.mu.Unlock()
	if start {
		d.startDrain()
	}
}

// Flush waits until every event reported before it was delivered (or dropped), or ctx ends.
// With no drainer running it returns at once: nothing waits.
func (d *RedialNotifier) Flush(ctx context.Context) error {
	d.mu.Lock()
	if !d.draining {
		d.mu.Unlock()
		return nil
	}
	mark := make(chan struct{})
	d.queueLocked(linkItem{flushed: mark}) // a drainer runs: it reaches the mark
	d.mu.Unlock()
	select {
	case <-mark:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// DialPacket implements session.Dialer.
func (d *RedialNotifier) DialPacket(ctx context.Context, dc int, addr string) (session.PacketConn, error) {
	pc, err := d.Dialer.DialPacket(ctx, dc, addr)
	if err != nil {
		return nil, err
	}
	return &watchedConn{PacketConn: pc, d: d}, nil
}

// watchedConn reports the first error of a connection the session did not close itself.
type watchedConn struct {
	session.PacketConn
	d    *RedialNotifier
	done atomic.Bool // closed or already reported
}

func (w *watchedConn) ReadPacket() ([]byte, error) {
	p, err := w.PacketConn.ReadPacket()
	if err != nil {
		w.broke(err)
	}
	return p, err
}

func (w *watchedConn) WritePacket(p []byte) error {
	err := w.PacketConn.WritePacket(p)
	if err != nil {
		w.broke(err)
	}
	return err
}

// Serving implements session.ServeNotifier: every connection served after the first is a
// redial. Told when the session serves, not when the socket opens, so the redial's hooks see
// a connected client, and a connection refused before then runs none. A connection already
// broken (its reader runs while the session waits for the key's binding) is a loss, not a
// redial.
func (w *watchedConn) Serving() {
	d := w.d
	d.mu.Lock()
	start := false
	if !w.done.Load() {
		d.served++
		if d.served > 1 {
			start = d.queueLocked(linkItem{})
		}
	}
	d.mu.Unlock()
	if start {
		d.startDrain()
	}
}

func (w *watchedConn) Close() error {
	w.done.Store(true)
	return w.PacketConn.Close()
}

// broke reports err as the loss of the link, once per connection. A connection that breaks
// before the session served any (a first dial refused) loses nothing the client announced:
// Connect is still waiting, or a migration still has the old home connection. Its hooks would
// come before Connect's OnConnect, and the served connection after it would be a second
// OnConnect.
func (w *watchedConn) broke(err error) {
	if !w.done.CompareAndSwap(false, true) {
		return
	}
	d := w.d
	d.mu.Lock()
	start := false
	if d.served > 0 {
		start = d.queueLocked(linkItem{ev: LinkEvent{Lost: err}})
	}
	d.mu.Unlock()
	if start {
		d.startDrain()
	}
}
