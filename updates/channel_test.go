package updates

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func chReq(ch int64, pts int32) Request {
	return Request{Kind: RequestChannelDifference, ChannelID: ch, Pts: pts, Limit: DefaultChannelDifferenceLimit}
}

func TestChannelSequence(t *testing.T) {
	h := newHarness(t, Config{})
	h.start(State{Pts: 1, Qts: 1, Seq: 1, Date: 1})

	// The first update of an unknown channel starts tracking it.
	h.process(updates(0, chMsg(7, 1, 100)))
	h.expectDelivered("ch7/1")
	if pts, _ := h.b.ChannelPts(7); pts != 100 {
		t.Fatalf("channel pts %d, want 100", pts)
	}
	h.process(updates(0, chMsg(7, 1, 100), chMsg(7, 2, 101)))
	h.expectDelivered("ch7/2")

	// A gap waits, then asks for the channel's difference.
	h.process(updates(0, chMsg(7, 5, 104)))
	h.expectEvents(EventGap)
	h.advance(600 * time.Millisecond)
	h.expectRequests(chReq(7, 101))
	h.expectEvents(EventRecoveryStarted)

	// Held during the recovery.
	h.process(updates(0, chMsg(7, 6, 105)))
	h.expectDelivered()

	h.channelDifference(7, &tg.UpdatesChannelDifference{
		Pts:         103,
		NewMessages: []tg.MessageClass{channelMessage(7, 3)},
	})
	h.expectDelivered("ch7/3")
	h.expectRequests(chReq(7, 103))
	h.channelDifference(7, &tg.UpdatesChannelDifference{
		Final:        true,
		Pts:          104,
		NewMessages:  []tg.MessageClass{channelMessage(7, 4), channelMessage(7, 5)},
		OtherUpdates: []tg.UpdateClass{&tg.UpdateChannelTooLong{ChannelID: 7}},
	})
	h.expectDelivered("ch7/4", "ch7/5", "ch7/6")
	h.expectRequests()
	h.expectEvents(EventRecoveryFinished)
	if pts, _ := h.b.ChannelPts(7); pts != 105 {
		t.Fatalf("channel pts %d, want 105", pts)
	}

	// updateChannelTooLong with a newer pts asks for the difference; with an old one it does not.
	h.process(updates(0, &tg.UpdateChannelTooLong{ChannelID: 7, Pts: tl.Some[int32](105)}))
	h.expectRequests()
	h.process(updates(0, &tg.UpdateChannelTooLong{ChannelID: 7, Pts: tl.Some[int32](110)}))
	h.expectRequests(chReq(7, 105))
	h.channelDifference(7, &tg.UpdatesChannelDifferenceTooLong{
		Final:    true,
		Dialog:   &tg.Dialog{Peer: &tg.PeerChannel{ChannelID: 7}, Pts: tl.Some[int32](200)},
		Messages: []tg.MessageClass{channelMessage(7, 99)},
	})
	h.expectDelivered("ch7/99")
	h.expectEvents(EventRecoveryStarted, EventDifferenceTooLong, EventRecoveryFinished)
	if pts, _ := h.b.ChannelPts(7); pts != 200 {
		t.Fatalf("channel pts %d, want 200", pts)
	}

	// An idle channel is checked after ChannelIdle.
	h.advance(14 * time.Minute)
	h.expectRequests()
	h.advance(2 * time.Minute)
	h.expectRequests(Request{Kind: RequestDifference, Pts: 1, Qts: 1, Date: 100}, chReq(7, 200))
	h.difference(&tg.UpdatesDifferenceEmpty{Date: 100, Seq: 1})
	h.channelDifference(7, &tg.UpdatesChannelDifferenceEmpty{Final: true, Pts: 200})
	h.expectDelivered()
}

func TestChannelRecoveryConcurrency(t *testing.T) {
	h := newHarness(t, Config{MaxChannelRecoveries: 3})
	h.start(State{Pts: 1, Qts: 1, Seq: 1, Date: 1})
	for ch := int64(1); ch <= 5; ch++ {
		h.process(updates(0, chMsg(ch, 1, 10)))
	}
	h.reset()
	for ch := int64(1); ch <= 5; ch++ {
		h.process(updates(0, &tg.UpdateChannelTooLong{ChannelID: ch}))
	}
	h.expectRequests(chReq(1, 10), chReq(2, 10), chReq(3, 10))
	if h.b.inflight != 3 || len(h.b.queue) != 2 {
		t.Fatalf("inflight %d queue %v", h.b.inflight, h.b.queue)
	}
	// A finished recovery hands its slot to the next in line.
	h.channelDifference(2, &tg.UpdatesChannelDifferenceEmpty{Final: true, Pts: 10})
	h.expectRequests(chReq(4, 10))
	// A failed one backs off and frees its slot too.
	h.must(h.b.RequestFailed(h.now, chReq(1, 10), errors.New("timeout")), nil)
	h.expectRequests(chReq(5, 10))
	// A dropped one frees its slot, which nobody waits for.
	h.record(h.b.DropChannel(h.now, 3, "CHANNEL_PRIVATE"))
	h.expectRequests()
	if h.b.inflight != 2 {
		t.Fatalf("inflight %d, want 2", h.b.inflight)
	}
	// The failed one is repeated after the backoff.
	h.advance(time.Second)
	h.expectRequests(chReq(1, 10))
	if h.b.inflight != 3 {
		t.Fatalf("inflight %d, want 3", h.b.inflight)
	}
}

func TestDropChannel(t *testing.T) {
	h := newHarness(t, Config{})
	h.start(State{Pts: 1, Qts: 1, Seq: 1, Date: 1})
	h.process(updates(0, chMsg(9, 1, 10)))
	h.process(updates(0, chMsg(9, 3, 12)))
	h.reset()
	h.record(h.b.DropChannel(h.now, 9, "CHANNEL_PRIVATE"))
	// The held update goes, after the gap it waited for (TestDropChannelDeliversHeld).
	h.expectDelivered("ch9/3")
	h.expectEvents(EventDifferenceTooLong, EventChannelDropped)
	want := []Commit{{Channels: []ChannelPts{{ChannelID: 9, Pts: 12, Removed: true}}}}
	if diff := cmp.Diff(want, h.commits); diff != "" {
		t.Errorf("commits (-want +got):\n%s", diff)
	}
	if _, ok := h.b.ChannelPts(9); ok {
		t.Error("channel still tracked")
	}
	if h.b.pendingTotal != 0 {
		t.Errorf("pendingTotal %d after drop", h.b.pendingTotal)
	}
	// Answers for it are ignored.
	h.reset()
	h.channelDifference(9, &tg.UpdatesChannelDifferenceEmpty{Final: true, Pts: 50})
	h.expectDelivered()
	h.expectEvents()
}

func TestLearnAccessHash(t *testing.T) {
	h := newHarness(t, Config{})
	h.start(State{Pts: 1, Qts: 1, Seq: 1, Date: 1})
	h.process(&tg.Updates{
		Updates: []tg.UpdateClass{chMsg(4, 1, 10)},
		Chats:   []tg.ChatClass{&tg.Channel{ID: 4, AccessHash: tl.Some[int64](77)}, &tg.Channel{ID: 5, AccessHash: tl.Some[int64](1)}},
	})
	if hash, ok := h.b.ChannelAccessHash(4); !ok || hash != 77 {
		t.Fatalf("hash %d %v", hash, ok)
	}
	if _, ok := h.b.ChannelAccessHash(5); ok {
		t.Fatal("hash of an untracked channel kept")
	}
	got := chReq(4, 10).ChannelDifference(77)
	want := &tg.UpdatesGetChannelDifferenceRequest{
		Channel: &tg.InputChannel{ChannelID: 4, AccessHash: 77},
		Filter:  &tg.ChannelMessagesFilterEmpty{},
		Pts:     10,
		Limit:   DefaultChannelDifferenceLimit,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
}
