package updates

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestServerStateBehind: a final answer whose state is below the local one (the server lost
// what it had sent, or a stale replica answered) was taken silently. The Box keeps its own
// value, so nothing delivered is delivered again and the next call starts from it, delivers
// the update held meanwhile, and now says so once with EventStateBehind (a Warn), not at
// every answer while the server stays behind.
func TestServerStateBehind(t *testing.T) {
	account := func(st tg.UpdatesState) func(h *harness) {
		return func(h *harness) { h.difference(&tg.UpdatesDifference{State: st}) }
	}
	accountAgain := func(h *harness) { h.record(h.b.Reconnected(h.now)) }
	tests := []struct {
		name   string
		push   tg.UpdatesClass  // arrives while the answer is on its way; follows the local state
		answer func(h *harness) // a final answer below the local state
		again  func(h *harness) // asks once more
		want   []string
		event  Event
		next   Request // the request again makes
		state  State
		pts    int32 // channel 7's
	}{
		{
			name:   "pts",
			push:   updates(0, msg(11, 11)),
			answer: account(tg.UpdatesState{Pts: 7, Qts: 5, Seq: 3, Date: 100}),
			again:  accountAgain,
			want:   []string{"msg11"},
			event:  Event{Kind: EventStateBehind, Sequence: SequencePts, Local: 10, Remote: 7},
			next:   Request{Kind: RequestDifference, Pts: 11, Qts: 5, Date: 100},
			state:  State{Pts: 11, Qts: 5, Seq: 3, Date: 100},
			pts:    50,
		},
		{
			name:   "qts",
			push:   updates(0, stopped(1, 6)),
			answer: account(tg.UpdatesState{Pts: 10, Qts: 2, Seq: 3, Date: 100}),
			again:  accountAgain,
			want:   []string{"stop1"},
			event:  Event{Kind: EventStateBehind, Sequence: SequenceQts, Local: 5, Remote: 2},
			next:   Request{Kind: RequestDifference, Pts: 10, Qts: 6, Date: 100},
			state:  State{Pts: 10, Qts: 6, Seq: 3, Date: 100},
			pts:    50,
		},
		{
			name: "seq",
			push: updates(4, typing(1)),
			answer: func(h *harness) {
				h.difference(&tg.UpdatesDifferenceEmpty{Seq: 1, Date: 100})
			},
			again: accountAgain,
			want:  []string{"typing1"},
			event: Event{Kind: EventStateBehind, Sequence: SequenceSeq, Local: 3, Remote: 1},
			next:  Request{Kind: RequestDifference, Pts: 10, Qts: 5, Date: 100},
			state: State{Pts: 10, Qts: 5, Seq: 4, Date: 100},
			pts:   50,
		},
		{
			name: "channel",
			push: updates(0, chMsg(7, 51, 51)),
			answer: func(h *harness) {
				h.channelDifference(7, &tg.UpdatesChannelDifferenceEmpty{Final: true, Pts: 40})
			},
			again: func(h *harness) {
				h.process(updates(0, &tg.UpdateChannelTooLong{ChannelID: 7, Pts: tl.Some[int32](60)}))
			},
			want:  []string{"ch7/51"},
			event: Event{Kind: EventStateBehind, Sequence: SequenceChannel, ChannelID: 7, Local: 50, Remote: 40},
			next:  Request{Kind: RequestChannelDifference, ChannelID: 7, Pts: 51, Limit: DefaultChannelDifferenceLimit},
			state: State{Pts: 10, Qts: 5, Seq: 3, Date: 100},
			pts:   51,
		},
	}
	behind := func(h *harness) []Event {
		out := h.eventsOf(EventStateBehind)
		h.events = nil
		return out
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Config{})
			startWithChannel(h) // catch-up: both differences in flight
			h.process(tt.push)
			h.expectDelivered()
			tt.answer(h)
			h.expectDelivered(tt.want...)
			if diff := cmp.Diff([]Event{tt.event}, behind(h), cmpEmpty); diff != "" {
				t.Errorf("first answer's events (-want +got):\n%s", diff)
			}
			h.expectState(tt.state)
			if pts, _ := h.b.ChannelPts(7); pts != tt.pts {
				t.Errorf("channel pts %d, want %d", pts, tt.pts)
			}
			h.reqs = nil
			tt.again(h)
			h.expectRequests(tt.next)
			tt.answer(h) // still behind: no second report, nothing delivered again
			h.expectDelivered()
			if got := behind(h); len(got) != 0 {
				t.Errorf("second answer behind reported again: %+v", got)
			}
			h.expectState(tt.state)
			if pts, _ := h.b.ChannelPts(7); pts != tt.pts {
				t.Errorf("channel pts %d after the second answer, want %d", pts, tt.pts)
			}
		})
	}
}

// TestGuessedChannelStateBehind: a channel first named by updateChannelTooLong at pts 7 is
// tracked from a guessed start below it (6, or lower when pushes below arrive). Its answers
// were compared with that start, so a server that named 7 and then answered at 6 (or at 5
// after a push moved the start to 4) was behind what it had said and went unreported. A
// final answer is now compared with the pts named; slices are not (they are steps on the
// way), and an answer at or past the pts named reports nothing.
func TestGuessedChannelStateBehind(t *testing.T) {
	const ch = 9
	behind := func(local, remote int32) []Event {
		return []Event{{Kind: EventStateBehind, Sequence: SequenceChannel, ChannelID: ch, Local: local, Remote: remote}}
	}
	final := func(pts int32) tg.UpdatesChannelDifferenceClass {
		return &tg.UpdatesChannelDifferenceEmpty{Final: true, Pts: pts}
	}
	for _, tc := range []struct {
		name    string
		pushes  []int32                            // pts of ch's pushes before any answer
		answers []tg.UpdatesChannelDifferenceClass // one per request, in order
		want    []Event
		pts     int32
	}{
		{name: "at the pts named", answers: []tg.UpdatesChannelDifferenceClass{final(7)}, pts: 7},
		{name: "past the pts named", answers: []tg.UpdatesChannelDifferenceClass{final(9)}, pts: 9},
		{name: "at the guessed start", answers: []tg.UpdatesChannelDifferenceClass{final(6)},
			want: behind(7, 6), pts: 6},
		{name: "between a lowered start and the pts named", pushes: []int32{5},
			answers: []tg.UpdatesChannelDifferenceClass{final(7), final(5)}, want: behind(7, 5), pts: 5},
		{name: "lowered start, answer at the pts named", pushes: []int32{5},
			answers: []tg.UpdatesChannelDifferenceClass{final(7), final(7)}, pts: 7},
		{name: "slice then final at the pts named", pushes: []int32{5},
			answers: []tg.UpdatesChannelDifferenceClass{final(7),
				&tg.UpdatesChannelDifference{Pts: 5, NewMessages: []tg.MessageClass{channelMessage(ch, 5)}},
				final(7)},
			pts: 7},
		{name: "slice then final below the pts named", pushes: []int32{5},
			answers: []tg.UpdatesChannelDifferenceClass{final(7),
				&tg.UpdatesChannelDifference{Pts: 5, NewMessages: []tg.MessageClass{channelMessage(ch, 5)}},
				final(6)},
			want: behind(7, 6), pts: 6},
		{name: "too long below the pts named", answers: []tg.UpdatesChannelDifferenceClass{
			&tg.UpdatesChannelDifferenceTooLong{Final: true, Dialog: &tg.Dialog{Peer: &tg.PeerChannel{ChannelID: ch}, Pts: tl.Some[int32](6)}}},
			want: behind(7, 6), pts: 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Config{MaxPending: 3})
			h.start(State{Pts: 1, Qts: 1, Seq: 1, Date: 1})
			h.process(&tg.UpdatesTooLong{}) // a reconnect: getDifference in flight
			h.reset()
			h.difference(&tg.UpdatesDifference{
				State:        tg.UpdatesState{Pts: 1, Qts: 1, Seq: 1, Date: 2},
				OtherUpdates: []tg.UpdateClass{&tg.UpdateChannelTooLong{ChannelID: ch, Pts: tl.Some[int32](7)}},
			})
			for _, pts := range tc.pushes {
				h.process(updates(0, chMsg(ch, pts, pts)))
			}
			h.events = nil
			for i, a := range tc.answers {
				if len(h.reqs) == 0 || h.reqs[0].ChannelID != ch {
					t.Fatalf("answer %d: no request of the channel in flight: %+v", i, h.reqs)
				}
				h.reqs = h.reqs[1:]
				h.channelDifference(ch, a)
			}
			if diff := cmp.Diff(tc.want, h.eventsOf(EventStateBehind), cmpEmpty); diff != "" {
				t.Errorf("behind events (-want +got):\n%s", diff)
			}
			if pts, _ := h.b.ChannelPts(ch); pts != tc.pts {
				t.Errorf("channel pts %d, want %d", pts, tc.pts)
			}
		})
	}
}
