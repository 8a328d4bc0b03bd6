package updengine

import (
	"context"
	"log/slog"
	"sync"
)

// Feed runs functions (each feeding a call's result to the update engine) in order, on a
// goroutine of its own that exists while there is work. A caller never waits for the engine:
// message handlers run while the engine's handler waits for them, so a handler whose call
// waited for room in the engine's input would wait for itself.
type Feed struct {
	life context.Context
	log  *slog.Logger

	mu      sync.Mutex
	pending []func(context.Context) error
	running bool
	closed  bool
	wg      sync.WaitGroup
}

// NewFeed returns a feed whose functions run with life.
func NewFeed(life context.Context, log *slog.Logger) *Feed { return &Feed{life: life, log: log} }

// Add queues f.
func (f *Feed) Add(fn func(context.Context) error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return
	}
	f.pending = append(f.pending, fn)
	if f.running {
		return
	}
	f.running = true
	f.wg.Add(1)
	go f.run()
}

func (f *Feed) run() {
	defer f.wg.Done()
	var batch []func(context.Context) error
	for {
		f.mu.Lock()
		if len(f.pending) == 0 {
			f.running = false
			f.mu.Unlock()
			return
		}
		batch, f.pending = f.pending, batch[:0]
		f.mu.Unlock()
		for i, fn := range batch {
			if err := fn(f.life); err != nil && f.life.Err() == nil {
				f.log.Debug("update engine rejected a result", "err", err)
			}
			batch[i] = nil
		}
	}
}

// Close stops the feed (after its life ended) and waits for it.
func (f *Feed) Close() {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	f.wg.Wait()
}
