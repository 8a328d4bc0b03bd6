package engine

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// ContextFree is implemented by connections whose InvokeWith keeps no reference to the
// call's context once it has returned (the session's connection does not): their calls may
// run on a pooled attemptCtx. A connection that hands the context to work outliving the call
// must not implement it.
type ContextFree interface{ ContextFreeCalls() }

// attemptCtx bounds one attempt of a call whose caller's context can never be cancelled
// (its Done is nil), on a ContextFree connection: the common case of a bot's background
// calls and of benchmarks. Unlike context.WithTimeout, which allocates a context, a timer and
// their closures per attempt, an attemptCtx and its timer are reused through attempts: an
// attempt that ends before its timeout stops the timer and hands the value back; one that
// timed out (its done channel closed) is dropped.
type attemptCtx struct {
	context.Context // the caller's; never cancelled

	deadline time.Time
	done     chan struct{}
	timer    *time.Timer
	expired  atomic.Bool // set by the timer before it closes done
}

// startAttempt returns a context that ends after timeout, for a parent whose Done is nil.
func startAttempt(parent context.Context, pool *sync.Pool, timeout time.Duration) *attemptCtx {
	a, _ := pool.Get().(*attemptCtx)
	if a == nil {
		a = &attemptCtx{done: make(chan struct{})}
		a.timer = time.AfterFunc(timeout, a.expire)
	} else {
		a.timer.Reset(timeout)
	}
	a.Context = parent
	a.deadline = time.Now().Add(timeout)
	return a
}

func (a *attemptCtx) expire() {
	a.expired.Store(true)
	close(a.done)
}

// end releases a: back to pool when its timer had not fired.
func (a *attemptCtx) end(pool *sync.Pool) {
	if a.timer.Stop() { // the timer's function will not run: done is still open
		pool.Put(a)
	}
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
	pool   *sync.Pool
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
		a := startAttempt(ctx, &e.attempts, timeout)
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
