package updates

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates/internal/sim"
)

// TestDropChannelDeliversHeld: channel 9 becomes inaccessible (its difference failed with
// CHANNEL_PRIVATE) while updates of it are held, after a gap or behind a recovery. They were
// received before the drop; the old code discarded them without a trace. They are delivered
// in order, and each gap before them, which no difference can fill any more, is reported
// (EventDifferenceTooLong); the channel is dropped at the last one, so a late push at or
// below it is not delivered again.
func TestDropChannelDeliversHeld(t *testing.T) {
	const ch = 9
	hole := func(local, remote int32) Event {
		return Event{Kind: EventDifferenceTooLong, Sequence: SequenceChannel, ChannelID: ch, Local: local, Remote: remote,
			Reason: reasonDroppedGap}
	}
	dropped := func(pts int32) Event {
		return Event{Kind: EventChannelDropped, Sequence: SequenceChannel, ChannelID: ch, Local: pts, Reason: "CHANNEL_PRIVATE"}
	}
	push := func(h *harness, pts ...int32) {
		for _, p := range pts {
			h.process(updates(0, chMsg(ch, p, p)))
		}
	}
	for _, tc := range []struct {
		name   string
		setup  func(*harness)
		want   []string
		events []Event
		pts    int32 // the pts the channel is dropped at
	}{
		{name: "nothing held", setup: func(h *harness) { push(h, 10) },
			events: []Event{dropped(10)}, pts: 10},
		{name: "held after a gap", setup: func(h *harness) { push(h, 10, 12) },
			want: []string{"ch9/12"}, events: []Event{hole(10, 11), dropped(12)}, pts: 12},
		{name: "held behind a recovery", setup: func(h *harness) {
			push(h, 10)
			h.process(updates(0, &tg.UpdateChannelTooLong{ChannelID: ch}))
			push(h, 11, 12)
		}, want: []string{"ch9/11", "ch9/12"}, events: []Event{dropped(12)}, pts: 12},
		{name: "several gaps, a duplicate", setup: func(h *harness) { push(h, 10, 15, 12, 12, 13, 9) },
			want:   []string{"ch9/12", "ch9/13", "ch9/15"},
			events: []Event{hole(10, 11), hole(13, 14), dropped(15)}, pts: 15},
		{name: "guessed start", setup: func(h *harness) {
			h.process(updates(0, &tg.UpdateChannelTooLong{ChannelID: ch, Pts: tl.Some[int32](7)}))
			push(h, 5, 7)
		}, want: []string{"ch9/5", "ch9/7"}, events: []Event{hole(5, 6), dropped(7)}, pts: 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Config{})
			h.start(State{Pts: 1, Qts: 1, Seq: 1, Date: 1})
			tc.setup(h)
			h.reset()
			h.record(h.b.DropChannel(h.now, ch, "CHANNEL_PRIVATE"))
			h.expectDelivered(tc.want...)
			var got []Event
			for _, e := range h.events {
				if e.Kind == EventDifferenceTooLong || e.Kind == EventChannelDropped {
					got = append(got, e)
				}
			}
			if diff := cmp.Diff(tc.events, got, cmpEmpty); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			if n := len(h.commits); n == 0 || cmp.Diff([]ChannelPts{{ChannelID: ch, Pts: tc.pts, Removed: true}}, h.commits[n-1].Channels) != "" {
				t.Errorf("commits %+v, want the last to remove channel %d at %d", h.commits, ch, tc.pts)
			}
			checkInvariants(t, h.b)
			// Late on the network: the updates up to the drop are not delivered again.
			h.reset()
			push(h, tc.pts, tc.pts+1)
			h.expectDelivered(fmt.Sprintf("ch9/%d", tc.pts+1))
		})
	}
}

// TestManagerDropCutKeepsHeld: channel 9 becomes private with two updates held after a gap;
// its drop hands them over, and the Handler fails on one of them. What follows it, not handed
// over, goes to the next Manager in the Leftovers with the memo of the drop, which must not
// name a pts at or above it: the drop was not saved. So does the batch the Handler failed on:
// the next run's catch-up cannot bring it again (the channel is private), and the old code
// lost it without a trace. The next Manager delivers them, with its catch-up (which drops the
// channel again) or without (NoCatchUp).
func TestManagerDropCutKeepsHeld(t *testing.T) {
	for _, tc := range []struct {
		name       string
		failFourth bool // the Handler fails on the fourth update, else on the third
		first      []int
		next       []int
	}{
		{name: "fail on the third", first: []int{0}, next: []int{2, 3}},
		{name: "fail on the last", failFourth: true, first: []int{0, 2}, next: []int{3}},
	} {
		for _, noCatchUp := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/NoCatchUp=%v", tc.name, noCatchUp), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					srv := sim.New(3, 9)
					store := NewMemoryStore()
					id := func(u tg.UpdatesClass) string { return sim.Identity(u.(*tg.Updates).Updates[0]) }
					rec := &recorder{}
					r := start(t, Options{API: srv, Handler: rec, Store: store})
					pushes := []tg.UpdatesClass{srv.ChannelMessage(9), srv.ChannelMessage(9), srv.ChannelMessage(9),
						srv.ChannelMessage(9)}
					r.push(t, pushes[0]) // pushes[1] is lost
					srv.SetPrivate(9)
					failed := id(pushes[2])
					if tc.failFourth {
						failed = id(pushes[3])
					}
					boom := errors.New("boom")
					rec.failOn(failed, boom)
					r.push(t, pushes[2])
					r.push(t, pushes[3])
					time.Sleep(time.Second)
					synctest.Wait()
					if err := r.stop(t); !errors.Is(err, boom) {
						t.Fatalf("first Manager stopped with %v, want %v", err, boom)
					}

					next := resumeNext(t, Options{API: srv, Store: store, NoCatchUp: noCatchUp}, r.m.Leftovers())
					time.Sleep(time.Second)
					synctest.Wait()
					expectSeen(t, pushes, tc.first, rec, tc.next, next.rec)
				})
			})
		}
	}
}

// TestManagerFailedBatchKept: the Handler fails on a batch of channel 9 and the Manager stops
// without saving it, leaving it to the next run's catch-up. That catch-up cannot bring it when
// the channel became private between the runs (CHANNEL_PRIVATE drops it), nor when the
// batch was the channel's first (the Store never held the channel), nor with NoCatchUp (the
// saved channels are forgotten): the old code lost it without a trace. Its sequenced updates
// now go on in the Leftovers; when the catch-up brings them too, the next Manager's sequence
// rules deliver them once.
func TestManagerFailedBatchKept(t *testing.T) {
	for _, tc := range []struct {
		name      string
		fail      int  // the push the Handler fails on
		private   bool // channel 9 becomes private between the runs
		noCatchUp bool
		first     []int
		next      []int
	}{
		{name: "private between runs", fail: 1, private: true, first: []int{0}, next: []int{1, 2}},
		{name: "private between runs, NoCatchUp", fail: 1, private: true, noCatchUp: true, first: []int{0}, next: []int{1, 2}},
		{name: "first batch of the channel", fail: 0, next: []int{0, 1, 2}},
		{name: "caught up", fail: 1, first: []int{0}, next: []int{1, 2}},
		{name: "caught up, NoCatchUp", fail: 1, noCatchUp: true, first: []int{0}, next: []int{1, 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv := sim.New(2, 9)
				store := NewMemoryStore()
				id := func(u tg.UpdatesClass) string { return sim.Identity(u.(*tg.Updates).Updates[0]) }
				rec := &recorder{}
				r := start(t, Options{API: srv, Handler: rec, Store: store})
				pushes := []tg.UpdatesClass{srv.ChannelMessage(9), srv.ChannelMessage(9), srv.ChannelMessage(9)}
				boom := errors.New("boom")
				rec.failOn(id(pushes[tc.fail]), boom)
				for _, p := range pushes[:tc.fail+1] {
					r.push(t, p)
				}
				synctest.Wait()
				if err := r.stop(t); !errors.Is(err, boom) {
					t.Fatalf("first Manager stopped with %v, want %v", err, boom)
				}
				if tc.private {
					srv.SetPrivate(9)
				}
				next := resumeNext(t, Options{API: srv, Store: store, NoCatchUp: tc.noCatchUp}, r.m.Leftovers())
				for _, p := range pushes[tc.fail+1:] {
					next.push(t, p)
				}
				time.Sleep(time.Second)
				synctest.Wait()
				expectSeen(t, pushes, tc.first, rec, tc.next, next.rec)
			})
		})
	}
}

// failOn makes r fail with err on every batch that carries the update identified by id.
func (r *recorder) failOn(id string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail = func(b Batch) error {
		if slices.ContainsFunc(b.Updates, func(u tg.UpdateClass) bool { return sim.Identity(u) == id }) {
			return err
		}
		return nil
	}
}

// resumed is a Manager started on the Leftovers of the last one, with a recorder for Handler.
type resumed struct {
	*Manager
	rec *recorder
}

func (r resumed) push(t *testing.T, u tg.UpdatesClass) {
	t.Helper()
	if err := r.HandleUpdates(t.Context(), u); err != nil {
		t.Fatal(err)
	}
}

// resumeNext starts a Manager with opts and a recorder for Handler, handed left before it
// starts; it stops when the test ends.
func resumeNext(t *testing.T, opts Options, left []Leftover) resumed {
	t.Helper()
	r := resumed{rec: &recorder{}}
	opts.Handler = r.rec
	m, err := NewManager(opts)
	if err != nil {
		t.Fatal(err)
	}
	r.Manager = m
	m.Resume(left)
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(func() { cancel(); synctest.Wait() })
	if err := m.Start(ctx, nil); err != nil {
		t.Fatal(err)
	}
	return r
}

// expectSeen checks that the first Manager's Handler (rec) saw the pushes at the indexes first,
// in order, and the next one's (next) those at next.
func expectSeen(t *testing.T, pushes []tg.UpdatesClass, first []int, rec *recorder, next []int, nextRec *recorder) {
	t.Helper()
	ids := func(is []int) []string {
		var out []string
		for _, i := range is {
			out = append(out, sim.Identity(pushes[i].(*tg.Updates).Updates[0]))
		}
		return out
	}
	if diff := cmp.Diff(ids(first), rec.seen()); diff != "" {
		t.Errorf("first Manager delivered (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(ids(next), nextRec.seen()); diff != "" {
		t.Errorf("next Manager delivered (-want +got):\n%s", diff)
	}
}

// TestManagerUnhandledDifferenceReported: channel 9's difference brings updates 2 and 3
// (after 1, when 2 was lost and 3 held), as updates rebuilt from its messages, pts 0, and the
// Handler fails on them. They cannot go on in the Leftovers (the next Box could not place
// them); the next run's catch-up is their only way back, and the channel became private in
// between: they were lost without a trace. The memo now names the pts they reached, and the
// drop reports them lost from the saved pts.
func TestManagerUnhandledDifferenceReported(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := sim.New(2, 9)
		store := NewMemoryStore()
		rec := &recorder{}
		r := start(t, Options{API: srv, Handler: rec, Store: store})
		pushes := []tg.UpdatesClass{srv.ChannelMessage(9), srv.ChannelMessage(9), srv.ChannelMessage(9)}
		r.push(t, pushes[0])
		synctest.Wait()
		boom := errors.New("boom")
		rec.failOn(sim.Identity(pushes[1].(*tg.Updates).Updates[0]), boom)
		r.push(t, pushes[2]) // pushes[1] is lost: the gap's difference brings both
		time.Sleep(time.Second)
		synctest.Wait()
		if err := r.stop(t); !errors.Is(err, boom) {
			t.Fatalf("first Manager stopped with %v, want %v", err, boom)
		}
		saved := srv.ChannelPts(9) - 2
		srv.SetPrivate(9)
		hook := &recorder{}
		next := resumeNext(t, Options{API: srv, Store: store, Hook: hook, AccessHashes: simHashes}, r.m.Leftovers())
		time.Sleep(time.Second)
		synctest.Wait()
		expectSeen(t, pushes, []int{0}, rec, nil, next.rec)
		var got []Event
		for _, e := range hook.events {
			if e.Kind == EventDifferenceTooLong {
				got = append(got, e)
			}
		}
		want := []Event{{Kind: EventDifferenceTooLong, Sequence: SequenceChannel, ChannelID: 9, Local: saved,
			Remote: saved + 2, Reason: reasonUnhandled}}
		if diff := cmp.Diff(want, got, cmpEmpty); diff != "" {
			t.Errorf("loss reports (-want +got):\n%s", diff)
		}
	})
}
