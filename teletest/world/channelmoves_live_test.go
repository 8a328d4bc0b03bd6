package world

import (
	"fmt"
	"sync"
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

// TestDifferenceTellsChannelMovedToOldStoredState: Bob's client stops with a state, a group
// moves on, his key is handed more states than the world remembers (another run of the
// client, private messages between), and then a client restarted from the old stored state
// asks from it: the group is told.
func TestDifferenceTellsChannelMovedToOldStoredState(t *testing.T) {
	for _, private := range []bool{false, true} {
		p := newChannelPair(t, Config{}, 1)
		old := p.state(t, p.kB)
		p.tick(time.Second)
		p.post(t, 0)
		for range 2 * maxHanded {
			if private {
				p.post(t, -1)
			}
			p.tick(time.Second)
			p.empty(t, p.kB, p.state(t, p.kB))
		}
		d := p.diff(t, p.kB, old)
		if diff := cmp.Diff([]channelTooLong{p.moved(0)}, channelsTooLong(d.OtherUpdates)); diff != "" {
			t.Errorf("private messages %v: channels too long (-want +got):\n%s", private, diff)
		}
	}
}

// TestDifferenceConcurrentOnOneKey: two connections of Bob's key ask for the difference from
// the same state at once, while Alice posts: each answer tells the group that moved before
// the requests, and the states they hand out lead to no channel left out (run with -race).
func TestDifferenceConcurrentOnOneKey(t *testing.T) {
	p := newChannelPair(t, Config{}, 2)
	st := p.state(t, p.kB)
	p.post(t, 0)
	var wg sync.WaitGroup
	answers := make([]tg.UpdatesDifferenceClass, 8)
	errs := make([]error, len(answers))
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i], errs[i] = p.w.Difference(p.kB, st.Pts, st.Date, st.Qts, 0)
		}()
	}
	p.post(t, 1)
	wg.Wait()
	for i, d := range answers {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		got := channelsTooLong(otherOf(d))
		if len(got) == 0 || got[0].Channel != p.channels[0].ID {
			t.Fatalf("answer %d tells %v, want group %d first", i, got, p.channels[0].ID)
		}
		next := d.(*tg.UpdatesDifference).State
		rest := channelsTooLong(otherOf(p.diffOrEmpty(t, next)))
		told := map[int64]bool{}
		for _, c := range append(got, rest...) {
			told[c.Channel] = true
		}
		if !told[p.channels[1].ID] {
			t.Errorf("answer %d: group %d never told (first %v, then %v)", i, p.channels[1].ID, got, rest)
		}
	}
}

// diffOrEmpty returns Bob's difference from st, nil for differenceEmpty.
func (p *channelPair) diffOrEmpty(t *testing.T, st tg.UpdatesState) tg.UpdatesDifferenceClass {
	t.Helper()
	d, err := p.w.Difference(p.kB, st.Pts, st.Date, st.Qts, 0)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestDifferenceSlicesWithEventsBetweenPages: 250 of Bob's groups move on; between the pages
// of his difference new posts come, in a group already told, in one not yet told and in
// private. Every group is told, each with its latest pts in the last answer that tells it,
// the private messages come once and in order, and the last state is up to date.
func TestDifferenceSlicesWithEventsBetweenPages(t *testing.T) {
	const n = 250
	p := newChannelPair(t, Config{}, n)
	st := p.state(t, p.kB)
	for i := range n {
		p.post(t, i)
	}
	last := map[int64]int32{}
	var msgs, wantMsgs []string
	for page := 0; ; page++ {
		d := p.diffOrEmpty(t, st)
		for _, c := range channelsTooLong(otherOf(d)) {
			last[c.Channel] = c.Pts
		}
		switch d := d.(type) {
		case *tg.UpdatesDifferenceSlice:
			msgs = append(msgs, texts(d.NewMessages)...)
			st = d.IntermediateState
		case *tg.UpdatesDifference:
			msgs = append(msgs, texts(d.NewMessages)...)
			st = d.State
		case *tg.UpdatesDifferenceEmpty:
			st.Date = d.Date
		default:
			t.Fatalf("page %d: difference is %T", page, d)
		}
		if page < 3 {
			p.post(t, 10*page)     // told already
			p.post(t, n-1-10*page) // not yet told
			p.post(t, -1)          // private
			wantMsgs = append(wantMsgs, fmt.Sprint("m", p.sent))
			continue
		}
		if _, ok := d.(*tg.UpdatesDifferenceSlice); !ok {
			break
		}
		if page > 20 {
			t.Fatal("no end of slices")
		}
	}
	for i := range n {
		if got, want := last[p.channels[i].ID], p.moved(i).Pts; got != want {
			t.Errorf("group %d: last told pts %d, want %d", i, got, want)
		}
	}
	if diff := cmp.Diff(wantMsgs, msgs); diff != "" {
		t.Errorf("private messages (-want +got):\n%s", diff)
	}
	p.empty(t, p.kB, st)
}
