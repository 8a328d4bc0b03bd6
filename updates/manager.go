package updates

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// DefaultRequestTimeout bounds each difference call the Manager makes.
const DefaultRequestTimeout = 30 * time.Second

// noHashRetries is how many times a channel difference waits (with backoff) for an access hash
// nobody knows before the channel is dropped.
const noHashRetries = 5

// Options configure a Manager. API and Handler are required.
type Options struct {
	// API makes the getState and difference calls.
	API API
	// Handler receives the update batches.
	Handler Handler
	// Store persists the state; the default is a new MemoryStore.
	Store Store
	// AccessHashes is asked first for a channel's access hash.
	AccessHashes AccessHashes
	// Hook receives every engine event.
	Hook Hook
	// Logger receives the engine's logs; the default discards them.
	Logger *slog.Logger
	// NoCatchUp starts from the server's current state instead of the saved one: what happened
	// while the program was down is not delivered, and saved channels are forgotten.
	NoCatchUp bool
	// RequestTimeout bounds each call; the default is DefaultRequestTimeout.
	RequestTimeout time.Duration
	// Box tunes the engine.
	Box Config
}

// Errors of the Manager.
var (
	// ErrStopped is returned by calls on a Manager whose Run has returned.
	ErrStopped = errors.New("updates: manager stopped")
	// ErrRunning is returned by a second concurrent Run.
	ErrRunning = errors.New("updates: manager already running")
	// errNoAccessHash fails a channel difference whose access hash nobody knows.
	errNoAccessHash = errors.New("no access hash for the channel")
)

// inaccessible lists the errors after which a channel is dropped rather than retried.
var inaccessible = [...]string{"CHANNEL_PRIVATE", "CHANNEL_INVALID", "CHANNEL_PUBLIC_GROUP_NA", "USER_BANNED_IN_CHANNEL"}

// isInaccessible reports whether err means the channel's difference can never be fetched.
func isInaccessible(err error) bool {
	if errors.Is(err, errNoAccessHash) {
		return true
	}
	var rpc *rpcerr.Error
	if !errors.As(err, &rpc) {
		return false
	}
	for _, t := range inaccessible {
		if rpc.Type == t {
			return true
		}
	}
	return false
}

// Manager is the update engine's loop. It owns a Box: Run keeps one timer at the Box's next
// deadline, makes the calls the Box asks for, hands batches to the Handler and, after the
// Handler returned for a batch, saves the state the batch reached. Updates come in through
// HandleUpdates (pushes from the session and results of calls) from any goroutine.
//
// Guarantee: inside a run every update with a pts or qts reaches the Handler exactly once, in
// order per sequence. Across a crash it is at least once: the state is saved only after the
// Handler returned, so a batch whose state was not yet saved is delivered again by the catch-up
// of the next run.
type Manager struct {
	opts    Options
	api     API
	handler Handler
	store   Store
	log     *slog.Logger
	box     *Box

	in      chan input
	results chan result
	done    chan struct{}
	running atomic.Bool
	local   []result // results the loop produced itself, applied before waiting again
	saveCtx context.Context
}

type inputKind uint8

const (
	inputUpdates inputKind = iota
	inputSent
	inputReconnect
)

type input struct {
	kind inputKind
	u    tg.UpdatesClass
	sent Sent
}

type result struct {
	req     Request
	state   *tg.UpdatesState
	diff    tg.UpdatesDifferenceClass
	channel tg.UpdatesChannelDifferenceClass
	err     error
}

// NewManager returns a Manager; call Run to start it.
func NewManager(opts Options) (*Manager, error) {
	if opts.API == nil {
		return nil, errors.New("updates: Options.API is required")
	}
	if opts.Handler == nil {
		return nil, errors.New("updates: Options.Handler is required")
	}
	if opts.Store == nil {
		opts.Store = NewMemoryStore()
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = DefaultRequestTimeout
	}
	return &Manager{
		opts:    opts,
		api:     opts.API,
		handler: opts.Handler,
		store:   opts.Store,
		log:     opts.Logger,
		box:     NewBox(opts.Box),
		in:      make(chan input, 64),
		results: make(chan result),
		done:    make(chan struct{}),
	}, nil
}

// HandleUpdates queues an update container (a push from the session or the result of a call)
// for the loop. It returns once the loop has the container, not once it was handled.
func (m *Manager) HandleUpdates(ctx context.Context, u tg.UpdatesClass) error {
	return m.send(ctx, input{kind: inputUpdates, u: u})
}

// HandleSent is HandleUpdates for the result of a call that sent a message: an
// updateShortSentMessage answer is completed with s and delivered as updateNewMessage.
func (m *Manager) HandleSent(ctx context.Context, s Sent, u tg.UpdatesClass) error {
	return m.send(ctx, input{kind: inputSent, u: u, sent: s})
}

// Reconnected tells the Manager that the connection was re-established; it fetches the
// difference, since pushes may have been lost while the connection was down.
func (m *Manager) Reconnected(ctx context.Context) error {
	return m.send(ctx, input{kind: inputReconnect})
}

func (m *Manager) send(ctx context.Context, in input) error {
	select {
	case <-m.done:
		return ErrStopped
	default:
	}
	select {
	case m.in <- in:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-m.done:
		return ErrStopped
	}
}

// Run loads the saved state, catches up (unless NoCatchUp) and processes updates until ctx
// ends or the Handler or Store fails. It returns after every call it started has returned.
// A Manager runs once.
func (m *Manager) Run(ctx context.Context) (err error) {
	if !m.running.CompareAndSwap(false, true) {
		return ErrRunning
	}
	defer close(m.done)
	var wg sync.WaitGroup
	defer wg.Wait()
	m.saveCtx = context.WithoutCancel(ctx)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	saved, ok, err := m.store.Load(ctx)
	if err != nil {
		return fmt.Errorf("updates: load state: %w", err)
	}
	var start *Saved
	switch {
	case ok && !m.opts.NoCatchUp:
		start = &saved
		m.log.LogAttrs(ctx, slog.LevelInfo, "updates: catching up", slog.Int64("pts", int64(saved.State.Pts)),
			slog.Int64("qts", int64(saved.State.Qts)), slog.Int("channels", len(saved.Channels)))
	case len(saved.Channels) > 0:
		forget := Commit{Channels: make([]ChannelPts, 0, len(saved.Channels))}
		for _, c := range saved.Channels {
			forget.Channels = append(forget.Channels, ChannelPts{ChannelID: c.ChannelID, Pts: c.Pts, Removed: true})
		}
		if err := m.store.Save(ctx, forget); err != nil {
			return fmt.Errorf("updates: forget saved channels: %w", err)
		}
	}

	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	if err := m.handle(ctx, &wg, m.box.Start(time.Now(), start)); err != nil {
		return err
	}
	for {
		for len(m.local) > 0 {
			r := m.local[0]
			m.local = m.local[1:]
			if err := m.handle(ctx, &wg, m.apply(ctx, r)); err != nil {
				return err
			}
		}
		m.arm(timer)
		var out Output
		select {
		case <-ctx.Done():
			return ctx.Err()
		case in := <-m.in:
			out = m.input(ctx, in)
		case r := <-m.results:
			out = m.apply(ctx, r)
		case <-timer.C:
			out = m.box.OnTimer(time.Now())
		}
		if err := m.handle(ctx, &wg, out); err != nil {
			return err
		}
	}
}

// arm sets the timer to the Box's next deadline.
func (m *Manager) arm(timer *time.Timer) {
	next := m.box.NextDeadline()
	if next.IsZero() {
		timer.Stop()
		return
	}
	timer.Reset(max(time.Until(next), 0))
}

func (m *Manager) input(ctx context.Context, in input) Output {
	now := time.Now()
	var out Output
	var err error
	switch in.kind {
	case inputReconnect:
		return m.box.Reconnected(now)
	case inputSent:
		out, err = m.box.ProcessSent(now, in.sent, in.u)
	default:
		out, err = m.box.Process(now, in.u)
	}
	if err != nil {
		m.log.LogAttrs(ctx, slog.LevelWarn, "updates: bad update container", slog.Any("err", err))
	}
	return out
}

// apply hands the answer of a call to the Box.
func (m *Manager) apply(ctx context.Context, r result) Output {
	now := time.Now()
	if r.err != nil {
		// An unknown access hash may still come with the channel's next update (the Box learns
		// it from the chats of held updates), so it is retried a few times before giving up.
		retry := errors.Is(r.err, errNoAccessHash) && m.box.channelFailures(r.req.ChannelID) < noHashRetries
		if r.req.Kind == RequestChannelDifference && isInaccessible(r.err) && !retry {
			return m.box.DropChannel(now, r.req.ChannelID, r.err.Error())
		}
		m.log.LogAttrs(ctx, slog.LevelWarn, "updates: call failed", slog.String("method", r.req.Kind.String()),
			slog.Int64("channel", r.req.ChannelID), slog.Any("err", r.err))
		return m.box.RequestFailed(now, r.req, r.err)
	}
	var out Output
	var err error
	switch r.req.Kind {
	case RequestState:
		out, err = m.box.ApplyState(now, r.state)
	case RequestDifference:
		out, err = m.box.ApplyDifference(now, r.diff)
	case RequestChannelDifference:
		out, err = m.box.ApplyChannelDifference(now, r.req.ChannelID, r.channel)
	}
	if err != nil {
		r.err = fmt.Errorf("updates: bad %s answer: %w", r.req.Kind, err)
		m.log.LogAttrs(ctx, slog.LevelWarn, "updates: call failed", slog.String("method", r.req.Kind.String()), slog.Any("err", r.err))
		return m.box.RequestFailed(now, r.req, r.err)
	}
	return out
}

// handle acts on an Output: starts its calls, reports its events, then delivers each batch and
// saves its commit once the Handler returned.
func (m *Manager) handle(ctx context.Context, wg *sync.WaitGroup, out Output) error {
	for _, r := range out.Requests {
		m.call(ctx, wg, r)
	}
	for _, e := range out.Events {
		m.report(ctx, e)
	}
	for _, d := range out.Deliveries {
		if len(d.Updates) > 0 {
			if err := ctx.Err(); err != nil {
				return err // not handed over, not saved: the next run delivers it
			}
			if err := m.handler.HandleUpdates(ctx, d.Batch); err != nil {
				return fmt.Errorf("updates: handler: %w", err)
			}
		}
		if d.Commit.Empty() {
			continue
		}
		if err := m.save(d.Commit); err != nil {
			return fmt.Errorf("updates: save state: %w", err)
		}
	}
	return nil
}

// save persists a commit whose batch the Handler has taken, with a context that shutdown does
// not cancel: skipping the save would deliver the batch again after the restart.
func (m *Manager) save(c Commit) error {
	return m.store.Save(m.saveCtx, c)
}

func (m *Manager) report(ctx context.Context, e Event) {
	if m.opts.Hook != nil {
		m.opts.Hook.OnEvent(e)
	}
	level := slog.LevelDebug
	switch e.Kind {
	case EventRecoveryFinished:
		level = slog.LevelInfo
	case EventRecoveryFailed, EventDifferenceTooLong, EventChannelDropped, EventOverflow:
		level = slog.LevelWarn
	}
	m.log.LogAttrs(ctx, level, "updates: "+e.Kind.String(), slog.Any("event", e))
}

// call makes one request in its own goroutine; the answer comes back through m.results.
func (m *Manager) call(ctx context.Context, wg *sync.WaitGroup, r Request) {
	var hash int64
	if r.Kind == RequestChannelDifference {
		ok := false
		if m.opts.AccessHashes != nil {
			hash, ok = m.opts.AccessHashes.ChannelAccessHash(r.ChannelID)
		}
		if !ok {
			hash, ok = m.box.ChannelAccessHash(r.ChannelID)
		}
		if !ok {
			m.local = append(m.local, result{req: r, err: errNoAccessHash})
			return
		}
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		cctx, cancel := context.WithTimeout(ctx, m.opts.RequestTimeout)
		res := result{req: r}
		switch r.Kind {
		case RequestState:
			res.state, res.err = m.api.UpdatesGetState(cctx, &tg.UpdatesGetStateRequest{})
		case RequestDifference:
			res.diff, res.err = m.api.UpdatesGetDifference(cctx, r.Difference())
		case RequestChannelDifference:
			res.channel, res.err = m.api.UpdatesGetChannelDifference(cctx, r.ChannelDifference(hash))
		}
		cancel()
		if res.err != nil {
			res.err = fmt.Errorf("%s: %w", r.Kind, res.err)
		}
		select {
		case m.results <- res:
		case <-ctx.Done():
		}
	}()
}
