package mtgo_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// botStop is what the qts test compares of one updateBotStopped.
type botStop struct {
	User    int64
	Stopped bool
	Qts     int32
}

// stopRecorder is a Dispatcher that passes on every updateBotStopped it is handed.
type stopRecorder struct{ got chan botStop }

func (r *stopRecorder) Dispatch(u tg.UpdatesClass) {
	var us []tg.UpdateClass
	switch u := u.(type) {
	case *tg.Updates:
		us = u.Updates
	case *tg.UpdatesCombined:
		us = u.Updates
	case *tg.UpdateShort:
		us = []tg.UpdateClass{u.Update}
	}
	for _, x := range us {
		if s, ok := x.(*tg.UpdateBotStopped); ok {
			r.got <- botStop{s.UserID, s.Stopped, s.Qts}
		}
	}
}

// TestE2EBotStoppedQts drives the qts sequence end to end: people block and unblock a bot
// through contacts.block/unblock, the bot receives updateBotStopped with qts 1, 2, 3, and the
// first push is lost on the way, so the update engine must see the qts gap and fetch the
// missing update with updates.getDifference. Each update must arrive exactly once, in order.
func TestE2EBotStoppedQts(t *testing.T) {
	cl := cluster(t)
	b, bot := e2eBot(t, cl, "e2e_qts_bot")
	rec := &stopRecorder{got: make(chan botStop, 16)}
	b.SetDispatcher(rec)
	u1, p1 := e2eUser(t, cl, world.UserSpec{FirstName: "Q1", Phone: "15551040"})
	u2, p2 := e2eUser(t, cl, world.UserSpec{FirstName: "Q2", Phone: "15551041"})
	cl.Faults().DropUpdates(bot.ID, 1)

	steps := []struct {
		c     *testClient
		block bool
	}{{u1, true}, {u2, true}, {u1, false}}
	for _, s := range steps {
		peer, err := s.c.ResolvePeer(ctxT(t), "@e2e_qts_bot")
		if err != nil {
			t.Fatal(err)
		}
		var req tg.TLObject = &tg.ContactsUnblockRequest{ID: peer}
		if s.block {
			req = &tg.ContactsBlockRequest{ID: peer}
		}
		if _, err := s.c.InvokeContext(ctxT(t), req, 0, 10*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	want := []botStop{{p1.ID, true, 1}, {p2.ID, true, 2}, {p1.ID, false, 3}}
	var got []botStop
	deadline := time.After(15 * time.Second)
	for len(got) < len(want) {
		select {
		case s := <-rec.got:
			got = append(got, s)
		case <-deadline:
			t.Fatalf("bot received %+v, want %+v", got, want)
		}
	}
	select {
	case s := <-rec.got:
		t.Fatalf("extra update %+v after %+v", s, got)
	case <-time.After(300 * time.Millisecond):
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("updateBotStopped (-want +got):\n%s", diff)
	}
	if !cl.World().Blocked(p2.ID, bot.ID) || cl.World().Blocked(p1.ID, bot.ID) {
		t.Fatal("the world's block list does not match the calls")
	}
}
