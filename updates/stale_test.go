package updates

import (
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// startWithChannel starts h's Box at pts 10, qts 5, seq 3, date 100, tracking channel 7 at
// pts 50: the state serveStill's server never moves from.
func startWithChannel(h *harness) {
	h.record(h.b.Start(h.now, &Saved{State: State{Pts: 10, Qts: 5, Seq: 3, Date: 100},
		Channels: []ChannelPts{{ChannelID: 7, Pts: 50}}}))
}

// serveStill answers every request of h with a server whose state never moves (pts 10, qts
// 5, seq 3; channel 7 at pts 50) for d, in steps of 100 ms, and returns how many calls it got.
func serveStill(h *harness, d time.Duration) int {
	calls := 0
	for end := h.now.Add(d); h.now.Before(end); {
		h.advance(100 * time.Millisecond)
		for len(h.reqs) > 0 {
			r := h.reqs[0]
			h.reqs = h.reqs[1:]
			calls++
			switch r.Kind {
			case RequestDifference:
				h.difference(&tg.UpdatesDifferenceEmpty{Date: 100, Seq: 3})
			case RequestChannelDifference:
				h.channelDifference(r.ChannelID, &tg.UpdatesChannelDifferenceEmpty{Final: true, Pts: 50})
			}
		}
	}
	return calls
}

// TestHeldPastServerStateBacksOff: an update held after a gap that the server's own final
// difference, asked after it arrived, does not reach (its pts, qts or seq is beyond anything
// the server has) made the Box ask for the difference again every gap wait, for ever. The
// waits now grow like a failed call's backoff; the update stays held, lost to nobody.
func TestHeldPastServerStateBacksOff(t *testing.T) {
	tests := []struct {
		name string
		in   tg.UpdatesClass
	}{
		{"pts", updates(0, msg(1, 1000))},
		{"qts", updates(0, stopped(1, 900))},
		{"seq", updates(100, typing(1))},
		{"channel", updates(0, chMsg(7, 1, 5000))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Config{})
			startWithChannel(h)
			serveStill(h, time.Second)
			h.process(tt.in)
			// RetryMin 1 s doubling to RetryMax 1 min: 1+1+2+...+32 s, then once a minute.
			if n := serveStill(h, 5*time.Minute); n > 12 {
				t.Errorf("%d calls in 5 minutes for one update past the server's state", n)
			}
		})
	}
}

// TestGapBelowStaleHeldWaitsUsualTime: while an update past the server's state keeps the
// waits long, a new gap below it is recovered after the usual gap wait.
func TestGapBelowStaleHeldWaitsUsualTime(t *testing.T) {
	h := newHarness(t, Config{})
	h.start(State{Pts: 10, Qts: 5, Seq: 3, Date: 100})
	h.process(updates(0, msg(1, 1000)))
	serveStill(h, 3*time.Minute)
	h.process(updates(0, msg(2, 12))) // pts 11 is missing
	h.advance(DefaultGapWait)
	h.expectRequests(Request{Kind: RequestDifference, Pts: 10, Qts: 5, Date: 100})
	h.difference(&tg.UpdatesDifference{
		NewMessages: []tg.MessageClass{message(3)},
		State:       tg.UpdatesState{Pts: 11, Qts: 5, Seq: 3, Date: 100},
	})
	h.expectDelivered("msg3", "msg2")
	h.expectState(State{Pts: 12, Qts: 5, Seq: 3, Date: 100})
}

// TestFreshGapAfterStaleFilledWaitsUsualTime: the long waits are for an update the server's
// state did not reach. Once pushes filled its gap and nothing is held, a new gap waits the
// usual time again; it waited the grown backoff (up to a minute) until a difference ended.
func TestFreshGapAfterStaleFilledWaitsUsualTime(t *testing.T) {
	tests := []struct {
		name  string
		stale tg.UpdatesClass
		fill  []tg.UpdatesClass
		fresh tg.UpdatesClass
		want  Request
	}{
		{"pts", updates(0, msg(1, 13)), []tg.UpdatesClass{updates(0, msg(2, 11)), updates(0, msg(3, 12))},
			updates(0, msg(5, 15)), Request{Kind: RequestDifference, Pts: 13, Qts: 5, Date: 100}},
		{"qts", updates(0, stopped(1, 8)), []tg.UpdatesClass{updates(0, stopped(2, 6)), updates(0, stopped(3, 7))},
			updates(0, stopped(5, 10)), Request{Kind: RequestDifference, Pts: 10, Qts: 8, Date: 100}},
		{"channel", updates(0, chMsg(7, 1, 53)), []tg.UpdatesClass{updates(0, chMsg(7, 2, 51)), updates(0, chMsg(7, 3, 52))},
			updates(0, chMsg(7, 5, 55)), Request{Kind: RequestChannelDifference, ChannelID: 7, Pts: 53, Limit: DefaultChannelDifferenceLimit}},
		{"seq", updates(100, typing(1)), nil, updates(5, typing(2)), Request{Kind: RequestDifference, Pts: 10, Qts: 5, Date: 100}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Config{})
			startWithChannel(h)
			serveStill(h, time.Second)
			h.process(tt.stale)
			serveStill(h, 3*time.Minute) // the server lags: its state stays behind the held update
			for _, u := range tt.fill {
				h.process(u)
			}
			h.reset()
			h.process(tt.fresh) // a new gap, nothing stale held
			h.advance(DefaultGapWait)
			h.expectRequests(tt.want)
		})
	}
}
