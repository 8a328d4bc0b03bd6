// Package engine owns the client's connections: the home connection with its migrations, the
// per-DC session pool, the data center table, authorizations exported to other data centers,
// and the call policy that runs on them. It is the tg.Invoker every other layer calls
// through, built before them from the configuration, the storage and the session factory.
package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"

	"github.com/mtgo-labs/mtgo/client/internal/conn"
	"github.com/mtgo-labs/mtgo/client/internal/dcpool"
	"github.com/mtgo-labs/mtgo/client/internal/dcs"
	"github.com/mtgo-labs/mtgo/client/internal/invoke"
	"github.com/mtgo-labs/mtgo/client/internal/wire"
)

// The engine's sentinels; the client exports them under the same messages.
var (
	// ErrClosed fails everything after Close.
	ErrClosed = conn.ErrClosed
	// ErrNotConnected fails calls while there is no home connection.
	ErrNotConnected = errors.New("mtgo: not connected")
	// ErrAlreadyConnected fails Connect while connected or connecting.
	ErrAlreadyConnected = errors.New("mtgo: already connected")
	// ErrUnknownDC fails a move to a data center without an address.
	ErrUnknownDC = errors.New("mtgo: migration to an unknown data center")
)

// Storage is what the engine keeps in the client's storage: the sessions of every data center
// and the home data center.
type Storage interface {
	conn.Sessions
	SetHomeDC(ctx context.Context, dc int) error
}

// Pushes receives what the home connection pushes: updates, new server sessions, losses of
// the connection (err the reason), redials (after which pushes may have been lost), and its
// end when the session gave up (err what its Run returned; Connect may be called again).
type Pushes interface {
	session.UpdateHandler
	HandleNewSession(ctx context.Context) error
	Lost(ctx context.Context, err error)
	Redialed(ctx context.Context)
	Ended(ctx context.Context, err error)
}

// PushBinder makes the Pushes of the home connections one Connect makes. Connect calls Bind
// once it starts a new home connection (not when it fails with ErrAlreadyConnected or
// ErrClosed); that connection, and those a migration makes in its place, report to what Bind
// returned until the next Connect binds anew. The consumer numbers its Binds to tell a late
// event of a replaced connection from the current one's.
type PushBinder interface {
	Bind() Pushes
}

// Options configure an Engine.
type Options struct {
	// HomeDC is the data center to connect to first.
	HomeDC int
	// TestMode selects Telegram's test data centers.
	TestMode bool
	// NoUpdates wraps every call in invokeWithoutUpdates.
	NoUpdates bool
	// RequestTimeout bounds each attempt when a call gives no timeout.
	RequestTimeout time.Duration
	// SessionIdleTimeout closes per-DC sessions unused for that long.
	SessionIdleTimeout time.Duration
	// Init describes the client in initConnection.
	Init session.InitConnection
	// Reconnect bounds the attempts to restore a broken connection. Its Persistent applies
	// to the home connection only, once Established says the client's Connect has its answers: a
	// per-DC or media connection that gives up is opened again by the next call that needs
	// it, and must not redial for ever while unused.
	Reconnect session.ReconnectPolicy
	// Keys are the trusted RSA keys.
	Keys []crypto.PublicKey
	// Store keeps the sessions and the home data center.
	Store Storage
	// NewConn builds a connection.
	NewConn func(conn.Config) (conn.Conn, error)
	// Dialer returns how connections reach a data center (media ones announce it negated).
	Dialer func(media bool) session.Dialer
	// Table finds data center addresses.
	Table *dcs.Table
	// Policy is the call policy; Final and Stopped are set by New.
	Policy invoke.Policy
	// Log receives the engine's records.
	Log *slog.Logger
}

// Engine owns the connections. Its methods are safe for concurrent use.
type Engine struct {
	o      Options
	policy invoke.Policy
	log    *slog.Logger
	table  *dcs.Table
	pool   *dcpool.Pool

	life   context.Context // cancelled by Close: the lifetime of every goroutine
	cancel context.CancelFunc
	wg     sync.WaitGroup

	migrateMu sync.Mutex // one home migration at a time

	// keyMu is held across every load, change and save of a stored session (the connections'
	// conn.Store too), so that forgetKey never drops a key another connection saved meanwhile.
	keyMu sync.Mutex

	attempts attemptPool // per engine, so that a synctest bubble keeps its timers

	mu         sync.Mutex
	closed     bool
	connecting bool
	home       *conn.Live
	homeDC     int
	push       Pushes // the pushes handler of the home connection, set by Connect
	// established: the client's Connect has its answers (Established), so the home
	// connection, and the one a migration makes, redial for ever under a Persistent policy;
	// reset by Connect.
	established bool
	gen         Gen   // the last Connect's, which Established and DisconnectGen compare to theirs
	warnedMark  bool  // the warning that the home Conn cannot be told Established was logged
	userID      int64 // the account the connections are authorized for, 0 when none
	bot         bool
	cdnMem      map[int]*conn.CDNMemory // CDN sessions by data center, shared by their connections
	webfileDC   int                     // config.webfile_dc_id of the last help.getConfig (webfile.go)
	// deadKeys: by data center, a key the server forgot that is still stored (dropping it
	// failed); loads (sessions) do not see it, so no connection uses it again.
	deadKeys map[int][]byte
}

var _ tg.Invoker = (*Engine)(nil)

// New returns an engine that is not connected.
func New(o Options) *Engine {
	life, cancel := context.WithCancel(context.Background())
	e := &Engine{o: o, log: o.Log, table: o.Table, life: life, cancel: cancel, homeDC: o.HomeDC}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	e.policy = o.Policy
	e.policy.Final = []error{ErrClosed, ErrNotConnected, session.ErrRPCDropped}
	e.policy.Stopped = life.Done()
	if e.policy.Log == nil {
		e.policy.Log = e.log
	}
	e.pool = dcpool.New(e.spawn, e.open, o.SessionIdleTimeout, e.log)
	return e
}

// spawn runs f on a goroutine Close waits for, unless the engine is closed.
func (e *Engine) spawn(f func(ctx context.Context)) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return false
	}
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		f(e.life)
	}()
	return true
}

// Table returns the data center table.
func (e *Engine) Table() *dcs.Table { return e.table }

// SetAccount records the account the connections are authorized for (0: none).
func (e *Engine) SetAccount(userID int64, bot bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.userID, e.bot = userID, bot
}

// Account returns the account the connections are authorized for, 0 when none.
func (e *Engine) Account() (userID int64, bot bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.userID, e.bot
}

// SetHomeDC sets the data center Connect goes to (a stored home, before connecting).
func (e *Engine) SetHomeDC(dc int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.homeDC = dc
}

// HomeDC returns the home data center, whether connected or not.
func (e *Engine) HomeDC() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.homeDC
}

// Home returns the home data center and whether a home connection exists (it may be
// reconnecting).
func (e *Engine) Home() (dc int, connected bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.homeDC, e.home != nil
}

// HomeEnded returns a channel closed when the current home connection's Run returns (it gave
// up reconnecting, or was closed), nil when there is none.
func (e *Engine) HomeEnded() <-chan struct{} {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.home == nil {
		return nil
	}
	return e.home.Ended()
}

// Connected reports whether the home connection is up.
func (e *Engine) Connected() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.home != nil && !e.home.Done()
}

// HomeSession returns the home connection's current session, false when not connected (also
// when its session gave up: then the stored one is the newer, as when the key was forgotten).
func (e *Engine) HomeSession() (session.Session, bool) {
	e.mu.Lock()
	home, dc := e.home, e.homeDC
	e.mu.Unlock()
	if home == nil || home.Done() {
		return session.Session{}, false
	}
	s := home.Conn.Session()
	if s.DC == 0 {
		s.DC = dc
	}
	return s, true
}

// Gen names one Connect: Connect returns it, and Established and DisconnectGen act only while
// the home connection is still the one that Connect made (or a migration of it), so that a
// Connect still running after a Disconnect and a newer Connect leaves the newer one alone.
type Gen uint64

// Connect connects to the home data center with what binder.Bind returns receiving its
// pushes, and sends help.getConfig (the first call, so it carries initConnection) to learn the
// data centers. A home connection whose session gave up is replaced. It returns the Gen of
// this Connect, also with an error other than ErrClosed and ErrAlreadyConnected.
func (e *Engine) Connect(ctx context.Context, binder PushBinder) (Gen, error) {
	e.mu.Lock()
	switch {
	case e.closed:
		e.mu.Unlock()
		return 0, ErrClosed
	case e.home != nil && !e.home.Done() || e.connecting:
		e.mu.Unlock()
		return 0, ErrAlreadyConnected
	}
	ended := e.home // its session gave up, if set
	e.home = nil
	e.connecting = true
	e.established = false
	e.gen++
	gen := e.gen
	e.push = binder.Bind() // under e.mu: no event of this Connect's connection comes before
	dc := e.homeDC
	e.mu.Unlock()
	if ended != nil {
		ended.Close() // releases its context; its Run has returned
	}
	defer func() {
		e.mu.Lock()
		e.connecting = false
		e.mu.Unlock()
	}()
	lc, err := e.dial(ctx, dc, false, false, true)
	if err != nil {
		return gen, err
	}
	e.warnUnmarkable(lc)
	if err := e.fetchConfig(ctx, lc); err != nil {
		lc.Close()
		if errors.Is(err, session.ErrAuthKeyUnknown) {
			if ferr := e.forgetKey(ctx, lc); ferr != nil {
				// the key is dead all the same (deadKeys): the error says both
				err = fmt.Errorf("%w; %w", err, ferr)
			}
		}
		return gen, fmt.Errorf("mtgo: connect to dc %d: %w", dc, err)
	}
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		lc.Close()
		return gen, ErrClosed
	}
	e.home = lc
	e.mu.Unlock()
	e.log.Info("connected", "dc", dc)
	return gen, nil
}

// fetchConfig sends help.getConfig on lc and learns the data center list from it.
func (e *Engine) fetchConfig(ctx context.Context, lc *conn.Live) error {
	var cfg tg.Config
	if err := lc.Call(ctx, &tg.HelpGetConfigRequest{}, &cfg, e.o.NoUpdates); err != nil {
		return fmt.Errorf("help.getConfig: %w", err)
	}
	e.table.Learn(cfg.DCOptions)
	e.learnWebfileDC(&cfg)
	return nil
}

// Disconnect closes the home connection and the per-DC sessions; Connect may be called
// again. It fails with ErrClosed after Close and ErrNotConnected when not connected.
func (e *Engine) Disconnect() error { return e.disconnect(0) }

// DisconnectGen is Disconnect if the home connection is still that of the Connect that
// returned gen; otherwise (a Disconnect came, and maybe a newer Connect) it closes nothing
// and fails with ErrNotConnected.
func (e *Engine) DisconnectGen(gen Gen) error { return e.disconnect(gen) }

// disconnect closes the home connection of Connect gen, any when gen is 0.
func (e *Engine) disconnect(gen Gen) error {
	e.mu.Lock()
	home, closed := e.home, e.closed
	if gen != 0 && gen != e.gen {
		home = nil
	}
	if home != nil {
		e.home = nil
	}
	e.mu.Unlock()
	if closed {
		return ErrClosed
	}
	if home == nil {
		return ErrNotConnected
	}
	home.Close()
	e.pool.CloseAll()
	return nil
}

// CloseSessions closes the per-DC sessions (after a log out, their authorizations are gone).
func (e *Engine) CloseSessions() { e.pool.CloseAll() }

// Close ends everything: pending calls fail with ErrClosed, connections close and every
// goroutine ends before it returns.
func (e *Engine) Close() {
	e.mu.Lock()
	e.closed = true
	home := e.home
	e.home = nil
	e.mu.Unlock()
	e.cancel()
	if home != nil {
		home.Close()
	}
	e.pool.CloseAll()
	e.attempts.stop()
	e.wg.Wait()
}

// Invoke implements tg.Invoker: a managed call from the home data center.
func (e *Engine) Invoke(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
	return e.Call(ctx, in, out, invoke.Options{Managed: true})
}

// Call makes a call from the home data center with o.
func (e *Engine) Call(ctx context.Context, in tl.Encoder, out tl.Decoder, o invoke.Options) error {
	return e.policy.Run(ctx, target{e}, invoke.Route{}, in, out, o)
}

// CallDC makes a managed call on data center dc (the home connection when dc is 0 or home):
// flood waits within the threshold, re-authorization of the per-DC session and migrations
// apply as to home calls.
func (e *Engine) CallDC(ctx context.Context, dc int, in tl.Encoder, out tl.Decoder) error {
	return e.policy.Run(ctx, target{e}, invoke.Route{DC: dc}, in, out, invoke.Options{Managed: true})
}

// target is the engine as the policy's Target.
type target struct{ e *Engine }

// Attempt makes one try on the route's connection, bounded by the per-attempt timeout.
func (t target) Attempt(ctx context.Context, rt invoke.Route, in tl.Encoder, out tl.Decoder, timeout time.Duration) error {
	e := t.e
	if timeout <= 0 {
		timeout = e.o.RequestTimeout
	}
	var lc *conn.Live
	if e.homeRoute(rt) { // taking the home connection needs no context
		var err error
		if lc, err = e.connFor(ctx, rt); err != nil {
			return err
		}
	}
	free := lc != nil && lc.ContextFree()
	b := e.boundAttempt(ctx, timeout, free)
	defer b.end()
	actx := b.ctx
	if lc == nil {
		var err error
		if lc, err = e.connFor(actx, rt); err != nil {
			return err
		}
	}
	err := lc.Call(actx, in, out, e.o.NoUpdates)
	if err != nil {
		e.keyForgotten(ctx, lc, err) // the policy repeats the call on a new key
	}
	if err != nil && ctx.Err() == nil && actx.Err() != nil {
		return fmt.Errorf("mtgo: %s: attempt timed out after %s%s: %w", wire.MethodName(in), timeout, downNote(lc), err)
	}
	return err
}

// downNote tells why an attempt on lc that timed out got no answer when its connection is
// down (being redialed after a loss): the state and what broke it. Empty when connected or
// when the Conn keeps no statistics.
func downNote(lc *conn.Live) string {
	st, ok := lc.Stats()
	if !ok || st.State == session.StateConnected || st.LastError == nil {
		return ""
	}
	return fmt.Sprintf(" (connection down, %s; last failure at %s: %v)", st.State, st.LastErrorAt.UTC().Format(time.RFC3339), st.LastError)
}

// MigrateHome moves the home connection to dc (a QR login answered
// auth.loginTokenMigrateTo); when logged in the authorization is carried over.
func (e *Engine) MigrateHome(ctx context.Context, dc int) error { return e.migrateHome(ctx, dc) }

// MigrateHome implements invoke.Target.
func (t target) MigrateHome(ctx context.Context, dc int) error { return t.e.migrateHome(ctx, dc) }

// Reauthorize implements invoke.Target.
func (t target) Reauthorize(dc int) { t.e.reauthorize(dc) }

// connFor returns the connection a route names.
func (e *Engine) connFor(ctx context.Context, rt invoke.Route) (*conn.Live, error) {
	e.mu.Lock()
	closed, home, homeDC := e.closed, e.home, e.homeDC
	e.mu.Unlock()
	switch {
	case closed:
		return nil, ErrClosed
	case home == nil:
		return nil, ErrNotConnected
	case rt.DC == 0 || (rt.DC == homeDC && !rt.Media):
		return home, nil
	}
	return e.pool.Get(ctx, rt.DC, rt.Media, false)
}

// homeRoute reports whether rt names the home connection, which connFor returns without
// waiting.
func (e *Engine) homeRoute(rt invoke.Route) bool {
	if rt.DC == 0 {
		return true
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return rt.DC == e.homeDC && !rt.Media
}

// Session returns the session of data center dc, connecting (and authorizing) on first use.
func (e *Engine) Session(ctx context.Context, dc int, media, cdn bool) (session.Session, error) {
	e.mu.Lock()
	home, homeDC := e.home, e.homeDC
	e.mu.Unlock()
	if home == nil {
		return session.Session{}, ErrNotConnected
	}
	lc := home
	if dc != homeDC || media || cdn {
		var err error
		if lc, err = e.pool.Get(ctx, dc, media, cdn); err != nil {
			return session.Session{}, err
		}
	}
	s := lc.Conn.Session()
	s.DC = dc
	return s, nil
}
