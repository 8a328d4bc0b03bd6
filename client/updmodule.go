package mtgo

import (
	"context"
	"sync"

	"go.uber.org/fx"

	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates"
)

// UpdatesModule provides the UpdateManager: the updates module's engine (pts/qts/seq ordering,
// gap recovery with getDifference, catch-up after restarts). Its state goes to the Storage when
// the storage keeps update state (implements updates.Store), else it stays in memory.
var UpdatesModule = fx.Module("mtgo.updates",
	fx.Provide(fx.Annotate(newUpdateEngine, fx.As(new(UpdateManager)))),
)

// updateStateStore is the part of a Storage that keeps the update state.
type updateStateStore interface {
	LoadUpdates(ctx context.Context) (updates.Saved, bool, error)
	CommitUpdates(ctx context.Context, c updates.Commit) error
}

// updateState adapts an updateStateStore to updates.Store.
type updateState struct{ s updateStateStore }

func (u updateState) Load(ctx context.Context) (updates.Saved, bool, error) {
	return u.s.LoadUpdates(ctx)
}

func (u updateState) Save(ctx context.Context, c updates.Commit) error {
	return u.s.CommitUpdates(ctx, c)
}

// updateEngine runs one updates.Manager per connected period (a Manager runs once): Run builds
// a fresh one unless updates arrived first and built it already.
type updateEngine struct {
	opts updates.Options

	mu  sync.Mutex
	cur *updates.Manager
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
	if s, ok := st.(updateStateStore); ok {
		opts.Store = updateState{s}
	} else {
		opts.Store = updates.NewMemoryStore()
	}
	if ah, ok := pc.(updates.AccessHashes); ok {
		opts.AccessHashes = ah
	}
	return &updateEngine{opts: opts}
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
			e.cur = nil
		}
		e.mu.Unlock()
	}()
	return m.Run(ctx)
}

// HandleUpdates implements UpdateManager.
func (e *updateEngine) HandleUpdates(ctx context.Context, u tg.UpdatesClass) error {
	m, err := e.current()
	if err != nil {
		return err
	}
	return m.HandleUpdates(ctx, u)
}

// HandleSent feeds the answer to a sent message, completed with what was sent.
func (e *updateEngine) HandleSent(ctx context.Context, s updates.Sent, u tg.UpdatesClass) error {
	m, err := e.current()
	if err != nil {
		return err
	}
	return m.HandleSent(ctx, s, u)
}

// Reconnected asks for the difference after the connection was restored or the server
// started a new session.
func (e *updateEngine) Reconnected(ctx context.Context) error {
	m, err := e.current()
	if err != nil {
		return err
	}
	return m.Reconnected(ctx)
}
