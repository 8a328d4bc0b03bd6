package updates

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
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
	// while the program was down is not delivered, and saved channels are forgotten, with the
	// starts guessed after updateChannelTooLong that Leftovers handed over (see Resume).
	NoCatchUp bool
	// RequestTimeout bounds each call; the default is DefaultRequestTimeout.
	RequestTimeout time.Duration
	// Box tunes the engine.
	Box Config
}

// Errors of the Manager.
var (
	// ErrStopped is returned by calls on a Manager that has stopped (Run returned, or Start's
	// stopped was called).
	ErrStopped = errors.New("updates: manager stopped")
	// ErrRunning is returned by a second Run or Start: a Manager runs once.
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

// Manager is the update engine's loop. It owns a Box: it keeps one timer at the Box's next
// deadline, makes the calls the Box asks for, hands batches to the Handler and, after the
// Handler returned for a batch, saves the state the batch reached. Updates come in through
// HandleUpdates (pushes from the session and results of calls) from any goroutine.
//
// The loop has no goroutine of its own while it is idle: one runs only while inputs, answers
// or a passed deadline wait, and at most one at a time, so the Box always has a single owner.
// Many idle clients in one process cost no goroutine for their update engines.
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
	running atomic.Bool // Start was called
	// active is held by the goroutine running the loop. It starts held, so that input queued
	// before Start waits for Start's goroutine, and stays held once the loop has stopped.
	active atomic.Bool
	kicked atomic.Bool // set by every wake before it tries to take active
	fired  atomic.Bool // the timer passed the deadline it was armed for

	// admit is held for reading by each send and taken by the stop to close admission, so an
	// input is either refused with ErrStopped or kept: processed, or left for the next Manager.
	admit    sync.RWMutex
	closed   bool          // admission closed; under admit
	stopping chan struct{} // closed when the stop begins: wakes senders waiting for room
	// resumeMu guards what Resume hands over. It is not admit: a send waiting for room in a
	// full queue holds admit for reading, and neither Resume (on a Manager not started yet)
	// nor the loop taking the resumed inputs may wait for it.
	resumeMu sync.Mutex
	resumed  []input     // inputs of a stopped Manager, handed over by Resume; under resumeMu
	gone     bool        // the stop took resumed into left; under resumeMu
	resume   atomic.Bool // resumed is not empty
	left     []input     // what the stopped Manager did not process; read after done

	// Set by Start; afterwards used only by the goroutine holding active.
	ctx      context.Context
	cancel   context.CancelFunc
	saveCtx  context.Context
	stopped  func(error)
	unwatch  func() bool // stops the wake-up at the end of ctx
	calls    sync.WaitGroup
	timer    *time.Timer
	armed    time.Time // the deadline the timer is set for; zero when stopped
	catching bool      // the saved state is still to be loaded
	local    []result  // results the loop produced itself, applied before waiting again
}

type inputKind uint8

const (
	inputUpdates inputKind = iota
	inputSent
	inputReconnect
	inputMemo // what the last Box knew of channels that the Store does not hold
)

type input struct {
	kind inputKind
	u    tg.UpdatesClass
	sent Sent
	memo []channelMemo
}

type result struct {
	req     Request
	state   *tg.UpdatesState
	diff    tg.UpdatesDifferenceClass
	channel tg.UpdatesChannelDifferenceClass
	err     error
}

// NewManager returns a Manager; call Run or Start to start it. Input given to it before then
// waits for the start.
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
	m := &Manager{
		opts:    opts,
		api:     opts.API,
		handler: opts.Handler,
		store:   opts.Store,
		log:     opts.Logger,
		box:     NewBox(opts.Box),
		in:      make(chan input, 64),
		results: make(chan result, 16),
		done:    make(chan struct{}),

		stopping: make(chan struct{}),
	}
	m.active.Store(true)
	return m, nil
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
	m.admit.RLock()
	defer m.admit.RUnlock()
	if m.closed {
		return ErrStopped
	}
	select {
	case m.in <- in:
		m.wake()
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-m.stopping:
		return ErrStopped
	}
}

// Leftover is an input (an updates container, a sent message's answer or a reconnect) that a
// Manager accepted but had not processed when it stopped, or what its engine knew of
// channels that the Store cannot hold (see Leftovers).
type Leftover struct{ in input }

// Leftovers returns, once the Manager has stopped (its stopped function was called or Run
// returned), what it accepted and did not hand to the Handler, in order: the updates without
// a pts that waited for a difference, then of the input (or answer) the stop met halfway the
// batches after the last one the Handler was given (and that one too when the Handler failed
// on updates of a channel being dropped, which no catch-up brings again), each as an updates
// container, then the inputs it did not process. Updates without a pts or qts (callback and inline queries,
// typing) would be lost with them: hand them to the next Manager with Resume, which delivers
// each of them once (updates with a pts that its catch-up brought already are dropped as
// duplicates). At most Config.MaxPending are kept, the newest (an EventOverflow reports a
// drop). Before them all comes, when there is any, what the engine knew of channels that the
// Store cannot hold (a start guessed after updateChannelTooLong, the pts of a dropped
// channel), so that the next Manager neither drops a left-over push of such a channel as a
// duplicate nor delivers a stale one again; that one is never dropped.
func (m *Manager) Leftovers() []Leftover {
	select {
	case <-m.done:
	default:
		return nil
	}
	out := make([]Leftover, len(m.left))
	for i, in := range m.left {
		out[i] = Leftover{in}
	}
	return out
}

// Resume hands the leftovers of a stopped Manager to m and reports whether m took them.
// Before Start they are processed first, after the saved state is loaded; on a running
// Manager, before its next input. A start guessed for a channel among them is then taken
// only while that channel's catch-up has delivered nothing (see the README, Stop and
// Leftovers): resume before Start where you can. A Manager that has begun to stop refuses
// them (false): hand them to the next one. Resume never waits for the Manager's queue to
// have room.
func (m *Manager) Resume(l []Leftover) bool {
	if len(l) == 0 {
		return true
	}
	m.resumeMu.Lock()
	if m.gone {
		m.resumeMu.Unlock()
		return false
	}
	for _, x := range l {
		m.resumed = append(m.resumed, x.in)
	}
	m.resume.Store(true)
	m.resumeMu.Unlock()
	m.wake()
	return true
}

// takeResumed returns the inputs handed over by Resume.
func (m *Manager) takeResumed() []input {
	if !m.resume.Load() {
		return nil
	}
	m.resumeMu.Lock()
	defer m.resumeMu.Unlock()
	r := m.resumed
	m.resumed = nil
	m.resume.Store(false)
	return r
}

// Run loads the saved state, catches up (unless NoCatchUp) and processes updates until ctx
// ends or the Handler or Store fails. It returns after every call it started has returned.
// A Manager runs once. Run is Start and a wait for its end.
func (m *Manager) Run(ctx context.Context) error {
	errc := make(chan error, 1)
	if err := m.Start(ctx, func(err error) { errc <- err }); err != nil {
		return err
	}
	return <-errc
}

// Start is Run without the wait: it returns at once, and the Manager works on a goroutine that
// exists only while there is work (loading the saved state, inputs, answers, deadlines). When
// the Manager stops (ctx ended, or the Handler or Store failed) and every call it started has
// returned, stopped, when not nil, is called once with the reason, from that goroutine. A
// Manager starts once; a second Start returns ErrRunning and never calls stopped.
func (m *Manager) Start(ctx context.Context, stopped func(error)) error {
	if !m.running.CompareAndSwap(false, true) {
		return ErrRunning
	}
	m.saveCtx = context.WithoutCancel(ctx)
	m.ctx, m.cancel = context.WithCancel(ctx)
	m.stopped = stopped
	m.catching = true
	m.timer = time.AfterFunc(time.Hour, func() {
		m.fired.Store(true)
		m.wake()
	})
	m.timer.Stop()
	m.unwatch = context.AfterFunc(m.ctx, m.wake)
	go m.work() // active is still held from NewManager
	return nil
}

// wake makes sure a goroutine runs the loop: it starts one unless one holds active.
// Every input, answer, timer and the end of ctx make their work visible (a channel send, a
// flag) before they call wake.
func (m *Manager) wake() {
	m.kicked.Store(true)
	if m.active.CompareAndSwap(false, true) {
		go m.work()
	}
}

// work runs the loop while there is work and gives up active when there is none. A wake that
// came while the loop held active set kicked: after giving active up the loop looks at kicked
// and takes active back, so no wake is lost between its last look at the channels and giving
// active up. Only atomics decide this (not the channels' lengths, which the memory model does
// not order).
func (m *Manager) work() {
	for {
		m.kicked.Store(false)
		if err := m.drain(); err != nil {
			m.finish(err)
			return
		}
		m.active.Store(false)
		if !m.kicked.Load() || !m.active.CompareAndSwap(false, true) {
			return
		}
	}
}

// drain handles everything waiting: the start, inputs, answers and passed deadlines, keeping
// the timer at the Box's next deadline. It returns nil when nothing is left, an error when the
// Manager must stop.
func (m *Manager) drain() error {
	ctx := m.ctx
	if m.catching {
		m.catching = false
		if err := m.begin(ctx); err != nil {
			return err
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if r := m.takeResumed(); r != nil {
			for i, in := range r {
				if err := m.handle(ctx, m.input(ctx, in)); err != nil {
					m.keep(&in, err)
					m.left = append(m.left, r[i+1:]...)
					return err
				}
			}
		}
		for len(m.local) > 0 {
			r := m.local[0]
			m.local = m.local[1:]
			if err := m.handle(ctx, m.apply(ctx, r)); err != nil {
				m.keep(nil, err)
				return err
			}
		}
		var out Output
		var taken *input // the input out comes from, kept whole if it stops untouched
		if m.fired.Swap(false) {
			m.armed = time.Time{}
			out = m.box.OnTimer(time.Now())
		} else {
			select {
			case in := <-m.in:
				out, taken = m.input(ctx, in), &in
			case r := <-m.results:
				out = m.apply(ctx, r)
			default:
				m.arm()
				return nil
			}
		}
		if err := m.handle(ctx, out); err != nil {
			m.keep(taken, err)
			return err
		}
		m.arm()
	}
}

// begin loads the saved state and starts the Box from it.
func (m *Manager) begin(ctx context.Context) error {
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
	return m.handle(ctx, m.box.Start(time.Now(), start))
}

// finish stops the Manager: it closes admission, ends its calls, waits for them, keeps the
// inputs it did not process for Leftovers and reports why it stopped. active stays held, so
// nothing starts the loop again.
func (m *Manager) finish(err error) {
	close(m.stopping)
	m.admit.Lock()
	m.closed = true
	m.admit.Unlock()
	m.keepHeld()
	m.resumeMu.Lock()
	m.gone = true
	m.left = append(m.left, m.resumed...)
	m.resumed = nil
	m.resumeMu.Unlock()
	m.unwatch()
	m.timer.Stop()
	m.cancel()
	m.calls.Wait()
	for more := true; more; {
		select {
		case in := <-m.in:
			m.left = append(m.left, in)
		default:
			more = false
		}
	}
	memo := m.takeMemo()
	m.boundLeft()
	if len(memo) > 0 {
		m.left = append([]input{{kind: inputMemo, memo: memo}}, m.left...)
	}
	close(m.done)
	if m.stopped != nil {
		m.stopped(err)
	}
}

// boundLeft keeps at most MaxPending leftovers, the newest. Each Manager hands its leftovers
// to the next, so a run of Managers that stop before they process them (a Store that fails
// at every start, a connection lost at once) would otherwise pile up every push they
// accepted. Of the dropped ones, updates with a pts come back with the next difference; the
// others (presses) are old by then. The drop is reported as an EventOverflow.
func (m *Manager) boundLeft() {
	limit := m.box.cfg.MaxPending
	n := len(m.left) - limit
	if n <= 0 {
		return
	}
	m.left = append(m.left[:0:0], m.left[n:]...)
	m.report(m.saveCtx, Event{Kind: EventOverflow, Sequence: SequenceAccount,
		Reason: fmt.Sprintf("more than %d leftovers: the %d oldest dropped", limit, n)})
}

// takeMemo returns what the Box knows of channels that the Store cannot hold, with the memos
// handed over by Resume and never processed, and takes those out of the Leftovers. The stop
// puts it first, before the pushes it concerns, as no leftover that boundLeft may drop.
func (m *Manager) takeMemo() []channelMemo {
	ms := m.box.memo()
	rest := m.left[:0]
	for _, in := range m.left {
		if in.kind == inputMemo {
			ms = append(ms, in.memo...)
			continue
		}
		rest = append(rest, in)
	}
	clear(m.left[len(rest):])
	m.left = rest
	return ms
}

// arm sets the timer to the Box's next deadline when that changed.
func (m *Manager) arm() {
	next := m.box.NextDeadline()
	if next.Equal(m.armed) {
		return
	}
	m.armed = next
	if next.IsZero() {
		m.timer.Stop()
		return
	}
	m.timer.Reset(max(time.Until(next), 0))
}

func (m *Manager) input(ctx context.Context, in input) Output {
	now := time.Now()
	var out Output
	var err error
	switch in.kind {
	case inputReconnect:
		return m.box.Reconnected(now)
	case inputMemo:
		if m.opts.NoCatchUp {
			return m.box.restore(now, forgetGuesses(in.memo))
		}
		return m.box.restore(now, in.memo)
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
		// The recovery-failed event that follows carries the reason at its own level.
		m.log.LogAttrs(ctx, slog.LevelDebug, "updates: call failed", slog.String("method", r.req.Kind.String()),
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
// saves its commit once the Handler returned. When it stops before the last batch, the error is
// a *cutError that keeps the batches the Handler was not given.
func (m *Manager) handle(ctx context.Context, out Output) error {
	for _, r := range out.Requests {
		m.call(ctx, r)
	}
	for _, e := range out.Events {
		m.report(ctx, e)
	}
	for i, d := range out.Deliveries {
		if len(d.Updates) > 0 {
			if err := ctx.Err(); err != nil {
				// Not handed over, not saved: neither this batch nor the ones after it.
				return cut(err, out, i, i == 0)
			}
			if err := m.handler.HandleUpdates(ctx, d.Batch); err != nil {
				c := cut(fmt.Errorf("updates: handler: %w", err), out, i+1, false)
				c.failed = &out.Deliveries[i]
				return c
			}
		}
		if d.Commit.Empty() {
			continue
		}
		if err := m.save(d.Commit); err != nil {
			return cut(fmt.Errorf("updates: save state: %w", err), out, i+1, false)
		}
	}
	return nil
}

// cutError stops the Manager in the middle of an Output. rest are the deliveries the Handler
// was not given; failed is the one it failed on, if it did; untouched says that nothing of the
// Output was handed over or saved; the last held of rest carry updates the Box held while a
// difference was in flight.
type cutError struct {
	err       error
	rest      []Delivery // valid until the next Box call, as failed
	failed    *Delivery
	untouched bool
	held      int
}

// cut makes the cutError of a stop before out.Deliveries[from].
func cut(err error, out Output, from int, untouched bool) *cutError {
	rest := out.Deliveries[from:]
	return &cutError{err: err, rest: rest, untouched: untouched, held: min(out.held, len(rest))}
}

func (e *cutError) Error() string { return e.err.Error() }
func (e *cutError) Unwrap() error { return e.err }

// keep adds to the Leftovers what the stop err cut off of the Output of in (nil when the
// Output came from an answer or a deadline). Updates with a pts come back through the next
// run's difference, those without one (callback and inline queries) only through the
// Leftovers. An input nothing of whose Output was handed over or saved is kept as it came;
// otherwise each batch not handed over becomes an updates container with its users and
// chats, so the next Manager delivers the rest once: its own sequence rules drop what its
// difference brought already.
//
// The batch the Handler failed on goes on in the Leftovers too, first. In an Output that
// drops a channel (DropChannel) all of it: no catch-up can bring that channel's updates any
// more, and the drop stays unsaved. Otherwise its updates with a pts or qts: the next run's
// catch-up brings them again, as its state was not saved, and its sequence rules then drop
// the left-over ones as duplicates, but it cannot bring those of a channel that became
// private meanwhile, nor of one the Store never held (the batch was its first), nor any
// channel's with NoCatchUp. Those without one are not handed again, as they were not before.
func (m *Manager) keep(in *input, err error) {
	var c *cutError
	if !errors.As(err, &c) {
		return
	}
	rest := c.rest
	if c.failed != nil {
		failed := *c.failed
		m.markUnhandled(failed)
		if !removes(failed) && !slices.ContainsFunc(rest, removes) {
			failed.Updates = recoverable(failed.Updates, true)
		}
		rest = append([]Delivery{failed}, rest...)
	}
	for _, d := range rest {
		for _, ch := range d.Commit.Channels {
			if ch.Removed {
				// A drop not saved, whose updates held for the channel, if any, go on in the
				// Leftovers: the next Manager must not take them for updates delivered.
				m.box.undrop(ch.ChannelID)
			}
		}
	}
	if in != nil && c.untouched && c.held == 0 {
		m.box.dropLastUnsequenced() // they are in *in
		m.left = append(m.left, *in)
		return
	}
	for i, d := range rest {
		// The batches of held updates came with pushes, not with the answer.
		answer := in == nil && i < len(rest)-c.held
		m.markUnhandled(d)
		if ups := recoverable(d.Updates, answer); len(ups) > 0 {
			m.left = append(m.left, input{kind: inputUpdates, u: &tg.Updates{Updates: ups, Users: d.Users, Chats: d.Chats}})
		}
	}
	if c.held > 0 {
		// The Box let its held updates go in this Output: those it holds now came after them.
		m.left = append(m.left, heldInputs(m.box.takeUnsequenced())...)
	}
}

// markUnhandled tells the Box of each channel whose updates rebuilt from a difference (pts 0)
// d carries, which the Leftovers cannot hand over, the pts they reach: d's commit for it, or
// the channel's pts now.
func (m *Manager) markUnhandled(d Delivery) {
	for _, u := range d.Updates {
		k, id, pts, _ := classify(u)
		if k != kindChannel || pts != 0 {
			continue
		}
		at, ok := m.box.ChannelPts(id)
		if i := slices.IndexFunc(d.Commit.Channels, func(c ChannelPts) bool { return c.ChannelID == id }); i >= 0 {
			at, ok = d.Commit.Channels[i].Pts, !d.Commit.Channels[i].Removed
		}
		if ok {
			m.box.markUnhandled(id, at)
		}
	}
}

// removes reports whether d removes a channel from the Store (DropChannel).
func removes(d Delivery) bool {
	return slices.ContainsFunc(d.Commit.Channels, func(c ChannelPts) bool { return c.Removed })
}

// keepHeld puts first in the Leftovers the unsequenced updates the Box still holds for a
// difference that will not come: they arrived before what the stop cut off and what waits in
// the queue.
func (m *Manager) keepHeld() {
	m.left = append(heldInputs(m.box.takeUnsequenced()), m.left...)
}

// heldInputs turns held updates into updates containers, one per run with the same users and
// chats.
func heldInputs(hs []held) []input {
	var kept []input
	for i := 0; i < len(hs); {
		j := i + 1
		for j < len(hs) && sameSlice(hs[j].users, hs[i].users) && sameSlice(hs[j].chats, hs[i].chats) {
			j++
		}
		ups := make([]tg.UpdateClass, 0, j-i)
		for _, h := range hs[i:j] {
			ups = append(ups, h.u)
		}
		kept = append(kept, input{kind: inputUpdates, u: &tg.Updates{Updates: ups, Users: hs[i].users, Chats: hs[i].chats}})
		i = j
	}
	return kept
}

// recoverable returns the updates of a batch worth handing to the next Manager: all but those
// rebuilt from a difference, which carry pts 0 (they say nothing of where they stand in their
// sequence, and the next difference brings them again since their state was not saved). Of
// an answer's own batches (answer set) only updates with a pts are kept: the unsequenced ones
// came with the difference itself, whose state, saved with its last batch, was not saved
// either, so the next difference brings them again as well; kept, they would come twice. (The
// pushes the Box held for the difference follow in batches of their own, which keep checks.)
func recoverable(ups []tg.UpdateClass, answer bool) []tg.UpdateClass {
	out := ups[:0:0]
	for _, u := range ups {
		k, _, pts, _ := classify(u)
		if pts == 0 && (k != kindNone || answer) {
			continue
		}
		out = append(out, u)
	}
	return out
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
	m.log.LogAttrs(ctx, e.Level(), "updates: "+e.Kind.String(), slog.Any("event", e))
}

// call makes one request in its own goroutine; the answer comes back through m.results and
// wakes the loop.
func (m *Manager) call(ctx context.Context, r Request) {
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
	m.calls.Add(1)
	go func() {
		defer m.calls.Done()
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
			m.wake()
		case <-ctx.Done():
		}
	}()
}
