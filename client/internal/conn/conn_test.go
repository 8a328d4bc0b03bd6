package conn

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/mtgo-labs/mtgo/session"
)

// heldDrains is a Spawner that keeps the drainers it is asked to start until run runs them,
// on the test's goroutine, and the deliver function they call: a test sees how many drainers
// were started and what they delivered, in order.
type heldDrains struct {
	pending []func(context.Context)
	started int
	refuse  bool
	got     []LinkEvent
	onEvent func(LinkEvent) // called at each delivery, if set
}

func (h *heldDrains) spawn(f func(context.Context)) bool {
	if h.refuse {
		return false
	}
	h.started++
	h.pending = append(h.pending, f)
	return true
}

func (h *heldDrains) deliver(_ context.Context, ev LinkEvent) {
	h.got = append(h.got, ev)
	if h.onEvent != nil {
		h.onEvent(ev)
	}
}

// run runs the drainers started so far (and those they start) with ctx and returns what they
// delivered.
func (h *heldDrains) run(ctx context.Context) []LinkEvent {
	for len(h.pending) > 0 {
		f := h.pending[0]
		h.pending = h.pending[1:]
		f(ctx)
	}
	got := h.got
	h.got = nil
	return got
}

// newHeldNotifier returns a notifier over dial whose drainers h holds.
func newHeldNotifier(dial func() (session.PacketConn, error)) (*RedialNotifier, *heldDrains) {
	h := &heldDrains{}
	d := NewRedialNotifier(session.DialerFunc(func(context.Context, int, string) (session.PacketConn, error) {
		return dial()
	}), h.spawn, h.deliver)
	return d, h
}

// dialT dials through d, failing t on an error; when served, the session is said to serve on
// the connection.
func dialT(t *testing.T, d *RedialNotifier, served bool) session.PacketConn {
	t.Helper()
	pc, err := d.DialPacket(t.Context(), 2, "x")
	if err != nil {
		t.Fatal(err)
	}
	if served {
		pc.(session.ServeNotifier).Serving()
	}
	return pc
}

// TestRedialNotifier checks that every connection served after the first is a redial, the
// first is not, nor a dial the session never served on; that events waiting together share
// one drainer; and that a drainer which emptied the queue is gone, so the next event starts
// another.
func TestRedialNotifier(t *testing.T) {
	d, h := newHeldNotifier(func() (session.PacketConn, error) { return nil, nil })
	dial := func() { dialT(t, d, true) }
	dial()
	dialT(t, d, false)
	if h.started != 0 {
		t.Fatalf("%d drainers started by the first dial and a dial never served", h.started)
	}
	for range 3 {
		dial()
	}
	if h.started != 1 {
		t.Fatalf("three redials waiting started %d drainers, want 1", h.started)
	}
	if got := h.run(t.Context()); len(got) != 3 {
		t.Fatalf("delivered %v, want three redials", got)
	}
	dial()
	if h.started != 2 {
		t.Fatalf("a redial after the queue emptied started %d drainers in all, want 2", h.started)
	}
	if got := h.run(t.Context()); !cmp.Equal(got, []LinkEvent{{}}) {
		t.Fatalf("delivered %v, want one redial", got)
	}
}

// TestRedialNotifierEventDuringDelivery: an event reported while the drainer delivers goes to
// the same drainer, after the ones before it.
func TestRedialNotifierEventDuringDelivery(t *testing.T) {
	eof := errors.New("eof")
	d, h := newHeldNotifier(func() (session.PacketConn, error) { return failingConn{err: eof}, nil })
	first := dialT(t, d, true)
	h.onEvent = func(ev LinkEvent) {
		if ev.Lost != nil {
			dialT(t, d, true) // the redial, while the loss is being delivered
		}
	}
	_, _ = first.ReadPacket()
	want := []LinkEvent{{Lost: eof}, {}}
	if diff := cmp.Diff(want, h.run(t.Context()), cmpopts.EquateErrors()); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
	if h.started != 1 {
		t.Fatalf("%d drainers started, want 1", h.started)
	}
}

// TestRedialNotifierStopped: events are dropped once the Spawner refuses (its owner stops),
// and those waiting when the drainer's context ends are never delivered.
func TestRedialNotifierStopped(t *testing.T) {
	d, h := newHeldNotifier(func() (session.PacketConn, error) { return nil, nil })
	dial := func() { dialT(t, d, true) }
	dial()
	dial()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if got := h.run(ctx); len(got) != 0 {
		t.Fatalf("delivered %v after the owner stopped", got)
	}
	h.refuse = true
	dial()
	h.refuse = false
	if got := h.run(t.Context()); len(got) != 0 {
		t.Fatalf("delivered %v, refused by the Spawner", got)
	}
	dial() // a new drainer: the refused one left no queue and no drainer behind
	if got := h.run(t.Context()); !cmp.Equal(got, []LinkEvent{{}}) || h.started != 2 {
		t.Fatalf("delivered %v with %d drainers started, want one redial by the second", got, h.started)
	}
}

// TestRedialNotifierConcurrent reports losses from many goroutines at once, through a
// Spawner running real goroutines: every loss is delivered, by one drainer at a time, and
// once all are delivered no drainer is left.
func TestRedialNotifierConcurrent(t *testing.T) {
	const n = maxLinkEvents
	var (
		wg              sync.WaitGroup
		running, maxRun atomic.Int32
		mu              sync.Mutex
		got             []string
		started         atomic.Int32
		allDelivered    = make(chan struct{})
		delivered       = 0
	)
	spawn := func(f func(context.Context)) bool {
		started.Add(1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := running.Add(1)
			for m := maxRun.Load(); r > m && !maxRun.CompareAndSwap(m, r); m = maxRun.Load() {
			}
			f(t.Context())
			running.Add(-1)
		}()
		return true
	}
	deliver := func(_ context.Context, ev LinkEvent) {
		mu.Lock()
		defer mu.Unlock()
		if ev.Lost == nil {
			got = append(got, "redial")
			return
		}
		got = append(got, ev.Lost.Error())
		delivered++
		if delivered == n {
			close(allDelivered)
		}
	}
	var next atomic.Int32
	d := NewRedialNotifier(session.DialerFunc(func(context.Context, int, string) (session.PacketConn, error) {
		return failingConn{err: fmt.Errorf("conn %d", next.Add(1))}, nil
	}), spawn, deliver)
	dialT(t, d, true) // the first connection: losses after it count
	next.Store(0)
	var senders sync.WaitGroup
	for range n {
		senders.Add(1)
		go func() {
			defer senders.Done()
			pc, err := d.DialPacket(t.Context(), 2, "x")
			if err != nil {
				t.Error(err)
				return
			}
			_, _ = pc.ReadPacket()
		}()
	}
	senders.Wait()
	<-allDelivered
	wg.Wait() // returns only when every drainer has ended
	if m := maxRun.Load(); m != 1 {
		t.Errorf("%d drainers ran at once, want 1", m)
	}
	want := make([]string, n)
	for i := range want {
		want[i] = fmt.Sprintf("conn %d", i+1)
	}
	if diff := cmp.Diff(want, got, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("losses delivered (-want +got):\n%s", diff)
	}
	before := started.Load()
	dialT(t, d, true) // a redial, after losses
	wg.Wait()
	if started.Load() != before+1 || running.Load() != 0 {
		t.Fatalf("an event after the idle time started %d drainers (%d running), want 1 that ended", started.Load()-before, running.Load())
	}
}
