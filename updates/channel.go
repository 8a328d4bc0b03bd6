package updates

import (
	"fmt"
	"math"
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// phase is where a sequence's recovery stands.
type phase uint8

const (
	phaseIdle     phase = iota // no recovery
	phaseQueued                // waiting for a channel recovery slot
	phaseInFlight              // a request was handed out and its answer is awaited
	phaseRetry                 // the request failed; it is repeated at retryAt
)

// recovery follows one recovery cycle: the requests from the first one to the answer that
// brings the sequence up to date.
type recovery struct {
	phase    phase
	again    bool // something arrived during the cycle that needs one more
	retryAt  time.Time
	failures int
	started  time.Time // zero outside a cycle
	reason   string
	updates  int
	requests int
	// sent is the arrival stamp when the last request went out: a final answer covers every
	// update that arrived before it. misses counts the final answers in a row that left such
	// an update held, still after a gap (the server's own state does not reach it).
	sent   uint64
	misses int
}

// settle records whether a final answer left held what arrived before its request; the gap
// waits after such answers grow like a failed call's backoff.
func (r *recovery) settle(stale bool) {
	if stale {
		r.misses++
	} else {
		r.misses = 0
	}
}

// gapWait is how long a gap waits before the difference is asked for: Config.GapWait, or,
// after final answers that did not reach a held update, the backoff for that many misses.
func (r *recovery) gapWait(cfg Config) time.Duration {
	if r.misses == 0 {
		return cfg.GapWait
	}
	return max(cfg.GapWait, backoff(cfg, r.misses))
}

// staleHeld reports whether s holds an update that arrived before the stamp sent.
func staleHeld(s *sequence, sent uint64) bool {
	for i := range s.pending {
		if s.pending[i].stamp <= sent {
			return true
		}
	}
	return false
}

// busy reports whether a cycle is under way; updates of the sequence are then held, because
// the answer will cover them or they will follow it.
func (r *recovery) busy() bool { return r.phase != phaseIdle }

// begin starts a cycle unless one is under way and reports whether it did.
func (r *recovery) begin(now time.Time, reason string) bool {
	if !r.started.IsZero() {
		return false
	}
	r.started, r.reason, r.updates, r.requests = now, reason, 0, 0
	return true
}

// end closes the cycle and returns its finished event.
func (r *recovery) end(now time.Time, seq Sequence, channelID int64) Event {
	e := Event{Kind: EventRecoveryFinished, Sequence: seq, ChannelID: channelID, Reason: r.reason,
		Updates: r.updates, Requests: r.requests}
	if !r.started.IsZero() {
		e.Duration = now.Sub(r.started)
	}
	r.phase, r.started, r.failures, r.reason = phaseIdle, time.Time{}, 0, ""
	return e
}

// fail moves an in-flight request to its backoff and returns when it is repeated.
func (r *recovery) fail(now time.Time, cfg Config) time.Time {
	r.failures++
	r.phase = phaseRetry
	r.retryAt = now.Add(backoff(cfg, r.failures))
	return r.retryAt
}

// channel is the state of one channel's pts sequence.
type channel struct {
	id         int64
	seq        sequence
	rec        recovery
	active     time.Time // last time anything arrived for it
	accessHash int64
	hasHash    bool
	// guess is the pts updateChannelTooLong named when the channel was unknown: its start is
	// a guess and nothing of it was delivered. Until a difference answer is applied (guess is
	// zero again), an update below the start lowers it (lowerGuess). asked is the pts of the
	// request in flight.
	guess int32
	asked int32
	// named is the pts updateChannelTooLong named, kept until the first final answer: one
	// below it is a server behind what it said, though not behind the guessed start.
	named int32
	// floor is the pts the channel had when it was last dropped, its updates up to there
	// delivered (zero when it never was): a guess never starts below it, and a start the last
	// Box guessed is reported lost only above it (restore).
	floor int32
	// loaded is the pts the Store held for the channel at Start (zero when it held none).
	loaded int32
	// from is the pts this Box began delivering the channel at, its updates up to there
	// delivered by none of its deliveries: the pts loaded, the start of the push that began
	// tracking it, the start its first difference came for after a guess (zero while the
	// guess stands). A start the last Box guessed below it, handed over once this Box
	// delivered, is too late to fetch what lies between (restore reports it).
	from int32
	// runs are the runs of pts a drop of the channel delivered above the pts it was tracked
	// again at (runsAbove), in order: a push reaching one moves past it (pass), one inside
	// one is a duplicate, and a difference is asked from the end of the last (overRuns).
	runs []run
	// rejoined is what the Box remembered of the channel dropped before it was tracked again
	// (zero when it was not): the memo hands it over as the drop, since a stop may cut the
	// Output that tracked it again or passed a run before its commit was saved, and the next
	// Box must neither fetch the runs again nor deliver a late push of them (restoreRuns).
	rejoined dropped
	// unhandled is the pts up to which updates of the channel rebuilt from a difference (pts
	// 0) were cut by a stop before the Handler took them (markUnhandled), in this Box or the
	// last one: only a difference brings them again, and a drop below it reports them lost.
	unhandled int32
}

// due reports whether a deadline of c has passed.
func (c *channel) due(now time.Time, cfg Config) bool {
	d := c.deadline(cfg)
	return !d.IsZero() && !now.Before(d)
}

// deadline is c's earliest deadline, zero when it waits for nothing.
func (c *channel) deadline(cfg Config) time.Time {
	switch c.rec.phase {
	case phaseRetry:
		return c.rec.retryAt
	case phaseIdle:
		idle := c.active.Add(cfg.ChannelIdle)
		if !c.seq.gapAt.IsZero() && c.seq.gapAt.Before(idle) {
			return c.seq.gapAt
		}
		return idle
	}
	return time.Time{}
}

// track returns the channel's state, creating it at pts when it is new.
func (b *Box) track(now time.Time, id int64, pts int32) *channel {
	if c, ok := b.channels[id]; ok {
		return c
	}
	c := &channel{id: id, seq: sequence{pts: pts}, active: now}
	b.channels[id] = c
	b.lower(now.Add(b.cfg.ChannelIdle))
	return c
}

// channelUpdate handles an update of a channel's pts sequence. The first update of a channel
// the Box does not know starts tracking it.
func (b *Box) channelUpdate(now time.Time, id int64, h held) {
	c, ok := b.channels[id]
	if !ok {
		d := b.gone[id]
		resume := d.resume(h.pts)
		floor, stale := b.rejoin(id, h.pts, h.count)
		if stale {
			return
		}
		b.openFor(h.users, h.chats)
		c := b.track(now, id, resume)
		c.from, c.floor, c.runs, c.rejoined = int32(h.start()), floor, b.runsAbove(d, resume), d
		b.push(h.u)
		b.touch(id, resume, false)
		return
	}
	if inRuns(c.runs, h.pts, h.count) {
		return
	}
	if c.guess != 0 {
		b.lowerGuess(c, h)
	}
	c.active = now
	if c.rec.busy() {
		if b.hold(&c.seq, h) {
			b.overflow(SequenceChannel, id, &c.seq)
			c.rec.again = true
		}
		return
	}
	switch check(c.seq.pts, h.pts, h.count) {
	case apply:
		b.openFor(h.users, h.chats)
		c.seq.pts = h.pts
		b.push(h.u)
		b.pass(c)
		b.touch(id, c.seq.pts, false)
		b.drain(&c.seq, c)
	case gap:
		b.gap(now, &c.seq, SequenceChannel, c, h)
	}
}

// channelTooLong handles updateChannelTooLong: the channel has more news than fits a push.
func (b *Box) channelTooLong(now time.Time, u *tg.UpdateChannelTooLong) {
	pts, hasPts := u.Pts.Get()
	c, ok := b.channels[u.ChannelID]
	if !ok {
		if !hasPts {
			return
		}
		d := b.gone[u.ChannelID]
		floor, stale := b.rejoin(u.ChannelID, pts, 1)
		if stale {
			return
		}
		// The channel moved to pts while the Box did not know it: at least the update at pts
		// is unseen. Tracked at pts, its push, which may still be on its way (a difference
		// answered before the connection's pushes were read), would be dropped as a
		// duplicate, and a lost one never fetched. Tracked one below, the push is the next
		// in sequence, and the channel difference fetches the update when the push is lost.
		// A channel's pts starts at 1 (its creation), and a difference from 0 is refused.
		b.openFor(nil, nil)
		start := pts
		if pts > 1 {
			start = pts - 1
		}
		c = b.track(now, u.ChannelID, start)
		c.runs, c.rejoined = b.runsAbove(d, start), d
		b.touch(u.ChannelID, start, false)
		if start < pts {
			c.guess, c.named, c.floor = pts, pts, floor
			b.queueChannel(now, c, "updateChannelTooLong")
		} else {
			c.from, c.floor = start, floor
		}
		return
	}
	c.active = now
	if hasPts && pts <= c.seq.pts {
		return
	}
	b.queueChannel(now, c, "updateChannelTooLong")
}

// lowerGuess starts a channel tracked from a guess at the start of h when that is lower:
// several of its updates were unseen, and the pushes of some arrive while its difference is
// queued or in flight. Nothing of the channel was delivered, so every update from h's start
// on is new; the difference asks from there (an answer in flight for the guess is asked
// again). A channel's pts starts at 1, and a difference from 0 is refused. A start more than
// MaxPending below the pts the server named is no push on its way (as for the account's
// first state, near): it would fetch and deliver that much of the channel's history, so h
// stays held, to be dropped as a duplicate like any other update below the start.
//
// A channel dropped and rejoined delivered its updates up to the pts it was dropped at
// (floor): h at or below it is one of those, late, and moves nothing; the start stays above.
func (b *Box) lowerGuess(c *channel, h held) {
	if h.pts <= c.floor {
		return
	}
	start := int32(max(h.start(), 1, int64(c.floor)))
	if start >= c.seq.pts || !b.near(start, c.guess) {
		return
	}
	c.seq.pts = start
	b.touch(c.id, start, false)
}

// rejoin is called before a channel the Box does not track is tracked again from an update
// at pts that generated count events (1 for a pts the server names). When it was dropped
// (DropChannel), its updates up to the pts it had then were delivered, and so were the ones
// held for it that the drop delivered, each after a gap: stale reports that the update is
// one of those, late on the network, which must not start tracking the channel and deliver
// it again. An update at the end of such a run that generated no event (pts_count 0) is not:
// check applies it to a channel tracked at that pts, and so does rejoin.
//
// An update in a gap before a held one is not stale: the pts of a held update is the
// server's word, and a bogus one far ahead would otherwise silence the rejoined channel
// until it got there. Such an update starts the channel (it is either new, or one reported
// lost at the drop), at the cost of delivering again a held update above it should that
// arrive late too. Otherwise the channel's drop is forgotten, and floor, the end of the last
// run delivered below pts, is the lowest start a guess of it may take.
func (b *Box) rejoin(id int64, pts, count int32) (floor int32, stale bool) {
	d, ok := b.gone[id]
	if !ok {
		return 0, false
	}
	floor, stale = d.covers(pts, count)
	if !stale {
		delete(b.gone, id)
	}
	return floor, stale
}

// maxDropRuns caps the runs a drop keeps: one per gap among the held updates it delivered,
// up to MaxPending of them from a server that skips every other pts, for each of MaxPending
// drops. An honest server's leave a gap or two.
const maxDropRuns = 16

// run is a stretch of a channel's pts whose updates were delivered: those after from up to
// to.
type run struct{ from, to int32 }

// covers reports whether the update at pts that generated count events is one d delivered,
// and the end of the last run of d at or below pts.
func (d dropped) covers(pts, count int32) (floor int32, stale bool) {
	runs := d.runs
	if len(runs) == 0 {
		runs = []run{{math.MinInt32, d.pts}}
	}
	for _, r := range runs {
		if r.holds(pts, count) {
			return r.to, true
		}
		if r.to <= pts {
			floor = r.to
		}
	}
	return floor, false
}

// holds reports whether the update at pts that generated count events is one of r's. One at
// r.to that generated none is not: check applies it to a channel at that pts.
func (r run) holds(pts, count int32) bool {
	return pts > r.from && (pts < r.to || pts == r.to && count > 0)
}

// inRuns reports whether one of runs holds the update at pts that generated count events.
func inRuns(runs []run, pts, count int32) bool {
	for _, r := range runs {
		if r.holds(pts, count) {
			return true
		}
	}
	return false
}

// runsAbove returns the runs of d that begin at or above start, the pts a channel is tracked
// again at, for the channel to keep (channel.runs): they were delivered, and each gap between
// start and them was reported lost at the drop. They end before the first run beginning more
// than MaxPending above the last one kept (or start), or longer than that: a held pts is the
// server's word, and a bogus one far ahead would have the channel's difference asked from
// there (overRuns), past every real update. An honest gap or run is shorter: a gap is pushes
// lost, a run held ones, at most MaxPending of them. A difference from below the runs left
// out delivers them again.
func (b *Box) runsAbove(d dropped, start int32) []run {
	var out []run
	end := start
	for _, r := range d.runs {
		if r.from < start {
			continue
		}
		if !b.near(end, r.from) || !b.near(r.from, r.to) {
			break
		}
		out = append(out, r)
		end = r.to
	}
	return out
}

// capRuns keeps the first and the last of runs, at most maxDropRuns in all: a late push of
// one forgotten between is delivered again, never lost.
func capRuns(runs []run) []run {
	if len(runs) > maxDropRuns {
		runs = append(runs[:1:1], runs[len(runs)-maxDropRuns+1:]...)
	}
	return runs
}

// pass moves c past the runs of its drop that its pts reached: their updates were delivered;
// so were those a stop left unhandled up to there.
func (b *Box) pass(c *channel) {
	if c.seq.pts >= c.unhandled {
		c.unhandled = 0
	}
	for len(c.runs) > 0 && c.seq.pts >= c.runs[0].from {
		c.seq.pts = max(c.seq.pts, c.runs[0].to)
		c.runs = c.runs[1:]
	}
	if len(c.runs) == 0 {
		c.runs = nil
	}
}

// overRuns is called before c's difference is asked for while c is below runs its drop
// delivered: a difference from its pts would deliver them again, since its messages carry
// no pts to leave them out by. Everything up to the end of the last run was delivered or
// reported lost at the drop, so the held updates up to there that no run holds (late pushes
// in the gaps) are delivered in order, and the difference is asked from that end. The gaps
// they leave stay as the drop reported them.
func (b *Box) overRuns(c *channel) {
	if len(c.runs) == 0 {
		return
	}
	s, end := &c.seq, c.runs[len(c.runs)-1].to
	n := 0
	for ; n < len(s.pending) && s.pending[n].pts <= end; n++ {
		h := &s.pending[n]
		if check(s.pts, h.pts, h.count) == duplicate || inRuns(c.runs, h.pts, h.count) {
			continue
		}
		b.openFor(h.users, h.chats)
		s.pts = h.pts
		b.push(h.u)
	}
	b.trim(s, n)
	s.pts, c.floor, c.runs = max(s.pts, end), max(c.floor, end), nil
	if c.guess != 0 {
		// Tracked from updateChannelTooLong at a pts no higher than end: its start is no
		// guess any more, and delivery begins here.
		c.guess, c.from = 0, s.pts
	}
	b.openFor(nil, nil)
	b.touch(c.id, s.pts, false)
}

// resume returns the pts a channel tracked again from an update at pts, one in a gap of
// the runs d delivered, has: the end of the run that follows the update without a gap, which
// the drop delivered already (a difference from pts would deliver it again), or pts.
func (d dropped) resume(pts int32) int32 {
	for _, r := range d.runs {
		if r.from == pts {
			return r.to
		}
	}
	return pts
}

// dropped is what a Box remembers of a channel it dropped.
type dropped struct {
	// pts is the pts the channel was dropped at, its updates up to there delivered.
	pts int32
	// loaded is the pts the Store held for it at Start, when it was tracked from there
	// (channel.loaded). When pts is still loaded, this Box delivered nothing of it: pts is
	// the Store's, a start the last Box may have guessed (restore).
	loaded int32
	// from is channel.from: the pts this Box began delivering it at, zero when it delivered
	// nothing of it since it was named (a guess).
	from int32
	// before is the pts the channel had before DropChannel delivered the updates held for it
	// (pts when none were): undrop goes back to it.
	before int32
	// floor is channel.floor: the pts it had when dropped before, its updates up to there
	// delivered.
	floor int32
	// runs are the stretches delivered, in order, when the drop delivered updates held after
	// a gap: the first up to the pts the channel had before them, the last up to pts, at
	// most maxDropRuns. Nil when they are all one, up to pts.
	runs []run
	// above are the runs of an earlier drop the channel kept above before (channel.runs):
	// delivered then, undrop keeps them.
	above []run
}

// dropped is what a Box remembers of c dropped now. A channel dropped while its start was a
// guess delivered nothing since it was named: its floor stays what it was.
func (c *channel) dropped() dropped {
	if c.guess != 0 {
		return dropped{pts: c.floor}
	}
	return dropped{pts: c.seq.pts, loaded: c.loaded, from: c.from, floor: c.floor}
}

// remember keeps d for the dropped channel id. At most MaxPending drops are remembered; past
// that one is forgotten, and a late update of it may then be delivered twice, never lost.
func (b *Box) remember(id int64, d dropped) {
	if d.pts <= 0 {
		return
	}
	if b.gone == nil {
		b.gone = make(map[int64]dropped)
	}
	if _, ok := b.gone[id]; !ok && len(b.gone) >= b.cfg.MaxPending {
		for id := range b.gone {
			delete(b.gone, id)
			break
		}
	}
	b.gone[id] = d
}

// undrop is told by a loop that stopped before handing over the updates a DropChannel of id
// delivered from those held: they go to the next Box with the Leftovers, which must not take
// them for updates delivered before the drop. The channel is remembered as dropped at the pts
// it had before them.
func (b *Box) undrop(id int64) {
	d, ok := b.gone[id]
	if !ok || d.pts == d.before {
		return
	}
	if d.before <= 0 {
		delete(b.gone, id)
		return
	}
	d.pts, d.runs = d.before, nil
	if len(d.above) > 0 {
		d.runs = capRuns(append([]run{{math.MinInt32, d.before}}, d.above...))
		d.pts = d.runs[len(d.runs)-1].to
	}
	d.above = nil
	b.gone[id] = d
}

// learn records the access hashes of tracked channels from the chats of a container.
func (b *Box) learn(chats []tg.ChatClass) {
	for _, ch := range chats {
		ch, ok := ch.(*tg.Channel)
		if !ok || ch == nil || ch.Min {
			continue
		}
		hash, ok := ch.AccessHash.Get()
		if !ok {
			continue
		}
		if c, ok := b.channels[ch.ID]; ok {
			c.accessHash, c.hasHash = hash, true
		}
	}
}

// queueChannel starts a channel recovery, or queues it when MaxChannelRecoveries are in flight.
func (b *Box) queueChannel(now time.Time, c *channel, reason string) {
	switch c.rec.phase {
	case phaseInFlight:
		c.rec.again = true
		return
	case phaseQueued:
		return
	}
	c.seq.gapAt = time.Time{}
	if c.rec.begin(now, reason) {
		b.event(Event{Kind: EventRecoveryStarted, Sequence: SequenceChannel, ChannelID: c.id, Local: c.seq.pts, Reason: reason})
	}
	if b.inflight < b.cfg.MaxChannelRecoveries {
		b.sendChannel(c)
		return
	}
	c.rec.phase = phaseQueued
	b.queue = append(b.queue, c.id)
}

func (b *Box) sendChannel(c *channel) {
	b.overRuns(c)
	c.rec.phase = phaseInFlight
	c.asked = c.seq.pts
	c.rec.requests++
	c.rec.sent = b.arrivals
	b.inflight++
	b.request(Request{Kind: RequestChannelDifference, ChannelID: c.id, Pts: c.seq.pts, Limit: b.cfg.ChannelDifferenceLimit})
}

// dequeue hands free recovery slots to queued channels in order.
func (b *Box) dequeue() {
	for b.inflight < b.cfg.MaxChannelRecoveries && len(b.queue) > 0 {
		id := b.queue[0]
		b.queue = b.queue[1:]
		if c, ok := b.channels[id]; ok && c.rec.phase == phaseQueued {
			b.sendChannel(c)
		}
	}
	if len(b.queue) == 0 {
		b.queue = nil
	}
}

// channelFailures returns how many requests for a channel failed in a row.
func (b *Box) channelFailures(id int64) int {
	if c, ok := b.channels[id]; ok {
		return c.rec.failures
	}
	return 0
}

// release frees c's recovery slot if it holds one.
func (b *Box) release(c *channel) {
	if c.rec.phase == phaseInFlight {
		b.inflight--
		c.rec.phase = phaseIdle
	}
}

// ApplyChannelDifference applies the answer of getChannelDifference for a channel. Answers for
// channels the Box no longer tracks are ignored.
func (b *Box) ApplyChannelDifference(now time.Time, channelID int64, d tg.UpdatesChannelDifferenceClass) (Output, error) {
	b.begin()
	b.startAt(now, nil)
	err := b.channelDifference(now, channelID, d)
	return b.finish(), err
}

func (b *Box) channelDifference(now time.Time, id int64, d tg.UpdatesChannelDifferenceClass) error {
	c, ok := b.channels[id]
	if !ok {
		return nil
	}
	start := c.seq.pts
	switch d.(type) {
	case *tg.UpdatesChannelDifferenceEmpty, *tg.UpdatesChannelDifference, *tg.UpdatesChannelDifferenceTooLong:
		if len(c.runs) > 0 && !isNil(d) {
			// Asked before the channel took runs of a drop above its pts (a memo handed
			// over after its catch-up went out): the answer delivers them again. The next
			// request starts at their end (overRuns).
			b.release(c)
			b.queueChannel(now, c, "runs of a drop handed over")
			return nil
		}
		if c.guess != 0 && c.seq.pts < c.asked && !isNil(d) {
			// Updates below the guess arrived while this answer was on its way, which
			// does not reach back to them: ask again from the lowest.
			b.release(c)
			b.queueChannel(now, c, "updates below the guessed pts")
			return nil
		}
	}
	final := true
	switch d := d.(type) {
	case nil:
		return ErrNil
	case *tg.UpdatesChannelDifferenceEmpty:
		if d == nil {
			return ErrNil
		}
		b.openFor(nil, nil)
		b.setChannelPts(c, d.Pts, true)
	case *tg.UpdatesChannelDifference:
		if d == nil {
			return ErrNil
		}
		if !d.Final && d.Pts <= c.seq.pts {
			return fmt.Errorf("%w: channel %d difference not final at pts %d, local %d", ErrNoProgress, id, d.Pts, c.seq.pts)
		}
		final = d.Final
		b.openFor(d.Users, d.Chats)
		b.learn(d.Chats)
		c.rec.updates += b.pushMessages(d.NewMessages)
		for _, u := range d.OtherUpdates {
			if isNil(u) {
				continue
			}
			if _, ok := u.(*tg.UpdateChannelTooLong); ok {
				continue
			}
			b.push(u)
			c.rec.updates++
		}
		b.setChannelPts(c, d.Pts, final)
	case *tg.UpdatesChannelDifferenceTooLong:
		if d == nil {
			return ErrNil
		}
		final = d.Final
		pts := c.seq.pts
		if dialog, ok := d.Dialog.(*tg.Dialog); ok && dialog != nil {
			pts = dialog.Pts.Or(pts)
		}
		if !final && pts <= c.seq.pts {
			return fmt.Errorf("%w: channel %d too long, not final, at pts %d, local %d", ErrNoProgress, id, pts, c.seq.pts)
		}
		b.event(Event{Kind: EventDifferenceTooLong, Sequence: SequenceChannel, ChannelID: id, Local: c.seq.pts, Remote: pts})
		b.openFor(d.Users, d.Chats)
		b.learn(d.Chats)
		c.rec.updates += b.pushMessages(d.Messages)
		b.setChannelPts(c, pts, final)
	default:
		return fmt.Errorf("%w: %s", ErrUnknownConstructor, d.TypeName())
	}
	if c.guess != 0 {
		c.from = start
	}
	c.guess = 0
	b.release(c)
	if c.rec.started.IsZero() {
		c.rec.begin(now, "unrequested answer")
	}
	if !final {
		// The slot just released is free, so the next slice goes out at once.
		b.queueChannel(now, c, "difference slice")
		return nil
	}
	c.named = 0
	b.event(c.rec.end(now, SequenceChannel, id))
	c.active = now
	b.drain(&c.seq, c)
	c.rec.settle(staleHeld(&c.seq, c.rec.sent))
	if len(c.seq.pending) > 0 && c.seq.gapAt.IsZero() {
		b.armGap(now, &c.seq, SequenceChannel, c, false)
	}
	if c.rec.again {
		c.rec.again = false
		b.queueChannel(now, c, "updates held during recovery")
	}
	b.lower(c.deadline(b.cfg))
	b.dequeue()
	return nil
}

// setChannelPts moves c to the pts of an answer, final or not. A final answer below the pts
// updateChannelTooLong named for a channel tracked from a guess is behind what the server
// said, even when it is not below the start guessed under it: it is compared with that pts.
func (b *Box) setChannelPts(c *channel, pts int32, final bool) {
	local := c.seq.pts
	if final {
		local = max(local, c.named)
	}
	b.noteBehind(&c.seq.behind, Event{Sequence: SequenceChannel, ChannelID: c.id, Local: local, Remote: pts})
	if pts > c.seq.pts {
		c.seq.pts = pts
	}
	b.pass(c)
	b.touch(c.id, c.seq.pts, false)
}

// pushMessages adds messages from a difference as new-message updates: channel messages as
// updateNewChannelMessage, others as updateNewMessage. Their pts fields are zero: a difference
// does not carry them per message.
func (b *Box) pushMessages(msgs []tg.MessageClass) int {
	n := 0
	for _, m := range msgs {
		if isNil(m) {
			continue
		}
		if _, ok := messagePeer(m).(*tg.PeerChannel); ok {
			b.push(&tg.UpdateNewChannelMessage{Message: m})
		} else {
			b.push(&tg.UpdateNewMessage{Message: m})
		}
		n++
	}
	return n
}

func messagePeer(m tg.MessageClass) tg.PeerClass {
	switch m := m.(type) {
	case *tg.Message:
		if m != nil {
			return m.PeerID
		}
	case *tg.MessageService:
		if m != nil {
			return m.PeerID
		}
	case *tg.MessageEmpty:
		if m != nil {
			return m.PeerID
		}
	}
	return nil
}

// reasonUnhandled is the reason of the EventDifferenceTooLong that reports updates of a
// dropped channel rebuilt from a difference that a stop cut before the Handler took them.
const reasonUnhandled = "channel dropped: updates of a difference cut by a stop before the Handler took them cannot be fetched again"

// markUnhandled is told by a loop that stopped before the Handler took (or while it failed
// on) updates of channel id rebuilt from a difference, up to pts: they carry no pts, so the
// Leftovers cannot hand them over, and the next Box's difference is their only way back.
// The memo hands pts over, and a drop of the channel below it reports them lost.
func (b *Box) markUnhandled(id int64, pts int32) {
	if c, ok := b.channels[id]; ok {
		c.unhandled = max(c.unhandled, pts)
	}
}

// reasonDroppedGap is the reason of the EventDifferenceTooLong that reports a gap before
// updates held for a channel when it was dropped: no difference can fill it any more.
const reasonDroppedGap = "channel dropped: the updates before those held cannot be fetched"

// DropChannel stops tracking a channel that became inaccessible (the loop saw CHANNEL_PRIVATE,
// CHANNEL_INVALID or similar). The updates held for it (after a gap, or while its difference
// was awaited) arrived before that: they are delivered in order, and each gap before one of
// them, which no difference can fill any more, is reported as an EventDifferenceTooLong
// (Local is the pts before the gap, Remote the start of the held update). Then its recovery
// slot is freed, a commit (after those updates) removes it from the store, and an
// EventChannelDropped reports it at the pts it reached: a late update at or below it is not
// delivered again.
func (b *Box) DropChannel(now time.Time, channelID int64, reason string) Output {
	b.begin()
	c, ok := b.channels[channelID]
	if ok {
		b.release(c)
		before, start, above := c.dropped(), c.seq.pts, c.runs
		// Below runs of an earlier drop, it goes past them first: their gaps were
		// reported then, and this drop remembers them as delivered.
		b.overRuns(c)
		runs := []run{{math.MinInt32, c.seq.pts}}
		b.trim(&c.seq, b.applyHeld(&c.seq, c, &runs))
		if c.unhandled > c.seq.pts {
			b.event(Event{Kind: EventDifferenceTooLong, Sequence: SequenceChannel, ChannelID: channelID,
				Local: c.seq.pts, Remote: c.unhandled, Reason: reasonUnhandled})
		}
		if c.guess != 0 && c.seq.pts != start {
			// Delivered from its guessed start: that is where its delivery began.
			c.guess, c.from = 0, start
		}
		d := c.dropped()
		d.before, d.above = before.pts, above
		runs = capRuns(runs)
		if len(runs) > 1 && c.guess == 0 {
			d.runs = runs
		}
		b.remember(c.id, d)
		delete(b.channels, channelID)
		b.openFor(nil, nil)
		b.touch(channelID, c.seq.pts, true)
		b.event(Event{Kind: EventChannelDropped, Sequence: SequenceChannel, ChannelID: channelID, Local: c.seq.pts, Reason: reason})
		b.dequeue()
	}
	return b.finish()
}

// RequestFailed reports that a request of the Box failed for a reason other than an
// inaccessible channel; it is repeated after an exponential backoff.
func (b *Box) RequestFailed(now time.Time, r Request, err error) Output {
	b.begin()
	reason := "request failed"
	if err != nil {
		reason = err.Error()
	}
	switch r.Kind {
	case RequestState, RequestDifference:
		if b.common.phase == phaseInFlight {
			b.lower(b.common.fail(now, b.cfg))
			b.event(Event{Kind: EventRecoveryFailed, Sequence: SequenceAccount, Local: b.pts.pts, Reason: reason,
				Failures: b.common.failures})
			// No difference will come before the backoff ends; the updates that waited for
			// this one go now rather than after an outage.
			b.releaseUnsequenced()
		}
	case RequestChannelDifference:
		if c, ok := b.channels[r.ChannelID]; ok && c.rec.phase == phaseInFlight {
			b.inflight--
			b.lower(c.rec.fail(now, b.cfg))
			b.event(Event{Kind: EventRecoveryFailed, Sequence: SequenceChannel, ChannelID: c.id, Local: c.seq.pts,
				Reason: reason, Failures: c.rec.failures})
			b.dequeue()
		}
	}
	return b.finish()
}
