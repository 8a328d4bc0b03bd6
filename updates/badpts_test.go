package updates

import (
	"testing"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestImpossiblePtsMoveNothing: an update whose range would start below zero (a negative
// pts, a count past its pts) cannot stand in a sequence. It poisoned an unknown channel (its
// tracking began at a negative pts, so every real update after it waited for a difference
// the server cannot give) and, before the first state, moved the account's start to pts 0 (a
// difference of the whole history). It is delivered as an update without a sequence.
func TestImpossiblePtsMoveNothing(t *testing.T) {
	t.Run("unknown channel", func(t *testing.T) {
		h := newHarness(t, Config{})
		h.start(State{Pts: 10, Qts: 5, Seq: 3, Date: 100})
		h.process(updates(0, chMsg(7, 1, -5)))
		h.expectDelivered("ch7/1")
		if pts, ok := h.b.ChannelPts(7); ok {
			t.Errorf("channel tracked at pts %d", pts)
		}
		h.process(updates(0, chMsg(7, 2, 60)))
		h.process(updates(0, chMsg(7, 3, 61)))
		h.expectDelivered("ch7/2", "ch7/3")
		h.expectRequests()
	})
	for _, tt := range []struct {
		name string
		u    tg.UpdateClass
	}{
		{"count past pts before the state", del(3, 10, 1)},
		{"negative pts before the state", msg(1, -4)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Config{})
			h.process(updates(0, tt.u))
			h.must(h.b.ApplyState(h.now, &tg.UpdatesState{Pts: 100000, Qts: 5, Seq: 3, Date: 100}))
			h.expectRequests(Request{Kind: RequestState})
			h.expectState(State{Pts: 100000, Qts: 5, Seq: 3, Date: 100})
		})
	}
}

// TestFarAnchorIgnored: an update before the first state whose range starts far below the
// state (more than MaxPending) is no push still on its way; the account starts at the state
// rather than fetching that much history again.
func TestFarAnchorIgnored(t *testing.T) {
	h := newHarness(t, Config{})
	h.process(updates(0, del(100005, 5000, 1)))
	h.must(h.b.ApplyState(h.now, &tg.UpdatesState{Pts: 100000, Qts: 5, Seq: 3, Date: 100}))
	h.expectRequests(Request{Kind: RequestState})
	h.expectState(State{Pts: 100000, Qts: 5, Seq: 3, Date: 100})

	// Close below the state it still anchors.
	h = newHarness(t, Config{})
	h.process(updates(0, del(100005, 500, 1)))
	h.must(h.b.ApplyState(h.now, &tg.UpdatesState{Pts: 100000, Qts: 5, Seq: 3, Date: 100}))
	h.expectRequests(Request{Kind: RequestState}, Request{Kind: RequestDifference, Pts: 99505, Qts: 5, Date: 100})
}
