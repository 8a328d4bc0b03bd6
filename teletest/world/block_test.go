package world

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// botStop is what a test compares of one updateBotStopped.
type botStop struct {
	User    int64
	Stopped bool
	Qts     int32
}

// botStops lists the updateBotStopped of us, in order.
func botStops(us []tg.UpdateClass) []botStop {
	var out []botStop
	for _, u := range us {
		if s, ok := u.(*tg.UpdateBotStopped); ok {
			out = append(out, botStop{s.UserID, s.Stopped, s.Qts})
		}
	}
	return out
}

func TestBlockBotQts(t *testing.T) {
	w := newWorld(t, Config{DifferenceLimit: 2})
	bot, err := w.CreateBot(BotSpec{FirstName: "B", Username: "helper_bot"})
	if err != nil {
		t.Fatal(err)
	}
	alice, _ := w.CreateUser(UserSpec{FirstName: "A", Phone: "70000000001", Username: "alice"})
	bob, _ := w.CreateUser(UserSpec{FirstName: "C", Phone: "70000000002", Username: "bobby"})
	kBot, kA, kB := KeyID{1}, KeyID{2}, KeyID{3}
	for key, id := range map[KeyID]int64{kBot: bot.ID, kA: alice.ID, kB: bob.ID} {
		if err := w.Authorize(key, id); err != nil {
			t.Fatal(err)
		}
	}
	sub := w.Subscribe(kBot)
	botPeer := func(key KeyID) tg.InputPeerClass {
		t.Helper()
		res, err := w.ResolveUsername(key, "helper_bot")
		if err != nil {
			t.Fatal(err)
		}
		u := res.Users[0].(*tg.User)
		return &tg.InputPeerUser{UserID: u.ID, AccessHash: u.AccessHash.Value}
	}

	steps := []struct {
		name  string
		key   KeyID
		block bool
	}{
		{"alice blocks", kA, true},
		{"alice blocks again (no update)", kA, true},
		{"bob blocks", kB, true},
		{"alice unblocks", kA, false},
	}
	for _, s := range steps {
		var err error
		if s.block {
			err = w.Block(s.key, botPeer(s.key))
		} else {
			err = w.Unblock(s.key, botPeer(s.key))
		}
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
	}
	want := []botStop{{alice.ID, true, 1}, {bob.ID, true, 2}, {alice.ID, false, 3}}

	var live []tg.UpdateClass
	for _, u := range sub.Take() {
		ups := u.(*tg.Updates)
		live = append(live, ups.Updates...)
		if len(ups.Users) != 1 {
			t.Fatalf("live update carries %d users, want the blocker", len(ups.Users))
		}
	}
	if diff := cmp.Diff(want, botStops(live)); diff != "" {
		t.Fatalf("live updates (-want +got):\n%s", diff)
	}
	if !w.Blocked(bob.ID, bot.ID) || w.Blocked(alice.ID, bot.ID) {
		t.Fatal("block list wrong")
	}
	st, err := w.State(kBot)
	if err != nil || st.Qts != 3 || st.Pts != 0 {
		t.Fatalf("state = %+v, %v; want qts 3, pts 0", st, err)
	}

	// Replay from qts 0 comes in slices of DifferenceLimit (2), each state covering its events.
	d, err := w.Difference(kBot, 0, 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	sl, ok := d.(*tg.UpdatesDifferenceSlice)
	if !ok {
		t.Fatalf("difference from 0 = %T, want a slice", d)
	}
	if diff := cmp.Diff(want[:2], botStops(sl.OtherUpdates)); diff != "" {
		t.Fatalf("first slice (-want +got):\n%s", diff)
	}
	if sl.IntermediateState.Qts != 2 || len(sl.Users) != 2 {
		t.Fatalf("first slice state qts %d with %d users, want 2 and 2", sl.IntermediateState.Qts, len(sl.Users))
	}
	d, err = w.Difference(kBot, sl.IntermediateState.Pts, 0, sl.IntermediateState.Qts, 0)
	if err != nil {
		t.Fatal(err)
	}
	full, ok := d.(*tg.UpdatesDifference)
	if !ok || full.State.Qts != 3 {
		t.Fatalf("rest = %#v, want a difference ending at qts 3", d)
	}
	if diff := cmp.Diff(want[2:], botStops(full.OtherUpdates)); diff != "" {
		t.Fatalf("rest (-want +got):\n%s", diff)
	}
	if d, _ := w.Difference(kBot, 0, 0, 3, 0); d == nil {
		t.Fatal("no answer")
	} else if _, ok := d.(*tg.UpdatesDifferenceEmpty); !ok {
		t.Fatalf("difference at current qts = %T, want empty", d)
	}
	if _, err := w.Difference(kBot, 0, 0, 4, 0); !errors.Is(err, ErrPersistentTimestampInvalid) {
		t.Fatalf("qts ahead of the server: err = %v", err)
	}

	// People have no qts log: blocking one records nothing.
	if err := w.Block(kA, &tg.InputPeerUser{UserID: bob.ID, AccessHash: w.accessHash(alice.ID, PeerUser, bob.ID)}); err != nil {
		t.Fatal(err)
	}
	if st, _ := w.State(kB); st.Qts != 0 {
		t.Fatalf("a blocked person got qts %d", st.Qts)
	}
	for name, in := range map[string]tg.InputPeerClass{"self": &tg.InputPeerSelf{}, "empty": &tg.InputPeerEmpty{}} {
		if err := w.Block(kA, in); err == nil {
			t.Fatalf("blocking %s succeeded", name)
		}
	}
}
