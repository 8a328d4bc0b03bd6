package engine

import (
	"context"
	"math"
	"sync"
	"sync/atomic"
	"time"
	"weak"

	"github.com/mtgo-labs/mtgo/client/internal/conn"
)

// ContextFree is conn.ContextFree: calls on such a connection may run on a pooled attemptCtx.
type ContextFree = conn.ContextFree

// attemptCtx bounds one attempt of a call whose caller's context can never be cancelled
// (its Done is nil), on a ContextFree connection: the common case of a bot's background
// calls and of benchmarks. Unlike context.WithTimeout, which allocates a context, a timer and
// their closures per attempt, an attemptCtx and its timer are reused through attempts: an
// attempt that ends before its timeout hands the value back; one that timed out (its done
// channel closed) is dropped.
//
// The timer is not stopped when an attempt ends nor reset when the next starts (the two
// cost more than the rest of a call's bound): it stays set for the deadline it was armed
// for, and when it fires it checks the attempt running then, closing done if that attempt's
// deadline has passed and arming itself again for it if not. An attempt resets the timer
// only when none is pending or the pending one is later than its own deadline (a shorter
// timeout than its predecessor's), so with one timeout the timer fires about once per
// timeout, whatever the number of calls.
type attemptCtx struct {
	context.Context // the caller's; never cancelled

	base     time.Time // when a was made: its deadlines are durations after it
	deadline time.Time // the running attempt's, for Deadline
	done     chan struct{}
	timer    *time.Timer
	expired  atomic.Bool // set by the timer before it closes done

	mu       sync.Mutex
	due      time.Duration // the running attempt's deadline after base; 0 between attempts
	armed    bool          // the timer is set to fire at armedFor
	armedFor time.Duration
	stopped  bool // the engine is closed: the timer is stopped when no attempt runs
}

// attemptPool hands out the attemptCtx values of one engine. It also remembers, weakly,
// every value it made, so that stop can reach the timers an ended attempt leaves set (each
// for up to a request timeout) whether or not the value is still in the pool.
type attemptPool struct {
	pool sync.Pool // of *attemptCtx

	mu      sync.Mutex
	made    []weak.Pointer[attemptCtx]
	prune   int  // len(made) at which the collected are dropped from it
	stopped bool // stop ran: ended attempts stop their timers
}

// start returns a context that ends after timeout, for a parent whose Done is nil.
func (p *attemptPool) start(parent context.Context, timeout time.Duration) *attemptCtx {
	a, _ := p.pool.Get().(*attemptCtx)
	if a == nil {
		a = p.make()
	}
	a.start(parent, timeout)
	return a
}

// make makes an attemptCtx and remembers it; this happens only when the pool is empty.
func (p *attemptPool) make() *attemptCtx {
	a := newAttemptCtx()
	p.mu.Lock()
	defer p.mu.Unlock()
	a.stopped = p.stopped
	if len(p.made) >= p.prune {
		live := p.made[:0]
		for _, w := range p.made {
			if w.Value() != nil {
				live = append(live, w)
			}
		}
		clear(p.made[len(live):])
		p.made, p.prune = live, max(2*len(live), 16)
	}
	p.made = append(p.made, weak.Make(a))
	return a
}

// stop stops the timers of the values p made: those of idle values at once, those of running
// attempts when they end (an attempt that expires first stops by itself).
func (p *attemptPool) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stopped = true
	for _, w := range p.made {
		if a := w.Value(); a != nil {
			a.stop()
		}
	}
}

func newAttemptCtx() *attemptCtx {
	a := &attemptCtx{base: time.Now(), done: make(chan struct{})}
	a.timer = time.AfterFunc(time.Hour, a.fire)
	a.timer.Stop()
	return a
}

// start begins an attempt on a, idle, that ends after timeout.
func (a *attemptCtx) start(parent context.Context, timeout time.Duration) {
	now := time.Since(a.base)
	// Saturated: the longest timeouts (math.MaxInt64, "for ever") must not wrap into the past.
	due := now + min(max(timeout, 1), math.MaxInt64-now)
	a.Context = parent
	a.deadline = a.base.Add(due)
	a.mu.Lock()
	a.due = due
	if !a.armed || a.armedFor > due {
		a.arm(due, now)
	}
	a.mu.Unlock()
}

// arm sets the timer to fire at due, now being the time after a.base; a.mu is held.
func (a *attemptCtx) arm(due, now time.Duration) {
	a.timer.Reset(due - now)
	a.armed, a.armedFor = true, due
}

// fire runs when the timer goes off: it expires the running attempt whose deadline has
// passed, or sets the timer again for one whose deadline is later.
func (a *attemptCtx) fire() {
	a.mu.Lock()
	a.armed = false
	if a.due == 0 { // between attempts, or expired
		a.mu.Unlock()
		return
	}
	if now := time.Since(a.base); now < a.due {
		a.arm(a.due, now)
		a.mu.Unlock()
		return
	}
	a.due = 0
	a.mu.Unlock()
	a.expired.Store(true)
	close(a.done)
}

// end releases a: back to pool when its attempt had not expired. The caller's context is
// dropped, so that the timer left set does not keep it.
func (a *attemptCtx) end(p *attemptPool) {
	a.Context = nil
	a.mu.Lock()
	running := a.due != 0
	a.due = 0
	if a.stopped {
		a.disarm()
	}
	a.mu.Unlock()
	if running { // done is still open and stays so: fire finds no attempt to expire
		p.pool.Put(a)
	}
}

// stop stops a's timer now if no attempt runs, else when the attempt ends.
func (a *attemptCtx) stop() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.stopped = true
	if a.due == 0 {
		a.disarm()
	}
}

// disarm stops the timer; a.mu is held.
func (a *attemptCtx) disarm() {
	a.timer.Stop()
	a.armed = false
}

func (a *attemptCtx) Deadline() (time.Time, bool) { return a.deadline, true }

func (a *attemptCtx) Done() <-chan struct{} { return a.done }

func (a *attemptCtx) Err() error {
	if a.expired.Load() {
		return context.DeadlineExceeded
	}
	return nil
}

// bound is the context of one attempt and what ends it.
type bound struct {
	pool   *attemptPool
	ctx    context.Context
	a      *attemptCtx        // non-nil: a pooled bound
	cancel context.CancelFunc // non-nil: context.WithTimeout's
}

// boundAttempt bounds ctx by timeout: ctx itself when its deadline comes first, a pooled
// attemptCtx when ctx can never be cancelled and pooled is true, context.WithTimeout
// otherwise. The bound must be ended with end.
func (e *Engine) boundAttempt(ctx context.Context, timeout time.Duration, pooled bool) bound {
	if d, ok := ctx.Deadline(); ok && time.Until(d) <= timeout {
		return bound{ctx: ctx}
	}
	if pooled && ctx.Done() == nil {
		a := e.attempts.start(ctx, timeout)
		return bound{pool: &e.attempts, ctx: a, a: a}
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	return bound{ctx: actx, cancel: cancel}
}

func (b bound) end() {
	switch {
	case b.a != nil:
		b.a.end(b.pool)
	case b.cancel != nil:
		b.cancel()
	}
}
