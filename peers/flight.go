package peers

import (
	"context"
	"errors"
	"sync"
)

// flight runs one request per key at a time: concurrent callers asking for the same key wait
// for the first one's answer instead of sending their own (resolveUsername in particular is
// strictly rate limited by Telegram).
type flight[K comparable, V any] struct {
	mu    sync.Mutex
	calls map[K]*flightCall[V]
}

type flightCall[V any] struct {
	done chan struct{}
	val  V
	err  error
}

// do returns fn's result for key, running fn only if no call for key is in progress. A waiter
// whose own context ends stops waiting; a waiter that received the leader's context error while
// its own context is alive, or whose leader's call panicked, runs the call again.
func (f *flight[K, V]) do(ctx context.Context, key K, fn func(context.Context) (V, error)) (V, error) {
	for {
		f.mu.Lock()
		if f.calls == nil {
			f.calls = make(map[K]*flightCall[V])
		}
		if c, ok := f.calls[key]; ok {
			f.mu.Unlock()
			select {
			case <-c.done:
			case <-ctx.Done():
				var zero V
				return zero, ctx.Err()
			}
			if isContextErr(c.err) && ctx.Err() == nil || c.err == errFlightPanicked {
				continue
			}
			return c.val, c.err
		}
		c := &flightCall[V]{done: make(chan struct{})}
		f.calls[key] = c
		f.mu.Unlock()
		return f.lead(ctx, key, c, fn)
	}
}

// lead runs fn for the callers of key. Whatever way fn ends, a panic included, key is freed
// and the waiters are released: after a panic (which goes on to this caller) they run their
// own calls.
func (f *flight[K, V]) lead(ctx context.Context, key K, c *flightCall[V], fn func(context.Context) (V, error)) (V, error) {
	c.err = errFlightPanicked // replaced unless fn panics
	defer func() {
		f.mu.Lock()
		delete(f.calls, key)
		f.mu.Unlock()
		close(c.done)
	}()
	c.val, c.err = fn(ctx)
	return c.val, c.err
}

// errFlightPanicked is what waiters see when the call they waited for panicked.
var errFlightPanicked = errors.New("peers: the shared request panicked")

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
