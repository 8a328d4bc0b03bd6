package updates

import (
	"slices"
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// kind says which sequence an update belongs to.
type kind uint8

const (
	kindNone    kind = iota // no sequence: delivered as it comes
	kindPts                 // the account's pts
	kindQts                 // the account's qts
	kindChannel             // a channel's pts
)

// classify tells which sequence u belongs to and where it puts it. Updates whose place
// cannot be told (a channel update without its channel or with a nil message, a negative
// count, a range that would start below zero: a negative pts or a count past it) are
// unsequenced.
func classify(u tg.UpdateClass) (k kind, channelID int64, pts, count int32) {
	if p, c, ok := tg.UpdatePts(u); ok {
		if c < 0 || c > p || !peerReadable(u) {
			return kindNone, 0, 0, 0
		}
		if id, ok := tg.UpdateChannelID(u); ok {
			return kindChannel, id, p, c
		}
		if isChannelUpdate(u) {
			return kindNone, 0, 0, 0
		}
		return kindPts, 0, p, c
	}
	if q, ok := tg.UpdateQts(u); ok && q > 0 {
		return kindQts, 0, q, 1
	}
	return kindNone, 0, 0, 0
}

// peerReadable reports whether the generated classifier can read u's channel: a channel
// message update has it in its message's peer, and a program's container may carry that
// message, or its peer, as a nil pointer. Such an update's channel cannot be told.
func peerReadable(u tg.UpdateClass) bool {
	var m tg.MessageClass
	switch u := u.(type) {
	case *tg.UpdateNewChannelMessage:
		m = u.Message
	case *tg.UpdateEditChannelMessage:
		m = u.Message
	default:
		return true
	}
	return !isNil(messagePeer(m))
}

// isChannelUpdate reports the channel pts updates, whose channel may be missing when the
// message inside is empty.
func isChannelUpdate(u tg.UpdateClass) bool {
	switch u.(type) {
	case *tg.UpdateNewChannelMessage, *tg.UpdateEditChannelMessage, *tg.UpdateDeleteChannelMessages,
		*tg.UpdateChannelWebPage, *tg.UpdatePinnedChannelMessages:
		return true
	}
	return false
}

// verdict is what to do with a sequenced update.
type verdict uint8

const (
	apply     verdict = iota // it follows the local value
	duplicate                // it was applied already
	gap                      // updates before it are missing
)

// check applies Telegram's rule: local+count == remote applies, greater is a duplicate, smaller
// is a gap.
func check(local, remote, count int32) verdict {
	want := int64(local) + int64(count)
	switch {
	case want == int64(remote):
		return apply
	case want > int64(remote):
		return duplicate
	}
	return gap
}

// held is an update waiting in a pending buffer, with the users and chats of its container.
type held struct {
	u     tg.UpdateClass
	kind  kind
	pts   int32
	count int32
	stamp uint64 // arrival order among the account's held updates
	users []tg.UserClass
	chats []tg.ChatClass
}

func (h *held) start() int64 { return int64(h.pts) - int64(h.count) }

// sequence is one pts-like sequence: the local value and the updates held after a gap.
type sequence struct {
	pts     int32
	pending []held    // sorted by start, then pts
	gapAt   time.Time // when the gap wait ends; zero without a gap
	behind  bool      // the last answer's value was below pts (reported once)
}

func compareHeld(a held, b held) int {
	if c := int64Compare(a.start(), b.start()); c != 0 {
		return c
	}
	return int64Compare(int64(a.pts), int64(b.pts))
}

func int64Compare(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// insert holds h in order; it reports false when an equal update is held already.
func (s *sequence) insert(h held) bool {
	i, found := slices.BinarySearchFunc(s.pending, h, compareHeld)
	if found {
		return false
	}
	s.pending = slices.Insert(s.pending, i, h)
	return true
}

// account handles an update of the pts or qts sequence.
func (b *Box) account(now time.Time, s *sequence, name Sequence, h held) {
	b.active = now
	if !b.stateKnown {
		b.holdPrestate(h)
		return
	}
	if b.common.busy() {
		if b.hold(s, h) {
			b.overflow(name, 0, s)
			b.common.again = true
		}
		return
	}
	switch check(s.pts, h.pts, h.count) {
	case apply:
		b.openFor(h.users, h.chats)
		s.pts = h.pts
		b.push(h.u)
		b.drain(s, nil)
	case gap:
		b.gap(now, s, name, nil, h)
	}
}

// hold adds h to s's pending buffer and reports whether a cap was exceeded, in which case the
// buffer has been emptied.
func (b *Box) hold(s *sequence, h held) bool {
	if !s.insert(h) {
		return false
	}
	b.pendingTotal++
	if len(s.pending) <= b.cfg.MaxPending && b.pendingTotal <= b.cfg.MaxPendingTotal {
		return false
	}
	b.dropPending(s)
	return true
}

func (b *Box) dropPending(s *sequence) {
	b.pendingTotal -= len(s.pending)
	clear(s.pending)
	s.pending = s.pending[:0]
	s.gapAt = time.Time{}
}

func (b *Box) overflow(name Sequence, channelID int64, s *sequence) {
	b.event(Event{Kind: EventOverflow, Sequence: name, ChannelID: channelID, Local: s.pts,
		Reason: "pending buffer full: recovering by difference"})
}

// gap holds h after a gap, starting the gap wait; when the buffer is full the sequence is
// recovered by difference right away.
func (b *Box) gap(now time.Time, s *sequence, name Sequence, c *channel, h held) {
	if b.hold(s, h) {
		b.overflow(name, channelIDOf(c), s)
		b.recover(now, c, "pending overflow")
		return
	}
	// h below every held update is a new gap: it waits the usual time, even while the waits
	// for an update past the server's state are long (or were, before pushes filled its gap).
	fresh := len(s.pending) > 0 && s.pending[0].stamp == h.stamp
	switch {
	case len(s.pending) == 0:
	case s.gapAt.IsZero():
		b.armGap(now, s, name, c, fresh)
	case fresh && now.Add(b.cfg.GapWait).Before(s.gapAt):
		s.gapAt = now.Add(b.cfg.GapWait)
		b.lower(s.gapAt)
	}
}

// armGap starts the gap wait of s: the usual GapWait for a new gap (fresh), otherwise the
// wait of its recovery, which grows while final answers leave held updates unreached.
func (b *Box) armGap(now time.Time, s *sequence, name Sequence, c *channel, fresh bool) {
	rec := &b.common
	if c != nil {
		rec = &c.rec
	}
	wait := b.cfg.GapWait
	if !fresh {
		wait = rec.gapWait(b.cfg)
	}
	s.gapAt = now.Add(wait)
	b.lower(s.gapAt)
	b.event(Event{Kind: EventGap, Sequence: name, ChannelID: channelIDOf(c), Local: s.pts,
		Remote: int32(s.pending[0].start())})
}

// recover starts a difference for the account (c == nil) or a channel.
func (b *Box) recover(now time.Time, c *channel, reason string) {
	if c == nil {
		b.startCommon(now, reason)
		return
	}
	b.queueChannel(now, c, reason)
}

func channelIDOf(c *channel) int64 {
	if c == nil {
		return 0
	}
	return c.id
}

// drain applies held updates that now follow the local value and drops held duplicates. c is
// the channel s belongs to, nil for the account.
func (b *Box) drain(s *sequence, c *channel) {
	b.trim(s, b.applyHeld(s, c, nil))
}

// applyHeld applies the held updates of s in order and drops held duplicates, up to the first
// gap, or, with runs set (a dropped channel c, whose gaps no difference fills any more),
// through every gap, each reported as an EventDifferenceTooLong. The stretches of pts
// delivered are added to *runs, whose last one ends at the pts of s. It returns how many
// held updates it went through, for trim.
func (b *Box) applyHeld(s *sequence, c *channel, runs *[]run) int {
	n := 0
	for ; n < len(s.pending); n++ {
		h := &s.pending[n]
		switch check(s.pts, h.pts, h.count) {
		case duplicate:
			continue
		case gap:
			if runs == nil {
				return n
			}
			b.event(Event{Kind: EventDifferenceTooLong, Sequence: SequenceChannel, ChannelID: channelIDOf(c),
				Local: s.pts, Remote: int32(h.start()), Reason: reasonDroppedGap})
			*runs = append(*runs, run{from: int32(h.start()), to: h.pts})
		}
		b.openFor(h.users, h.chats)
		s.pts = h.pts
		if runs != nil {
			(*runs)[len(*runs)-1].to = h.pts
		}
		b.push(h.u)
		if c != nil && runs == nil {
			b.pass(c)
		}
		if c != nil {
			b.touch(c.id, s.pts, false)
		}
	}
	return n
}

// trim removes the first n held updates of s.
func (b *Box) trim(s *sequence, n int) {
	if n == 0 {
		return
	}
	b.pendingTotal -= n
	clear(s.pending[:n])
	s.pending = slices.Delete(s.pending, 0, n)
	if len(s.pending) == 0 {
		s.gapAt = time.Time{}
	}
}

// skip returns the index of the first held update of s from i on that is not a duplicate.
func skip(s *sequence, i int) int {
	for i < len(s.pending) && check(s.pts, s.pending[i].pts, s.pending[i].count) == duplicate {
		i++
	}
	return i
}

// drainAccount ends an account difference: the pts and qts updates held during it that now
// follow their sequence and the unsequenced updates held with them are delivered in the order
// they arrived, as far as each sequence's own order allows; held duplicates are dropped.
func (b *Box) drainAccount() {
	if len(b.unseq) > 0 {
		b.markHeld()
	}
	ip, iq, iu := 0, 0, 0
	for {
		ip, iq = skip(&b.pts, ip), skip(&b.qts, iq)
		var next *held
		var s *sequence
		if ip < len(b.pts.pending) && check(b.pts.pts, b.pts.pending[ip].pts, b.pts.pending[ip].count) == apply {
			next, s = &b.pts.pending[ip], &b.pts
		}
		if iq < len(b.qts.pending) && check(b.qts.pts, b.qts.pending[iq].pts, b.qts.pending[iq].count) == apply &&
			(next == nil || b.qts.pending[iq].stamp < next.stamp) {
			next, s = &b.qts.pending[iq], &b.qts
		}
		if iu < len(b.unseq) && (next == nil || b.unseq[iu].stamp < next.stamp) {
			next, s = &b.unseq[iu], nil
		}
		if next == nil {
			break
		}
		b.openFor(next.users, next.chats)
		b.push(next.u)
		switch s {
		case nil:
			iu++
		case &b.pts:
			s.pts = next.pts
			ip++
		default:
			s.pts = next.pts
			iq++
		}
	}
	b.trim(&b.pts, ip)
	b.trim(&b.qts, iq)
	clear(b.unseq[:iu])
	b.unseq = slices.Delete(b.unseq, 0, iu)
	if len(b.unseq) == 0 {
		b.unseqAt = time.Time{}
	}
}

// holdUnsequenced keeps an update without pts or qts that arrived while the account's
// difference is in flight: that difference may bring updates from before it (the message a
// callback query was made on), which come first. They wait at most UnsequencedWait; when
// MaxPending wait already, they and h are delivered at once instead.
func (b *Box) holdUnsequenced(now time.Time, h held) {
	if len(b.unseq) < b.cfg.MaxPending {
		if len(b.unseq) == 0 {
			b.unseqAt = now.Add(b.cfg.UnsequencedWait)
			b.lower(b.unseqAt)
		}
		b.unseq = append(b.unseq, h)
		return
	}
	b.event(Event{Kind: EventOverflow, Sequence: SequenceAccount, Local: b.pts.pts,
		Reason: "updates without pts waiting for a difference: buffer full, delivered without waiting"})
	b.releaseUnsequenced()
	b.openFor(h.users, h.chats)
	b.push(h.u)
}

// releaseUnsequenced delivers the unsequenced updates held during a difference.
func (b *Box) releaseUnsequenced() {
	if len(b.unseq) == 0 {
		return
	}
	b.markHeld()
	for i := range b.unseq {
		h := &b.unseq[i]
		b.openFor(h.users, h.chats)
		b.push(h.u)
	}
	clear(b.unseq)
	b.unseq = b.unseq[:0]
	b.unseqAt = time.Time{}
}

// holdPrestate keeps an account update that arrived before the first state is known.
func (b *Box) holdPrestate(h held) {
	for i := range b.prestate {
		p := &b.prestate[i]
		if p.kind == h.kind && p.pts == h.pts && p.count == h.count {
			return
		}
	}
	if len(b.prestate) >= b.cfg.MaxPending {
		b.event(Event{Kind: EventOverflow, Sequence: SequenceAccount, Remote: h.pts,
			Reason: "update before the first state dropped: buffer full"})
		return
	}
	b.prestate = append(b.prestate, h)
}

// replayPrestate runs the updates held before the state was known through their sequences.
func (b *Box) replayPrestate(now time.Time) {
	held := b.prestate
	b.prestate = nil
	for _, h := range held {
		if h.kind == kindQts {
			b.account(now, &b.qts, SequenceQts, h)
		} else {
			b.account(now, &b.pts, SequencePts, h)
		}
	}
}

// update routes one update of a container.
func (b *Box) update(now time.Time, u tg.UpdateClass, users []tg.UserClass, chats []tg.ChatClass) (channelUpdate bool) {
	if isNil(u) {
		return false
	}
	if tl, ok := u.(*tg.UpdateChannelTooLong); ok {
		b.channelTooLong(now, tl)
		return true
	}
	k, id, pts, count := classify(u)
	b.arrivals++
	h := held{u: u, kind: k, pts: pts, count: count, stamp: b.arrivals, users: users, chats: chats}
	switch k {
	case kindPts:
		b.account(now, &b.pts, SequencePts, h)
	case kindQts:
		b.account(now, &b.qts, SequenceQts, h)
	case kindChannel:
		b.channelUpdate(now, id, h)
		return true
	default:
		if b.common.phase == phaseInFlight && b.cfg.UnsequencedWait > 0 {
			b.holdUnsequenced(now, h)
			return false
		}
		b.openFor(users, chats)
		b.push(u)
	}
	return false
}

// container processes the updates of one container in order. seqStart..seq is its seq range,
// zero for containers outside the seq sequence.
func (b *Box) container(now time.Time, ups []tg.UpdateClass, users []tg.UserClass, chats []tg.ChatClass, date, seqStart, seq int32) {
	advance := false
	if seq != 0 {
		// A container with seq carries the account's state: the idle check waits again. One
		// without (typing, statuses, channel posts) does not, or a chat with someone typing
		// would put the check off for ever.
		b.active = now
	}
	if seq != 0 && b.stateKnown {
		start := seqStart
		if start == 0 || start > seq {
			start = seq
		}
		switch {
		case check(b.seq.seq, start, 1) == duplicate:
			return
		case b.common.busy() || check(b.seq.seq, start, 1) == gap:
			b.holdSeq(now, start, seq)
		default:
			advance = true
		}
	}
	channels := false
	for _, u := range ups {
		if b.update(now, u, users, chats) {
			channels = true
		}
	}
	if channels {
		b.learn(chats)
	}
	if !b.stateKnown {
		return
	}
	if advance {
		b.openFor(users, chats)
		b.seq.seq = seq
		b.drainSeq()
	}
	// The date moves only when nothing of the account is held: a held update is not applied
	// yet, and a saved date past it would ask getDifference, after a restart, for less than
	// what is missing.
	if date > b.date && !b.common.busy() && !b.holding() {
		b.openFor(users, chats)
		b.date = date
	}
}

// holding reports whether an account update (pts, qts or seq) waits for a gap to fill.
func (b *Box) holding() bool {
	return len(b.pts.pending) > 0 || len(b.qts.pending) > 0 || len(b.seq.ranges) > 0
}
