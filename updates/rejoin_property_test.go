package updates

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestRejoinNoUpdateTwice drives one channel through random leaves and rejoins: pushes come
// late, twice or not at all, the user leaves (its difference fails with CHANNEL_PRIVATE, the
// channel is dropped with what it held), comes back by a new push or updateChannelTooLong
// (naming the server's pts or one a little below), differences come in slices, and the Box is
// replaced by the next one with the saved pts and the memo, as at a reconnect; half of those
// stops cut the last push or drop before its commit was saved, which then goes on in the
// Leftovers. Every fifth seed also pushes junk pts far ahead. No update may reach the Handler
// twice; at the end, with the user a member and every push arrived, each post made while a
// member was delivered, reported lost, or lies where the channel was not tracked.
//
// 20000 seeds pass (957 delivered an update twice on c984c88 without the cuts, slices and
// junk; with them 41 of 10000 on 20ade4c, the memo naming runs a cut Output had passed); a
// run takes 500.
func TestRejoinNoUpdateTwice(t *testing.T) {
	seeds := uint64(500)
	if testing.Short() {
		seeds = 50
	}
	for seed := range seeds {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runRejoinProperty(t, seed) })
	}
}

// ptsRange is the pts after lo up to hi.
type ptsRange struct{ lo, hi int32 }

// rejoinModel is the state of runRejoinProperty.
type rejoinModel struct {
	t        *testing.T
	seed     uint64
	rng      *rand.Rand
	cfg      Config
	h        *harness
	top      int32 // the channel's pts at the server
	member   bool
	late     []int32 // pushes on their way
	seen     map[string]bool
	posted   map[int32]bool // made while a member
	reported []ptsRange     // reported lost
	untaken  []ptsRange     // from a drop (or 0) to where the channel was tracked again
	dropped  int32
	history  []string
	// the last push or drop, for a stop to cut
	lastKind  string
	lastPush  tg.UpdatesClass
	lastGot   []string
	lastPts   int32
	lastTrack bool
}

const rejoinCh = 9

func (m *rejoinModel) tracked() (*channel, bool) {
	c, ok := m.h.b.channels[rejoinCh]
	return c, ok
}

// collect notes the losses the step reported and where the channel was tracked again.
func (m *rejoinModel) collect(was bool) {
	for _, e := range m.h.events {
		if e.ChannelID != rejoinCh {
			continue
		}
		switch e.Kind {
		case EventDifferenceTooLong:
			m.reported = append(m.reported, ptsRange{e.Local, e.Remote})
		case EventChannelDropped:
			m.dropped = e.Local
		}
	}
	m.h.events = nil
	if c, ok := m.tracked(); ok && !was {
		m.untaken = append(m.untaken, ptsRange{m.dropped, max(c.seq.pts, c.guess)})
	}
}

func (m *rejoinModel) check() {
	m.t.Helper()
	for _, g := range m.h.got {
		if m.seen[g] {
			m.t.Fatalf("seed %d: %s delivered twice; history:\n%v", m.seed, g, m.history)
		}
		m.seen[g] = true
	}
	m.h.got = nil
	checkInvariants(m.t, m.h.b)
	if c, ok := m.tracked(); ok && len(c.seq.pending) > m.cfg.MaxPending {
		m.t.Fatalf("seed %d: %d held", m.seed, len(c.seq.pending))
	}
	if d, ok := m.h.b.gone[rejoinCh]; ok && len(d.runs) > maxDropRuns {
		m.t.Fatalf("seed %d: drop with %d runs", m.seed, len(d.runs))
	}
}

// answer answers the channel's requests: CHANNEL_PRIVATE when the user left, else up to the
// server's pts, now and then in a slice or empty.
func (m *rejoinModel) answer(reqs []Request) string {
	op := ""
	for _, q := range reqs {
		if q.Kind != RequestChannelDifference {
			continue
		}
		if !m.member {
			op += fmt.Sprintf(" private(%d)", q.Pts)
			m.h.record(m.h.b.DropChannel(m.h.now, rejoinCh, "CHANNEL_PRIVATE"))
			continue
		}
		hi, final := max(m.top, q.Pts), true
		if k := int32(m.rng.IntN(6)); k > 0 && q.Pts+k < m.top && m.rng.IntN(3) == 0 {
			hi, final = q.Pts+k, false
		}
		op += fmt.Sprintf(" answer(%d..%d,%v)", q.Pts, hi, final)
		if hi == q.Pts && m.rng.IntN(2) == 0 {
			m.h.channelDifference(rejoinCh, &tg.UpdatesChannelDifferenceEmpty{Final: true, Pts: hi})
			continue
		}
		d := &tg.UpdatesChannelDifference{Final: final, Pts: hi}
		for id := q.Pts + 1; id <= hi; id++ {
			d.NewMessages = append(d.NewMessages, channelMessage(rejoinCh, id))
		}
		m.h.channelDifference(rejoinCh, d)
	}
	return op
}

// restart replaces the Box by the next one with the saved pts and the memo. cut undoes the
// last push or drop: not handed over, not saved, its pushes in the Leftovers.
func (m *rejoinModel) restart(cut bool) string {
	op := "restart"
	var left []tg.UpdatesClass
	if cut {
		op += fmt.Sprintf(" cut%v", m.lastGot)
		for _, g := range m.lastGot {
			delete(m.seen, g)
		}
		if m.lastKind == "drop" {
			m.h.b.undrop(rejoinCh) // as keep does
			for _, g := range m.lastGot {
				var id int32
				fmt.Sscanf(g, "ch9/%d", &id)
				left = append(left, chPush(rejoinCh, id))
			}
		} else {
			left = append(left, m.lastPush)
		}
	}
	st, _ := m.h.b.State()
	saved := &Saved{State: st}
	for id, c := range m.h.b.channels {
		if !cut || id != rejoinCh {
			saved.Channels = append(saved.Channels, ChannelPts{ChannelID: id, Pts: c.seq.pts, Named: c.guess})
		}
	}
	if cut && m.lastTrack {
		saved.Channels = append(saved.Channels, ChannelPts{ChannelID: rejoinCh, Pts: m.lastPts})
	}
	next := newHarness(m.t, m.cfg)
	next.now = m.h.now
	next.record(next.b.Start(next.now, saved))
	next.must(next.b.ApplyDifference(next.now, &tg.UpdatesDifferenceEmpty{Date: 1, Seq: st.Seq}))
	next.record(next.b.restore(next.now, m.h.b.memo()))
	for _, u := range left {
		next.process(u)
	}
	next.reqs = slices.DeleteFunc(next.reqs, func(r Request) bool { return r.Kind != RequestChannelDifference })
	m.h = next
	return op
}

func runRejoinProperty(t *testing.T, seed uint64) {
	m := &rejoinModel{t: t, seed: seed, rng: rand.New(rand.NewPCG(seed, 11)), member: true,
		seen: map[string]bool{}, posted: map[int32]bool{}}
	// The sim's gaps and runs stay below MaxPending: a drop's run further up is not followed
	// (runsAbove), and a difference from below it may deliver it again.
	m.cfg = Config{MaxPending: 64}
	m.h = newHarness(t, m.cfg)
	m.h.start(State{Pts: 1, Qts: 1, Seq: 1, Date: 1})
	junk, junkID := seed%5 == 4, int32(1<<20)
	rng := m.rng
	for step := 0; step < 300; step++ {
		var op, kind string
		var push tg.UpdatesClass
		c, was := m.tracked()
		pts := int32(0)
		if was {
			pts = c.seq.pts
		}
		process := func(u tg.UpdatesClass) { kind, push = "push", u; m.h.process(u) }
		switch r := rng.IntN(24); {
		case r < 7: // a new post
			m.top++
			op = fmt.Sprintf("post %d", m.top)
			if !m.member {
				break
			}
			m.posted[m.top] = true
			switch rng.IntN(10) {
			case 0: // lost
			case 1, 2, 3:
				m.late = append(m.late, m.top)
			case 4:
				m.late = append(m.late, m.top)
				process(chPush(rejoinCh, m.top))
			default:
				process(chPush(rejoinCh, m.top))
			}
		case r < 11: // a late push arrives, now and then to come again
			if len(m.late) > 0 {
				i := rng.IntN(len(m.late))
				p := m.late[i]
				if rng.IntN(4) != 0 {
					m.late = slices.Delete(m.late, i, i+1)
				}
				op = fmt.Sprintf("late %d", p)
				process(chPush(rejoinCh, p))
			}
		case r < 13:
			if next := m.h.b.NextDeadline(); !next.IsZero() && next.Before(m.h.now.Add(time.Minute)) {
				op = "deadline"
				m.h.fireDeadline()
			}
		case r < 16: // the server answers what was asked
			reqs := m.h.reqs
			m.h.reqs = nil
			op = m.answer(reqs)
			if len(reqs) == 1 && !m.member {
				kind = "drop"
			}
		case r < 17:
			m.member = !m.member
			op = fmt.Sprintf("member %v", m.member)
		case r < 18:
			if p := m.top - int32(rng.IntN(3)); p > 0 {
				op = fmt.Sprintf("too long %d", p)
				m.h.process(chTooLong(rejoinCh, p))
			}
		case r < 19: // the next Box, as at a reconnect
			m.check()
			op = m.restart(m.lastKind != "" && len(m.lastGot) > 0 && rng.IntN(2) == 0)
			was = false
		case r < 20:
			if junk && m.member {
				junkID++
				p := m.top + int32(m.cfg.MaxPending) + int32(rng.IntN(1_000_000))
				op = fmt.Sprintf("junk %d", p)
				m.h.process(updates(0, chMsg(rejoinCh, junkID, p)))
			}
		default:
			m.h.advance(time.Second)
		}
		m.collect(was)
		if op != "" {
			m.history = append(m.history, fmt.Sprint(op, m.h.got))
			m.lastKind, m.lastPush, m.lastGot, m.lastPts, m.lastTrack = kind, push, slices.Clone(m.h.got), pts, was
		}
		m.check()
	}
	if !junk {
		m.settle()
	}
}

// settle makes the user a member, lets every late push arrive and the server answer until
// quiet, and checks that each post made while a member was delivered or reported lost, or
// lies where the channel was not tracked.
func (m *rejoinModel) settle() {
	m.member = true
	for _, p := range m.late {
		_, was := m.tracked()
		m.h.process(chPush(rejoinCh, p))
		m.history = append(m.history, fmt.Sprint("late ", p, m.h.got))
		m.collect(was)
		m.check()
	}
	for range 50 {
		_, was := m.tracked()
		if reqs := m.h.reqs; len(reqs) > 0 {
			m.h.reqs = nil
			m.history = append(m.history, fmt.Sprint("settle", m.answer(reqs), m.h.got))
		} else if !m.h.b.NextDeadline().IsZero() {
			m.h.fireDeadline()
		}
		m.collect(was)
		m.check()
	}
	if c, ok := m.tracked(); !ok || c.seq.pts != m.top {
		return
	}
	excused := append(slices.Clone(m.reported), m.untaken...)
	for p := int32(1); p <= m.top; p++ {
		if !m.posted[p] || m.seen[describe(chMsg(rejoinCh, p, p))] {
			continue
		}
		if !slices.ContainsFunc(excused, func(r ptsRange) bool { return p > r.lo && p <= r.hi }) {
			m.t.Fatalf("seed %d: post %d lost without a report; reported %v, untracked %v; history:\n%v",
				m.seed, p, m.reported, m.untaken, m.history)
		}
	}
}
