package updates

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates/internal/sim"
)

// TestHarnessUsage shows how the harness drives a Box: start from a known state, feed
// containers, jump to the next deadline, and compare what was delivered, requested and reported.
func TestHarnessUsage(t *testing.T) {
	h := newHarness(t, Config{})
	h.start(State{Pts: 10, Qts: 1, Seq: 1, Date: 100})

	h.process(updates(0, msg(1, 11)))
	h.expectDelivered("msg1")

	h.process(updates(0, msg(3, 13))) // pts 12 is missing
	h.expectDelivered()
	h.expectEvents(EventGap)

	h.fireDeadline() // the gap wait ends: ask for the difference
	h.expectRequests(Request{Kind: RequestDifference, Pts: 11, Qts: 1, Date: 100})
	h.difference(&tg.UpdatesDifference{
		NewMessages: []tg.MessageClass{message(2)},
		State:       tg.UpdatesState{Pts: 12, Qts: 1, Seq: 1, Date: 101},
	})
	h.expectDelivered("msg2", "msg3")
	h.expectEvents(EventRecoveryStarted, EventRecoveryFinished)
	h.expectState(State{Pts: 13, Qts: 1, Seq: 1, Date: 101})
}

// harness drives a Box with a synthetic clock and records its outputs.
type harness struct {
	t       *testing.T
	b       *Box
	now     time.Time
	got     []string
	reqs    []Request
	events  []Event
	commits []Commit
}

func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	return &harness{t: t, b: NewBox(cfg), now: time.Unix(1_700_000_000, 0)}
}

// start begins from a known state with nothing to catch up.
func (h *harness) start(st State) {
	h.t.Helper()
	h.record(h.b.Start(h.now, &Saved{State: st}))
	h.must(h.b.ApplyDifference(h.now, &tg.UpdatesDifferenceEmpty{Date: st.Date, Seq: st.Seq}))
	h.reset()
}

func (h *harness) reset() { h.got, h.reqs, h.events, h.commits = nil, nil, nil, nil }

func (h *harness) record(out Output) {
	for _, d := range out.Deliveries {
		for _, u := range d.Updates {
			h.got = append(h.got, describe(u))
		}
		c := d.Commit
		c.Channels = append([]ChannelPts(nil), c.Channels...)
		h.commits = append(h.commits, c)
	}
	h.reqs = append(h.reqs, out.Requests...)
	h.events = append(h.events, out.Events...)
}

func (h *harness) must(out Output, err error) {
	h.t.Helper()
	if err != nil {
		h.t.Fatal(err)
	}
	h.record(out)
}

func (h *harness) process(u tg.UpdatesClass) {
	h.t.Helper()
	h.must(h.b.Process(h.now, u))
}

func (h *harness) difference(d tg.UpdatesDifferenceClass) {
	h.t.Helper()
	h.must(h.b.ApplyDifference(h.now, d))
}

func (h *harness) channelDifference(id int64, d tg.UpdatesChannelDifferenceClass) {
	h.t.Helper()
	h.must(h.b.ApplyChannelDifference(h.now, id, d))
}

// advance moves the clock by d and calls OnTimer if a deadline passed.
func (h *harness) advance(d time.Duration) {
	h.now = h.now.Add(d)
	if next := h.b.NextDeadline(); !next.IsZero() && !h.now.Before(next) {
		h.record(h.b.OnTimer(h.now))
	}
}

// fireDeadline jumps to the next deadline and calls OnTimer.
func (h *harness) fireDeadline() {
	h.t.Helper()
	next := h.b.NextDeadline()
	if next.IsZero() {
		h.t.Fatal("no deadline")
	}
	if next.After(h.now) {
		h.now = next
	}
	h.record(h.b.OnTimer(h.now))
}

func (h *harness) expectDelivered(want ...string) {
	h.t.Helper()
	if diff := cmp.Diff(want, h.got, cmpEmpty); diff != "" {
		h.t.Errorf("delivered (-want +got):\n%s", diff)
	}
	h.got = nil
}

// eventsOf returns the events of the kind that h recorded, in order.
func (h *harness) eventsOf(kind EventKind) []Event {
	var out []Event
	for _, e := range h.events {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

func (h *harness) expectRequests(want ...Request) {
	h.t.Helper()
	if diff := cmp.Diff(want, h.reqs, cmpEmpty); diff != "" {
		h.t.Errorf("requests (-want +got):\n%s", diff)
	}
	h.reqs = nil
}

func (h *harness) expectEvents(want ...EventKind) {
	h.t.Helper()
	var got []EventKind
	for _, e := range h.events {
		got = append(got, e.Kind)
	}
	if diff := cmp.Diff(want, got, cmpEmpty); diff != "" {
		h.t.Errorf("events (-want +got):\n%s\nall: %+v", diff, h.events)
	}
	h.events = nil
}

func (h *harness) expectState(want State) {
	h.t.Helper()
	got, ok := h.b.State()
	if !ok {
		h.t.Fatal("state not known")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		h.t.Errorf("state (-want +got):\n%s", diff)
	}
}

var cmpEmpty = cmpopts.EquateEmpty()

// describe names an update for comparisons.
func describe(u tg.UpdateClass) string {
	switch u := u.(type) {
	case *tg.UpdateNewMessage:
		return "msg" + fmt.Sprint(sim.MessageID(u.Message))
	case *tg.UpdateNewChannelMessage:
		return fmt.Sprintf("ch%d/%d", channelOf(u.Message), sim.MessageID(u.Message))
	case *tg.UpdateDeleteMessages:
		return fmt.Sprintf("del%v", u.Messages)
	case *tg.UpdateBotStopped:
		return fmt.Sprintf("stop%d", u.UserID)
	case *tg.UpdateUserTyping:
		return fmt.Sprintf("typing%d", u.UserID)
	case *tg.UpdateBotCallbackQuery:
		return fmt.Sprintf("press%d", u.QueryID)
	}
	return u.TypeName()
}

func channelOf(m tg.MessageClass) int64 {
	if p, ok := messagePeer(m).(*tg.PeerChannel); ok {
		return p.ChannelID
	}
	return 0
}

func message(id int32) *tg.Message {
	return &tg.Message{ID: id, PeerID: &tg.PeerUser{UserID: 1}, Message: fmt.Sprint("m", id)}
}

func channelMessage(ch int64, id int32) *tg.Message {
	return &tg.Message{ID: id, PeerID: &tg.PeerChannel{ChannelID: ch}}
}

func msg(id, pts int32) tg.UpdateClass {
	return &tg.UpdateNewMessage{Message: message(id), Pts: pts, PtsCount: 1}
}

func chMsg(ch int64, id, pts int32) tg.UpdateClass {
	return &tg.UpdateNewChannelMessage{Message: channelMessage(ch, id), Pts: pts, PtsCount: 1}
}

func del(pts, count int32, ids ...int32) tg.UpdateClass {
	return &tg.UpdateDeleteMessages{Messages: ids, Pts: pts, PtsCount: count}
}

func stopped(user int64, qts int32) tg.UpdateClass {
	return &tg.UpdateBotStopped{UserID: user, Qts: qts}
}

func typing(user int64) tg.UpdateClass {
	return &tg.UpdateUserTyping{UserID: user, Action: &tg.SendMessageTypingAction{}}
}

func updates(seq int32, ups ...tg.UpdateClass) *tg.Updates {
	return &tg.Updates{Updates: ups, Seq: seq, Date: 100}
}
