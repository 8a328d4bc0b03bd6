package updates

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestRejoinedChannelStalePush: channel 9 delivered its updates 10 and 11, then was dropped
// (the user left or was kicked: CHANNEL_PRIVATE) and its state forgotten. Rejoined, it
// comes back as a push or as updateChannelTooLong, and a push of 10 or 11 delayed on the
// network arrives too. The Box started tracking an unknown channel at any push, so a stale
// one first after the drop was delivered again, and one below a guessed start moved the
// fetch down to re-deliver 10 and 11; a stale updateChannelTooLong tracked it from 9. The
// Box now remembers the pts a channel was dropped at: an update of it at or below that pts
// is a duplicate, and a guess never starts below it. An update that reaches past it is
// still delivered, so nothing is lost (one that also covers older pts may repeat those).
func TestRejoinedChannelStalePush(t *testing.T) {
	const ch = 9
	push := func(pts int32) tg.UpdatesClass { return updates(0, chMsg(ch, pts, pts)) }
	tooLong := func(pts int32) tg.UpdatesClass {
		return updates(0, &tg.UpdateChannelTooLong{ChannelID: ch, Pts: tl.Some(pts)})
	}
	for _, tc := range []struct {
		name     string
		held     []int32           // pushes held after 11 (after a gap), delivered at the drop
		top      int32             // the channel's pts at the server after the rejoin
		after    []tg.UpdatesClass // what arrives after the drop, in order
		wantReqs []Request
		want     []string
	}{
		{name: "stale push first", top: 12, after: []tg.UpdatesClass{push(11), push(12)}, want: []string{"ch9/12"}},
		{name: "stale pushes around a new one", top: 12, after: []tg.UpdatesClass{push(10), push(12), push(11)},
			want: []string{"ch9/12"}},
		{name: "too long, then a stale push", top: 13, after: []tg.UpdatesClass{tooLong(13), push(10)},
			wantReqs: []Request{chReq(ch, 12)}, want: []string{"ch9/13"}},
		{name: "too long, a stale push, a new one", top: 14, after: []tg.UpdatesClass{tooLong(14), push(11), push(13)},
			wantReqs: []Request{chReq(ch, 13), chReq(ch, 12)}, want: []string{"ch9/13", "ch9/14"}},
		{name: "too long, the first update after the drop", top: 14, after: []tg.UpdatesClass{tooLong(14), push(12)},
			wantReqs: []Request{chReq(ch, 13), chReq(ch, 11)}, want: []string{"ch9/12", "ch9/13", "ch9/14"}},
		{name: "stale too long", top: 11, after: []tg.UpdatesClass{tooLong(11)}},
		{name: "one past the drop", top: 12,
			after: []tg.UpdatesClass{updates(0, &tg.UpdateDeleteChannelMessages{ChannelID: ch, Messages: []int32{12}, Pts: 12, PtsCount: 2})},
			want:  []string{"updateDeleteChannelMessages"}},
		// pts_count 0 at the pts of the drop moves nothing and is new, as check applies it
		// to a channel tracked at that pts; one below the drop is a duplicate.
		{name: "zero count at the drop", top: 11, after: []tg.UpdatesClass{
			updates(0, &tg.UpdateChannelWebPage{ChannelID: ch, Webpage: &tg.WebPageEmpty{ID: 1}, Pts: 10, PtsCount: 0}),
			updates(0, &tg.UpdateChannelWebPage{ChannelID: ch, Webpage: &tg.WebPageEmpty{ID: 2}, Pts: 11, PtsCount: 0})},
			want: []string{"updateChannelWebPage"}},
		// A push held after a gap is delivered at the drop. Its pts may be far ahead of the
		// channel's (a bogus one): the rejoined channel's updates below it are not stale,
		// only the updates delivered are.
		{name: "far-ahead held push, rejoin push", held: []int32{100000}, top: 13,
			after: []tg.UpdatesClass{push(12), push(13)}, want: []string{"ch9/12", "ch9/13"}},
		{name: "far-ahead held push, rejoin too long", held: []int32{100000}, top: 14,
			after: []tg.UpdatesClass{tooLong(14)}, wantReqs: []Request{chReq(ch, 13)}, want: []string{"ch9/14"}},
		{name: "held after a gap, late pushes", held: []int32{13, 14}, top: 15,
			after: []tg.UpdatesClass{push(13), push(14), push(11), push(15)}, want: []string{"ch9/15"}},
		{name: "held after two gaps, late pushes", held: []int32{16, 13, 14}, top: 17,
			after: []tg.UpdatesClass{push(13), push(16), push(10), push(17)}, want: []string{"ch9/17"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := dropAfterHeld(t, Config{MaxPending: 5}, ch, tc.held...)
			for _, u := range tc.after {
				h.process(u)
			}
			expectAnswered(h, answerChannel(h, ch, tc.top), tc.wantReqs, tc.want)
		})
	}
}

// TestRejoinAfterRestoredDrop: the drop of channel 9 that delivered a held push far ahead
// (pts 100000) is handed to the next Box with the memo. There, as in the Box that dropped
// it, the rejoined channel's pushes below that pts are delivered, late ones of what was
// delivered are not.
func TestRejoinAfterRestoredDrop(t *testing.T) {
	const ch = 9
	push := func(pts int32) tg.UpdatesClass { return updates(0, chMsg(ch, pts, pts)) }
	last := newHarness(t, Config{})
	last.start(State{Pts: 1, Qts: 1, Seq: 1, Date: 1})
	last.process(push(10))
	last.process(push(100000))
	last.record(last.b.DropChannel(last.now, ch, "CHANNEL_PRIVATE"))

	h := newHarness(t, Config{})
	h.start(State{Pts: 1, Qts: 1, Seq: 1, Date: 1})
	h.record(h.b.restore(h.now, last.b.memo()))
	for _, p := range []int32{10, 100000, 11, 12} {
		h.process(push(p))
	}
	h.expectDelivered("ch9/11", "ch9/12")
	checkInvariants(t, h.b)
}

// TestRejoinLateGapPush: channel 9 delivered 10 and 11, held 13 after a gap and was dropped,
// which delivered 13 and reported 12 lost. 12 came late (an honest server's push delayed on
// the network), which starts the channel at 12; tracked there, its next push, 14, was a gap
// whose difference delivered 13 again. The channel now starts at the end of the run the
// drop delivered from 12 on, so 14 follows it. A late push that does not reach that run (12
// of a gap of 12 and 13) still starts the channel below it.
func TestRejoinLateGapPush(t *testing.T) {
	const ch = 9
	push := func(pts int32) tg.UpdatesClass { return updates(0, chMsg(ch, pts, pts)) }
	for _, tc := range []struct {
		name  string
		held  []int32
		after []int32
		top   int32
		want  []string
	}{
		{name: "gap of one", held: []int32{13}, after: []int32{12, 14}, top: 14,
			want: []string{"ch9/12", "ch9/14"}},
		{name: "gap of one, run of two", held: []int32{13, 14}, after: []int32{12, 15}, top: 15,
			want: []string{"ch9/12", "ch9/15"}},
		{name: "second gap", held: []int32{13, 15}, after: []int32{14, 16}, top: 16,
			want: []string{"ch9/14", "ch9/16"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := dropAfterHeld(t, Config{MaxPending: 5}, ch, tc.held...)
			for _, p := range tc.after {
				h.process(push(p))
			}
			for i := 0; i < 3 && !h.b.NextDeadline().IsZero() && len(h.reqs) == 0; i++ {
				h.fireDeadline()
			}
			for _, r := range h.reqs {
				if r.ChannelID != ch {
					continue
				}
				d := &tg.UpdatesChannelDifference{Final: true, Pts: tc.top}
				for id := r.Pts + 1; id <= tc.top; id++ {
					d.NewMessages = append(d.NewMessages, channelMessage(ch, id))
				}
				h.channelDifference(ch, d)
			}
			h.expectDelivered(tc.want...)
		})
	}
}

// TestDropRunsBounded: a drop keeps the runs of pts it delivered, one per gap among the held
// updates, and a server that pushed every other pts made a thousand of them per drop, kept
// for each of the thousand drops remembered: 8 MB. A drop now keeps at most maxDropRuns: the
// first (up to the channel's pts before the held updates) and the last ones. A late push of
// a run it forgot is delivered again, never lost; one of a run it kept is not.
func TestDropRunsBounded(t *testing.T) {
	const ch, n = 9, 200
	push := func(pts int32) tg.UpdatesClass { return updates(0, chMsg(ch, pts, pts)) }
	held := make([]int32, n)
	for i := range held {
		held[i] = 13 + 2*int32(i)
	}
	top := held[n-1]
	h := dropAfterHeld(t, Config{MaxPending: 2 * n}, ch, held...)
	runs := h.b.gone[ch].runs
	if len(runs) > maxDropRuns || runs[0].to != 11 || runs[len(runs)-1] != (run{top - 1, top}) {
		t.Fatalf("%d runs, first %v, last %v; want at most %d, up to 11 first, (%d,%d] last",
			len(runs), runs[0], runs[len(runs)-1], maxDropRuns, top-1, top)
	}
	h.process(push(11))
	h.process(push(top))
	h.expectDelivered()
}

// dropAfterHeld returns a harness whose channel ch delivered its updates 10 and 11, held
// pushes at the pts held (after a gap) and was dropped, which delivered them: its record
// starts after the drop.
func dropAfterHeld(t *testing.T, cfg Config, ch int64, held ...int32) *harness {
	t.Helper()
	h := newHarness(t, cfg)
	h.start(State{Pts: 1, Qts: 1, Seq: 1, Date: 1})
	for _, p := range append([]int32{10, 11}, held...) {
		h.process(updates(0, chMsg(ch, p, p)))
	}
	h.record(h.b.DropChannel(h.now, ch, "CHANNEL_PRIVATE"))
	h.reset()
	return h
}

// TestRejoinPartialGap: channel 9 delivered 10 and 11, held pushes after a gap and was
// dropped, which delivered them and reported each gap before them lost. Rejoined, a late
// push filled only part of a gap (12 of 12 and 13), or updateChannelTooLong named a pts in
// one: the channel was tracked below the run the drop delivered above, and its difference,
// asked from there, delivered that run again (14 twice: a bot replies twice). The runs
// above now go with the channel: a push reaching one moves past it, a late push inside one
// is a duplicate, and a difference asked below them starts at the end of the last one,
// after the held updates below it are delivered (what it skips was delivered or reported
// lost at the drop).
func TestRejoinPartialGap(t *testing.T) {
	const ch = 9
	for _, tc := range []struct {
		name     string
		held     []int32
		after    []tg.UpdatesClass
		top      int32
		wantReqs []Request
		want     []string
	}{
		{name: "part of the gap, then a new gap", held: []int32{14}, top: 15,
			after: []tg.UpdatesClass{chPush(ch, 12), chPush(ch, 15)}, wantReqs: []Request{chReq(ch, 14)},
			want: []string{"ch9/12", "ch9/15"}},
		{name: "part of the gap, the rest late", held: []int32{14}, top: 15,
			after: []tg.UpdatesClass{chPush(ch, 12), chPush(ch, 13), chPush(ch, 15)},
			want:  []string{"ch9/12", "ch9/13", "ch9/15"}},
		{name: "part of the gap, the run late too", held: []int32{14, 15}, top: 16,
			after: []tg.UpdatesClass{chPush(ch, 12), chPush(ch, 15), chPush(ch, 16)}, wantReqs: []Request{chReq(ch, 15)},
			want: []string{"ch9/12", "ch9/16"}},
		{name: "part of the gap, a late push between runs", held: []int32{14, 17}, top: 18,
			after: []tg.UpdatesClass{chPush(ch, 12), chPush(ch, 16), chPush(ch, 18)}, wantReqs: []Request{chReq(ch, 17)},
			want: []string{"ch9/12", "ch9/16", "ch9/18"}},
		{name: "too long at a run's start", held: []int32{14}, top: 15,
			after: []tg.UpdatesClass{chTooLong(ch, 13)}, wantReqs: []Request{chReq(ch, 14)},
			want: []string{"ch9/15"}},
		{name: "too long in a gap below two runs", held: []int32{14, 17}, top: 18,
			after: []tg.UpdatesClass{chTooLong(ch, 16)}, wantReqs: []Request{chReq(ch, 17)},
			want: []string{"ch9/18"}},
		{name: "run ending past MaxPending above the start", held: []int32{14, 15, 16, 17, 18}, top: 19,
			after: []tg.UpdatesClass{chPush(ch, 12), chPush(ch, 19)}, wantReqs: []Request{chReq(ch, 18)},
			want: []string{"ch9/12", "ch9/19"}},
		{name: "far-ahead run not followed", held: []int32{14, 100000}, top: 15,
			after: []tg.UpdatesClass{chPush(ch, 12), chPush(ch, 15)}, wantReqs: []Request{chReq(ch, 14)},
			want: []string{"ch9/12", "ch9/15"}},
		{name: "part of the gap, then too long", held: []int32{14}, top: 16,
			after: []tg.UpdatesClass{chPush(ch, 12), chTooLong(ch, 16)}, wantReqs: []Request{chReq(ch, 14)},
			want: []string{"ch9/12", "ch9/15", "ch9/16"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := dropAfterHeld(t, Config{MaxPending: 5}, ch, tc.held...)
			for _, u := range tc.after {
				h.process(u)
			}
			// Gap waits end; the idle checks (15 min) do not come.
			for next := h.b.NextDeadline(); len(h.reqs) == 0 && next.Before(h.now.Add(time.Minute)); next = h.b.NextDeadline() {
				h.fireDeadline()
			}
			expectAnswered(h, answerChannel(h, ch, tc.top), tc.wantReqs, tc.want)
		})
	}
}

// TestRedropBelowRuns: channel 9, rejoined at 12 below the run (13,14] of its first drop,
// holds 16 after a gap and is dropped again. It goes past the run first (13 was reported
// lost at the first drop), then delivers 16 after reporting 15 lost; late pushes up to 14
// are duplicates, and so is 16; 17 starts it again.
func TestRedropBelowRuns(t *testing.T) {
	const ch = 9
	h := dropAfterHeld(t, Config{MaxPending: 5}, ch, 14)
	h.process(chPush(ch, 12))
	h.process(chPush(ch, 16))
	h.record(h.b.DropChannel(h.now, ch, "CHANNEL_PRIVATE"))
	want := []Event{{Kind: EventDifferenceTooLong, Sequence: SequenceChannel, ChannelID: ch, Local: 14, Remote: 15,
		Reason: reasonDroppedGap}}
	if diff := cmp.Diff(want, h.eventsOf(EventDifferenceTooLong), cmpEmpty); diff != "" {
		t.Errorf("gap reports (-want +got):\n%s", diff)
	}
	for _, p := range []int32{13, 14, 16, 17} {
		h.process(chPush(ch, p))
	}
	h.expectDelivered("ch9/12", "ch9/16", "ch9/17")
	checkInvariants(t, h.b)
}

// chPush is a push of channel ch's message at pts.
func chPush(ch int64, pts int32) tg.UpdatesClass { return updates(0, chMsg(ch, pts, pts)) }

// chTooLong is an updateChannelTooLong of channel ch naming pts.
func chTooLong(ch int64, pts int32) tg.UpdatesClass {
	return updates(0, &tg.UpdateChannelTooLong{ChannelID: ch, Pts: tl.Some(pts)})
}

// TestRejoinRunsHandedOver: channel 9, rejoined at 12 by a late push below the run (13,14] its
// drop delivered, is handed to the next Manager, as at every reconnect of the client. Saved at
// 12, its catch-up from there delivered 13 and 14 again; with the saved channels forgotten
// (NoCatchUp) a late push of 13 started it below 14, and a late 14 was delivered again. The
// memo now hands the runs above it over: the catch-up answer asked below them is asked again
// from their end, and a Box that does not track the channel remembers it as dropped with
// them.
func TestRejoinRunsHandedOver(t *testing.T) {
	const ch = 9
	for _, tc := range []struct {
		name     string
		saved    bool // the next Box loads the channel at 12 and catches it up
		after    []int32
		wantReqs []Request
		want     []string
	}{
		{name: "caught up", saved: true, wantReqs: []Request{chReq(ch, 12), chReq(ch, 14)}, want: []string{"ch9/15"}},
		{name: "not saved", after: []int32{13, 14, 15}, want: []string{"ch9/13", "ch9/15"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			last := dropAfterHeld(t, Config{MaxPending: 5}, ch, 14)
			last.process(chPush(ch, 12))
			last.expectDelivered("ch9/12")

			h := nextRun(t, last, ch, tc.saved)
			for _, p := range tc.after {
				h.process(chPush(ch, p))
			}
			expectAnswered(h, answerChannel(h, ch, 15), tc.wantReqs, tc.want)
		})
	}
}

// TestRejoinCutKeepsRuns: channel 9, rejoined at 12 below the run (13,14] its drop delivered
// and saved at 12, goes past the run (a late 13 reaches it, or a drop of the channel), and a
// stop cuts that Output before its commit is saved: the late 13 or the drop's held 16 goes on
// in the Leftovers. The memo named no run any more (or the undone drop none), so the next
// Box, at 12 or not tracking the channel, delivered 14 again. Cut in the Output of the late
// 12 itself, the memo named 12 delivered: the left-over 12 was dropped, never delivered. The
// memo now hands over the drop the channel was tracked again after.
func TestRejoinCutKeepsRuns(t *testing.T) {
	const ch = 9
	for _, tc := range []struct {
		name   string
		rejoin bool // the cut Output is the late 12's
		drop   bool // the cut Output drops the channel, delivering 16 held
		saved  bool // the next Box loads the channel at 12 and catches it up
		left   []int32
		after  []int32
		want   []string
	}{
		{name: "pass, caught up", saved: true, left: []int32{13}, want: []string{"ch9/13", "ch9/15", "ch9/16"}},
		{name: "pass, not saved", left: []int32{13}, after: []int32{14, 15}, want: []string{"ch9/13", "ch9/15"}},
		{name: "drop, caught up", drop: true, saved: true, left: []int32{16}, want: []string{"ch9/15", "ch9/16"}},
		{name: "rejoin", rejoin: true, left: []int32{12}, after: []int32{13, 14, 15}, want: []string{"ch9/12", "ch9/13", "ch9/15"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			last := dropAfterHeld(t, Config{MaxPending: 5}, ch, 14)
			last.process(chPush(ch, 12))
			last.expectDelivered("ch9/12")
			switch {
			case tc.rejoin:
			case tc.drop:
				last.process(chPush(ch, 16))
				last.record(last.b.DropChannel(last.now, ch, "CHANNEL_PRIVATE"))
				last.expectDelivered("ch9/16")
				last.b.undrop(ch) // as keep does for a drop not saved
			default:
				last.process(chPush(ch, 13))
				last.expectDelivered("ch9/13")
			}

			h := nextRun(t, last, ch, tc.saved)
			for _, p := range append(tc.left, tc.after...) {
				h.process(chPush(ch, p))
			}
			answerChannel(h, ch, 16)
			h.expectDelivered(tc.want...)
			checkInvariants(t, h.b)
		})
	}
}

// nextRun starts the Box of the next run after last (MaxPending 5): caught up, channel ch
// loaded at 12 when saved, then given last's memo.
func nextRun(t *testing.T, last *harness, ch int64, saved bool) *harness {
	t.Helper()
	h := newHarness(t, Config{MaxPending: 5})
	st := &Saved{State: State{Pts: 1, Qts: 1, Seq: 1, Date: 1}}
	if saved {
		st.Channels = []ChannelPts{{ChannelID: ch, Pts: 12}}
	}
	h.record(h.b.Start(h.now, st))
	h.must(h.b.ApplyDifference(h.now, &tg.UpdatesDifferenceEmpty{Date: 1, Seq: 1}))
	h.record(h.b.restore(h.now, last.b.memo()))
	return h
}
