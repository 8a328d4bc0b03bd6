// Package dcpool holds the client's per-DC sessions: created on demand (one data center's
// connections opened one at a time, so that the first one's key exchange serves the others),
// spread over lanes for file transfers, closed after an idle timeout.
package dcpool

import (
	"context"
	"errors"
	"fmt"
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

// ErrClosed ends the opens and the waits for a connection that CloseAll cut short.
var ErrClosed = errors.New("mtgo: the per-DC sessions were closed")

// Opener connects to a data center and authorizes the connection as needed. A connection it
// returns has an auth key: the pool opens one data center's connections one at a time, so
// the others wait for the first one's key exchange and then use its key.
type Opener func(ctx context.Context, dc int, media, cdn bool) (*conn.Live, error)

// entry is one pooled session; mu serializes its creation so one data center gets one key
// exchange and one authorization import.
type entry struct {
	mu     gate
	lc     *conn.Live // written holding mu and Pool.mu, so read holding either
	claims int        // transfer calls routed here and not finished; guarded by Pool.mu
}

func newEntry() *entry { return &entry{mu: newGate()} }

// Pool holds the per-DC sessions. A janitor goroutine runs only while the pool is not empty.
type Pool struct {
	open  Opener
	idle  time.Duration
	log   *slog.Logger
	spawn conn.Spawner

	mu      sync.Mutex
	entries map[Key]*entry
	janitor bool
	dcLocks map[int]gate      // one connection opened per data center at a time
	forgets map[dcKind]uint64 // Forget calls per data center, which void the opens under way
	life    context.Context
	end     context.CancelCauseFunc // ends life (ErrClosed) at CloseAll, which starts a new one
}

// dcKind names what Forget drops: an ordinary or a CDN data center.
type dcKind struct {
	dc  int
	cdn bool
}

// gate is a mutex whose waiters give up when their context ends.
type gate chan struct{}

func newGate() gate { return make(gate, 1) }

// lock takes g, or returns the cause of ctx or life when one ends first.
func (g gate) lock(ctx, life context.Context) error {
	select {
	case g <- struct{}{}:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-life.Done():
		return context.Cause(life)
	}
}

// tryLock takes g when it is free and reports whether it did.
func (g gate) tryLock() bool {
	select {
	case g <- struct{}{}:
		return true
	default:
		return false
	}
}

func (g gate) unlock() { <-g }

// New returns an empty pool that opens sessions with open and closes them after idle without
// calls. Its janitor runs through spawn.
func New(spawn conn.Spawner, open Opener, idle time.Duration, log *slog.Logger) *Pool {
	p := &Pool{open: open, idle: idle, log: log, spawn: spawn, entries: map[Key]*entry{}, dcLocks: map[int]gate{},
		forgets: map[dcKind]uint64{}}
	p.life, p.end = context.WithCancelCause(context.Background())
	return p
}

// Get returns the running connection for (dc, media, cdn), creating it if needed.
func (p *Pool) Get(ctx context.Context, dc int, media, cdn bool) (*conn.Live, error) {
	k := Key{DC: dc, Media: media, CDN: cdn}
	p.mu.Lock()
	e, ok := p.entries[k]
	if !ok {
		e = newEntry()
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
		best, bestKey = newEntry(), Key{DC: dc, Media: media, CDN: cdn, Lane: free}
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
	e := newEntry()
	e.lc = lc
	p.entries[k] = e
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
// and releases it. Callers wait for one opening the same entry or another connection to the
// data center (its key exchange) until their ctx ends or CloseAll, which ends an open under
// way too (ErrClosed). A caller that waited for an entry dropped meanwhile (its open failed)
// pools it again, or waits for the entry that replaced it. A connection whose open a Forget
// of its data center overtook is closed and opened again: it may hold what was forgotten.
func (p *Pool) connect(ctx context.Context, k Key, e *entry) (*conn.Live, error) {
	startJanitor := !p.janitor
	p.janitor = true
	life := p.life
	dl := p.dcLocks[k.DC]
	if dl == nil {
		dl = newGate()
		p.dcLocks[k.DC] = dl
	}
	p.mu.Unlock()
	if startJanitor {
		p.startJanitor()
	}

	if err := e.mu.lock(ctx, life); err != nil { // the holder drops e if its open fails
		return nil, fmt.Errorf("wait for the connection to dc %d: %w", k.DC, err)
	}
	p.mu.Lock()
	switch cur, ok := p.entries[k]; {
	case life != p.life:
		// CloseAll meanwhile: the open below ends with ErrClosed, e is not pooled again.
	case !ok:
		p.entries[k] = e // dropped while this caller waited: pooled again, so later Gets wait for it
	case cur != e:
		// Dropped while this caller waited, and a later caller made another entry: wait for that
		// one, or the connection this caller opened would be pooled nowhere.
		e.mu.unlock()
		return p.connect(ctx, k, cur) // unlocks p.mu
	}
	p.mu.Unlock()
	defer e.mu.unlock()
	if e.lc != nil && !e.lc.Done() {
		e.lc.Touch()
		return e.lc, nil
	}
	if err := dl.lock(ctx, life); err != nil {
		p.dropUnopened(k, e)
		return nil, fmt.Errorf("wait for the key exchange with dc %d: %w", k.DC, err)
	}
	defer dl.unlock()
	kind := dcKind{k.DC, k.CDN}
	for {
		p.mu.Lock()
		forgets := p.forgets[kind]
		p.mu.Unlock()
		lc, err := p.openUntilClosed(ctx, life, k)
		if err != nil {
			p.dropUnopened(k, e)
			return nil, err
		}
		p.mu.Lock() // Forget reads e.lc under p.mu alone
		switch {
		case life.Err() != nil:
			// CloseAll meanwhile (a Disconnect): e is not pooled again, so lc must not outlive it.
			p.mu.Unlock()
			lc.Close()
			return nil, fmt.Errorf("open a connection to dc %d: %w", k.DC, context.Cause(life))
		case p.forgets[kind] != forgets:
			p.mu.Unlock()
			lc.Close()
			if ctx.Err() != nil {
				// The caller gave up while the open ran: another open would be for nobody, and
				// one that finishes whatever its context says would keep this loop going.
				p.dropUnopened(k, e)
				return nil, fmt.Errorf("open a connection to dc %d: %w", k.DC, context.Cause(ctx))
			}
			p.log.Debug("opening the session again: its data center was forgotten meanwhile", "dc", k.DC, "cdn", k.CDN)
			continue
		}
		e.lc = lc
		if _, ok := p.entries[k]; !ok {
			p.entries[k] = e // dropped while this caller waited for it: pooled again, not lost
		}
		p.mu.Unlock()
		return lc, nil
	}
}

// openUntilClosed opens k's connection, its ctx ending at CloseAll too (life).
func (p *Pool) openUntilClosed(ctx, life context.Context, k Key) (*conn.Live, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := context.AfterFunc(life, func() { cancel(context.Cause(life)) })
	defer stop()
	return p.open(ctx, k.DC, k.Media, k.CDN)
}

// dropUnopened removes e, which has no connection, from the pool.
func (p *Pool) dropUnopened(k Key, e *entry) {
	p.mu.Lock()
	if p.entries[k] == e && e.lc == nil {
		delete(p.entries, k)
	}
	p.mu.Unlock()
}

// Live appends the running connections to dst with their keys, skipping those being created.
func (p *Pool) Live(dst []Conn) []Conn {
	p.mu.Lock()
	defer p.mu.Unlock()
	for k, e := range p.entries {
		if !e.mu.tryLock() {
			continue // being created
		}
		if e.lc != nil && !e.lc.Done() {
			dst = append(dst, Conn{Key: k, Live: e.lc})
		}
		e.mu.unlock()
	}
	return dst
}

// Conn is a pooled connection and its key.
type Conn struct {
	Key
	Live *conn.Live
}

// Forget closes the pooled sessions of CDN data center dc when cdn is true, else those of
// ordinary data center dc, and makes the opens under way open their session again. An entry
// being opened stays pooled (its ended connection closed), so that a Get meanwhile waits for
// that open instead of making another entry, which would leave the open's connection pooled
// nowhere.
func (p *Pool) Forget(dc int, cdn bool) {
	p.mu.Lock()
	p.forgets[dcKind{dc, cdn}]++
	var closing []*conn.Live
	for k, e := range p.entries {
		if k.DC != dc || k.CDN != cdn || e.lc == nil {
			continue
		}
		closing = append(closing, e.lc)
		if e.mu.tryLock() {
			delete(p.entries, k)
			e.mu.unlock()
		}
	}
	p.mu.Unlock()
	for _, lc := range closing {
		lc.Close()
	}
}

// CloseAll closes every pooled session; opens under way and waits for a connection end with
// ErrClosed.
func (p *Pool) CloseAll() {
	p.mu.Lock()
	entries := p.entries
	p.entries = map[Key]*entry{}
	p.end(ErrClosed)
	p.life, p.end = context.WithCancelCause(context.Background())
	p.mu.Unlock()
	for _, e := range entries {
		_ = e.mu.lock(context.Background(), context.Background()) // never fails
		if e.lc != nil {
			e.lc.Close()
		}
		e.mu.unlock()
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
		if !e.mu.tryLock() {
			continue // being created
		}
		lc := e.lc
		if lc != nil && (lc.Done() || lc.Idle(now, p.idle)) {
			closing = append(closing, lc)
			delete(p.entries, k)
		}
		e.mu.unlock()
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
