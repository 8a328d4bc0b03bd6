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
