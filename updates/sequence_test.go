package updates

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name                 string
		local, remote, count int32
		want                 verdict
	}{
		{"next", 10, 11, 1, apply},
		{"next range", 10, 13, 3, apply},
		{"zero count at local", 10, 10, 0, apply},
		{"same again", 11, 11, 1, duplicate},
		{"older", 11, 5, 1, duplicate},
		{"overlapping range", 10, 12, 3, duplicate},
		{"one missing", 10, 12, 1, gap},
		{"far ahead", 10, 1000, 2, gap},
		{"no overflow at int32 max", 2147483647, -2147483648, 1, duplicate},
		{"large count", 0, 2147483647, 2147483647, apply},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := check(tt.local, tt.remote, tt.count); got != tt.want {
				t.Errorf("check(%d, %d, %d) = %d, want %d", tt.local, tt.remote, tt.count, got, tt.want)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	type result struct {
		Kind      kind
		ChannelID int64
		Pts       int32
		Count     int32
	}
	tests := []struct {
		name string
		u    tg.UpdateClass
		want result
	}{
		{"new message", msg(1, 11), result{kindPts, 0, 11, 1}},
		{"delete range", del(20, 3, 1, 2, 3), result{kindPts, 0, 20, 3}},
		{"qts", stopped(5, 7), result{kindQts, 0, 7, 1}},
		{"channel message", chMsg(42, 1, 8), result{kindChannel, 42, 8, 1}},
		{"channel delete", &tg.UpdateDeleteChannelMessages{ChannelID: 42, Pts: 9, PtsCount: 2}, result{kindChannel, 42, 9, 2}},
		{"channel message without peer", &tg.UpdateNewChannelMessage{Message: &tg.MessageEmpty{ID: 1}, Pts: 3, PtsCount: 1}, result{}},
		{"negative count", &tg.UpdateNewMessage{Message: message(1), Pts: 3, PtsCount: -1}, result{}},
		{"negative pts", &tg.UpdateNewMessage{Message: message(1), Pts: -3, PtsCount: 1}, result{}},
		{"count past pts", &tg.UpdateDeleteMessages{Messages: []int32{1}, Pts: 3, PtsCount: 10}, result{}},
		{"negative channel pts", chMsg(42, 1, -8), result{}},
		{"count up to pts", del(20, 20, 1), result{kindPts, 0, 20, 20}},
		{"negative qts", stopped(5, -7), result{}},
		{"unsequenced", typing(3), result{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got result
			got.Kind, got.ChannelID, got.Pts, got.Count = classify(tt.u)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("classify (-want +got):\n%s", diff)
			}
		})
	}
}

// step is one input of a sequence-rule scenario, with what must come out of it.
type step struct {
	in       tg.UpdatesClass
	timer    time.Duration // instead of in: advance the clock by this much
	diff     tg.UpdatesDifferenceClass
	delivers []string
	requests []Request
	events   []EventKind
}

func runSteps(t *testing.T, h *harness, steps []step) {
	t.Helper()
	for i, s := range steps {
		switch {
		case s.in != nil:
			h.process(s.in)
		case s.diff != nil:
			h.difference(s.diff)
		default:
			h.advance(s.timer)
		}
		if t.Failed() {
			return
		}
		t.Logf("step %d", i)
		h.expectDelivered(s.delivers...)
		h.expectRequests(s.requests...)
		h.expectEvents(s.events...)
	}
}

func TestAccountSequences(t *testing.T) {
	base := State{Pts: 10, Qts: 5, Seq: 3, Date: 100}
	diffReq := func(pts, qts int32) Request {
		return Request{Kind: RequestDifference, Pts: pts, Qts: qts, Date: 100}
	}
	tests := []struct {
		name  string
		steps []step
		state State
	}{
		{
			name: "pts applies in order",
			steps: []step{
				{in: updates(0, msg(1, 11), msg(2, 12)), delivers: []string{"msg1", "msg2"}},
				{in: updates(0, del(15, 3, 1, 2, 3)), delivers: []string{"del[1 2 3]"}},
			},
			state: State{Pts: 15, Qts: 5, Seq: 3, Date: 100},
		},
		{
			name: "pts duplicates are skipped",
			steps: []step{
				{in: updates(0, msg(1, 11)), delivers: []string{"msg1"}},
				{in: updates(0, msg(1, 11))},
				{in: updates(0, msg(0, 9))},
			},
			state: State{Pts: 11, Qts: 5, Seq: 3, Date: 100},
		},
		{
			name: "pts gap filled within the wait",
			steps: []step{
				{in: updates(0, msg(3, 13)), events: []EventKind{EventGap}},
				{in: updates(0, msg(3, 13))},
				{timer: 100 * time.Millisecond},
				{in: updates(0, msg(2, 12), msg(1, 11)), delivers: []string{"msg1", "msg2", "msg3"}},
				{timer: time.Second},
			},
			state: State{Pts: 13, Qts: 5, Seq: 3, Date: 100},
		},
		{
			name: "pts gap recovered by difference after the wait",
			steps: []step{
				{in: updates(0, msg(3, 13)), events: []EventKind{EventGap}},
				{timer: 499 * time.Millisecond},
				{timer: time.Millisecond, requests: []Request{diffReq(10, 5)}, events: []EventKind{EventRecoveryStarted}},
				{in: updates(0, msg(4, 14))}, // held during the recovery
				{diff: &tg.UpdatesDifference{
					NewMessages: []tg.MessageClass{message(1), message(2), message(3)},
					State:       tg.UpdatesState{Pts: 13, Qts: 5, Seq: 3, Date: 100},
				}, delivers: []string{"msg1", "msg2", "msg3", "msg4"}, events: []EventKind{EventRecoveryFinished}},
			},
			state: State{Pts: 14, Qts: 5, Seq: 3, Date: 100},
		},
		{
			name: "difference slices continue from the intermediate state",
			steps: []step{
				{in: &tg.UpdatesTooLong{}, requests: []Request{diffReq(10, 5)}, events: []EventKind{EventRecoveryStarted}},
				{diff: &tg.UpdatesDifferenceSlice{
					NewMessages:       []tg.MessageClass{message(1)},
					IntermediateState: tg.UpdatesState{Pts: 11, Qts: 5, Seq: 3, Date: 100},
				}, delivers: []string{"msg1"}, requests: []Request{diffReq(11, 5)}},
				{diff: &tg.UpdatesDifference{
					NewMessages:  []tg.MessageClass{message(2)},
					OtherUpdates: []tg.UpdateClass{stopped(9, 6)},
					State:        tg.UpdatesState{Pts: 12, Qts: 6, Seq: 4, Date: 101},
				}, delivers: []string{"msg2", "stop9"}, events: []EventKind{EventRecoveryFinished}},
			},
			state: State{Pts: 12, Qts: 6, Seq: 4, Date: 101},
		},
		{
			name: "difference too long moves pts and continues",
			steps: []step{
				{in: &tg.UpdatesTooLong{}, requests: []Request{diffReq(10, 5)}, events: []EventKind{EventRecoveryStarted}},
				{diff: &tg.UpdatesDifferenceTooLong{Pts: 500}, requests: []Request{diffReq(500, 5)}, events: []EventKind{EventDifferenceTooLong}},
				{diff: &tg.UpdatesDifferenceEmpty{Date: 200, Seq: 9}, events: []EventKind{EventRecoveryFinished}},
			},
			state: State{Pts: 500, Qts: 5, Seq: 9, Date: 200},
		},
		{
			name: "qts counts one per update",
			steps: []step{
				{in: updates(0, stopped(1, 6), stopped(2, 7)), delivers: []string{"stop1", "stop2"}},
				{in: updates(0, stopped(2, 7))},
				{in: updates(0, stopped(4, 9)), events: []EventKind{EventGap}},
				{in: updates(0, stopped(3, 8)), delivers: []string{"stop3", "stop4"}},
			},
			state: State{Pts: 10, Qts: 9, Seq: 3, Date: 100},
		},
		{
			name: "qts gap recovered by difference",
			steps: []step{
				{in: updates(0, stopped(4, 9)), events: []EventKind{EventGap}},
				{timer: time.Second, requests: []Request{diffReq(10, 5)}, events: []EventKind{EventRecoveryStarted}},
				{diff: &tg.UpdatesDifference{
					OtherUpdates: []tg.UpdateClass{stopped(1, 6), stopped(2, 7), stopped(3, 8)},
					State:        tg.UpdatesState{Pts: 10, Qts: 8, Seq: 3, Date: 100},
				}, delivers: []string{"stop1", "stop2", "stop3", "stop4"}, events: []EventKind{EventRecoveryFinished}},
			},
			state: State{Pts: 10, Qts: 9, Seq: 3, Date: 100},
		},
		{
			name: "seq applies and skips duplicate containers whole",
			steps: []step{
				{in: updates(4, typing(1)), delivers: []string{"typing1"}},
				{in: updates(4, typing(1))},
				{in: updates(3, typing(2))},
				{in: updates(0, typing(3)), delivers: []string{"typing3"}},
			},
			state: State{Pts: 10, Qts: 5, Seq: 4, Date: 100},
		},
		{
			name: "seq gap filled within the wait",
			steps: []step{
				{in: updates(6, typing(6)), delivers: []string{"typing6"}, events: []EventKind{EventGap}},
				{in: updates(5, typing(5)), delivers: []string{"typing5"}},
				{in: updates(4, typing(4)), delivers: []string{"typing4"}},
				{timer: time.Second},
			},
			state: State{Pts: 10, Qts: 5, Seq: 6, Date: 100},
		},
		{
			name: "seq gap recovered by difference",
			steps: []step{
				{in: updates(5, typing(5)), delivers: []string{"typing5"}, events: []EventKind{EventGap}},
				{timer: time.Second, requests: []Request{diffReq(10, 5)}, events: []EventKind{EventRecoveryStarted}},
				{diff: &tg.UpdatesDifferenceEmpty{Date: 100, Seq: 5}, events: []EventKind{EventRecoveryFinished}},
			},
			state: State{Pts: 10, Qts: 5, Seq: 5, Date: 100},
		},
		{
			name: "updatesCombined uses seq_start",
			steps: []step{
				{in: &tg.UpdatesCombined{Updates: []tg.UpdateClass{msg(1, 11), msg(2, 12)}, SeqStart: 4, Seq: 6, Date: 100},
					delivers: []string{"msg1", "msg2"}},
				{in: &tg.UpdatesCombined{Updates: []tg.UpdateClass{typing(9)}, SeqStart: 5, Seq: 6, Date: 100}},
				{in: &tg.UpdatesCombined{Updates: []tg.UpdateClass{msg(3, 13)}, SeqStart: 7, Seq: 8, Date: 100},
					delivers: []string{"msg3"}},
			},
			state: State{Pts: 13, Qts: 5, Seq: 8, Date: 100},
		},
		{
			name: "updateShort",
			steps: []step{
				{in: &tg.UpdateShort{Update: msg(1, 11), Date: 150}, delivers: []string{"msg1"}},
				{in: &tg.UpdateShort{Update: typing(7), Date: 151}, delivers: []string{"typing7"}},
			},
			state: State{Pts: 11, Qts: 5, Seq: 3, Date: 151},
		},
		{
			name: "updatesTooLong asks for the difference",
			steps: []step{
				{in: &tg.UpdatesTooLong{}, requests: []Request{diffReq(10, 5)}, events: []EventKind{EventRecoveryStarted}},
				{in: &tg.UpdatesTooLong{}},
				{diff: &tg.UpdatesDifferenceEmpty{Date: 100, Seq: 3}, requests: []Request{diffReq(10, 5)},
					events: []EventKind{EventRecoveryFinished, EventRecoveryStarted}},
				{diff: &tg.UpdatesDifferenceEmpty{Date: 100, Seq: 3}, events: []EventKind{EventRecoveryFinished}},
			},
			state: base,
		},
		{
			name: "idle account asks for the difference after 15 minutes",
			steps: []step{
				{timer: 14 * time.Minute},
				{in: updates(4, typing(1)), delivers: []string{"typing1"}}, // seq 4 puts the check off
				{timer: 14 * time.Minute},
				{in: updates(0, typing(1)), delivers: []string{"typing1"}}, // no state: does not
				{timer: time.Minute, requests: []Request{diffReq(10, 5)}, events: []EventKind{EventRecoveryStarted}},
				{diff: &tg.UpdatesDifferenceEmpty{Date: 100, Seq: 4}, events: []EventKind{EventRecoveryFinished}},
			},
			state: State{Pts: 10, Qts: 5, Seq: 4, Date: 100},
		},
		{
			name: "unsequenced updates wait for a recovery with the held ones",
			steps: []step{
				{in: &tg.UpdatesTooLong{}, requests: []Request{diffReq(10, 5)}, events: []EventKind{EventRecoveryStarted}},
				{in: updates(0, typing(1), msg(1, 11))},
				{diff: &tg.UpdatesDifferenceEmpty{Date: 100, Seq: 3}, delivers: []string{"typing1", "msg1"}, events: []EventKind{EventRecoveryFinished}},
			},
			state: State{Pts: 11, Qts: 5, Seq: 3, Date: 100},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Config{})
			h.start(base)
			runSteps(t, h, tt.steps)
			h.expectState(tt.state)
		})
	}
}
