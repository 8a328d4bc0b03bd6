// Package dcpool holds the client's per-DC sessions: created on demand (one key exchange per
// data center at a time), spread over lanes for file transfers, closed after an idle timeout.
package dcpool

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/mtgo-labs/mtgo/client/internal/conn"
)

// MaxLanes caps the connections one data center's file transfers use, as Telegram's own
// clients open a few download sessions per data center.
const MaxLanes = 8

// Key names one pooled session. File transfers spread their calls over up to MaxLanes
// sessions per data center (lanes), so that parts in flight do not queue behind one
// connection's reader and writer; every other use takes lane 0.
type Key struct {
	DC         int
	Media, CDN bool
	Lane       int
}

// Opener connects to a data center and authorizes the connection as needed.
type Opener func(ctx context.Context, dc int, media, cdn bool) (*conn.Live, error)

// entry is one pooled session; mu serializes its creation so one data center gets one key
// exchange and one authorization import.
type entry struct {
	mu     sync.Mutex
	lc     *conn.Live // written holding mu and Pool.mu, so read holding either
	claims int        // transfer calls routed here and not finished; guarded by Pool.mu
}

// Pool holds the per-DC sessions. A janitor goroutine runs only while the pool is not empty.
type Pool struct {
	open  Opener
	idle  time.Duration
	log   *slog.Logger
	spawn conn.Spawner

	mu      sync.Mutex
	entries map[Key]*entry
	janitor bool
	dcLocks map[int]*sync.Mutex // one key exchange per data center at a time
}

// New returns an empty pool that opens sessions with open and closes them after idle without
// calls. Its janitor runs through spawn.
func New(spawn conn.Spawner, open Opener, idle time.Duration, log *slog.Logger) *Pool {
	return &Pool{open: open, idle: idle, log: log, spawn: spawn, entries: map[Key]*entry{}, dcLocks: map[int]*sync.Mutex{}}
}

// Get returns the running connection for (dc, media, cdn), creating it if needed.
func (p *Pool) Get(ctx context.Context, dc int, media, cdn bool) (*conn.Live, error) {
	k := Key{DC: dc, Media: media, CDN: cdn}
	p.mu.Lock()
	e, ok := p.entries[k]
	if !ok {
		e = &entry{}
		p.entries[k] = e
	}
	return p.connect(ctx, k, e)
}

// Claim returns a connection for one file transfer call to (dc, media, cdn) and the function
// that ends the claim. It takes the lane with the fewest calls in flight and opens a new lane
// when every open one is busy and fewer than MaxLanes exist, so n parallel workers end up on
// n connections.
func (p *Pool) Claim(ctx context.Context, dc int, media, cdn bool) (*conn.Live, func(), error) {
	p.mu.Lock()
	var best *entry
	bestKey, free := Key{}, -1
	for lane := range MaxLanes {
		k := Key{DC: dc, Media: media, CDN: cdn, Lane: lane}
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
		best, bestKey = &entry{}, Key{DC: dc, Media: media, CDN: cdn, Lane: free}
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

// Put adds a running connection under k, for tests.
func (p *Pool) Put(k Key, lc *conn.Live) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.janitor = true // no sweeping
	p.entries[k] = &entry{lc: lc}
}

// Claims returns the transfer calls in flight per key, for tests.
func (p *Pool) Claims() map[Key]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[Key]int, len(p.entries))
	for k, e := range p.entries {
		out[k] = e.claims
	}
	return out
}

// connect returns e's running connection, opening it if needed. It is called with p.mu held
// and releases it.
func (p *Pool) connect(ctx context.Context, k Key, e *entry) (*conn.Live, error) {
	startJanitor := !p.janitor
	p.janitor = true
	dl := p.dcLocks[k.DC]
	if dl == nil {
		dl = new(sync.Mutex)
		p.dcLocks[k.DC] = dl
	}
	p.mu.Unlock()
	if startJanitor {
		p.startJanitor()
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	if e.lc != nil && !e.lc.Done() {
		e.lc.Touch()
		return e.lc, nil
	}
	dl.Lock()
	lc, err := p.open(ctx, k.DC, k.Media, k.CDN)
	dl.Unlock()
	if err != nil {
		p.mu.Lock()
		if p.entries[k] == e && e.lc == nil {
			delete(p.entries, k)
		}
		p.mu.Unlock()
		return nil, err
	}
	p.mu.Lock() // Forget reads e.lc under p.mu alone
	e.lc = lc
	p.mu.Unlock()
	return lc, nil
}

// Live appends the running connections to dst with their keys, skipping those being created.
func (p *Pool) Live(dst []Conn) []Conn {
	p.mu.Lock()
	defer p.mu.Unlock()
	for k, e := range p.entries {
		if !e.mu.TryLock() {
			continue // being created
		}
		if e.lc != nil && !e.lc.Done() {
			dst = append(dst, Conn{Key: k, Live: e.lc})
		}
		e.mu.Unlock()
	}
	return dst
}

// Conn is a pooled connection and its key.
type Conn struct {
	Key
	Live *conn.Live
}

// Forget closes the pooled sessions of CDN data center dc when cdn is true, else those of
// ordinary data center dc.
func (p *Pool) Forget(dc int, cdn bool) {
	p.mu.Lock()
	var closing []*conn.Live
	for k, e := range p.entries {
		if k.DC == dc && k.CDN == cdn && e.lc != nil {
			closing = append(closing, e.lc)
			delete(p.entries, k)
		}
	}
	p.mu.Unlock()
	for _, lc := range closing {
		lc.Close()
	}
}

// CloseAll closes every pooled session.
func (p *Pool) CloseAll() {
	p.mu.Lock()
	entries := p.entries
	p.entries = map[Key]*entry{}
	p.mu.Unlock()
	for _, e := range entries {
		e.mu.Lock()
		if e.lc != nil {
			e.lc.Close()
		}
		e.mu.Unlock()
	}
}

// startJanitor runs the idle sweep until the pool is empty or the owner stops.
func (p *Pool) startJanitor() {
	ok := p.spawn(func(ctx context.Context) {
		t := time.NewTicker(max(p.idle/4, 10*time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				if p.sweep(now) {
					return
				}
			}
		}
	})
	if !ok {
		p.mu.Lock()
		p.janitor = false
		p.mu.Unlock()
	}
}

// sweep closes sessions idle for longer than the idle timeout; it reports true (and marks the
// janitor gone) when the pool is empty.
func (p *Pool) sweep(now time.Time) bool {
	p.mu.Lock()
	var closing []*conn.Live
	for k, e := range p.entries {
		if !e.mu.TryLock() {
			continue // being created
		}
		lc := e.lc
		if lc != nil && (lc.Done() || lc.Idle(now, p.idle)) {
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
		p.log.Debug("closing idle session", "dc", lc.DC, "media", lc.Media)
		lc.Close()
	}
	return empty
}
