package updates

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestShortConstructors(t *testing.T) {
	entities := []tg.MessageEntityClass{&tg.MessageEntityBold{Offset: 0, Length: 2}}
	tests := []struct {
		name string
		cfg  Config
		in   tg.UpdatesClass
		sent *Sent
		want tg.UpdateClass
	}{
		{
			name: "updateShortMessage incoming",
			in:   &tg.UpdateShortMessage{ID: 5, UserID: 42, Message: "hi", Pts: 11, PtsCount: 1, Date: 150, Entities: entities},
			want: &tg.UpdateNewMessage{Pts: 11, PtsCount: 1, Message: &tg.Message{
				ID: 5, FromID: &tg.PeerUser{UserID: 42}, PeerID: &tg.PeerUser{UserID: 42}, Message: "hi", Date: 150, Entities: entities}},
		},
		{
			name: "updateShortMessage outgoing",
			cfg:  Config{SelfID: 1000},
			in:   &tg.UpdateShortMessage{Out: true, Silent: true, ID: 6, UserID: 42, Message: "yo", Pts: 11, PtsCount: 1, Date: 151, TTLPeriod: tl.Some[int32](60)},
			want: &tg.UpdateNewMessage{Pts: 11, PtsCount: 1, Message: &tg.Message{
				Out: true, Silent: true, ID: 6, FromID: &tg.PeerUser{UserID: 1000}, PeerID: &tg.PeerUser{UserID: 42}, Message: "yo", Date: 151, TTLPeriod: tl.Some[int32](60)}},
		},
		{
			name: "updateShortChatMessage",
			in:   &tg.UpdateShortChatMessage{ID: 7, FromID: 42, ChatID: 99, Message: "all", Pts: 11, PtsCount: 1, Date: 152, ViaBotID: tl.Some[int64](3)},
			want: &tg.UpdateNewMessage{Pts: 11, PtsCount: 1, Message: &tg.Message{
				ID: 7, FromID: &tg.PeerUser{UserID: 42}, PeerID: &tg.PeerChat{ChatID: 99}, Message: "all", Date: 152, ViaBotID: tl.Some[int64](3)}},
		},
		{
			name: "updateShortSentMessage with its call",
			cfg:  Config{SelfID: 1000},
			in:   &tg.UpdateShortSentMessage{Out: true, ID: 8, Pts: 11, PtsCount: 1, Date: 153, Media: &tg.MessageMediaEmpty{}},
			sent: &Sent{Peer: &tg.PeerChannel{ChannelID: 5}, Message: "sent", Silent: true},
			want: &tg.UpdateNewMessage{Pts: 11, PtsCount: 1, Message: &tg.Message{
				Out: true, Silent: true, ID: 8, FromID: &tg.PeerUser{UserID: 1000}, PeerID: &tg.PeerChannel{ChannelID: 5}, Message: "sent", Date: 153, Media: &tg.MessageMediaEmpty{}}},
		},
		{
			name: "updateShort",
			in:   &tg.UpdateShort{Update: typing(4), Date: 154},
			want: typing(4),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBox(tt.cfg)
			now := time.Unix(1000, 0)
			b.Start(now, &Saved{State: State{Pts: 10, Qts: 1, Seq: 1, Date: 100}})
			if _, err := b.ApplyDifference(now, &tg.UpdatesDifferenceEmpty{Date: 100, Seq: 1}); err != nil {
				t.Fatal(err)
			}
			var out Output
			var err error
			if tt.sent != nil {
				out, err = b.ProcessSent(now, *tt.sent, tt.in)
			} else {
				out, err = b.Process(now, tt.in)
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Deliveries) != 1 || len(out.Deliveries[0].Updates) != 1 {
				t.Fatalf("deliveries %+v", out.Deliveries)
			}
			if diff := cmp.Diff(tt.want, out.Deliveries[0].Updates[0]); diff != "" {
				t.Errorf("update (-want +got):\n%s", diff)
			}
		})
	}
}

func TestShortSentMessageAlone(t *testing.T) {
	h := newHarness(t, Config{})
	h.start(State{Pts: 10, Qts: 1, Seq: 1, Date: 100})
	// Already seen: nothing to do.
	h.process(&tg.UpdateShortSentMessage{Out: true, ID: 1, Pts: 10, PtsCount: 1})
	h.expectRequests()
	// New, but without peer and text: fetched by difference so the handler sees the full message.
	h.process(&tg.UpdateShortSentMessage{Out: true, ID: 2, Pts: 11, PtsCount: 1})
	h.expectDelivered()
	h.expectRequests(Request{Kind: RequestDifference, Pts: 10, Qts: 1, Date: 100})
	h.difference(&tg.UpdatesDifference{NewMessages: []tg.MessageClass{message(2)}, State: tg.UpdatesState{Pts: 11, Qts: 1, Seq: 1, Date: 100}})
	h.expectDelivered("msg2")
}

func TestCommitFollowsDelivery(t *testing.T) {
	h := newHarness(t, Config{})
	h.start(State{Pts: 10, Qts: 5, Seq: 3, Date: 100})
	users := []tg.UserClass{&tg.User{ID: 42}}
	in := &tg.Updates{Updates: []tg.UpdateClass{msg(1, 11), chMsg(8, 1, 50)}, Users: users, Seq: 4, Date: 120}
	out, err := h.b.Process(h.now, in)
	if err != nil {
		t.Fatal(err)
	}
	want := []Delivery{{
		Batch:  Batch{Updates: in.Updates, Users: users},
		Commit: Commit{State: State{Pts: 11, Qts: 5, Seq: 4, Date: 120}, HasState: true, Channels: []ChannelPts{{ChannelID: 8, Pts: 50}}},
	}}
	if diff := cmp.Diff(want, out.Deliveries, cmpEmpty); diff != "" {
		t.Errorf("deliveries (-want +got):\n%s", diff)
	}
	if &out.Deliveries[0].Updates[0] != &in.Updates[0] {
		t.Error("a container applied whole is not handed out as it came")
	}

	// Held updates are delivered with their own container's users, each batch with the state
	// reached after it.
	in1 := &tg.Updates{Updates: []tg.UpdateClass{msg(3, 13)}, Users: []tg.UserClass{&tg.User{ID: 3}}}
	in2 := &tg.Updates{Updates: []tg.UpdateClass{msg(2, 12)}, Users: []tg.UserClass{&tg.User{ID: 2}}}
	out, _ = h.b.Process(h.now, in1)
	if len(out.Deliveries) != 0 {
		t.Fatalf("held update delivered: %+v", out.Deliveries)
	}
	out, _ = h.b.Process(h.now, in2)
	want = []Delivery{
		{Batch: Batch{Updates: in2.Updates, Users: in2.Users}, Commit: Commit{State: State{Pts: 12, Qts: 5, Seq: 4, Date: 120}, HasState: true}},
		{Batch: Batch{Updates: in1.Updates, Users: in1.Users}, Commit: Commit{State: State{Pts: 13, Qts: 5, Seq: 4, Date: 120}, HasState: true}},
	}
	if diff := cmp.Diff(want, out.Deliveries, cmpEmpty); diff != "" {
		t.Errorf("deliveries (-want +got):\n%s", diff)
	}
}

func TestStateBeforeStart(t *testing.T) {
	h := newHarness(t, Config{})
	// No saved state: the first call starts the Box and asks for getState.
	h.process(updates(0, msg(1, 11), chMsg(3, 1, 7), typing(1)))
	h.expectRequests(Request{Kind: RequestState})
	h.expectDelivered("ch3/1") // typing1 waits for the state, as msg1 does
	h.process(updates(0, msg(2, 12)))
	h.process(updates(0, msg(1, 11)))
	h.process(updates(0, msg(4, 14)))
	h.expectDelivered()
	// Updates came before the state: pushes sent before it may still be on the way, so the
	// account starts at the earliest one seen (pts 10) and asks for the difference from there.
	h.must(h.b.ApplyState(h.now, &tg.UpdatesState{Pts: 12, Qts: 1, Seq: 1, Date: 100}))
	h.expectDelivered()
	h.expectRequests(Request{Kind: RequestDifference, Pts: 10, Qts: 1, Date: 100})
	h.difference(&tg.UpdatesDifference{
		NewMessages: []tg.MessageClass{message(1), message(2), message(3)},
		State:       tg.UpdatesState{Pts: 13, Qts: 1, Seq: 1, Date: 100},
	})
	h.expectDelivered("msg1", "msg2", "msg3", "typing1", "msg4")
	h.expectEvents(EventRecoveryStarted, EventRecoveryFinished)
	h.expectState(State{Pts: 14, Qts: 1, Seq: 1, Date: 100})

	// Without updates before it, the state is where delivery starts.
	h2 := newHarness(t, Config{})
	h2.process(updates(0, typing(1)))
	h2.expectRequests(Request{Kind: RequestState})
	h2.must(h2.b.ApplyState(h2.now, &tg.UpdatesState{Pts: 12, Qts: 1, Seq: 1, Date: 100}))
	h2.expectRequests()
	h2.process(updates(0, msg(13, 13)))
	h2.expectDelivered("typing1", "msg13")
}

func TestCatchUp(t *testing.T) {
	h := newHarness(t, Config{MaxChannelRecoveries: 2})
	saved := &Saved{
		State:    State{Pts: 10, Qts: 2, Seq: 3, Date: 100},
		Channels: []ChannelPts{{ChannelID: 1, Pts: 5}, {ChannelID: 2, Pts: 6}, {ChannelID: 3, Pts: 7}, {ChannelID: 4, Pts: 1, Removed: true}},
	}
	h.record(h.b.Start(h.now, saved))
	h.expectRequests(chReq(1, 5), chReq(2, 6), Request{Kind: RequestDifference, Pts: 10, Qts: 2, Date: 100})
	h.channelDifference(1, &tg.UpdatesChannelDifference{Final: true, Pts: 6, NewMessages: []tg.MessageClass{channelMessage(1, 1)}})
	h.expectRequests(chReq(3, 7))
	h.expectDelivered("ch1/1")
	if _, ok := h.b.ChannelPts(4); ok {
		t.Error("removed channel tracked")
	}
}

func TestAccountRetryAndReconnect(t *testing.T) {
	h := newHarness(t, Config{})
	h.start(State{Pts: 10, Qts: 1, Seq: 1, Date: 100})
	diff := Request{Kind: RequestDifference, Pts: 10, Qts: 1, Date: 100}
	h.record(h.b.Reconnected(h.now))
	h.expectRequests(diff)
	h.record(h.b.Reconnected(h.now)) // again during the flight: one more after it
	h.expectRequests()
	h.record(h.b.RequestFailed(h.now, diff, errors.New("connection lost")))
	h.expectEvents(EventRecoveryStarted, EventRecoveryFailed)
	h.advance(999 * time.Millisecond)
	h.expectRequests()
	h.advance(time.Millisecond)
	h.expectRequests(diff)
	h.record(h.b.RequestFailed(h.now, diff, errors.New("connection lost")))
	h.advance(time.Second)
	h.expectRequests()
	h.advance(time.Second) // the second failure waits twice as long
	h.expectRequests(diff)
	h.difference(&tg.UpdatesDifferenceEmpty{Date: 100, Seq: 1})
	h.expectRequests(diff) // the reconnect that came during the flight
	h.difference(&tg.UpdatesDifferenceEmpty{Date: 100, Seq: 1})
	h.expectRequests()
	var finished []Event
	for _, e := range h.events {
		if e.Kind == EventRecoveryFinished {
			finished = append(finished, e)
		}
	}
	if len(finished) != 2 || finished[0].Requests != 3 || finished[0].Duration != 3*time.Second {
		t.Errorf("finished events %+v", finished)
	}
}

func TestOverflowRecoversByDifference(t *testing.T) {
	h := newHarness(t, Config{MaxPending: 3})
	h.start(State{Pts: 10, Qts: 1, Seq: 1, Date: 100})
	for pts := int32(20); pts < 23; pts++ {
		h.process(updates(0, msg(pts, pts)))
	}
	h.expectRequests()
	h.process(updates(0, msg(30, 30)))
	h.expectEvents(EventGap, EventOverflow, EventRecoveryStarted)
	h.expectRequests(Request{Kind: RequestDifference, Pts: 10, Qts: 1, Date: 100})
	if h.b.pendingTotal != 0 || len(h.b.pts.pending) != 0 {
		t.Fatalf("pending not dropped: %d", h.b.pendingTotal)
	}
	// During the recovery the cap holds too; overflowing asks for one more difference.
	for pts := int32(40); pts < 44; pts++ {
		h.process(updates(0, msg(pts, pts)))
	}
	if len(h.b.pts.pending) > 3 {
		t.Fatalf("pending %d above the cap", len(h.b.pts.pending))
	}
	h.difference(&tg.UpdatesDifferenceEmpty{Date: 100, Seq: 1})
	h.expectRequests(Request{Kind: RequestDifference, Pts: 10, Qts: 1, Date: 100})

	// The total cap over all sequences.
	h2 := newHarness(t, Config{MaxPending: 10, MaxPendingTotal: 4})
	h2.start(State{Pts: 10, Qts: 1, Seq: 1, Date: 100})
	for ch := int64(1); ch <= 3; ch++ {
		h2.process(updates(0, chMsg(ch, 1, 10)))
		h2.process(updates(0, chMsg(ch, 3, 12)))
	}
	h2.process(updates(0, msg(13, 13)))
	h2.process(updates(0, msg(14, 14)))
	if h2.b.pendingTotal > 4 {
		t.Fatalf("pendingTotal %d above the cap", h2.b.pendingTotal)
	}
	found := false
	for _, e := range h2.events {
		found = found || e.Kind == EventOverflow
	}
	if !found {
		t.Error("no overflow event")
	}
}

func TestInvalidInputs(t *testing.T) {
	b := NewBox(Config{})
	now := time.Unix(0, 0)
	for _, in := range []tg.UpdatesClass{nil, (*tg.Updates)(nil), (*tg.UpdatesCombined)(nil), (*tg.UpdateShort)(nil),
		&tg.UpdateShort{}, (*tg.UpdateShortMessage)(nil), (*tg.UpdateShortChatMessage)(nil), (*tg.UpdateShortSentMessage)(nil)} {
		if _, err := b.Process(now, in); !errors.Is(err, ErrNil) {
			t.Errorf("Process(%#v) error %v, want ErrNil", in, err)
		}
	}
	if _, err := b.ApplyDifference(now, nil); !errors.Is(err, ErrNil) {
		t.Errorf("ApplyDifference(nil) error %v", err)
	}
	if _, err := b.ApplyState(now, nil); !errors.Is(err, ErrNil) {
		t.Errorf("ApplyState(nil) error %v", err)
	}
	// Nil updates inside a container are skipped.
	if _, err := b.Process(now, &tg.Updates{Updates: []tg.UpdateClass{nil, typing(1)}}); err != nil {
		t.Error(err)
	}
}

// TestTypedNilsSkipped: a nil pointer inside an update container or a difference (built by a
// program, not decoded) is skipped like a nil; it made the Box, and the Manager's loop with
// it, panic.
func TestTypedNilsSkipped(t *testing.T) {
	ups := []tg.UpdateClass{(*tg.UpdateNewMessage)(nil), (*tg.UpdateChannelTooLong)(nil), (*tg.UpdateBotStopped)(nil),
		(*tg.UpdateNewChannelMessage)(nil), (*tg.UpdateBotCallbackQuery)(nil)}
	inputs := []struct {
		name string
		run  func(h *harness, u tg.UpdateClass)
	}{
		{"container", func(h *harness, u tg.UpdateClass) { h.process(updates(0, u, msg(1, 11))) }},
		{"updateShort", func(h *harness, u tg.UpdateClass) {
			if _, err := h.b.Process(h.now, &tg.UpdateShort{Update: u}); !errors.Is(err, ErrNil) {
				h.t.Errorf("updateShort of a nil pointer: error %v, want ErrNil", err)
			}
			h.process(updates(0, msg(1, 11)))
		}},
		{"difference", func(h *harness, u tg.UpdateClass) {
			h.record(h.b.Reconnected(h.now))
			h.difference(&tg.UpdatesDifference{OtherUpdates: []tg.UpdateClass{u, msg(1, 11)},
				NewMessages:          []tg.MessageClass{(*tg.Message)(nil)},
				NewEncryptedMessages: []tg.EncryptedMessageClass{(*tg.EncryptedMessage)(nil)},
				State:                tg.UpdatesState{Pts: 11, Qts: 5, Seq: 3, Date: 100}})
		}},
		{"channel difference", func(h *harness, u tg.UpdateClass) {
			h.process(updates(0, chMsg(7, 1, 50), msg(1, 11)))
			h.channelDifference(7, &tg.UpdatesChannelDifference{Final: true, Pts: 50,
				OtherUpdates: []tg.UpdateClass{u}, NewMessages: []tg.MessageClass{(*tg.MessageService)(nil)}})
			h.got = slices.DeleteFunc(h.got, func(s string) bool { return s == "ch7/1" })
		}},
	}
	for _, in := range inputs {
		for _, u := range ups {
			t.Run(fmt.Sprintf("%s/%T", in.name, u), func(t *testing.T) {
				h := newHarness(t, Config{})
				h.start(State{Pts: 10, Qts: 5, Seq: 3, Date: 100})
				func() {
					defer func() {
						if r := recover(); r != nil {
							t.Fatalf("panic: %v", r)
						}
					}()
					in.run(h, u)
				}()
				h.expectDelivered("msg1")
			})
		}
	}
}

// TestRecoveryFailuresCounted: each failed request of a recovery carries its place in the
// run of failures, so a long outage warns at its 1st, 2nd, 4th, 8th... failure and logs the
// others at debug; a success starts the count again.
func TestRecoveryFailuresCounted(t *testing.T) {
	h := newHarness(t, Config{RetryMax: time.Second})
	h.start(State{Pts: 10, Qts: 1, Seq: 1, Date: 100})
	diff := Request{Kind: RequestDifference, Pts: 10, Qts: 1, Date: 100}
	h.record(h.b.Reconnected(h.now))
	var failures []int
	var warned []int
	fail := func(n int) {
		for range n {
			h.expectRequests(diff)
			h.record(h.b.RequestFailed(h.now, diff, errors.New("network unreachable")))
			h.advance(time.Second)
		}
		for _, e := range h.events {
			if e.Kind == EventRecoveryFailed {
				failures = append(failures, e.Failures)
				if e.Level() == slog.LevelWarn {
					warned = append(warned, e.Failures)
				}
			}
		}
		h.events = nil
	}
	fail(20)
	h.expectRequests(diff)
	h.difference(&tg.UpdatesDifferenceEmpty{Date: 100, Seq: 1})
	h.record(h.b.Reconnected(h.now))
	fail(3)
	want := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 1, 2, 3}
	if diff := cmp.Diff(want, failures); diff != "" {
		t.Errorf("failures of the recovery-failed events (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{1, 2, 4, 8, 16, 1, 2}, warned); diff != "" {
		t.Errorf("failures logged at warn (-want +got):\n%s", diff)
	}
}

func TestEventLevel(t *testing.T) {
	for _, tc := range []struct {
		e    Event
		want slog.Level
	}{
		{Event{Kind: EventGap}, slog.LevelDebug},
		{Event{Kind: EventRecoveryStarted}, slog.LevelDebug},
		{Event{Kind: EventRecoveryFinished}, slog.LevelInfo},
		{Event{Kind: EventRecoveryFailed}, slog.LevelWarn},
		{Event{Kind: EventRecoveryFailed, Failures: 1}, slog.LevelWarn},
		{Event{Kind: EventRecoveryFailed, Failures: 3}, slog.LevelDebug},
		{Event{Kind: EventRecoveryFailed, Failures: 64}, slog.LevelWarn},
		{Event{Kind: EventDifferenceTooLong}, slog.LevelWarn},
		{Event{Kind: EventChannelDropped}, slog.LevelWarn},
		{Event{Kind: EventOverflow}, slog.LevelWarn},
		{Event{Kind: EventStateBehind}, slog.LevelWarn},
	} {
		if got := tc.e.Level(); got != tc.want {
			t.Errorf("%v (failures %d): level %v, want %v", tc.e.Kind, tc.e.Failures, got, tc.want)
		}
	}
}
