package sqlstore

import (
	"context"
	"sync"

	"github.com/mtgo-labs/mtgo/client/storage"
)

// calls counts the store's calls in flight, so that Close releases the session lock only
// once none can still write: a write landing after the lock went could overwrite the state
// of the process that took the session next.
type calls struct {
	mu     sync.Mutex
	n      int
	closed bool
	idle   chan struct{} // closed when n drops to 0 after Close began
}

// enter starts a call: storage.ErrClosed once Close began, else the call counts until
// s.leave. Every call that reaches the database enters once, first; what it calls inside
// checks only s.live.
func (s *Store) enter(ctx context.Context) error {
	c := &s.calls
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return storage.ErrClosed
	}
	c.n++
	c.mu.Unlock()
	if err := s.live(ctx); err != nil {
		s.leave()
		return err
	}
	return nil
}

// leave ends a call enter started.
func (s *Store) leave() {
	c := &s.calls
	c.mu.Lock()
	c.n--
	if c.n == 0 && c.idle != nil {
		close(c.idle)
		c.idle = nil
	}
	c.mu.Unlock()
}

// drain refuses new calls and waits for those in flight. Each is bounded by its own
// context: the database calls return when it ends.
func (s *Store) drain() {
	c := &s.calls
	c.mu.Lock()
	c.closed = true
	if c.n == 0 {
		c.mu.Unlock()
		return
	}
	idle := make(chan struct{})
	c.idle = idle
	c.mu.Unlock()
	if s.closeWaits != nil {
		s.closeWaits()
	}
	<-idle
}

// live reports why a call in flight cannot go on: a lost lock or its context's end.
func (s *Store) live(ctx context.Context) error { return alive(ctx, s.lost) }

// liveWrite is live before a write: a WriteLease checks afresh.
func (s *Store) liveWrite(ctx context.Context) error { return alive(ctx, s.lostW) }

// alive is the error of lost (a Lease's check, or nil), else of ctx.
func alive(ctx context.Context, lost func() error) error {
	if lost != nil {
		if err := lost(); err != nil {
			return err
		}
	}
	return ctx.Err()
}
