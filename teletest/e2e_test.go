package teletest

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestCrossDCAuthorization: a bot logged in on DC 2 exports its authorization to DC 3, where
// a new connection (with its own auth key: keys are per data center) imports it.
func TestCrossDCAuthorization(t *testing.T) {
	s := NewScenario(t, Config{Key: testKey(t)})
	bot := s.Bot("travel_bot")
	ctx := s.ctx()
	exp, err := bot.API().AuthExportAuthorization(ctx, &tg.AuthExportAuthorizationRequest{DCID: 3})
	if err != nil {
		t.Fatalf("auth.exportAuthorization: %v", err)
	}
	c := dialCluster(t, s.Cluster(), 3, nil)
	api := tg.NewClient(c)
	_, err = api.UsersGetUsers(ctx, &tg.UsersGetUsersRequest{ID: []tg.InputUserClass{&tg.InputUserSelf{}}})
	var rpc *rpcerr.Error
	if !errors.As(err, &rpc) || rpc.Code != 401 {
		t.Fatalf("users.getUsers on DC 3 before importing: %v, want 401", err)
	}
	if _, err := api.AuthImportAuthorization(ctx, &tg.AuthImportAuthorizationRequest{ID: exp.ID, Bytes: exp.Bytes}); err != nil {
		t.Fatalf("auth.importAuthorization: %v", err)
	}
	self, err := api.UsersGetUsers(ctx, &tg.UsersGetUsersRequest{ID: []tg.InputUserClass{&tg.InputUserSelf{}}})
	if err != nil {
		t.Fatalf("users.getUsers on DC 3: %v", err)
	}
	if u, ok := self[0].(*tg.User); !ok || u.ID != bot.ID() {
		t.Fatalf("self on DC 3: %+v", self[0])
	}
	if s.Cluster().DC(3).AuthKeys() != 1 || s.Cluster().DC(2).AuthKeys() != 1 {
		t.Fatalf("auth keys: DC 2 %d, DC 3 %d", s.Cluster().DC(2).AuthKeys(), s.Cluster().DC(3).AuthKeys())
	}
}

// TestUpdateGap: updates withheld and released in reverse reach the client out of order with
// a pts gap in between; updates.getDifference lists what a dropped update carried.
func TestUpdateGap(t *testing.T) {
	s := NewScenario(t, Config{Key: testKey(t)})
	alice, bob := s.User("alice"), s.User("bob")
	alice.Send(bob, "one")
	first := bob.Expect(Text("one"))

	s.Cluster().Faults().Withhold(bob.ID())
	alice.Send(bob, "two")
	alice.Send(bob, "three")
	if n := s.Cluster().Faults().Release(bob.ID(), true); n != 2 {
		t.Fatalf("released %d updates, want 2", n)
	}
	three := bob.Expect(AnyMessage())
	two := bob.Expect(AnyMessage())
	if three.Text != "three" || two.Text != "two" || three.Pts != first.Pts+2 || two.Pts != first.Pts+1 {
		t.Fatalf("after release: %v (pts %d) then %v (pts %d), first pts %d", three, three.Pts, two, two.Pts, first.Pts)
	}

	s.Cluster().Faults().DropUpdates(bob.ID(), 1)
	alice.Send(bob, "lost")
	alice.Send(bob, "after")
	after := bob.Expect(Text("after"))
	if len(bob.Inbox()) != 0 {
		t.Fatalf("dropped update delivered: %v", bob.Inbox())
	}
	diff, err := bob.API().UpdatesGetDifference(s.ctx(), &tg.UpdatesGetDifferenceRequest{Pts: after.Pts - 2, Date: 1})
	if err != nil {
		t.Fatalf("updates.getDifference: %v", err)
	}
	d, ok := diff.(*tg.UpdatesDifference)
	if !ok {
		t.Fatalf("difference %T", diff)
	}
	var texts []string
	for _, m := range d.NewMessages {
		if m, ok := m.(*tg.Message); ok {
			texts = append(texts, m.Message)
		}
	}
	if len(texts) != 2 || texts[0] != "lost" || texts[1] != "after" {
		t.Fatalf("difference lists %q, want lost and after", texts)
	}
	if diff := cmp.Diff(world.DeliveryStats{Held: 2, Released: 2, Dropped: 1}, s.Cluster().Faults().Stats().DeliveryStats); diff != "" {
		t.Fatalf("update fault counts (-want +got):\n%s", diff)
	}
}

// TestUpdatesQueuedWhileAway: updates for a client whose connection is down wait in its
// MTProto session and arrive, pushed, when it reconnects with the same session.
func TestUpdatesQueuedWhileAway(t *testing.T) {
	s := NewScenario(t, Config{Key: testKey(t)})
	alice, bob := s.User("alice"), s.User("bob")
	alice.Send(bob, "before")
	bob.Expect(Text("before"))

	f := s.Cluster().Faults()
	f.RefuseConnections(2, CodeFlood, 0)
	f.DropConnections(2)
	key := crypto.NewAuthKey([256]byte(alice.Conn().Session().AuthKey))
	if _, err := s.Cluster().World().SendMessage(world.KeyID(key.ID), alice.input(bob), world.Draft{RandomID: 99, Text: "while away"}); err != nil {
		t.Fatal(err)
	}
	f.ClearFaults()
	bob.Expect(Text("while away").From(alice))
	if n := s.Cluster().DC(2).Sessions(); n != 2 {
		t.Fatalf("%d sessions, want alice's and bob's", n)
	}
}

// TestInvokeWithoutUpdates: a session whose calls come in invokeWithoutUpdates is not sent
// the account's updates (they stay in its state for updates.getDifference); its first
// ordinary call subscribes it, and it is sent the updates that come after.
func TestInvokeWithoutUpdates(t *testing.T) {
	s := NewScenario(t, Config{Key: testKey(t)})
	alice, bob := s.User("alice"), s.User("bob")
	ss := bob.Conn().Session()
	quiet := dialCluster(t, s.Cluster(), ss.DC, func(o *session.Options) {
		o.Session = session.Session{DC: ss.DC, Addr: ss.Addr, AuthKey: ss.AuthKey, Salt: ss.Salt, UserID: ss.UserID}
	})
	ctx := testCtx(t)
	var st tg.UpdatesState
	if err := quiet.Invoke(ctx, &tg.InvokeWithoutUpdatesRequest{Query: &tg.UpdatesGetStateRequest{}}, &st); err != nil {
		t.Fatalf("getState without updates: %v", err)
	}
	alice.Send(bob, "not for the quiet session")
	bob.Expect(Text("not for the quiet session")) // bob's own session is sent it
	if err := quiet.Invoke(ctx, &tg.UpdatesGetStateRequest{}, &st); err != nil {
		t.Fatalf("getState: %v", err)
	}
	alice.Send(bob, "for everyone")
	select {
	case body := <-quiet.updates:
		var b tl.Buffer
		b.ResetTo(body)
		u, err := tg.DecodeUpdatesClass(&b)
		if err != nil {
			t.Fatal(err)
		}
		msgs := messagesOf(bob.ID(), u)
		if len(msgs) != 1 || msgs[0].Text != "for everyone" {
			t.Fatalf("the quiet session's first update is %#v, want only the message sent after its ordinary call", u)
		}
	case <-ctx.Done():
		t.Fatal("no update after an ordinary call")
	}
}
