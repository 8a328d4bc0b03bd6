package mtgo

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// poolKey names one pooled session. File transfers spread their calls over up to
// maxTransferLanes sessions per data center (lanes), so that parts in flight do not queue
// behind one connection's reader and writer; every other use takes lane 0.
type poolKey struct {
	dc         int
	media, cdn bool
	lane       int
}

// maxTransferLanes caps the connections one data center's file transfers use, as Telegram's
// own clients open a few download sessions per data center.
const maxTransferLanes = 8

// poolEntry is one pooled session; mu serializes its creation so one data center gets one
// key exchange and one authorization import.
type poolEntry struct {
	mu     sync.Mutex
	lc     *liveConn
	claims int // transfer calls routed here and not finished; guarded by dcPool.mu
}

// dcPool holds the per-DC sessions: created on demand, authorized once by exporting the home
// authorization, closed after Config.SessionIdleTimeout without calls. A janitor goroutine runs
// only while the pool is not empty.
type dcPool struct {
	c *Client

	mu      sync.Mutex
	entries map[poolKey]*poolEntry
	janitor bool
	dcLocks map[int]*sync.Mutex // one key exchange per data center at a time
}

func newDCPool(c *Client) *dcPool {
	return &dcPool{c: c, entries: map[poolKey]*poolEntry{}, dcLocks: map[int]*sync.Mutex{}}
}

// GetSession returns the session of data center dcID, connecting (and authorizing, by
// exporting the home authorization) on first use. isMedia asks for a connection reserved for
// file transfers, isCDN for a connection to a CDN data center (keys from help.getCdnConfig,
// no authorization). Pooled sessions close after Config.SessionIdleTimeout without calls.
func (c *Client) GetSession(ctx context.Context, dcID int, isMedia bool, isCDN bool) (*session.Session, error) {
	var lc *liveConn
	c.mu.Lock()
	home, homeDC := c.home, c.homeDC
	c.mu.Unlock()
	if home == nil {
		return nil, ErrNotConnected
	}
	if dcID == homeDC && !isMedia && !isCDN {
		lc = home
	} else {
		var err error
		if lc, err = c.pool.get(ctx, dcID, isMedia, isCDN); err != nil {
			return nil, err
		}
	}
	s := lc.conn.Session()
	s.DC = dcID
	return &s, nil
}

// get returns the running connection for (dc, media, cdn), creating it if needed.
func (p *dcPool) get(ctx context.Context, dc int, media, cdn bool) (*liveConn, error) {
	k := poolKey{dc: dc, media: media, cdn: cdn}
	p.mu.Lock()
	e, ok := p.entries[k]
	if !ok {
		e = &poolEntry{}
		p.entries[k] = e
	}
	return p.connect(ctx, k, e)
}

// claim returns a connection for one file transfer call to (dc, media, cdn) and the function
// that ends the claim. It takes the lane with the fewest calls in flight and opens a new lane
// when every open one is busy and fewer than maxTransferLanes exist, so n parallel workers
// end up on n connections.
func (p *dcPool) claim(ctx context.Context, dc int, media, cdn bool) (*liveConn, func(), error) {
	p.mu.Lock()
	var best *poolEntry
	bestKey, free := poolKey{}, -1
	for lane := range maxTransferLanes {
		k := poolKey{dc: dc, media: media, cdn: cdn, lane: lane}
		e, ok := p.entries[k]
		switch {
		case !ok:
			if free < 0 {
				free = lane
			}
		case best == nil || e.claims < best.claims:
			best, bestKey = e, k
		}
	}
	if best == nil || (best.claims > 0 && free >= 0) {
		best, bestKey = &poolEntry{}, poolKey{dc: dc, media: media, cdn: cdn, lane: free}
		p.entries[bestKey] = best
	}
	best.claims++
	e := best
	release := func() {
		p.mu.Lock()
		e.claims--
		p.mu.Unlock()
	}
	lc, err := p.connect(ctx, bestKey, e) // unlocks p.mu
	if err != nil {
		release()
		return nil, nil, err
	}
	return lc, release, nil
}

// connect returns e's running connection, opening it if needed. It is called with p.mu held
// and releases it.
func (p *dcPool) connect(ctx context.Context, k poolKey, e *poolEntry) (*liveConn, error) {
	dc, media, cdn := k.dc, k.media, k.cdn
	startJanitor := !p.janitor
	p.janitor = true
	dl := p.dcLocks[dc]
	if dl == nil {
		dl = new(sync.Mutex)
		p.dcLocks[dc] = dl
	}
	p.mu.Unlock()
	if startJanitor {
		p.startJanitor()
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	if e.lc != nil && !e.lc.isDone() {
		e.lc.touch()
		return e.lc, nil
	}
	dl.Lock()
	lc, err := p.open(ctx, dc, media, cdn)
	dl.Unlock()
	if err != nil {
		p.mu.Lock()
		if p.entries[k] == e && e.lc == nil {
			delete(p.entries, k)
		}
		p.mu.Unlock()
		return nil, err
	}
	e.lc = lc
	return lc, nil
}

// open connects to dc and authorizes the connection when the client is logged in and the
// stored session of dc is not authorized yet.
func (p *dcPool) open(ctx context.Context, dc int, media, cdn bool) (*liveConn, error) {
	c := p.c
	lc, err := c.dial(ctx, dc, media, cdn)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	home, homeDC, userID := c.home, c.homeDC, c.userID
	c.mu.Unlock()
	if cdn || userID == 0 || dc == homeDC {
		return lc, nil
	}
	if s, err := c.store.LoadSession(ctx, dc); err == nil && s.UserID == userID && s.HasKey() {
		return lc, nil // authorized in an earlier run
	} else if err != nil && !errors.Is(err, session.ErrNoSession) {
		lc.close()
		return nil, err
	}
	if home == nil {
		lc.close()
		return nil, ErrNotConnected
	}
	if err := c.importAuth(ctx, home, lc, dc); err != nil {
		lc.close()
		return nil, err
	}
	c.recordDCAuth(ctx, dc)
	return lc, nil
}

// forget drops the authorization record of dc and closes its pooled sessions, so the next
// call imports the authorization again.
func (p *dcPool) forget(dc int, media bool) {
	c := p.c
	ctx := context.Background()
	if s, err := c.store.LoadSession(ctx, dc); err == nil {
		s.UserID, s.Bot = 0, false
		_ = c.store.SaveSession(ctx, s)
	}
	p.mu.Lock()
	var closing []*liveConn
	for k, e := range p.entries {
		if k.dc == dc && !k.cdn && e.lc != nil {
			closing = append(closing, e.lc)
			delete(p.entries, k)
		}
	}
	p.mu.Unlock()
	for _, lc := range closing {
		lc.close()
	}
}

// closeAll closes every pooled session.
func (p *dcPool) closeAll() {
	p.mu.Lock()
	entries := p.entries
	p.entries = map[poolKey]*poolEntry{}
	p.mu.Unlock()
	for _, e := range entries {
		e.mu.Lock()
		if e.lc != nil {
			e.lc.close()
		}
		e.mu.Unlock()
	}
}

// startJanitor runs the idle sweep until the pool is empty or the client stops.
func (p *dcPool) startJanitor() {
	c := p.c
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		p.mu.Lock()
		p.janitor = false
		p.mu.Unlock()
		return
	}
	c.wg.Add(1)
	c.mu.Unlock()
	idle := c.cfg.SessionIdleTimeout
	go func() {
		defer c.wg.Done()
		t := time.NewTicker(max(idle/4, 10*time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-c.life.Done():
				return
			case now := <-t.C:
				if p.sweep(now, idle) {
					return
				}
			}
		}
	}()
}

// sweep closes sessions idle for longer than idle; it reports true (and marks the janitor
// gone) when the pool is empty.
func (p *dcPool) sweep(now time.Time, idle time.Duration) bool {
	p.mu.Lock()
	var closing []*liveConn
	for k, e := range p.entries {
		if !e.mu.TryLock() {
			continue // being created
		}
		lc := e.lc
		if lc != nil && (lc.isDone() || (lc.active.Load() == 0 && now.Sub(time.Unix(0, lc.lastUse.Load())) >= idle)) {
			closing = append(closing, lc)
			delete(p.entries, k)
		}
		e.mu.Unlock()
	}
	empty := len(p.entries) == 0
	if empty {
		p.janitor = false
	}
	p.mu.Unlock()
	for _, lc := range closing {
		p.c.Log.Debug("closing idle session", "dc", lc.dc, "media", lc.media)
		lc.close()
	}
	return empty
}

// cdnKeys returns the RSA keys of CDN data center dc from help.getCdnConfig.
func (c *Client) cdnKeys(ctx context.Context, dc int) ([]crypto.PublicKey, error) {
	var cfg tg.CdnConfig
	if err := c.invoker().Invoke(ctx, &tg.HelpGetCdnConfigRequest{}, &cfg); err != nil {
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
		return nil, fmt.Errorf("%w: no cdn key for dc %d", ErrMigrationUnknown, dc)
	}
	return keys, nil
}
