package updates

import (
	"errors"
	"testing"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

func pressUpdate(id int64) tg.UpdateClass {
	return &tg.UpdateBotCallbackQuery{QueryID: id, UserID: 1, Peer: &tg.PeerUser{UserID: 1}}
}

func messageID(id int32) tg.UpdateClass {
	return &tg.UpdateMessageID{ID: id, RandomID: int64(id)}
}

// TestUnsequencedWaitForDifference: an update without pts or qts that arrives while the
// account's difference is in flight is delivered after what the difference brings, in the
// order it arrived among the held updates of the account's sequences.
func TestUnsequencedWaitForDifference(t *testing.T) {
	base := State{Pts: 10, Qts: 5, Seq: 3, Date: 100}
	diff := func(pts int32, msgs ...int32) *tg.UpdatesDifference {
		d := &tg.UpdatesDifference{Users: []tg.UserClass{&tg.User{ID: 1}}, State: tg.UpdatesState{Pts: pts, Qts: 5, Seq: 3, Date: 100}}
		for _, id := range msgs {
			d.NewMessages = append(d.NewMessages, message(id))
		}
		return d
	}
	tests := []struct {
		name  string
		cfg   Config
		run   func(h *harness)
		want  []string
		state State
	}{
		{
			name: "catch-up at start",
			run: func(h *harness) {
				h.record(h.b.Start(h.now, &Saved{State: base}))
				h.process(&tg.UpdateShort{Update: pressUpdate(1)})
				h.expectDelivered()
				h.difference(diff(12, 11, 12))
			},
			want:  []string{"msg11", "msg12", "press1"},
			state: State{Pts: 12, Qts: 5, Seq: 3, Date: 100},
		},
		{
			name: "reconnect",
			run: func(h *harness) {
				h.start(base)
				h.record(h.b.Reconnected(h.now))
				h.process(updates(0, typing(1), pressUpdate(2)))
				h.expectDelivered()
				h.difference(diff(11, 11))
			},
			want:  []string{"msg11", "typing1", "press2"},
			state: State{Pts: 11, Qts: 5, Seq: 3, Date: 100},
		},
		{
			name: "in arrival order with held updates",
			run: func(h *harness) {
				h.start(base)
				h.record(h.b.Reconnected(h.now))
				h.process(updates(0, messageID(13), msg(13, 13)))
				h.process(updates(0, pressUpdate(1), stopped(7, 6)))
				h.expectDelivered()
				h.difference(diff(12, 11, 12))
			},
			want:  []string{"msg11", "msg12", "updateMessageID", "msg13", "press1", "stop7"},
			state: State{Pts: 13, Qts: 6, Seq: 3, Date: 100},
		},
		{
			name: "through every slice",
			run: func(h *harness) {
				h.start(base)
				h.record(h.b.Reconnected(h.now))
				h.process(&tg.UpdateShort{Update: pressUpdate(1)})
				h.difference(&tg.UpdatesDifferenceSlice{NewMessages: []tg.MessageClass{message(11)},
					IntermediateState: tg.UpdatesState{Pts: 11, Qts: 5, Seq: 3, Date: 100}})
				h.expectDelivered("msg11")
				h.difference(diff(12, 12))
			},
			want:  []string{"msg12", "press1"},
			state: State{Pts: 12, Qts: 5, Seq: 3, Date: 100},
		},
		{
			name: "getState at a fresh start",
			run: func(h *harness) {
				h.record(h.b.Start(h.now, nil))
				h.process(updates(0, messageID(11), msg(11, 11), pressUpdate(1)))
				h.expectDelivered()
				h.must(h.b.ApplyState(h.now, &tg.UpdatesState{Pts: 10, Qts: 5, Seq: 3, Date: 100}))
			},
			want:  []string{"updateMessageID", "msg11", "press1"},
			state: State{Pts: 11, Qts: 5, Seq: 3, Date: 100},
		},
		{
			name: "a failed difference lets them go",
			run: func(h *harness) {
				h.start(base)
				h.record(h.b.Reconnected(h.now))
				h.process(&tg.UpdateShort{Update: pressUpdate(1)})
				h.expectDelivered()
				h.record(h.b.RequestFailed(h.now, Request{Kind: RequestDifference}, errors.New("timeout")))
				h.expectDelivered("press1")
				h.process(&tg.UpdateShort{Update: pressUpdate(2)}) // during the backoff
				h.expectDelivered("press2")
				h.fireDeadline()
				h.difference(diff(11, 11))
			},
			want:  []string{"msg11"},
			state: State{Pts: 11, Qts: 5, Seq: 3, Date: 100},
		},
		{
			name: "a long difference lets them go after UnsequencedWait",
			run: func(h *harness) {
				h.start(base)
				h.record(h.b.Reconnected(h.now))
				h.process(&tg.UpdateShort{Update: pressUpdate(1)})
				h.advance(DefaultUnsequencedWait / 2)
				h.process(&tg.UpdateShort{Update: pressUpdate(2)})
				h.advance(DefaultUnsequencedWait / 2)
				h.expectDelivered("press1", "press2")
				h.process(&tg.UpdateShort{Update: pressUpdate(3)})
				h.advance(DefaultUnsequencedWait / 2)
				h.expectDelivered()
				h.difference(diff(11, 11))
			},
			want:  []string{"msg11", "press3"},
			state: State{Pts: 11, Qts: 5, Seq: 3, Date: 100},
		},
		{
			name: "a negative UnsequencedWait does not hold them",
			cfg:  Config{UnsequencedWait: -1},
			run: func(h *harness) {
				h.start(base)
				h.record(h.b.Reconnected(h.now))
				h.process(&tg.UpdateShort{Update: pressUpdate(1)})
				h.expectDelivered("press1")
				h.process(updates(0, msg(12, 12), typing(1))) // msg12 waits for pts 11
				h.expectDelivered("typing1")
				h.difference(diff(11, 11))
			},
			want:  []string{"msg11", "msg12"},
			state: State{Pts: 12, Qts: 5, Seq: 3, Date: 100},
		},
		{
			name: "a full buffer lets them go in order",
			cfg:  Config{MaxPending: 2},
			run: func(h *harness) {
				h.start(base)
				h.record(h.b.Reconnected(h.now))
				h.process(&tg.UpdateShort{Update: pressUpdate(1)})
				h.process(&tg.UpdateShort{Update: pressUpdate(2)})
				h.expectDelivered()
				h.process(&tg.UpdateShort{Update: pressUpdate(3)})
				h.expectDelivered("press1", "press2", "press3")
				h.expectEvents(EventRecoveryStarted, EventOverflow)
				h.process(&tg.UpdateShort{Update: pressUpdate(4)})
				h.difference(diff(10))
			},
			want:  []string{"press4"},
			state: base,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.cfg)
			tt.run(h)
			h.expectDelivered(tt.want...)
			h.expectState(tt.state)
			if n := len(h.b.unseq); n != 0 {
				t.Errorf("%d unsequenced updates still held", n)
			}
		})
	}
}
