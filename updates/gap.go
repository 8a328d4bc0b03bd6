package updates

import (
	"slices"
	"time"
)

// seqRange is the seq_start..seq of a container that arrived ahead of the local seq, with its
// arrival stamp.
type seqRange struct {
	start, end int32
	stamp      uint64
}

// seqTracker follows the seq of update containers. The contents of a container are handled by
// their own pts/qts rules; seq only detects containers that went missing.
type seqTracker struct {
	seq    int32
	ranges []seqRange // sorted by start
	gapAt  time.Time
	behind bool // the last answer's seq was below seq (reported once)
}

// holdSeq records a container seen ahead of the local seq; outside a recovery it starts the
// gap wait. Too many recorded ranges recover by difference.
func (b *Box) holdSeq(now time.Time, start, end int32) {
	t := &b.seq
	b.arrivals++
	r := seqRange{start, end, b.arrivals}
	i, found := slices.BinarySearchFunc(t.ranges, r, func(a, b seqRange) int {
		if c := int64Compare(int64(a.start), int64(b.start)); c != 0 {
			return c
		}
		return int64Compare(int64(a.end), int64(b.end))
	})
	if found {
		return
	}
	t.ranges = slices.Insert(t.ranges, i, r)
	if len(t.ranges) > b.cfg.MaxPending {
		b.event(Event{Kind: EventOverflow, Sequence: SequenceSeq, Local: t.seq, Reason: "pending buffer full: recovering by difference"})
		t.ranges = t.ranges[:0]
		t.gapAt = time.Time{}
		b.startCommon(now, "pending overflow")
		return
	}
	if !b.common.busy() && t.gapAt.IsZero() && check(t.seq, t.ranges[0].start, 1) == gap {
		// The final answers that left ranges unreached dropped them; a range seen now is a
		// new gap and waits the usual time, unless one below it waits already.
		wait := b.cfg.GapWait
		if i > 0 {
			wait = b.common.gapWait(b.cfg)
		}
		t.gapAt = now.Add(wait)
		b.lower(t.gapAt)
		b.event(Event{Kind: EventGap, Sequence: SequenceSeq, Local: t.seq, Remote: t.ranges[0].start})
	}
}

// drainSeq advances the local seq over recorded ranges that now follow it.
func (b *Box) drainSeq() {
	t := &b.seq
	n := 0
	for ; n < len(t.ranges); n++ {
		r := t.ranges[n]
		if check(t.seq, r.start, 1) == gap {
			break
		}
		if r.end > t.seq {
			t.seq = r.end
		}
	}
	t.ranges = slices.Delete(t.ranges, 0, n)
	if len(t.ranges) == 0 {
		t.gapAt = time.Time{}
	}
}

// dropStaleSeq forgets the seq ranges recorded before the stamp sent that a final difference
// left ahead of the local seq: the server's own seq does not reach them. Their containers'
// updates went through their own sequences already, so nothing is lost. It reports whether
// there were any.
func (b *Box) dropStaleSeq(sent uint64) bool {
	t := &b.seq
	n := len(t.ranges)
	t.ranges = slices.DeleteFunc(t.ranges, func(r seqRange) bool { return r.stamp <= sent })
	if len(t.ranges) == 0 {
		t.gapAt = time.Time{}
	}
	return len(t.ranges) != n
}

// NextDeadline returns when OnTimer should be called next; the zero time means no deadline. It
// may be earlier than needed (OnTimer then does nothing) but never later.
func (b *Box) NextDeadline() time.Time { return b.next }

// OnTimer handles every deadline that has passed: gap waits that ended, backoffs after failed
// requests, and idle sequences that need a difference.
func (b *Box) OnTimer(now time.Time) Output {
	b.begin()
	if !b.started {
		return b.finish()
	}
	if due(now, b.unseqAt) {
		b.releaseUnsequenced()
	}
	if b.common.phase == phaseRetry && !now.Before(b.common.retryAt) {
		b.common.phase = phaseIdle
		b.startCommon(now, "retry")
	}
	if b.common.phase == phaseIdle && b.stateKnown {
		switch {
		case due(now, b.pts.gapAt), due(now, b.qts.gapAt), due(now, b.seq.gapAt):
			b.startCommon(now, "gap")
		case !now.Before(b.active.Add(b.cfg.Idle)):
			b.active = now
			b.startCommon(now, "idle")
		}
	}
	ids := make([]int64, 0, 8)
	for id, c := range b.channels {
		if c.due(now, b.cfg) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		c := b.channels[id]
		switch {
		case c.rec.phase == phaseRetry:
			c.rec.phase = phaseIdle
			b.queueChannel(now, c, "retry")
		case due(now, c.seq.gapAt):
			b.queueChannel(now, c, "gap")
		default:
			c.active = now
			b.queueChannel(now, c, "idle")
		}
	}
	b.recompute()
	return b.finish()
}

func due(now, at time.Time) bool { return !at.IsZero() && !now.Before(at) }

// recompute sets the next deadline from scratch.
func (b *Box) recompute() {
	b.next = time.Time{}
	b.lower(b.unseqAt)
	switch b.common.phase {
	case phaseRetry:
		b.lower(b.common.retryAt)
	case phaseIdle:
		b.lower(b.pts.gapAt)
		b.lower(b.qts.gapAt)
		b.lower(b.seq.gapAt)
		if b.stateKnown {
			b.lower(b.active.Add(b.cfg.Idle))
		}
	}
	for _, c := range b.channels {
		b.lower(c.deadline(b.cfg))
	}
}

// backoff returns the wait before repeating a request that failed failures times in a row.
func backoff(cfg Config, failures int) time.Duration {
	d := cfg.RetryMin
	for i := 1; i < failures && d < cfg.RetryMax; i++ {
		if d > cfg.RetryMax/2 {
			return cfg.RetryMax // doubling would pass it, or overflow
		}
		d *= 2
	}
	return min(d, cfg.RetryMax)
}
