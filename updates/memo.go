package updates

import (
	"slices"
	"time"
)

// reasonCatchUp is the reason of the recovery each saved channel starts with.
const reasonCatchUp = "catch-up"

// reasonLateMemo is the reason of the EventDifferenceTooLong that reports a guessed start
// handed over to a Box that had begun delivering the channel from a higher pts.
const reasonLateMemo = "guessed start handed over after delivery began at a later pts"

// reasonNamedBefore is the reason of a channel recovery from the pts that an
// updateChannelTooLong named to the last Box.
const reasonNamedBefore = "updateChannelTooLong before a restart"

// channelMemo is what a Box knows of a channel that a Store may not hold; a stopping Manager
// hands it to the next one with its Leftovers.
//
// A channel first named by updateChannelTooLong is saved at its guessed start, with the pts
// named (ChannelPts.Named). A Store that drops Named, or whose save of a lowered start
// failed, leaves the next Box taking that start for delivered state: a push below it left
// over from the stop (or held, and lowering an unsaved start) would be dropped as a
// duplicate, its update never delivered. With the memo the next Box keeps the start a guess.
// A dropped channel is not saved at all; the memo keeps its late pushes from being delivered
// again; nor does a channel tracked again keep its drop, which the memo hands over with it:
// saved below runs of pts that drop delivered, or cut by a stop before its commit was saved,
// the channel must not fetch them again (restoreRuns).
type channelMemo struct {
	id int64
	// pts is the guessed start, or, with named zero, the pts the channel was dropped at.
	pts   int32
	named int32
	floor int32
	// runs are those of the drop (dropped.runs), with named zero.
	runs []run
	// unhandled says updates of it rebuilt from a difference up to pts were cut by a stop
	// (channel.unhandled), the Store below them.
	unhandled bool
}

// memo returns the channels whose start is a guess and those dropped, by id.
func (b *Box) memo() []channelMemo {
	var out []channelMemo
	for id, c := range b.channels {
		if c.guess != 0 {
			out = append(out, channelMemo{id: id, pts: c.seq.pts, named: c.guess, floor: c.floor})
		}
		if d := c.rejoined; d.pts > 0 {
			out = append(out, channelMemo{id: id, pts: d.pts, runs: d.runs})
		}
		if c.unhandled > 0 {
			out = append(out, channelMemo{id: id, pts: c.unhandled, unhandled: true})
		}
	}
	for id, d := range b.gone {
		out = append(out, channelMemo{id: id, pts: d.pts, runs: d.runs})
	}
	slices.SortFunc(out, func(a, b channelMemo) int {
		if c := int64Compare(a.id, b.id); c != 0 {
			return c
		}
		// A guess first: it may track the channel the others concern.
		return int64Compare(memoRank(a), memoRank(b))
	})
	return out
}

// restore takes the memo of the last Box. A channel it guessed is guessed again: tracked from
// the start it reached when the Store lost it, or, when it was saved and nothing of it was
// delivered yet (its catch-up has not ended), from the lower of the saved and the memo's
// start, the catch-up asked again from there if it is on its way. A channel this Box guesses
// too (an updateChannelTooLong of its own) takes the lower start, as from a push below its
// guess. A dropped channel the Box does not track is remembered as dropped. A memo whose
// start is not below the pts named, or too far below it, is ignored.
//
// A channel this Box has begun delivering (its catch-up delivered, or it was not saved and
// the Box met it by a push or by an updateChannelTooLong whose difference came) keeps its
// pts. When the memo's start is below the pts this Box began at, the updates between were
// delivered by neither Box, and an EventDifferenceTooLong reports them lost (lateMemo); when
// its pts is below the pts named, its difference is asked for at once.
//
// Where both Boxes know a pts up to which the channel was delivered (each one's drop of
// it, a guess's floor), the higher one holds: a guess starts no lower, and a dropped
// channel stays dropped at it. The lower one would deliver again what the other one did.
// A channel this Box dropped before it delivered anything past its saved start is no such
// case: that start is the one the last Box saved, and a guess below it is followed as if
// the channel had never been dropped. Dropped after it delivered, the updates from a
// guessed start below the pts it began at up to there are reported lost, as for a tracked
// channel.
func (b *Box) restore(now time.Time, ms []channelMemo) Output {
	b.begin()
	b.startAt(now, nil)
	for _, m := range ms {
		c, ok := b.channels[m.id]
		switch {
		case m.unhandled:
			if ok && c.seq.pts < m.pts {
				c.unhandled = max(c.unhandled, m.pts)
			}
		case m.named == 0 && ok:
			b.restoreRuns(m, c)
		case m.named == 0:
			if m.pts > b.gone[m.id].pts {
				b.remember(m.id, dropped{pts: m.pts, runs: m.runs})
			}
		case m.pts < 1 || m.pts < m.floor || m.pts >= m.named || !b.near(m.pts, m.named):
		case !ok:
			own := b.gone[m.id]
			floor, stale := b.rejoin(m.id, m.named, 1)
			switch {
			case own.loaded != 0 && own.pts == own.loaded:
				// Dropped before delivering anything past the saved start: that is the
				// start the last Box saved, not a pts delivered, and the memo's replaces it.
				floor = 0
			default:
				b.lateMemo(m, own.floor, own.from)
			}
			if stale {
				continue
			}
			floor = max(floor, m.floor)
			start := max(m.pts, floor)
			b.openFor(nil, nil)
			c = b.track(now, m.id, start)
			b.touch(m.id, start, false)
			c.guess, c.named, c.floor = m.named, m.named, floor
			b.queueChannel(now, c, reasonNamedBefore)
		case c.guess == 0 && c.rec.busy() && c.rec.reason == reasonCatchUp && c.rec.updates == 0 &&
			c.seq.pts < m.named && b.near(c.seq.pts, m.named):
			c.guess, c.named, c.floor = m.named, m.named, max(c.floor, m.floor)
			if start := max(m.pts, c.floor); start < c.seq.pts {
				b.openFor(nil, nil)
				c.seq.pts = start
				b.touch(m.id, start, false)
			}
		case c.guess != 0:
			// This Box guessed the channel too and delivered nothing of it: a lower start
			// holds, as for a push below the guess (lowerGuess).
			c.floor = max(c.floor, m.floor)
			if start := max(m.pts, c.floor); start < c.seq.pts && b.near(start, c.guess) {
				b.openFor(nil, nil)
				c.seq.pts = start
				b.touch(m.id, start, false)
			}
		default:
			// This Box delivers the channel from c.from: what lies below is too late.
			b.lateMemo(m, c.floor, c.from)
			// The channel reached the pts named, which this Box may not have seen yet: fetch
			// what follows its own pts now rather than at its next push or idle check. A
			// recovery under way reaches the server's pts already.
			if c.seq.pts < m.named && !c.rec.busy() {
				b.queueChannel(now, c, reasonNamedBefore)
			}
		}
	}
	return b.finish()
}

// restoreRuns takes the drop m of a channel this Box tracks: the last Box tracked it again
// after that drop (the Store holds it below runs the drop delivered, or misses the commit a
// stop cut), or a stop undid the drop (undrop). The channel keeps the runs of m above its
// pts, unless it keeps runs already: a difference on its way from below them is asked again
// (channelDifference), and the next one starts at their end (overRuns); and it keeps m for
// its own memo. A drop whose channel this Box does not track (not saved, or forgotten with
// NoCatchUp) is remembered as such (restore), so that a late push of its runs is not
// delivered again.
func (b *Box) restoreRuns(m channelMemo, c *channel) {
	if c.rejoined.pts == 0 {
		c.rejoined = dropped{pts: m.pts, runs: m.runs}
	}
	if len(c.runs) > 0 {
		return
	}
	for _, r := range b.runsAbove(dropped{runs: m.runs}, c.seq.pts) {
		if r.from > c.seq.pts {
			c.runs = append(c.runs, r)
		}
	}
}

// memoRank orders the memos of one channel: a guess, which may track it, before its drop
// and the updates left unhandled, which concern it tracked.
func memoRank(m channelMemo) int64 {
	switch {
	case m.named != 0:
		return 0
	case m.unhandled:
		return 2
	}
	return 1
}

// lateMemo reports the updates after the memo's guessed start up to from, the pts this Box
// began delivering the channel at (the start saved for it, the start of its own first push
// or first difference), lost, if there are any. Those up to floor, the pts this Box had
// when it dropped the channel before it began again at from, it delivered. The others were
// delivered by neither Box, and they cannot be fetched now: a difference from the memo's
// start would hand them to the Handler after newer updates of the channel, against the order
// it is promised, and with those newer ones again, since a difference's messages carry no
// pts to tell them apart.
func (b *Box) lateMemo(m channelMemo, floor, from int32) {
	if lo := max(m.pts, floor); lo < from {
		b.event(Event{Kind: EventDifferenceTooLong, Sequence: SequenceChannel, ChannelID: m.id,
			Local: lo, Remote: from, Reason: reasonLateMemo})
	}
}

// forgetGuesses returns ms for a Manager with NoCatchUp, which forgot the saved channels: a
// guessed start is one of them, and restoring it would fetch the channel's updates from
// before the stop. Such a channel's next update starts it like any unknown channel's. What
// ms knows of delivered updates stays: a dropped channel's pts, and the floor of a guessed
// channel dropped before, as the pts of a dropped one.
func forgetGuesses(ms []channelMemo) []channelMemo {
	out := make([]channelMemo, 0, len(ms))
	for _, m := range ms {
		switch {
		case m.named == 0:
			out = append(out, m)
		case m.floor > 0:
			out = append(out, channelMemo{id: m.id, pts: m.floor})
		}
	}
	return out
}
