package updates

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestRestoreChannelMemo: what a Box hands the next one of channels the Store cannot hold
// (memo, restore). The next Box starts from saved state (channel 9 saved or not), takes the
// memo, then pushes of channel 9 arrive, and the server answers every channel difference
// with what follows its pts, up to 7.
func TestRestoreChannelMemo(t *testing.T) {
	const ch = 9
	guess := func(start int32) channelMemo { return channelMemo{id: ch, pts: start, named: 7} }
	for _, tc := range []struct {
		name     string
		saved    []ChannelPts
		early    bool // the catch-up's answer comes before the memo
		memo     []channelMemo
		pushes   []int32
		wantReqs []Request
		want     []string
		lost     []Event // reported as EventDifferenceTooLong
	}{
		{name: "guess not saved", memo: []channelMemo{guess(5)}, pushes: []int32{5},
			wantReqs: []Request{chReq(ch, 5), chReq(ch, 4)}, want: []string{"ch9/5", "ch9/6", "ch9/7"}},
		{name: "guess saved higher", saved: []ChannelPts{{ChannelID: ch, Pts: 6}}, memo: []channelMemo{guess(4)},
			wantReqs: []Request{chReq(ch, 6), chReq(ch, 4)}, want: []string{"ch9/5", "ch9/6", "ch9/7"}},
		{name: "guess saved, a push below", saved: []ChannelPts{{ChannelID: ch, Pts: 6}}, memo: []channelMemo{guess(6)},
			pushes: []int32{6}, wantReqs: []Request{chReq(ch, 6), chReq(ch, 5)}, want: []string{"ch9/6", "ch9/7"}},
		{name: "catch-up delivered first", saved: []ChannelPts{{ChannelID: ch, Pts: 6}}, early: true,
			memo: []channelMemo{guess(4)}, pushes: []int32{5}, wantReqs: []Request{chReq(ch, 6)}, want: []string{"ch9/7"},
			lost: []Event{{Kind: EventDifferenceTooLong, Sequence: SequenceChannel, ChannelID: ch, Local: 4, Remote: 6,
				Reason: reasonLateMemo}}},
		{name: "catch-up delivered first, start not lowered", saved: []ChannelPts{{ChannelID: ch, Pts: 6}}, early: true,
			memo: []channelMemo{guess(6)}, wantReqs: []Request{chReq(ch, 6)}, want: []string{"ch9/7"}},
		{name: "far below the pts named", memo: []channelMemo{{id: ch, pts: 2, named: 7}}, pushes: []int32{7},
			want: []string{"ch9/7"}},
		{name: "dropped", memo: []channelMemo{{id: ch, pts: 6}}, pushes: []int32{6, 7}, want: []string{"ch9/7"}},
		{name: "dropped, since saved", saved: []ChannelPts{{ChannelID: ch, Pts: 3}}, memo: []channelMemo{{id: ch, pts: 6}},
			wantReqs: []Request{chReq(ch, 3)}, want: []string{"ch9/4", "ch9/5", "ch9/6", "ch9/7"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Config{MaxPending: 3})
			h.record(h.b.Start(h.now, &Saved{State: State{Pts: 1, Qts: 1, Seq: 1, Date: 1}, Channels: tc.saved}))
			h.must(h.b.ApplyDifference(h.now, &tg.UpdatesDifferenceEmpty{Date: 1, Seq: 1}))
			var reqs []Request
			if tc.early {
				reqs = answerChannel(h, ch, 7)
			}
			h.record(h.b.restore(h.now, tc.memo))
			for _, pts := range tc.pushes {
				h.process(updates(0, chMsg(ch, pts, pts)))
			}
			reqs = append(reqs, answerChannel(h, ch, 7)...)
			expectRecovery(h, reqs, tc.wantReqs, tc.want, tc.lost)
		})
	}
}

// TestRestoreMemoAfterOwnDrop: a memo reaches a Box that has run its own catch-up of channel
// 9 (saved at 5) and dropped it since. Each side knows a pts up to which the channel's updates
// were delivered; the restore keeps the higher one, so a late push of the newer Box's share
// is not delivered again and a guess never starts below it. The saved 5 is no such pts when
// the memo guessed below it (the first Box's lowered start was not saved): a Box that
// delivered nothing past it follows the guess; one that did reports the updates between lost,
// as when its catch-up delivered before the memo came (TestRestoreChannelMemo).
func TestRestoreMemoAfterOwnDrop(t *testing.T) {
	const ch = 9
	lost := func(from int32) []Event {
		return []Event{{Kind: EventDifferenceTooLong, Sequence: SequenceChannel, ChannelID: ch, Local: from, Remote: 5,
			Reason: reasonLateMemo}}
	}
	for _, tc := range []struct {
		name     string
		caught   int32 // the catch-up's answer brings channel 9 from 5 to here, then it is dropped
		memo     channelMemo
		pushes   []int32
		wantReqs []Request
		want     []string // after the drop; the server's channel 9 is at 7
		lost     []Event  // reported as EventDifferenceTooLong
	}{
		{name: "guess below the saved start, nothing delivered", caught: 5, memo: channelMemo{id: ch, pts: 3, named: 7},
			wantReqs: []Request{chReq(ch, 3)}, want: []string{"ch9/4", "ch9/5", "ch9/6", "ch9/7"}},
		{name: "guess below the saved start, a push below it", caught: 5, memo: channelMemo{id: ch, pts: 4, named: 7},
			pushes: []int32{5}, wantReqs: []Request{chReq(ch, 4)}, want: []string{"ch9/5", "ch9/6", "ch9/7"}},
		{name: "guess below the drop", caught: 6, memo: channelMemo{id: ch, pts: 3, named: 7},
			wantReqs: []Request{chReq(ch, 6)}, want: []string{"ch9/7"}, lost: lost(3)},
		{name: "guess at the saved start, below the drop", caught: 6, memo: channelMemo{id: ch, pts: 5, named: 7},
			pushes: []int32{6}, wantReqs: []Request{chReq(ch, 6)}, want: []string{"ch9/7"}},
		{name: "dropped lower before", caught: 7, memo: channelMemo{id: ch, pts: 6}, pushes: []int32{7, 8},
			want: []string{"ch9/8"}},
		{name: "dropped higher before", caught: 6, memo: channelMemo{id: ch, pts: 7}, pushes: []int32{7, 8},
			want: []string{"ch9/8"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Config{})
			h.record(h.b.Start(h.now, &Saved{State: State{Pts: 1, Qts: 1, Seq: 1, Date: 1},
				Channels: []ChannelPts{{ChannelID: ch, Pts: 5}}}))
			h.must(h.b.ApplyDifference(h.now, &tg.UpdatesDifferenceEmpty{Date: 1, Seq: 1}))
			answerChannel(h, ch, tc.caught)
			h.record(h.b.DropChannel(h.now, ch, "CHANNEL_PRIVATE"))
			h.reset()

			h.record(h.b.restore(h.now, []channelMemo{tc.memo}))
			for _, pts := range tc.pushes {
				h.process(updates(0, chMsg(ch, pts, pts)))
			}
			reqs := answerChannel(h, ch, 7)
			expectRecovery(h, reqs, tc.wantReqs, tc.want, tc.lost)
		})
	}
}

// answerChannel answers every channel difference h was asked for, in turn, with the updates
// of channel ch after the request's pts up to top, and returns those requests.
func answerChannel(h *harness, ch int64, top int32) []Request {
	h.t.Helper()
	var reqs []Request
	for len(h.reqs) > 0 {
		r := h.reqs[0]
		h.reqs = h.reqs[1:]
		if r.Kind != RequestChannelDifference {
			continue
		}
		reqs = append(reqs, r)
		d := &tg.UpdatesChannelDifference{Final: true, Pts: max(top, r.Pts)}
		for id := r.Pts + 1; id <= top; id++ {
			d.NewMessages = append(d.NewMessages, channelMessage(ch, id))
		}
		h.channelDifference(ch, d)
	}
	return reqs
}

// TestForgetGuesses: a Manager with NoCatchUp restores no guessed start, and keeps what the
// memo knows of delivered updates: a dropped channel's pts, a guessed channel's floor.
func TestForgetGuesses(t *testing.T) {
	got := forgetGuesses([]channelMemo{
		{id: 1, pts: 6},
		{id: 2, pts: 4, named: 7},
		{id: 3, pts: 5, named: 7, floor: 5},
	})
	want := []channelMemo{{id: 1, pts: 6}, {id: 3, pts: 5}}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(channelMemo{})); diff != "" {
		t.Errorf("memo kept (-want +got):\n%s", diff)
	}
}

// TestRestoreMemoOnOwnGuess: a memo reaches a running Box that met channel 9 by an
// updateChannelTooLong of its own and guesses its start too, its difference on the way.
// Neither Box delivered anything of the channel: the lower start holds, as for a push below
// the guess (lowerGuess), and the answer to the higher one is asked again from there.
func TestRestoreMemoOnOwnGuess(t *testing.T) {
	const ch = 9
	for _, tc := range []struct {
		name     string
		memo     channelMemo
		wantReqs []Request
		want     []string
	}{
		{name: "memo lower", memo: channelMemo{id: ch, pts: 4, named: 7},
			wantReqs: []Request{chReq(ch, 6), chReq(ch, 4)}, want: []string{"ch9/5", "ch9/6", "ch9/7"}},
		{name: "memo lower, at its floor", memo: channelMemo{id: ch, pts: 4, named: 7, floor: 4},
			wantReqs: []Request{chReq(ch, 6), chReq(ch, 4)}, want: []string{"ch9/5", "ch9/6", "ch9/7"}},
		{name: "memo higher", memo: channelMemo{id: ch, pts: 6, named: 7},
			wantReqs: []Request{chReq(ch, 6)}, want: []string{"ch9/7"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Config{})
			h.record(h.b.Start(h.now, &Saved{State: State{Pts: 1, Qts: 1, Seq: 1, Date: 1}}))
			h.must(h.b.ApplyDifference(h.now, &tg.UpdatesDifferenceEmpty{Date: 1, Seq: 1}))
			h.process(updates(0, &tg.UpdateChannelTooLong{ChannelID: ch, Pts: tl.Some[int32](7)}))
			h.record(h.b.restore(h.now, []channelMemo{tc.memo}))
			reqs := answerChannel(h, ch, 7)
			expectRecovery(h, reqs, tc.wantReqs, tc.want, nil)
		})
	}
}

// TestRestoreMemoOnOwnStart: a memo guesses channel 9's start at 4 (named at 7) and reaches a
// running Box that has no saved pts for it but began delivering it itself: from a push, or
// from an updateChannelTooLong of its own whose difference has come. The updates between
// the memo's start and the Box's own were delivered by neither Box; fetched now, they would
// reach the Handler after newer ones of the channel and with them again (a difference gives
// no pts per message), so they are reported lost. Updates above the Box's pts up to the pts
// named are fetched at once. The old code ignored such a memo: no report, no fetch.
func TestRestoreMemoOnOwnStart(t *testing.T) {
	const ch = 9
	lostFrom := func(from, to int32) []Event {
		return []Event{{Kind: EventDifferenceTooLong, Sequence: SequenceChannel, ChannelID: ch, Local: from, Remote: to,
			Reason: reasonLateMemo}}
	}
	lost := func(to int32) []Event { return lostFrom(4, to) }
	drop := func(h *harness) { h.record(h.b.DropChannel(h.now, ch, "CHANNEL_PRIVATE")) }
	push := func(pts int32) func(*harness) {
		return func(h *harness) { h.process(updates(0, chMsg(ch, pts, pts))) }
	}
	for _, tc := range []struct {
		name     string
		setup    func(*harness)
		wantReqs []Request
		want     []string // after the memo; the server's channel 9 is at 7
		lost     []Event
	}{
		{name: "own push above the memo's start", setup: push(8), lost: lost(7)},
		{name: "own push at the memo's start", setup: push(5),
			wantReqs: []Request{chReq(ch, 5)}, want: []string{"ch9/6", "ch9/7"}},
		{name: "own push below the memo's start", setup: push(3),
			wantReqs: []Request{chReq(ch, 3)}, want: []string{"ch9/4", "ch9/5", "ch9/6", "ch9/7"}},
		{name: "own guess answered", setup: func(h *harness) {
			h.process(updates(0, &tg.UpdateChannelTooLong{ChannelID: ch, Pts: tl.Some[int32](7)}))
			answerChannel(h, ch, 7)
		}, lost: lost(6)},
		{name: "own push, dropped", setup: func(h *harness) {
			push(8)(h)
			h.record(h.b.DropChannel(h.now, ch, "CHANNEL_PRIVATE"))
		}, lost: lost(7)},
		{name: "own push at the memo's start, dropped", setup: func(h *harness) {
			push(5)(h)
			h.record(h.b.DropChannel(h.now, ch, "CHANNEL_PRIVATE"))
		}, wantReqs: []Request{chReq(ch, 5)}, want: []string{"ch9/6", "ch9/7"}},
		// Delivered up to 5, dropped, met again by a push of 8: only 6 and 7 were delivered
		// by neither Box.
		{name: "delivered, dropped, own push above", setup: func(h *harness) {
			push(5)(h)
			drop(h)
			push(8)(h)
		}, lost: lostFrom(5, 7)},
		{name: "delivered, dropped, own push above, dropped", setup: func(h *harness) {
			push(5)(h)
			drop(h)
			push(8)(h)
			drop(h)
		}, lost: lostFrom(5, 7)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Config{})
			h.start(State{Pts: 1, Qts: 1, Seq: 1, Date: 1})
			tc.setup(h)
			h.reset()
			h.record(h.b.restore(h.now, []channelMemo{{id: ch, pts: 4, named: 7}}))
			reqs := answerChannel(h, ch, 7)
			expectRecovery(h, reqs, tc.wantReqs, tc.want, tc.lost)
		})
	}
}

// expectRecovery compares the channel differences h was asked for (reqs), the updates it
// delivered and the losses it reported (EventDifferenceTooLong) with the wanted ones, and
// checks the Box's invariants.
func expectRecovery(h *harness, reqs, wantReqs []Request, want []string, lost []Event) {
	h.t.Helper()
	expectAnswered(h, reqs, wantReqs, want)
	if diff := cmp.Diff(lost, h.eventsOf(EventDifferenceTooLong), cmpEmpty); diff != "" {
		h.t.Errorf("reported lost (-want +got):\n%s", diff)
	}
}

// expectAnswered compares the channel differences h was asked for (reqs) and the updates it
// delivered with the wanted ones, and checks the Box's invariants.
func expectAnswered(h *harness, reqs, wantReqs []Request, want []string) {
	h.t.Helper()
	if diff := cmp.Diff(wantReqs, reqs, cmpEmpty); diff != "" {
		h.t.Errorf("requests (-want +got):\n%s", diff)
	}
	h.expectDelivered(want...)
	checkInvariants(h.t, h.b)
}
