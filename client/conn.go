package mtgo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// liveConn is a running Conn: its Run goroutine, whether initConnection went through, and
// the bookkeeping the per-DC pool needs.
type liveConn struct {
	dc         int
	media, cdn bool
	conn       Conn

	cancel context.CancelFunc
	done   chan struct{} // closed when Run returned
	err    error         // Run's result, valid after done

	closing    atomic.Bool  // close was called: failures are the client's doing
	migratedTo atomic.Int32 // the home DC moved here while this connection was home
	active     atomic.Int32 // calls in flight
	lastUse    atomic.Int64 // unix nanoseconds of the last call
	closeOnce  sync.Once
}

func (lc *liveConn) touch() { lc.lastUse.Store(time.Now().UnixNano()) }

func (lc *liveConn) isDone() bool {
	select {
	case <-lc.done:
		return true
	default:
		return false
	}
}

// close stops the Run loop and waits for it.
func (lc *liveConn) close() {
	lc.closeOnce.Do(func() {
		lc.closing.Store(true)
		lc.cancel()
	})
	<-lc.done
}

// closeMigrated closes a former home connection after the home moved to dc.
func (lc *liveConn) closeMigrated(dc int) {
	lc.migratedTo.Store(int32(dc))
	lc.close()
}

// dial starts a connection to dc. The Run goroutine belongs to the client and ends with it.
func (c *Client) dial(ctx context.Context, dc int, media, cdn bool) (*liveConn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	addr, ok := c.dcs.addr(dc, media, cdn)
	c.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%w: dc %d", ErrMigrationUnknown, dc)
	}
	keys := c.keys
	if cdn {
		var err error
		if keys, err = c.cdnKeys(ctx, dc); err != nil {
			return nil, err
		}
	}
	d := c.cfg.Device
	cc := ConnConfig{
		DC:         dc,
		Addr:       addr,
		TestMode:   c.cfg.TestMode,
		Media:      media,
		CDN:        cdn,
		Store:      &dcStore{st: c.store, dc: dc, addr: addr, mem: c.cdnMemoryOf(dc, cdn)},
		PublicKeys: keys,
		Dialer:     c.packetDialer(media),
		Init: &session.InitConnection{
			Layer:          Layer,
			APIID:          int32(c.apiID),
			DeviceModel:    d.DeviceModel,
			SystemVersion:  d.SystemVersion,
			AppVersion:     d.AppVersion,
			SystemLangCode: d.SystemLangCode,
			LangPack:       d.LangPack,
			LangCode:       d.LangCode,
		},
		Reconnect: session.ReconnectPolicy{MaxAttempts: c.cfg.ReconnectAttempts},
		Logger:    c.Log.Slog().With("dc", dc, "media", media),
	}
	var redialed chan struct{}
	if !media && !cdn {
		cc.Updates = pushHandler{c: c}
		redialed = make(chan struct{}, 1)
		cc.Dialer = &homeDialer{Dialer: cc.Dialer, redialed: redialed}
	}
	conn, err := c.factory.NewConn(cc)
	if err != nil {
		return nil, fmt.Errorf("mtgo: new connection to dc %d: %w", dc, err)
	}
	lc := &liveConn{dc: dc, media: media, cdn: cdn, conn: conn, done: make(chan struct{})}
	lc.touch()
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, ErrClientClosed
	}
	runCtx, cancel := context.WithCancel(c.life)
	lc.cancel = cancel
	c.wg.Add(1)
	c.mu.Unlock()
	if redialed != nil {
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			c.reconnectedLoop(runCtx, redialed)
		}()
	}
	go func() {
		defer c.wg.Done()
		defer close(lc.done)
		lc.err = conn.Run(runCtx)
		if lc.err != nil && !lc.closing.Load() && runCtx.Err() == nil {
			c.Log.Error("connection ended", "dc", dc, "err", lc.err)
		}
	}()
	return lc, nil
}

// homeDialer is the Dialer of the home connection: every successful dial after the first
// (a reconnect of the session's run loop) is signalled on redialed, because pushes sent while
// the connection was down are lost and only a getDifference brings them back.
type homeDialer struct {
	session.Dialer
	dials    atomic.Int64
	redialed chan struct{} // capacity 1: signals coalesce
}

// DialPacket implements session.Dialer.
func (d *homeDialer) DialPacket(ctx context.Context, dc int, addr string) (session.PacketConn, error) {
	pc, err := d.Dialer.DialPacket(ctx, dc, addr)
	if err != nil {
		return nil, err
	}
	if d.dials.Add(1) > 1 {
		select {
		case d.redialed <- struct{}{}:
		default:
		}
	}
	return pc, nil
}

// reconnectedLoop tells the update engine about every reconnect of the home connection, until
// ctx (the connection's lifetime) ends. It runs on its own goroutine so the session's dial
// never waits for the engine. A reconnect while the engine is not running needs nothing: its
// next Run catches up from the saved state.
func (c *Client) reconnectedLoop(ctx context.Context, redialed <-chan struct{}) {
	r, ok := c.updates.(interface{ Reconnected(context.Context) error })
	if !ok {
		return
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-redialed:
		}
		if !c.updatesRunning() {
			continue
		}
		if err := r.Reconnected(ctx); err != nil && ctx.Err() == nil {
			c.Log.Debug("update engine rejected a reconnect", "err", err)
		}
	}
}

// invokeConn sends one call on lc (wrapped in invokeWithoutUpdates with NoUpdates); reads are
// marked repeatable so a reconnect sends them again.
func (c *Client) invokeConn(ctx context.Context, lc *liveConn, in tl.Encoder, out tl.Decoder) error {
	q := in
	if c.cfg.NoUpdates {
		q = &tg.InvokeWithoutUpdatesRequest{Query: q}
	}
	var opts []session.CallOption
	if safeToRepeat(in) {
		opts = append(opts, session.WithRepeatable())
	}
	lc.active.Add(1)
	lc.touch()
	err := lc.conn.InvokeWith(ctx, q, out, opts...)
	lc.touch()
	lc.active.Add(-1)
	if err == nil {
		return nil
	}
	if _, ok := session.AsRPCError(err); ok {
		return err
	}
	if lc.closing.Load() && ctx.Err() == nil {
		if dc := lc.migratedTo.Load(); dc != 0 {
			return &migratedError{dc: int(dc), err: err}
		}
		return fmt.Errorf("%w: %s: %v", ErrClientClosed, methodName(in), err)
	}
	if lc.isDone() && lc.err != nil && !errors.Is(err, lc.err) {
		return fmt.Errorf("%w (connection: %v)", err, lc.err)
	}
	return err
}

// migratedError fails a call whose connection was closed because the home DC moved.
type migratedError struct {
	dc  int
	err error
}

func (e *migratedError) Error() string {
	return fmt.Sprintf("connection closed by the migration to dc %d: %v", e.dc, e.err)
}

func (e *migratedError) Unwrap() error { return e.err }

// dcStore is the session.Store of one data center inside the client's Storage. The identity
// fields (UserID, Bot) belong to the client: a connection saving its key or salt keeps the
// stored identity.
type dcStore struct {
	st   Storage
	dc   int
	addr string     // the address in use, which wins over a stored one
	mem  *cdnMemory // a CDN data center's session, kept in memory; nil: persisted in st
	mu   sync.Mutex
}

// cdnMemory holds a CDN data center's session in memory: CDN sessions are not persisted, but
// every connection to the data center (transfer lanes, reconnects) reuses one key.
type cdnMemory struct {
	mu    sync.Mutex
	sess  session.Session
	saved bool
}

// cdnMemoryOf returns the shared in-memory session of CDN data center dc, nil when cdn is
// false.
func (c *Client) cdnMemoryOf(dc int, cdn bool) *cdnMemory {
	if !cdn {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cdnMem == nil {
		c.cdnMem = map[int]*cdnMemory{}
	}
	m := c.cdnMem[dc]
	if m == nil {
		m = &cdnMemory{}
		c.cdnMem[dc] = m
	}
	return m
}

// Load implements session.Store.
func (s *dcStore) Load(ctx context.Context) (session.Session, error) {
	if m := s.mem; m != nil {
		m.mu.Lock()
		defer m.mu.Unlock()
		if !m.saved {
			return session.Session{}, session.ErrNoSession
		}
		return m.sess.Clone(), nil
	}
	sess, err := s.st.LoadSession(ctx, s.dc)
	if err == nil && s.addr != "" {
		sess.Addr = s.addr
	}
	return sess, err
}

// Save implements session.Store.
func (s *dcStore) Save(ctx context.Context, sess session.Session) error {
	sess.DC = s.dc
	if m := s.mem; m != nil {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.sess, m.saved = sess.Clone(), true
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, err := s.st.LoadSession(ctx, s.dc)
	switch {
	case err == nil:
		if !bytes.Equal(old.AuthKey, sess.AuthKey) {
			// A new key is not authorized yet, whatever the old one was.
			sess.UserID, sess.Bot = 0, false
		} else {
			sess.UserID, sess.Bot = old.UserID, old.Bot
		}
	case errors.Is(err, session.ErrNoSession):
		sess.UserID, sess.Bot = 0, false
	default:
		return err
	}
	return s.st.SaveSession(ctx, sess)
}

// methodName returns the TL name of a request for messages and errors.
func methodName(in tl.Encoder) string {
	if o, ok := in.(tl.Object); ok {
		return o.TypeName()
	}
	return fmt.Sprintf("%T", in)
}
