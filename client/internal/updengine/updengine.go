// Package updengine runs the updates module's Manager for the client: one Manager per
// connected period (a Manager runs once), input kept across the periods, and an ordered feed
// that hands call results to it without making the caller wait.
package updengine

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates"
)

// errNoSink fails a delivery outside a run; the Manager keeps the batch uncommitted.
var errNoSink = errors.New("mtgo: update batch delivered while the update engine is not running")

// Engine runs one updates.Manager per connected period: Start builds a fresh one unless updates
// arrived first and built it already. Batches go to the deliver function given to Start.
type Engine struct {
	opts updates.Options
	log  *slog.Logger

	mu      sync.Mutex
	cur     *updates.Manager
	ready   chan struct{} // closed when cur has its starting state
	next    chan struct{} // Ready's answer for the Manager built next (none, or cur still stops)
	deliver func(context.Context, tg.UpdatesClass) error
	running *updates.Manager // the Manager deliver belongs to
	busy    bool             // a started Manager has not yet handed its Leftovers over
	queued  *queuedStart     // the Start waiting for that handover
}

// queuedStart is a Start made while the previous period's Manager still stopped.
type queuedStart struct {
	ctx     context.Context
	deliver func(context.Context, tg.UpdatesClass) error
	stopped func(error)
	unwatch func() bool
}

// errStarting fails a Start made while another one waits for the previous Manager's stop.
var errStarting = errors.New("mtgo: update engine started twice while its previous run stops")

// New returns an engine whose Managers are built from opts (its Handler and Hook are the
// engine's own).
func New(opts updates.Options, log *slog.Logger) *Engine {
	e := &Engine{opts: opts, log: log}
	e.opts.Handler = updates.HandlerFunc(e.handle)
	return e
}

// handle passes a batch to the deliver function of the running Manager.
func (e *Engine) handle(ctx context.Context, b updates.Batch) error {
	e.mu.Lock()
	deliver := e.deliver
	e.mu.Unlock()
	if deliver == nil {
		return errNoSink
	}
	return deliver(ctx, &tg.Updates{Updates: b.Updates, Users: b.Users, Chats: b.Chats})
}

// onEvent closes ready, the channel of the Manager that sent ev, once that Manager knows its
// starting state: a stopping Manager's event never marks the next one ready. The Manager logs
// every event itself, at the event's Level (a long outage's repeated failures mostly at debug).
func (e *Engine) onEvent(ready chan struct{}, ev updates.Event) {
	if ev.Kind != updates.EventRecoveryFinished || ev.Sequence != updates.SequenceAccount {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	select {
	case <-ready:
	default:
		close(ready)
	}
}

// Ready returns a channel closed once the running Manager knows its starting state (after the
// catch-up): updates pushed from then on are delivered. Asked after a Start that waits for the
// previous period's Manager to stop, it is the channel of the Manager that Start runs.
func (e *Engine) Ready() <-chan struct{} {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cur != nil && (e.queued == nil || e.cur != e.running) {
		return e.ready
	}
	if e.next == nil {
		e.next = make(chan struct{})
	}
	return e.next
}

// current returns the Manager of this period, building it if needed; a Manager built takes
// the channel Ready handed out for it.
func (e *Engine) current() (*updates.Manager, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cur == nil {
		ready := e.next
		if ready == nil {
			ready = make(chan struct{})
		}
		opts := e.opts
		opts.Hook = updates.HookFunc(func(ev updates.Event) { e.onEvent(ready, ev) })
		m, err := updates.NewManager(opts)
		if err != nil {
			return nil, err
		}
		e.cur, e.ready, e.next = m, ready, nil
	}
	return e.cur, nil
}

// forget drops m as the Manager of this period.
func (e *Engine) forget(m *updates.Manager) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cur == m {
		e.cur, e.ready = nil, nil
	}
}

// Start runs the Manager of this period until ctx ends, handing its batches to deliver. It
// returns at once; the Manager works on a goroutine only while it has work, and stopped (when
// not nil) is called once, after the Manager stopped, with the reason; never when Start
// returns an error.
//
// Started while the previous period's Manager still stops (its Handler holds a batch through
// a reconnect, or its stop waits for its calls), the Manager of this period starts once that
// one has handed its Leftovers over: given them before it starts, it follows a channel start
// the previous one guessed (see the updates README, Stop and Leftovers), where, running
// already, it would drop the left-over pushes below the saved start as duplicates. Start
// still returns at once, so a Handler calling it does not wait for itself; when ctx ends
// first, stopped is called then with ctx's error and that Manager never starts.
func (e *Engine) Start(ctx context.Context, deliver func(context.Context, tg.UpdatesClass) error, stopped func(error)) error {
	e.mu.Lock()
	if e.busy {
		defer e.mu.Unlock()
		if e.queued != nil {
			return errStarting
		}
		q := &queuedStart{ctx: ctx, deliver: deliver, stopped: stopped}
		e.queued = q
		q.unwatch = context.AfterFunc(ctx, func() { e.drop(q) })
		return nil
	}
	e.busy = true
	e.mu.Unlock()
	if err := e.run(ctx, deliver, stopped); err != nil {
		e.startQueued()
		return err
	}
	return nil
}

// drop ends q, whose context ended before the previous Manager stopped, unless it was taken.
func (e *Engine) drop(q *queuedStart) {
	e.mu.Lock()
	mine := e.queued == q
	if mine {
		e.queued = nil
	}
	e.mu.Unlock()
	if mine && q.stopped != nil {
		q.stopped(q.ctx.Err())
	}
}

// startQueued runs the Start that waited for the Manager that just stopped (its Leftovers
// handed over), or marks the engine idle when none waits.
func (e *Engine) startQueued() {
	for {
		e.mu.Lock()
		q := e.queued
		e.queued = nil
		if q == nil {
			e.busy = false
			e.mu.Unlock()
			return
		}
		e.mu.Unlock()
		q.unwatch()
		err := e.run(q.ctx, q.deliver, q.stopped)
		if err == nil {
			return
		}
		if q.stopped != nil {
			q.stopped(err)
		}
	}
}

// run starts the Manager of this period; the engine is busy until it stopped and handed its
// Leftovers over.
func (e *Engine) run(ctx context.Context, deliver func(context.Context, tg.UpdatesClass) error, stopped func(error)) error {
	m, err := e.current()
	if err != nil {
		return err
	}
	e.mu.Lock()
	e.deliver, e.running = deliver, m
	e.mu.Unlock()
	return m.Start(ctx, func(err error) {
		e.forget(m)
		e.mu.Lock()
		e.deliver, e.running = nil, nil
		e.mu.Unlock()
		// What m accepted and did not process goes to the next period's Manager: updates
		// without a pts (callback queries, typing) would not come back with its catch-up.
		// That Manager has not started (a Start meanwhile waits, startQueued). A next
		// Manager that stopped meanwhile refuses them: forget it and build another.
		if left := m.Leftovers(); len(left) > 0 {
			for {
				next, err := e.current()
				if err != nil || next.Resume(left) {
					break
				}
				e.forget(next)
			}
		}
		if stopped != nil {
			stopped(err)
		}
		e.startQueued()
	})
}

// feed hands one input to the Manager of this period. A Manager that has just stopped (and
// has not yet been forgotten) refuses input with updates.ErrStopped; the input then goes to
// the Manager of the next period, which runs it once the client is connected again, instead
// of being lost. Input a stopping Manager accepted but did not process goes there too
// (Leftovers, Resume).
func (e *Engine) feed(f func(*updates.Manager) error) error {
	m, err := e.current()
	if err != nil {
		return err
	}
	err = f(m)
	if !errors.Is(err, updates.ErrStopped) {
		return err
	}
	e.forget(m)
	if m, err = e.current(); err != nil {
		return err
	}
	return f(m)
}

// HandleUpdates feeds one updates object.
func (e *Engine) HandleUpdates(ctx context.Context, u tg.UpdatesClass) error {
	return e.feed(func(m *updates.Manager) error { return m.HandleUpdates(ctx, u) })
}

// HandleSent feeds the answer to a sent message, completed with what was sent.
func (e *Engine) HandleSent(ctx context.Context, s updates.Sent, u tg.UpdatesClass) error {
	return e.feed(func(m *updates.Manager) error { return m.HandleSent(ctx, s, u) })
}

// Reconnected asks for the difference after the connection was restored or the server
// started a new session.
func (e *Engine) Reconnected(ctx context.Context) error {
	return e.feed(func(m *updates.Manager) error { return m.Reconnected(ctx) })
}
