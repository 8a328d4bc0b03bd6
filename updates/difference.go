package updates

import (
	"fmt"
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// startCommon asks for the account's difference (or its state, when none is known yet). While
// it is in flight the account's sequenced updates are held; a second reason during the flight
// asks for one more difference after it.
func (b *Box) startCommon(now time.Time, reason string) {
	if b.common.phase == phaseInFlight {
		b.common.again = true
		return
	}
	if b.common.begin(now, reason) {
		b.event(Event{Kind: EventRecoveryStarted, Sequence: SequenceAccount, Local: b.pts.pts, Reason: reason})
	}
	b.pts.gapAt, b.qts.gapAt, b.seq.gapAt = time.Time{}, time.Time{}, time.Time{}
	b.sendCommon()
}

func (b *Box) sendCommon() {
	b.common.phase = phaseInFlight
	b.common.requests++
	b.common.sent = b.arrivals
	if !b.stateKnown {
		b.request(Request{Kind: RequestState})
		return
	}
	b.request(Request{Kind: RequestDifference, Pts: b.pts.pts, Qts: b.qts.pts, Date: b.date, PtsTotalLimit: b.cfg.PtsTotalLimit})
}

// setState replaces the account state.
func (b *Box) setState(s State) {
	b.pts.pts, b.qts.pts, b.seq.seq, b.date = s.Pts, s.Qts, s.Seq, s.Date
	b.stateKnown = true
}

// mergeState moves the account state forward to s; no value goes back, so nothing delivered
// in this run is delivered again. A pts or qts below the local one is reported; a seq is
// compared only by final answers (mergeSeq), as a slice's may be older than containers
// already seen.
func (b *Box) mergeState(s State) {
	b.noteBehind(&b.pts.behind, Event{Sequence: SequencePts, Local: b.pts.pts, Remote: s.Pts})
	b.noteBehind(&b.qts.behind, Event{Sequence: SequenceQts, Local: b.qts.pts, Remote: s.Qts})
	b.pts.pts = max(b.pts.pts, s.Pts)
	b.qts.pts = max(b.qts.pts, s.Qts)
	b.seq.seq = max(b.seq.seq, s.Seq)
	b.date = max(b.date, s.Date)
}

// mergeSeq moves the local seq forward to the seq of a final answer, reporting one below it.
func (b *Box) mergeSeq(seq int32) {
	b.noteBehind(&b.seq.behind, Event{Sequence: SequenceSeq, Local: b.seq.seq, Remote: seq})
	b.seq.seq = max(b.seq.seq, seq)
}

// noteBehind reports with EventStateBehind an answer that puts a sequence at e.Remote, below
// its local value e.Local: the server is behind what was applied here. The local value is
// kept (going back would deliver again what was delivered). flag makes it one report until
// an answer reaches the local value again, not one per answer while the server stays behind.
func (b *Box) noteBehind(flag *bool, e Event) {
	if e.Remote >= e.Local {
		*flag = false
		return
	}
	if !*flag {
		*flag = true
		e.Kind = EventStateBehind
		b.event(e)
	}
}

func stateOf(s *tg.UpdatesState) State {
	return State{Pts: s.Pts, Qts: s.Qts, Seq: s.Seq, Date: s.Date}
}

// ApplyState applies the answer of updates.getState. It only matters while no state is known.
// When no update arrived before it, the state is where delivery starts. When some did, pushes
// sent before the answer may still be on their way and would look like duplicates of the state,
// so the account starts from the earliest update seen instead and fetches the difference from
// there, which covers the updates held and those still in flight.
func (b *Box) ApplyState(now time.Time, st *tg.UpdatesState) (Output, error) {
	b.begin()
	if st == nil {
		return b.finish(), ErrNil
	}
	b.startAt(now, nil)
	if b.stateKnown {
		if b.common.phase == phaseInFlight {
			b.mergeSeq(st.Seq)
			b.mergeState(stateOf(st))
			b.finishCommon(now)
		}
		return b.finish(), nil
	}
	s, anchored := stateOf(st), false
	for i := range b.prestate {
		h := &b.prestate[i]
		start := int32(max(h.start(), 0))
		switch {
		case h.kind == kindPts && start < s.Pts && b.near(start, st.Pts):
			s.Pts, anchored = start, true
		case h.kind == kindQts && start < s.Qts && b.near(start, st.Qts):
			s.Qts, anchored = start, true
		}
	}
	b.setState(s)
	if anchored {
		b.sendCommon() // the held updates wait for this difference
	} else {
		b.common.phase = phaseInFlight // the held updates are applied as the cycle ends
	}
	b.replayPrestate(now)
	if !anchored {
		b.finishCommon(now)
	}
	return b.finish(), nil
}

// near reports whether an update starting at start may be a push that was still on its way
// when state was taken (the account's first state, the pts updateChannelTooLong names for an
// unknown channel): at most MaxPending below it. One further back would make the account or
// the channel fetch that much history again.
func (b *Box) near(start, state int32) bool {
	return int64(state)-int64(start) <= int64(b.cfg.MaxPending)
}

// ApplyDifference applies the answer of updates.getDifference: its messages and updates are
// delivered with the users and chats that came with them, and the account state moves to the
// one it carries. A differenceSlice or differenceTooLong asks for the next difference.
func (b *Box) ApplyDifference(now time.Time, d tg.UpdatesDifferenceClass) (Output, error) {
	b.begin()
	b.startAt(now, nil)
	err := b.difference(now, d)
	return b.finish(), err
}

func (b *Box) difference(now time.Time, d tg.UpdatesDifferenceClass) error {
	if d == nil {
		return ErrNil
	}
	if !b.stateKnown {
		return nil // only a state tells where a difference starts; getState is on its way
	}
	done := true
	switch d := d.(type) {
	case *tg.UpdatesDifferenceEmpty:
		if d == nil {
			return ErrNil
		}
		b.openFor(nil, nil)
		b.mergeSeq(d.Seq)
		b.date = max(b.date, d.Date)
	case *tg.UpdatesDifference:
		if d == nil {
			return ErrNil
		}
		b.differenceContents(now, d.NewMessages, d.NewEncryptedMessages, d.OtherUpdates, d.Users, d.Chats)
		b.mergeSeq(d.State.Seq)
		b.mergeState(stateOf(&d.State))
	case *tg.UpdatesDifferenceSlice:
		if d == nil {
			return ErrNil
		}
		if st := d.IntermediateState; st.Pts <= b.pts.pts && st.Qts <= b.qts.pts && st.Date <= b.date {
			return fmt.Errorf("%w: differenceSlice at pts %d, qts %d, date %d", ErrNoProgress, st.Pts, st.Qts, st.Date)
		}
		b.differenceContents(now, d.NewMessages, d.NewEncryptedMessages, d.OtherUpdates, d.Users, d.Chats)
		b.mergeState(stateOf(&d.IntermediateState))
		done = false
	case *tg.UpdatesDifferenceTooLong:
		if d == nil {
			return ErrNil
		}
		if d.Pts <= b.pts.pts {
			return fmt.Errorf("%w: differenceTooLong at pts %d, local %d", ErrNoProgress, d.Pts, b.pts.pts)
		}
		b.event(Event{Kind: EventDifferenceTooLong, Sequence: SequencePts, Local: b.pts.pts, Remote: d.Pts})
		b.openFor(nil, nil)
		b.pts.pts = max(b.pts.pts, d.Pts)
		done = false
	default:
		return fmt.Errorf("%w: %s", ErrUnknownConstructor, d.TypeName())
	}
	if b.common.started.IsZero() {
		b.common.begin(now, "unrequested answer")
	}
	if !done {
		b.sendCommon()
		return nil
	}
	b.finishCommon(now)
	return nil
}

// differenceContents delivers what a difference carries. Account updates in it are delivered as
// they are (the difference's state covers them); channel updates go through their channel's
// sequence, and updateChannelTooLong starts that channel's recovery.
func (b *Box) differenceContents(now time.Time, msgs []tg.MessageClass, enc []tg.EncryptedMessageClass, other []tg.UpdateClass, users []tg.UserClass, chats []tg.ChatClass) {
	b.openFor(users, chats)
	n := b.pushMessages(msgs)
	for _, m := range enc {
		if !isNil(m) {
			b.push(&tg.UpdateNewEncryptedMessage{Message: m})
			n++
		}
	}
	channels := false
	for _, u := range other {
		if isNil(u) {
			continue
		}
		if tl, ok := u.(*tg.UpdateChannelTooLong); ok {
			b.channelTooLong(now, tl)
			channels = true
			continue
		}
		k, id, pts, count := classify(u)
		if k == kindChannel {
			b.arrivals++
			b.channelUpdate(now, id, held{u: u, kind: k, pts: pts, count: count, stamp: b.arrivals, users: users, chats: chats})
			channels = true
			continue
		}
		b.openFor(users, chats)
		b.push(u)
		n++
	}
	if channels {
		b.learn(chats)
	}
	b.common.updates += n
}

// finishCommon closes the account's recovery cycle: held updates are applied or dropped as
// duplicates, remaining gaps wait again, and one more difference is made if asked for.
func (b *Box) finishCommon(now time.Time) {
	b.event(b.common.end(now, SequenceAccount, 0))
	b.active = now
	b.drainAccount()
	b.drainSeq()
	stale := staleHeld(&b.pts, b.common.sent) || staleHeld(&b.qts, b.common.sent)
	if b.dropStaleSeq(b.common.sent) {
		stale = true
	}
	b.common.settle(stale)
	if b.common.again {
		b.common.again = false
		b.startCommon(now, "updates held during recovery")
		return
	}
	if len(b.pts.pending) > 0 && b.pts.gapAt.IsZero() {
		b.armGap(now, &b.pts, SequencePts, nil, false)
	}
	if len(b.qts.pending) > 0 && b.qts.gapAt.IsZero() {
		b.armGap(now, &b.qts, SequenceQts, nil, false)
	}
	if len(b.seq.ranges) > 0 && b.seq.gapAt.IsZero() {
		b.seq.gapAt = now.Add(b.common.gapWait(b.cfg))
		b.lower(b.seq.gapAt)
		b.event(Event{Kind: EventGap, Sequence: SequenceSeq, Local: b.seq.seq, Remote: b.seq.ranges[0].start})
	}
	b.lower(b.active.Add(b.cfg.Idle))
}
