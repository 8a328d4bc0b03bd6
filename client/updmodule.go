package mtgo

import (
	"context"
	"errors"
	"sync"

	"go.uber.org/fx"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates"
)

// UpdatesModule provides the UpdateManager: the updates module's engine (pts/qts/seq ordering,
// gap recovery with getDifference, catch-up after restarts). Its state is kept in the Storage.
var UpdatesModule = fx.Module("mtgo.updates",
	fx.Provide(fx.Annotate(newUpdateEngine, fx.As(new(UpdateManager)))),
)

// updateEngine runs one updates.Manager per connected period (a Manager runs once): Run builds
// a fresh one unless updates arrived first and built it already.
type updateEngine struct {
	opts updates.Options
	log  *Logger

	mu    sync.Mutex
	cur   *updates.Manager
	ready chan struct{} // closed when the current Manager has its starting state
}

func newUpdateEngine(p *clientParams, st Storage, pc PeerCache, inv *lateInvoker, sink *lateSink) *updateEngine {
	opts := updates.Options{
		API: tg.NewClient(inv),
		Handler: updates.HandlerFunc(func(ctx context.Context, b updates.Batch) error {
			return sink.Deliver(ctx, &tg.Updates{Updates: b.Updates, Users: b.Users, Chats: b.Chats})
		}),
		Logger:    p.Logger.Slog().With("layer", "updates"),
		NoCatchUp: p.Config.NoCatchUp,
	}
	opts.Store = storage.UpdateState(st)
	if ah, ok := pc.(updates.AccessHashes); ok {
		opts.AccessHashes = ah
	}
	e := &updateEngine{opts: opts, log: p.Logger}
	e.opts.Hook = updates.HookFunc(e.onEvent)
	return e
}

// onEvent logs the engine's events and notes when the starting state is known.
func (e *updateEngine) onEvent(ev updates.Event) {
	switch ev.Kind {
	case updates.EventRecoveryFinished:
		if ev.Sequence == updates.SequenceAccount {
			e.mu.Lock()
			if e.ready != nil {
				select {
				case <-e.ready:
				default:
					close(e.ready)
				}
			}
			e.mu.Unlock()
		}
		e.log.Debug("updates recovered", "event", ev)
	case updates.EventGap, updates.EventRecoveryStarted:
		e.log.Debug("updates", "event", ev)
	default:
		e.log.Warn("updates", "event", ev)
	}
}

// Ready returns a channel closed once the running engine knows its starting state (after
// the catch-up): updates pushed from then on are delivered.
func (e *updateEngine) Ready() <-chan struct{} {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.ready == nil {
		e.ready = make(chan struct{})
	}
	return e.ready
}

// current returns the Manager of this period, building it if needed.
func (e *updateEngine) current() (*updates.Manager, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cur == nil {
		m, err := updates.NewManager(e.opts)
		if err != nil {
			return nil, err
		}
		e.cur = m
		if e.ready == nil {
			e.ready = make(chan struct{})
		}
	}
	return e.cur, nil
}

// Run implements UpdateManager.
func (e *updateEngine) Run(ctx context.Context) error {
	m, err := e.current()
	if err != nil {
		return err
	}
	defer func() {
		e.mu.Lock()
		if e.cur == m {
			e.cur, e.ready = nil, nil
		}
		e.mu.Unlock()
	}()
	return m.Run(ctx)
}

// feed hands one input to the Manager of this period. A Manager that has just stopped (its
// Run returned and Run has not yet forgotten it) refuses input with updates.ErrStopped; the
// input then goes to the Manager of the next period, which runs it once the client is
// connected again, instead of being lost.
func (e *updateEngine) feed(f func(*updates.Manager) error) error {
	m, err := e.current()
	if err != nil {
		return err
	}
	err = f(m)
	if !errors.Is(err, updates.ErrStopped) {
		return err
	}
	e.mu.Lock()
	if e.cur == m {
		e.cur, e.ready = nil, nil
	}
	e.mu.Unlock()
	if m, err = e.current(); err != nil {
		return err
	}
	return f(m)
}

// HandleUpdates implements UpdateManager.
func (e *updateEngine) HandleUpdates(ctx context.Context, u tg.UpdatesClass) error {
	return e.feed(func(m *updates.Manager) error { return m.HandleUpdates(ctx, u) })
}

// HandleSent feeds the answer to a sent message, completed with what was sent.
func (e *updateEngine) HandleSent(ctx context.Context, s updates.Sent, u tg.UpdatesClass) error {
	return e.feed(func(m *updates.Manager) error { return m.HandleSent(ctx, s, u) })
}

// Reconnected asks for the difference after the connection was restored or the server
// started a new session.
func (e *updateEngine) Reconnected(ctx context.Context) error {
	return e.feed(func(m *updates.Manager) error { return m.Reconnected(ctx) })
}
