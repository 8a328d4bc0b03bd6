package updates

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestUnknownChannelTooLong: a difference names, with updateChannelTooLong at pts, a channel
// the Box has never seen an update of (its first message, whose push is on its way or lost).
// The message at pts is delivered once whatever comes first. Before the fix the Box tracked
// the channel at pts and fetched nothing, so a push read after the difference was dropped as
// a duplicate. That is the likely cause of a TestMonthsVirtualBotPFS failure under load: its
// first post (day 3) meets a lost push, and the reconnect's difference can name the
// supergroup before its first message's push is read.
func TestUnknownChannelTooLong(t *testing.T) {
	const ch = 9
	for _, tc := range []struct {
		name      string
		pts       int32
		push      bool // the channel's push comes at all
		pushFirst bool // it comes before the difference
		wantReqs  []Request
		want      []string // delivered
	}{
		{name: "push after the difference", pts: 5, push: true, wantReqs: []Request{chReq(ch, 4)}, want: []string{"ch9/1"}},
		{name: "push before the difference", pts: 5, push: true, pushFirst: true, want: []string{"ch9/1"}},
		{name: "push lost", pts: 5, wantReqs: []Request{chReq(ch, 4)}, want: []string{"ch9/1"}},
		// pts 1 is the channel's creation: nothing before it to fetch, nor a pts 0 to ask from.
		{name: "creation only", pts: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Config{})
			h.start(State{Pts: 1, Qts: 1, Seq: 1, Date: 1})
			h.process(&tg.UpdatesTooLong{}) // a reconnect: getDifference in flight
			h.reset()
			push := updates(0, chMsg(ch, 1, tc.pts))
			if tc.push && tc.pushFirst {
				h.process(push)
			}
			h.difference(&tg.UpdatesDifference{
				State:        tg.UpdatesState{Pts: 1, Qts: 1, Seq: 1, Date: 2},
				OtherUpdates: []tg.UpdateClass{&tg.UpdateChannelTooLong{ChannelID: ch, Pts: tl.Some(tc.pts)}},
			})
			if tc.push && !tc.pushFirst {
				h.process(push)
			}
			if diff := cmp.Diff(tc.wantReqs, h.reqs, cmpEmpty); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
			for range h.reqs {
				h.channelDifference(ch, &tg.UpdatesChannelDifference{
					Final: true, Pts: tc.pts, NewMessages: []tg.MessageClass{channelMessage(ch, 1)},
				})
			}
			h.expectDelivered(tc.want...)
			if pts, _ := h.b.ChannelPts(ch); pts != tc.pts {
				t.Errorf("channel pts %d, want %d", pts, tc.pts)
			}
		})
	}
}

// TestUnknownChannelSeveralPushes: a difference names an unknown channel with
// updateChannelTooLong at pts 7, and pushes of its updates 5, 6 and 7 (some of them, in
// some order) arrive before its channel difference is answered. The Box tracked the channel
// at 6 and fetched from there, so pushes below dropped as duplicates and updates between
// them were lost. The fetch now starts at the lowest pts-pts_count seen while the channel's
// start was a guess: every update from there is delivered once, in order. Updates never
// seen (5, when only 6 and 7 are pushed) stay unknown to the Box. A push that starts more
// than MaxPending (3 here) below 7 is no push on its way, yet it moved the start down all the
// same, so one bogus push could make the Box fetch and deliver a channel's whole history; it
// is now held and dropped as a duplicate, as for the account's first state
// (TestFarAnchorIgnored).
func TestUnknownChannelSeveralPushes(t *testing.T) {
	const ch, other = 9, 8
	top := map[int64]int32{ch: 7, other: 3} // each channel's pts at the server
	for _, tc := range []struct {
		name     string
		pushes   []int32 // pts of the pushes of ch, in the order they arrive
		queued   bool    // ch waits for a recovery slot while they arrive
		wantReqs []Request
		want     []string
	}{
		{name: "three in order", pushes: []int32{5, 6, 7}, wantReqs: []Request{chReq(ch, 6), chReq(ch, 4)},
			want: []string{"ch9/5", "ch9/6", "ch9/7"}},
		{name: "three reversed", pushes: []int32{7, 6, 5}, wantReqs: []Request{chReq(ch, 6), chReq(ch, 4)},
			want: []string{"ch9/5", "ch9/6", "ch9/7"}},
		{name: "first of three, two lost", pushes: []int32{5}, wantReqs: []Request{chReq(ch, 6), chReq(ch, 4)},
			want: []string{"ch9/5", "ch9/6", "ch9/7"}},
		{name: "middle one lost", pushes: []int32{7, 5}, wantReqs: []Request{chReq(ch, 6), chReq(ch, 4)},
			want: []string{"ch9/5", "ch9/6", "ch9/7"}},
		{name: "two of three, first never seen", pushes: []int32{6, 7}, wantReqs: []Request{chReq(ch, 6), chReq(ch, 5)},
			want: []string{"ch9/6", "ch9/7"}},
		{name: "last only", pushes: []int32{7}, wantReqs: []Request{chReq(ch, 6)}, want: []string{"ch9/7"}},
		{name: "none", wantReqs: []Request{chReq(ch, 6)}, want: []string{"ch9/7"}},
		{name: "queued", pushes: []int32{6, 5}, queued: true,
			wantReqs: []Request{chReq(other, 1), chReq(ch, 4)}, want: []string{"ch8/2", "ch8/3", "ch9/5", "ch9/6", "ch9/7"}},
		{name: "far below", pushes: []int32{3}, wantReqs: []Request{chReq(ch, 6)}, want: []string{"ch9/7"}},
		{name: "far one dropped, near one kept", pushes: []int32{3, 5}, wantReqs: []Request{chReq(ch, 6), chReq(ch, 4)},
			want: []string{"ch9/5", "ch9/6", "ch9/7"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Config{MaxChannelRecoveries: 1, MaxPending: 3})
			h.start(State{Pts: 1, Qts: 1, Seq: 1, Date: 1})
			if tc.queued { // the only slot goes to another channel's difference
				h.process(updates(0, chMsg(other, 1, 1)))
				h.process(updates(0, &tg.UpdateChannelTooLong{ChannelID: other, Pts: tl.Some(top[other])}))
			}
			h.process(&tg.UpdatesTooLong{}) // a reconnect: getDifference in flight
			h.reset()
			if tc.queued {
				h.reqs = []Request{chReq(other, 1)} // sent before the reset
			}
			h.difference(&tg.UpdatesDifference{
				State:        tg.UpdatesState{Pts: 1, Qts: 1, Seq: 1, Date: 2},
				OtherUpdates: []tg.UpdateClass{&tg.UpdateChannelTooLong{ChannelID: ch, Pts: tl.Some(top[ch])}},
			})
			for _, pts := range tc.pushes {
				h.process(updates(0, chMsg(ch, pts, pts)))
			}
			var reqs []Request
			for len(h.reqs) > 0 { // the server answers each request with what follows its pts
				r := h.reqs[0]
				h.reqs = h.reqs[1:]
				reqs = append(reqs, r)
				d := &tg.UpdatesChannelDifference{Final: true, Pts: top[r.ChannelID]}
				for id := r.Pts + 1; id <= top[r.ChannelID]; id++ {
					d.NewMessages = append(d.NewMessages, channelMessage(r.ChannelID, id))
				}
				h.channelDifference(r.ChannelID, d)
			}
			if diff := cmp.Diff(tc.wantReqs, reqs, cmpEmpty); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
			h.expectDelivered(tc.want...)
			if pts, _ := h.b.ChannelPts(ch); pts != top[ch] {
				t.Errorf("channel pts %d, want %d", pts, top[ch])
			}
		})
	}
}
