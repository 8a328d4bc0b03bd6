package updates

import (
	"errors"
	"fmt"
	"time"
	"unsafe"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Defaults of Config.
const (
	DefaultGapWait                = 500 * time.Millisecond
	DefaultIdle                   = 15 * time.Minute
	DefaultMaxPending             = 1000
	DefaultMaxPendingTotal        = 20000
	DefaultMaxChannelRecoveries   = 10
	DefaultChannelDifferenceLimit = 100
	DefaultRetryMin               = time.Second
	DefaultRetryMax               = time.Minute
	DefaultUnsequencedWait        = 5 * time.Second
)

// Config tunes a Box. The zero value uses the defaults.
type Config struct {
	// GapWait is how long a held update waits for the updates before it before the gap is
	// recovered by difference.
	GapWait time.Duration
	// Idle is how long the account sequences may stay silent before a getDifference is made:
	// no update with pts or qts, no container with seq and no account difference. Updates
	// without them (typing, statuses) and channel updates do not count.
	Idle time.Duration
	// ChannelIdle is the same for each channel (getChannelDifference).
	ChannelIdle time.Duration
	// MaxPending caps the updates held for one sequence. When it is reached the sequence is
	// recovered by difference instead of buffering more.
	MaxPending int
	// MaxPendingTotal caps the updates held over all sequences, with the same policy.
	MaxPendingTotal int
	// MaxChannelRecoveries bounds the channel differences in flight; more wait in a queue.
	MaxChannelRecoveries int
	// ChannelDifferenceLimit is the limit of each getChannelDifference (bots may use up to
	// 100000, users 100).
	ChannelDifferenceLimit int32
	// PtsTotalLimit, when positive, is passed as pts_total_limit of getDifference.
	PtsTotalLimit int32
	// RetryMin and RetryMax bound the exponential backoff after a failed request.
	RetryMin, RetryMax time.Duration
	// SelfID is the account's user id, used as from_id of outgoing short messages.
	SelfID int64
	// UnsequencedWait bounds how long an update without pts or qts (a callback query) waits
	// for the account's difference in flight before it is delivered anyway: a bot has
	// seconds to answer a callback query, and a long catch-up would make it miss them. Zero
	// means DefaultUnsequencedWait; a negative value turns the wait off, so such an update
	// is delivered as it arrives, possibly before older updates the difference brings.
	UnsequencedWait time.Duration
}

func (c Config) withDefaults() Config {
	if c.GapWait <= 0 {
		c.GapWait = DefaultGapWait
	}
	if c.Idle <= 0 {
		c.Idle = DefaultIdle
	}
	if c.ChannelIdle <= 0 {
		c.ChannelIdle = DefaultIdle
	}
	if c.MaxPending <= 0 {
		c.MaxPending = DefaultMaxPending
	}
	if c.MaxPendingTotal <= 0 {
		c.MaxPendingTotal = DefaultMaxPendingTotal
	}
	if c.MaxChannelRecoveries <= 0 {
		c.MaxChannelRecoveries = DefaultMaxChannelRecoveries
	}
	if c.ChannelDifferenceLimit <= 0 {
		c.ChannelDifferenceLimit = DefaultChannelDifferenceLimit
	}
	if c.RetryMin <= 0 {
		c.RetryMin = DefaultRetryMin
	}
	if c.UnsequencedWait == 0 {
		c.UnsequencedWait = DefaultUnsequencedWait
	}
	if c.RetryMax < c.RetryMin {
		c.RetryMax = max(DefaultRetryMax, c.RetryMin)
	}
	return c
}

// Batch is what a handler receives: updates in order and the users and chats that came with
// them (so a peer cache can learn them). The slices belong to the receiver.
type Batch struct {
	Updates []tg.UpdateClass
	Users   []tg.UserClass
	Chats   []tg.ChatClass
}

// Delivery is one batch to hand to the dispatcher and the state to persist after it was
// handled. A Delivery may have no updates and only a commit.
type Delivery struct {
	Batch
	// Commit is valid until the next call of a Box method.
	Commit Commit
}

// RequestKind says which call a Request asks for.
type RequestKind uint8

// The requests a Box makes.
const (
	RequestState             RequestKind = iota + 1 // updates.getState
	RequestDifference                               // updates.getDifference
	RequestChannelDifference                        // updates.getChannelDifference
)

// String returns the TL method name.
func (k RequestKind) String() string {
	switch k {
	case RequestState:
		return "updates.getState"
	case RequestDifference:
		return "updates.getDifference"
	case RequestChannelDifference:
		return "updates.getChannelDifference"
	}
	return fmt.Sprintf("request(%d)", uint8(k))
}

// Request is a call the Box asks its loop to make. The answer goes back through ApplyState,
// ApplyDifference or ApplyChannelDifference; a failure through RequestFailed or DropChannel.
type Request struct {
	Kind RequestKind
	// Pts, Qts and Date are the state to start from (Pts only for a channel).
	Pts, Qts, Date int32
	// PtsTotalLimit is the pts_total_limit of getDifference, zero for none.
	PtsTotalLimit int32
	// ChannelID and Limit are set for RequestChannelDifference.
	ChannelID int64
	Limit     int32
}

// Difference returns the getDifference call of a RequestDifference.
func (r Request) Difference() *tg.UpdatesGetDifferenceRequest {
	req := &tg.UpdatesGetDifferenceRequest{Pts: r.Pts, Qts: r.Qts, Date: r.Date}
	if r.PtsTotalLimit > 0 {
		req.PtsTotalLimit = tl.Some(r.PtsTotalLimit)
	}
	return req
}

// ChannelDifference returns the getChannelDifference call of a RequestChannelDifference for a
// channel with the given access hash.
func (r Request) ChannelDifference(accessHash int64) *tg.UpdatesGetChannelDifferenceRequest {
	return &tg.UpdatesGetChannelDifferenceRequest{
		Channel: &tg.InputChannel{ChannelID: r.ChannelID, AccessHash: accessHash},
		Filter:  &tg.ChannelMessagesFilterEmpty{},
		Pts:     r.Pts,
		Limit:   r.Limit,
	}
}

// Output is what a Box call produced: batches to deliver in order, calls to make and events.
// The slices are owned by the Box and valid until its next call; the Batch slices inside each
// Delivery belong to the caller.
type Output struct {
	Deliveries []Delivery
	Requests   []Request
	Events     []Event

	// held counts the last deliveries that carry updates the Box held while a difference was
	// in flight (pushes, not the difference's own updates); a Manager stopped before handing
	// them over keeps them.
	held int
}

// Errors of Box calls.
var (
	// ErrNil is returned for a nil input (a nil interface or a nil pointer inside it).
	ErrNil = errors.New("updates: nil input")
	// ErrUnknownConstructor is returned for a constructor the Box does not handle.
	ErrUnknownConstructor = errors.New("updates: unknown constructor")
	// ErrNoProgress is returned for a difference answer that asks for more (a slice, too
	// long, not final) but does not move the state the next call would start from: the next
	// call would bring the same answer. Nothing of it is applied; report the request failed,
	// so it is repeated after a backoff.
	ErrNoProgress = errors.New("updates: difference does not move the state")
)

// Box is the update engine's core: a state machine with no I/O. It is not safe for concurrent
// use; one loop owns it.
type Box struct {
	cfg Config

	started    bool
	stateKnown bool
	pts, qts   sequence
	seq        seqTracker
	date       int32
	active     time.Time // last time an update with the account's state arrived (pts, qts, seq) or a difference ended
	common     recovery  // getState / getDifference
	prestate   []held    // account updates received before the first state is known
	unseq      []held    // updates without pts or qts received during the account's difference
	unseqMark  int       // len(unseq) when the current call began
	unseqAt    time.Time // when the first of unseq stops waiting; zero when unseq is empty
	arrivals   uint64    // stamps the account's updates in the order they arrive

	channels map[int64]*channel
	queue    []int64 // channels waiting for a recovery slot, in order
	// gone holds what the Box knows of dropped channels until each is tracked again
	// (rejoin); at most MaxPending of them.
	gone     map[int64]dropped
	inflight int // channel differences in flight

	pendingTotal int
	next         time.Time // earliest deadline; may be earlier than needed, never later

	// output being built
	out       Output
	committed State // account state of the last commit handed out
	open      bool
	heldFrom  int // the first delivery of held updates; -1 when there is none
	openUsers []tg.UserClass
	openChats []tg.ChatClass
	input     []tg.UpdateClass // the container being processed, to hand it out without a copy
	scratch   []tg.UpdateClass
	touched   []ChannelPts
	touchedLo int
	// touchedAt indexes touched[touchedLo:] by channel once it is long, so a container with
	// updates of many channels is not quadratic; nil until then, and after each delivery.
	touchedAt map[int64]int
	one       [1]tg.UpdateClass
}

// NewBox returns a Box that knows no state yet. Call Start before anything else; calls that
// come first start it without saved state.
func NewBox(cfg Config) *Box {
	return &Box{cfg: cfg.withDefaults(), channels: make(map[int64]*channel)}
}

// Start begins a run. With saved state the Box catches up: one getDifference for the account
// and one getChannelDifference per saved channel (at most MaxChannelRecoveries at a time).
// Without (saved == nil) it asks for updates.getState and delivers only what happens from now.
func (b *Box) Start(now time.Time, saved *Saved) Output {
	b.begin()
	b.startAt(now, saved)
	return b.finish()
}

func (b *Box) startAt(now time.Time, saved *Saved) {
	if b.started {
		return
	}
	b.started = true
	b.active = now
	if saved == nil {
		b.startCommon(now, "start")
		return
	}
	b.setState(saved.State)
	b.committed = saved.State
	for _, c := range saved.Channels {
		if c.Removed || c.ChannelID == 0 {
			continue
		}
		ch := b.track(now, c.ChannelID, c.Pts)
		ch.loaded = ch.seq.pts
		if c.Pts >= 1 && c.Named > c.Pts && b.near(c.Pts, c.Named) {
			// A start the last run guessed below the pts an updateChannelTooLong named:
			// still a guess, nothing of the channel delivered since (ChannelPts.Named).
			ch.guess, ch.named = c.Named, c.Named
		} else {
			ch.from = ch.seq.pts
		}
		b.queueChannel(now, ch, reasonCatchUp)
	}
	b.startCommon(now, "catch-up")
}

// Reconnected tells the Box the connection was re-established; updates may have been lost
// while it was down, so it asks for getDifference (getState if no state is known yet).
func (b *Box) Reconnected(now time.Time) Output {
	b.begin()
	b.startAt(now, nil)
	b.startCommon(now, "reconnect")
	return b.finish()
}

// State returns the account state and whether it is known.
func (b *Box) State() (State, bool) {
	return b.state(), b.stateKnown
}

// ChannelPts returns the pts of a tracked channel.
func (b *Box) ChannelPts(channelID int64) (int32, bool) {
	c, ok := b.channels[channelID]
	if !ok {
		return 0, false
	}
	return c.seq.pts, true
}

// ChannelAccessHash returns the access hash of a tracked channel learned from the chats that
// came with its updates.
func (b *Box) ChannelAccessHash(channelID int64) (int64, bool) {
	c, ok := b.channels[channelID]
	if !ok || !c.hasHash {
		return 0, false
	}
	return c.accessHash, true
}

func (b *Box) state() State {
	return State{Pts: b.pts.pts, Qts: b.qts.pts, Seq: b.seq.seq, Date: b.date}
}

// Process applies one update container from the server (a push or the result of a call).
func (b *Box) Process(now time.Time, in tg.UpdatesClass) (Output, error) {
	b.begin()
	b.startAt(now, nil)
	err := b.process(now, in)
	return b.finish(), err
}

func (b *Box) process(now time.Time, in tg.UpdatesClass) error {
	switch u := in.(type) {
	case nil:
		return ErrNil
	case *tg.Updates:
		if u == nil {
			return ErrNil
		}
		b.input = u.Updates
		b.container(now, u.Updates, u.Users, u.Chats, u.Date, u.Seq, u.Seq)
	case *tg.UpdatesCombined:
		if u == nil {
			return ErrNil
		}
		b.input = u.Updates
		b.container(now, u.Updates, u.Users, u.Chats, u.Date, u.SeqStart, u.Seq)
	case *tg.UpdateShort:
		if u == nil || isNil(u.Update) {
			return ErrNil
		}
		b.single(now, u.Update, u.Date)
	case *tg.UpdateShortMessage:
		if u == nil {
			return ErrNil
		}
		b.single(now, shortMessage(u, b.cfg.SelfID), u.Date)
	case *tg.UpdateShortChatMessage:
		if u == nil {
			return ErrNil
		}
		b.single(now, shortChatMessage(u), u.Date)
	case *tg.UpdateShortSentMessage:
		if u == nil {
			return ErrNil
		}
		b.shortSentAlone(now, u)
	case *tg.UpdatesTooLong:
		b.active = now
		b.startCommon(now, "updatesTooLong")
	default:
		return fmt.Errorf("%w: %s", ErrUnknownConstructor, in.TypeName())
	}
	return nil
}

// single processes an update that came alone (updateShort and the short messages).
func (b *Box) single(now time.Time, u tg.UpdateClass, date int32) {
	b.one[0] = u
	b.container(now, b.one[:], nil, nil, date, 0, 0)
	b.one[0] = nil
}

// begin resets the output for a new call.
func (b *Box) begin() {
	clear(b.out.Deliveries)
	b.out.Deliveries = b.out.Deliveries[:0]
	b.out.Requests = b.out.Requests[:0]
	b.out.Events = b.out.Events[:0]
	b.touched = b.touched[:0]
	b.touchedLo = 0
	b.touchedAt = nil
	b.open = false
	b.input = nil
	b.heldFrom = -1
	b.out.held = 0
	b.unseqMark = len(b.unseq)
}

// finish closes the last delivery and returns the output.
func (b *Box) finish() Output {
	b.flush()
	b.input = nil
	if b.heldFrom >= 0 {
		b.out.held = len(b.out.Deliveries) - b.heldFrom
	}
	return b.out
}

// markHeld starts the deliveries of held updates: from here to the end of the output.
func (b *Box) markHeld() {
	if b.heldFrom < 0 {
		b.flush()
		b.heldFrom = len(b.out.Deliveries)
	}
}

// takeUnsequenced removes and returns the unsequenced updates waiting for a difference, for a
// loop that stops.
func (b *Box) takeUnsequenced() []held {
	out := b.unseq
	b.unseq, b.unseqAt = nil, time.Time{}
	return out
}

// dropLastUnsequenced forgets the unsequenced updates the last call held, for a loop that
// stops and keeps that call's input whole.
func (b *Box) dropLastUnsequenced() {
	n := min(b.unseqMark, len(b.unseq))
	clear(b.unseq[n:])
	b.unseq = b.unseq[:n]
	if n == 0 {
		b.unseqAt = time.Time{}
	}
}

// openFor makes the open delivery one that carries users and chats, closing the previous one if
// it carries others. Call it before changing any state that belongs with the next update.
func (b *Box) openFor(users []tg.UserClass, chats []tg.ChatClass) {
	if b.open && sameSlice(users, b.openUsers) && sameSlice(chats, b.openChats) {
		return
	}
	b.flush()
	b.open, b.openUsers, b.openChats = true, users, chats
}

// push adds u to the open delivery.
func (b *Box) push(u tg.UpdateClass) {
	b.scratch = append(b.scratch, u)
}

// touchScan is how many channels of one delivery touch looks through before it indexes them.
const touchScan = 16

// touch records a channel's new pts in the open delivery's commit.
func (b *Box) touch(id int64, pts int32, removed bool) {
	open := b.touched[b.touchedLo:]
	if b.touchedAt == nil && len(open) > touchScan {
		b.touchedAt = make(map[int64]int, 2*len(open))
		for i, c := range open {
			b.touchedAt[c.ChannelID] = b.touchedLo + i
		}
	}
	if b.touchedAt != nil {
		if i, ok := b.touchedAt[id]; ok {
			b.touched[i].Pts, b.touched[i].Removed = pts, removed
			return
		}
		b.touchedAt[id] = len(b.touched)
	} else {
		for i := range open {
			if open[i].ChannelID == id {
				open[i].Pts, open[i].Removed = pts, removed
				return
			}
		}
	}
	b.touched = append(b.touched, ChannelPts{ChannelID: id, Pts: pts, Removed: removed})
}

// flush closes the open delivery, attaching the state changed since the last commit.
func (b *Box) flush() {
	st := b.state()
	hasState := b.stateKnown && st != b.committed
	if len(b.scratch) == 0 && !hasState && len(b.touched) == b.touchedLo {
		b.open = false
		return
	}
	d := Delivery{Batch: Batch{Users: b.openUsers, Chats: b.openChats}}
	if len(b.scratch) > 0 {
		if sameUpdates(b.scratch, b.input) {
			d.Updates = b.input
		} else {
			d.Updates = append([]tg.UpdateClass(nil), b.scratch...)
		}
		clear(b.scratch)
		b.scratch = b.scratch[:0]
	} else {
		d.Users, d.Chats = nil, nil
	}
	if hasState {
		d.Commit.State, d.Commit.HasState = st, true
		b.committed = st
	}
	if len(b.touched) > b.touchedLo {
		d.Commit.Channels = b.touched[b.touchedLo:len(b.touched):len(b.touched)]
		b.nameGuesses(d.Commit.Channels)
		b.touchedLo = len(b.touched)
		b.touchedAt = nil
	}
	b.out.Deliveries = append(b.out.Deliveries, d)
	b.open = false
	b.openUsers, b.openChats = nil, nil
}

// nameGuesses sets Named in the commit's entries of channels whose start is a guess, so that
// a Store keeps it a guess for the next run (ChannelPts.Named). Whether it is one is read
// when the delivery closes: channelTooLong and restore mark the guess after the touch.
func (b *Box) nameGuesses(chans []ChannelPts) {
	for i := range chans {
		chans[i].Named = 0
		if c, ok := b.channels[chans[i].ChannelID]; ok && !chans[i].Removed && c.guess != 0 && chans[i].Pts == c.seq.pts {
			chans[i].Named = c.guess
		}
	}
}

func (b *Box) event(e Event) {
	b.out.Events = append(b.out.Events, e)
}

func (b *Box) request(r Request) {
	b.out.Requests = append(b.out.Requests, r)
}

// lower makes sure the next deadline is no later than t.
func (b *Box) lower(t time.Time) {
	if t.IsZero() {
		return
	}
	if b.next.IsZero() || t.Before(b.next) {
		b.next = t
	}
}

// isNil reports a nil interface or a nil pointer in one: a program's container may carry
// either, and every TL type's fields are read through a pointer. (The decoder makes neither.)
// It runs once per update, so it reads the interface's data word instead of asking reflect:
// every TL type implements its interfaces on a pointer receiver, and an interface holding a
// pointer holds it in that word. TestIsNilEveryConstructor checks this on every constructor.
func isNil(v any) bool {
	return (*[2]unsafe.Pointer)(unsafe.Pointer(&v))[1] == nil
}

func sameSlice[T any](a, b []T) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

func sameUpdates(a, b []tg.UpdateClass) bool {
	if len(a) != len(b) || len(a) == 0 {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
