package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/tl/tg"

	"github.com/mtgo-labs/mtgo/client/internal/conn"
)

// dial starts a connection to dc, the home connection (Connect, a migration) when home is
// true. Its Run goroutine belongs to the engine and ends with it.
// A connection that is neither media nor cdn sends its pushes to the Pushes given to
// Connect. Only the home one sends its losses and redials there too (they are the link's,
// its hooks' and Health's), through a conn.RedialNotifier whose goroutine exists only while
// one waits for delivery: a per-DC connection of the pool breaking leaves the link alone.
func (e *Engine) dial(ctx context.Context, dc int, media, cdn, home bool) (*conn.Live, error) {
	lc, _, err := e.dialKeyed(ctx, dc, media, cdn, home)
	return lc, err
}

// dialKeyed is dial that also returns the channel closed once the connection's session has
// an auth key it saved (conn.Store.Keyed).
func (e *Engine) dialKeyed(ctx context.Context, dc int, media, cdn, home bool) (*conn.Live, <-chan struct{}, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	addr, ok := e.table.Addr(dc, media, cdn)
	if !ok {
		return nil, nil, fmt.Errorf("%w: dc %d", ErrUnknownDC, dc)
	}
	keys := e.o.Keys
	if cdn {
		var err error
		if keys, err = e.cdnKeys(ctx, dc); err != nil {
			return nil, nil, err
		}
	}
	init := e.o.Init
	store := conn.NewStore(sessions{e}, dc, addr, e.cdnMemory(dc, cdn), &e.keyMu)
	cc := conn.Config{
		DC:         dc,
		Addr:       addr,
		TestMode:   e.o.TestMode,
		Media:      media,
		CDN:        cdn,
		Store:      store,
		PublicKeys: keys,
		Dialer:     e.o.Dialer(media),
		Init:       &init,
		Reconnect:  e.o.Reconnect,
		Logger:     e.log.With("media", media), // the session names the data center
	}
	cc.Reconnect.Persistent = cc.Reconnect.Persistent && home
	var push Pushes
	if !media && !cdn {
		e.mu.Lock()
		push = e.push
		e.mu.Unlock()
	}
	var live atomic.Pointer[conn.Live]
	var link *conn.RedialNotifier
	if push != nil {
		cc.Updates = push
	}
	if push != nil && home {
		link = conn.NewRedialNotifier(cc.Dialer, e.spawn, func(ctx context.Context, ev conn.LinkEvent) {
			lc := live.Load()
			home := e.isHome(lc)
			if home && ev.Ended && errors.Is(ev.Lost, session.ErrAuthKeyUnknown) {
				// before the client hears of it: its hooks see the key gone
				_ = e.forgetKey(ctx, lc) // logged; the key is not used again either way
			}
			linkEvent(ctx, lc, home, push, ev)
		})
		cc.Dialer = link
	}
	c, err := e.o.NewConn(cc)
	if err != nil {
		return nil, nil, fmt.Errorf("mtgo: new connection to dc %d: %w", dc, err)
	}
	lc := conn.Start(e.spawn, dc, media, cdn, c, link, e.log)
	if lc == nil {
		return nil, nil, ErrClosed
	}
	live.Store(lc)
	return lc, store.Keyed(), nil
}

// linkEvent tells push about a loss, a redial or the end of the home connection lc, on the
// notifier's drainer goroutine (never the session's: the hooks it runs may call on the
// connection). Its end is delivered while lc is still home (not once a Connect replaced it);
// any other event of a connection that ended (closed, or reconnection gave up) is dropped; lc
// is nil for an event that came before dial had the connection, which is delivered.
func linkEvent(ctx context.Context, lc *conn.Live, home bool, push Pushes, ev conn.LinkEvent) {
	switch {
	case ev.Ended:
		if home {
			push.Ended(ctx, ev.Lost)
		}
	case lc != nil && lc.Done():
	case ev.Lost != nil:
		push.Lost(ctx, ev.Lost)
	default:
		push.Redialed(ctx)
	}
}

// isHome reports whether lc is the home connection.
func (e *Engine) isHome(lc *conn.Live) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return lc != nil && e.home == lc
}

// FlushLink waits until the losses and redials of the home connection reported so far have
// reached the Pushes (or were dropped), or ctx ends; without a home connection it returns at
// once. Connect runs it before its OnConnect hooks, so that it knows the link's state.
func (e *Engine) FlushLink(ctx context.Context) error {
	e.mu.Lock()
	home := e.home
	e.mu.Unlock()
	if home == nil || home.Link == nil {
		return nil
	}
	return home.Link.Flush(ctx)
}

// cdnMemory returns the shared in-memory session of CDN data center dc, nil when cdn is false.
func (e *Engine) cdnMemory(dc int, cdn bool) *conn.CDNMemory {
	if !cdn {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cdnMem == nil {
		e.cdnMem = map[int]*conn.CDNMemory{}
	}
	m := e.cdnMem[dc]
	if m == nil {
		m = &conn.CDNMemory{}
		e.cdnMem[dc] = m
	}
	return m
}

// cdnKeys returns the RSA keys of CDN data center dc from help.getCdnConfig.
func (e *Engine) cdnKeys(ctx context.Context, dc int) ([]crypto.PublicKey, error) {
	var cfg tg.CdnConfig
	if err := e.Invoke(ctx, &tg.HelpGetCdnConfigRequest{}, &cfg); err != nil {
		return nil, fmt.Errorf("mtgo: get cdn config: %w", err)
	}
	var keys []crypto.PublicKey
	for _, k := range cfg.PublicKeys {
		if int(k.DCID) != dc {
			continue
		}
		parsed, err := crypto.ParsePublicKeys([]byte(k.PublicKey))
		if err != nil {
			return nil, fmt.Errorf("mtgo: cdn key of dc %d: %w", dc, err)
		}
		keys = append(keys, parsed...)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w: no cdn key for dc %d", ErrUnknownDC, dc)
	}
	return keys, nil
}

// open connects to dc for the pool and authorizes the connection when an account is logged in
// and the stored session of dc is not authorized for it yet. A connection that starts without
// an auth key is returned once it has made one: the pool opens the connections to one data
// center one at a time, so concurrent first connections share one key exchange.
func (e *Engine) open(ctx context.Context, dc int, media, cdn bool) (*conn.Live, error) {
	lc, keyed, err := e.dialKeyed(ctx, dc, media, cdn, false)
	if err != nil {
		return nil, err
	}
	// Keyed closes at once when the connection loaded a key: asking the storage here instead
	// would miss a key stored between that answer and the connection's load, and wait for a
	// save the connection may not make for long.
	if err := waitKey(ctx, lc, keyed); err != nil {
		lc.Close()
		return nil, err
	}
	e.mu.Lock()
	home, homeDC, userID := e.home, e.homeDC, e.userID
	e.mu.Unlock()
	if cdn || userID == 0 || dc == homeDC {
		return lc, nil
	}
	if s, err := e.loadSession(ctx, dc); err == nil && s.UserID == userID && s.HasKey() {
		return lc, nil // authorized in an earlier run
	} else if err != nil && !errors.Is(err, session.ErrNoSession) {
		lc.Close()
		return nil, err
	}
	if home == nil {
		lc.Close()
		return nil, ErrNotConnected
	}
	if err := e.importAuth(ctx, home, lc, dc); err != nil {
		lc.Close()
		return nil, err
	}
	e.recordAuth(ctx, dc)
	return lc, nil
}

// waitKey waits until lc's session has an auth key (keyed is closed) or ctx ends, and fails
// when lc ended first. A connection still making its key when ctx ends is kept (the pool's,
// its exchange goes on for the next call); the call on it fails with ctx's error.
func waitKey(ctx context.Context, lc *conn.Live, keyed <-chan struct{}) error {
	select {
	case <-keyed:
	case <-ctx.Done():
	case <-lc.Ended():
		return fmt.Errorf("mtgo: key exchange with dc %d: %w", lc.DC, lc.Err())
	}
	return nil
}

// reauthorize drops the authorization record of dc and closes its pooled sessions, so the
// next call imports the authorization again. The home data center's record is the login
// itself, never imported: it stays (a 401 there, a temporary key's binding refused, says
// nothing an import mends).
func (e *Engine) reauthorize(dc int) {
	ctx := context.Background()
	if dc == e.HomeDC() {
		e.pool.Forget(dc, false)
		return
	}
	e.keyMu.Lock()
	if s, err := e.loadSession(ctx, dc); err == nil {
		s.UserID, s.Bot = 0, false
		_ = e.saveSession(ctx, s)
	}
	e.keyMu.Unlock()
	e.pool.Forget(dc, false)
}

// forgetKey drops the stored auth key of lc's data center when it is still the one lc used,
// which the server no longer knows (session.ErrAuthKeyUnknown), with its salt and the
// authorization recorded for it, and closes the pooled connections to the data center, which
// use the key (those opened while it dropped the key too): the next connection makes a new
// key, which is not authorized. For the home data center that is the next Connect, and the
// client logs in again; for another one the next call, which imports the authorization
// again. A key a newer connection made and stored meanwhile stays, and so do the pooled
// connections.
//
// When the storage fails to load or drop the key, forgetKey returns its error, and the engine
// remembers the key as dead: its connections do not use it again, though it stays stored.
func (e *Engine) forgetKey(ctx context.Context, lc *conn.Live) error {
	ctx = context.WithoutCancel(ctx) // the call that met the error may be out of time
	gone := lc.Conn.Session().AuthKey
	dc := lc.DC
	if len(gone) == 0 {
		return nil
	}
	if _, ok, err := e.storedKey(ctx, dc, gone); err == nil && !ok {
		return nil
	}
	e.pool.Forget(dc, false) // before the write: a pooled session saving the key would restore it
	dropped, err := e.dropKey(ctx, dc, gone)
	if dropped || err != nil {
		// A connection opened since the Forget above may have loaded the key before the drop.
		e.pool.Forget(dc, false)
	}
	return err
}

// dropKey drops the stored auth key of dc, with its salt and authorization, when it is gone,
// holding keyMu, and reports whether it did. When the storage fails, gone is remembered as
// dead and the error returned.
func (e *Engine) dropKey(ctx context.Context, dc int, gone []byte) (bool, error) {
	e.keyMu.Lock()
	defer e.keyMu.Unlock()
	s, ok, err := e.storedKey(ctx, dc, gone)
	if err == nil && !ok {
		return false, nil
	}
	if err == nil {
		s.AuthKey, s.Salt, s.UserID, s.Bot = nil, 0, 0, false
		err = e.saveSession(ctx, s)
	}
	if err != nil {
		e.mu.Lock()
		if e.deadKeys == nil {
			e.deadKeys = map[int][]byte{}
		}
		e.deadKeys[dc] = bytes.Clone(gone)
		e.mu.Unlock()
		e.log.Warn("drop the auth key the server forgot", "dc", dc, "err", err)
		return false, fmt.Errorf("drop the auth key dc %d forgot: %w", dc, err)
	}
	if dc == e.HomeDC() {
		e.log.Warn("the server forgot the auth key: log in again", "dc", dc)
	} else {
		e.log.Warn("the server forgot the auth key: a new one will be made", "dc", dc)
	}
	return true, nil
}

// storedKey returns the stored session of dc and whether its auth key is key (not empty),
// and the storage's error (not session.ErrNoSession).
func (e *Engine) storedKey(ctx context.Context, dc int, key []byte) (session.Session, bool, error) {
	s, err := e.o.Store.LoadSession(ctx, dc)
	switch {
	case errors.Is(err, session.ErrNoSession):
		return s, false, nil
	case err != nil:
		return s, false, fmt.Errorf("load the session of dc %d: %w", dc, err)
	}
	return s, len(key) > 0 && bytes.Equal(s.AuthKey, key), nil
}

// sessions is the stored sessions as the engine's connections see them (conn.Sessions).
type sessions struct{ e *Engine }

func (s sessions) LoadSession(ctx context.Context, dc int) (session.Session, error) {
	return s.e.loadSession(ctx, dc)
}

func (s sessions) SaveSession(ctx context.Context, sess session.Session) error {
	return s.e.saveSession(ctx, sess)
}

// loadSession loads the stored session of dc without a key the server forgot (deadKeys).
func (e *Engine) loadSession(ctx context.Context, dc int) (session.Session, error) {
	s, err := e.o.Store.LoadSession(ctx, dc)
	if err != nil {
		return s, err
	}
	e.mu.Lock()
	dead := e.deadKeys[dc]
	e.mu.Unlock()
	if dead != nil && bytes.Equal(s.AuthKey, dead) {
		s.AuthKey, s.Salt, s.UserID, s.Bot = nil, 0, 0, false
	}
	return s, nil
}

// saveSession stores s; a dead key of its data center is no longer stored after it.
func (e *Engine) saveSession(ctx context.Context, s session.Session) error {
	if err := e.o.Store.SaveSession(ctx, s); err != nil {
		return err
	}
	e.mu.Lock()
	if dead := e.deadKeys[s.DC]; dead != nil && !bytes.Equal(s.AuthKey, dead) {
		delete(e.deadKeys, s.DC)
	}
	e.mu.Unlock()
	return nil
}

// keyForgotten reports whether err failed a call on lc, a pooled connection to a data center
// other than the home one, because that data center forgot the auth key; it drops the key
// then (forgetKey, or forgetCDNKey for a CDN's key kept in memory), so that the call may be
// repeated on a new key. The home data center's key is the login's: it is dropped when the
// home connection ends on it (and the client logs out), not by a media connection sharing it.
func (e *Engine) keyForgotten(ctx context.Context, lc *conn.Live, err error) bool {
	switch {
	case !errors.Is(err, session.ErrAuthKeyUnknown):
		return false
	case lc.CDN:
		e.forgetCDNKey(lc)
	case lc.DC == e.HomeDC():
		return false
	default:
		_ = e.forgetKey(ctx, lc) // logged; the key is not used again either way
	}
	return true
}

// forgetCDNKey drops the in-memory key of lc's CDN data center when it is still the one lc
// used, and closes the pooled connections to the CDN, which use it: the next connection
// makes a new key. A key a newer connection made meanwhile stays, and so do the connections.
func (e *Engine) forgetCDNKey(lc *conn.Live) {
	gone := lc.Conn.Session().AuthKey
	m := e.cdnMemory(lc.DC, true)
	if len(gone) == 0 || !m.Holds(gone) {
		return
	}
	e.pool.Forget(lc.DC, true) // before the drop: a pooled session saving the key would restore it
	if m.Drop(gone) {
		e.pool.Forget(lc.DC, true) // a connection opened since may have loaded the key
		e.log.Warn("the cdn forgot the auth key: a new one will be made", "dc", lc.DC)
	}
}

// importAuth authorizes the connection to dc with an authorization exported on from.
func (e *Engine) importAuth(ctx context.Context, from, to *conn.Live, dc int) error {
	var exp tg.AuthExportedAuthorization
	if err := from.Call(ctx, &tg.AuthExportAuthorizationRequest{DCID: int32(dc)}, &exp, e.o.NoUpdates); err != nil {
		return fmt.Errorf("export authorization for dc %d: %w", dc, err)
	}
	var res tg.AuthAuthorizationClassBox
	if err := to.Call(ctx, &tg.AuthImportAuthorizationRequest{ID: exp.ID, Bytes: exp.Bytes}, &res, e.o.NoUpdates); err != nil {
		e.keyForgotten(ctx, to, err) // a key dc forgot: the next connection makes a new one
		return fmt.Errorf("import authorization in dc %d: %w", dc, err)
	}
	return nil
}

// recordAuth marks the stored session of dc as authorized for the account, so later runs do
// not import the authorization again.
func (e *Engine) recordAuth(ctx context.Context, dc int) {
	if err := e.storeAccount(ctx, dc, false); err != nil {
		e.log.Warn("record authorization", "dc", dc, "err", err)
	}
}

// SaveAccount records the account the connections are authorized for (SetAccount; none after
// a log-out) in the stored session of the home data center. With no key stored there, it
// stores the home connection's session, when connected.
func (e *Engine) SaveAccount(ctx context.Context) error {
	return e.storeAccount(ctx, e.HomeDC(), true)
}

// storeAccount records the account in the stored session of dc, holding keyMu, so that it
// never writes back a key another connection replaced meanwhile, nor a dead one (deadKeys).
// With no session stored, it stores nothing, or the home connection's session when home.
func (e *Engine) storeAccount(ctx context.Context, dc int, home bool) error {
	userID, bot := e.Account()
	hs, live := e.HomeSession() // not under keyMu: the session may wait for it to save
	e.keyMu.Lock()
	defer e.keyMu.Unlock()
	s, err := e.loadSession(ctx, dc)
	switch {
	case errors.Is(err, session.ErrNoSession) && !home:
		return nil
	case err != nil && !errors.Is(err, session.ErrNoSession):
		return fmt.Errorf("load the session of dc %d: %w", dc, err)
	}
	if home && live && !s.HasKey() {
		s = hs
	}
	s.DC, s.UserID, s.Bot = dc, userID, bot
	if err := e.saveSession(ctx, s); err != nil {
		return fmt.Errorf("save the session of dc %d: %w", dc, err)
	}
	return nil
}

// migrateHome moves the home connection to dc: a connection there (with its own auth key),
// initConnection, the authorization exported from the old data center when logged in, then
// the switch. Calls still running on the old connection fail with *conn.Migrated, which the
// policy repeats when safe.
func (e *Engine) migrateHome(ctx context.Context, dc int) error {
	e.migrateMu.Lock()
	defer e.migrateMu.Unlock()
	e.mu.Lock()
	old, oldDC, authorized := e.home, e.homeDC, e.userID != 0
	e.mu.Unlock()
	if old == nil {
		return ErrNotConnected
	}
	if oldDC == dc {
		return nil // another call moved it already
	}
	if !e.table.Known(dc) {
		return fmt.Errorf("%w: dc %d", ErrUnknownDC, dc)
	}
	lc, err := e.dial(ctx, dc, false, false, true)
	if err != nil {
		return err
	}
	if authorized {
		err = e.importAuth(ctx, old, lc, dc)
	} else {
		err = e.fetchConfig(ctx, lc)
	}
	if err != nil {
		lc.Close()
		return err
	}
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		lc.Close()
		return ErrClosed
	}
	if e.home != old { // a Disconnect came (maybe a newer Connect): old is no longer home
		e.mu.Unlock()
		lc.Close()
		return fmt.Errorf("mtgo: migrate to dc %d: %w", dc, ErrNotConnected)
	}
	e.home, e.homeDC = lc, dc
	established := e.established
	e.mu.Unlock()
	if established {
		markEstablished(lc)
	}
	if err := e.o.Store.SetHomeDC(ctx, dc); err != nil {
		e.log.Warn("save home dc", "err", err)
	}
	if authorized {
		e.recordAuth(ctx, dc)
	}
	e.log.Info("home data center moved", "from", oldDC, "to", dc)
	old.CloseMigrated(dc)
	return nil
}
