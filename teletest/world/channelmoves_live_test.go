package world

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestDifferenceTellsChannelMovedBeforeLivePush: Bob's session is lost (a failover), a group
// moves on with no session of his to push to, then his new session gets a private message
// live, so his pts (and date) move past the group's event without his having heard of it. The
// difference from that state, which the world never handed out, still tells the group, in
// the same second and a minute later.
func TestDifferenceTellsChannelMovedBeforeLivePush(t *testing.T) {
	for _, gap := range []time.Duration{0, time.Minute} {
		p := newChannelPair(t, Config{}, 2)
		st := p.state(t, p.kB)
		p.tick(time.Second)
		p.post(t, 1) // lost with the session
		p.tick(gap)
		p.post(t, -1) // pushed live to the new session
		live := st
		live.Pts++
		live.Date = p.w.now()
		want := []channelTooLong{p.moved(1)}
		d := p.diff(t, p.kB, live)
		if diff := cmp.Diff(want, channelsTooLong(d.OtherUpdates)); diff != "" {
			t.Errorf("gap %v: channels too long (-want +got):\n%s", gap, diff)
		}
		p.empty(t, p.kB, d.State)
	}
}

// TestDifferenceTellsChannelMovedBeforeLivePushAfterManyStates: the same with more states
// handed to Bob's key than the world remembers, all of them before the one he holds: the
// group that moved after his last handed state is still told.
func TestDifferenceTellsChannelMovedBeforeLivePushAfterManyStates(t *testing.T) {
	p := newChannelPair(t, Config{}, 1)
	var st tg.UpdatesState
	for range 2 * maxHanded {
		p.tick(time.Second)
		st = p.state(t, p.kB)
	}
	p.tick(time.Second)
	p.post(t, 0)
	p.post(t, -1)
	live := st
	live.Pts++
	live.Date = p.w.now()
	d := p.diff(t, p.kB, live)
	if diff := cmp.Diff([]channelTooLong{p.moved(0)}, channelsTooLong(d.OtherUpdates)); diff != "" {
		t.Errorf("channels too long (-want +got):\n%s", diff)
	}
}

// TestDifferenceTellsChannelMovedBeforeLivePushOnNewKey: the same across a switch to another
// data center, where Bob's client asks with a new auth key (authorized for him) from the
// state it holds: the world handed that key nothing yet, and still tells the group.
func TestDifferenceTellsChannelMovedBeforeLivePushOnNewKey(t *testing.T) {
	p := newChannelPair(t, Config{}, 1)
	st := p.state(t, p.kB)
	p.tick(time.Second)
	p.post(t, 0)
	p.post(t, -1)
	live := st
	live.Pts++
	live.Date = p.w.now()
	moved := KeyID{9}
	if err := p.w.Authorize(moved, p.bob); err != nil {
		t.Fatal(err)
	}
	d := p.diff(t, moved, live)
	if diff := cmp.Diff([]channelTooLong{p.moved(0)}, channelsTooLong(d.OtherUpdates)); diff != "" {
		t.Errorf("channels too long (-want +got):\n%s", diff)
	}
}
