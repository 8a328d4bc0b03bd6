package updates

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// blockingDifference answers getDifference with d once release is closed (nil: never, until
// the call's context ends).
type blockingDifference struct {
	fixedDifference
	release chan struct{}
}

func (b blockingDifference) UpdatesGetDifference(ctx context.Context, r *tg.UpdatesGetDifferenceRequest) (tg.UpdatesDifferenceClass, error) {
	select {
	case <-b.release:
		return b.fixedDifference.UpdatesGetDifference(ctx, r)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// orderLog records what a Handler was given, in order: messages as "m<id>", presses as
// "press<id>".
type orderLog struct {
	mu   sync.Mutex
	got  []string
	hold func(b Batch)
}

func (o *orderLog) HandleUpdates(_ context.Context, b Batch) error {
	if o.hold != nil {
		o.hold(b)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, u := range b.Updates {
		o.got = append(o.got, describe(u))
	}
	return nil
}

func (o *orderLog) seen() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.got...)
}

// leftoverPresses stops a Manager that has presses 1..n queued behind the first, which its
// Handler holds, and returns its Leftovers (presses 2..n) and the store it saved to (pts 10).
func leftoverPresses(t *testing.T, n int64) ([]Leftover, *MemoryStore) {
	t.Helper()
	store := NewMemoryStore()
	if err := store.Save(t.Context(), Commit{State: State{Pts: 10, Date: 1}, HasState: true}); err != nil {
		t.Fatal(err)
	}
	gate := make(chan struct{})
	a, err := NewManager(Options{API: fixedDifference{&tg.UpdatesDifferenceEmpty{Date: 1}}, Store: store,
		Handler: HandlerFunc(func(context.Context, Batch) error { <-gate; return nil })})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	if err := a.Start(ctx, func(err error) { done <- err }); err != nil {
		t.Fatal(err)
	}
	synctest.Wait()
	for id := range n {
		if err := a.HandleUpdates(t.Context(), press(id+1)); err != nil {
			t.Fatal(err)
		}
	}
	synctest.Wait()
	cancel()
	close(gate)
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("first Manager stopped with %v", err)
	}
	left := a.Leftovers()
	if len(left) != int(n-1) {
		t.Fatalf("%d leftovers, want %d", len(left), n-1)
	}
	return left, store
}

// catchUp is the difference the next Manager's catch-up gets: two messages older than the
// left-over presses.
func catchUp() *tg.UpdatesDifference {
	return &tg.UpdatesDifference{
		NewMessages: []tg.MessageClass{message(11), message(12)},
		Users:       []tg.UserClass{&tg.User{ID: 1}},
		State:       tg.UpdatesState{Pts: 12, Date: 2},
	}
}

// TestManagerLeftoversFollowCatchUp: presses left over by a stopped Manager reach the next
// one's Handler after the messages its catch-up brings, which are older than they are (the
// message a press was made on among them), and before a press that came after them.
func TestManagerLeftoversFollowCatchUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		left, store := leftoverPresses(t, 3)
		rec := &orderLog{}
		b, err := NewManager(Options{API: fixedDifference{catchUp()}, Store: store, Handler: rec})
		if err != nil {
			t.Fatal(err)
		}
		if !b.Resume(left) {
			t.Fatal("Resume refused")
		}
		if err := b.HandleUpdates(t.Context(), press(9)); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		if err := b.Start(ctx, nil); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		cancel()
		synctest.Wait()
		want := []string{"msg11", "msg12", "press2", "press3", "press9"}
		if diff := cmp.Diff(want, rec.seen()); diff != "" {
			t.Errorf("next Manager's updates (-want +got):\n%s", diff)
		}
	})
}

// TestManagerStopKeepsPressesWaitingForDifference: presses that wait for a catch-up
// difference which never comes are the Leftovers of the stop, in order, and the Manager after
// delivers them after its own catch-up.
func TestManagerStopKeepsPressesWaitingForDifference(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		left, store := leftoverPresses(t, 3)
		b, err := NewManager(Options{API: blockingDifference{release: nil}, Store: store, Handler: &orderLog{}})
		if err != nil {
			t.Fatal(err)
		}
		b.Resume(left)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		if err := b.Start(ctx, func(err error) { done <- err }); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if err := b.HandleUpdates(t.Context(), press(9)); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		cancel()
		<-done
		var ids []string
		for _, u := range leftUpdates(b.Leftovers()) {
			ids = append(ids, describe(u))
		}
		if diff := cmp.Diff([]string{"press2", "press3", "press9"}, ids); diff != "" {
			t.Fatalf("leftovers (-want +got):\n%s", diff)
		}

		rec := &orderLog{}
		c, err := NewManager(Options{API: fixedDifference{catchUp()}, Store: store, Handler: rec})
		if err != nil {
			t.Fatal(err)
		}
		c.Resume(b.Leftovers())
		ctx2, cancel2 := context.WithCancel(t.Context())
		if err := c.Start(ctx2, nil); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		cancel2()
		synctest.Wait()
		want := []string{"msg11", "msg12", "press2", "press3", "press9"}
		if diff := cmp.Diff(want, rec.seen()); diff != "" {
			t.Errorf("third Manager's updates (-want +got):\n%s", diff)
		}
	})
}

// TestManagerStopKeepsPressesAfterCutDifference: the stop comes while the Handler holds the
// catch-up's messages; the presses that waited for them, handed out after them in the same
// answer, are kept (the difference's own updates are not: the next catch-up brings them).
func TestManagerStopKeepsPressesAfterCutDifference(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		left, store := leftoverPresses(t, 3)
		ctx, cancel := context.WithCancel(t.Context())
		rec := &orderLog{hold: func(Batch) { cancel() }}
		b, err := NewManager(Options{API: fixedDifference{catchUp()}, Store: store, Handler: rec})
		if err != nil {
			t.Fatal(err)
		}
		b.Resume(left)
		done := make(chan error, 1)
		if err := b.Start(ctx, func(err error) { done <- err }); err != nil {
			t.Fatal(err)
		}
		<-done
		if diff := cmp.Diff([]string{"msg11", "msg12"}, rec.seen()); diff != "" {
			t.Errorf("delivered before the stop (-want +got):\n%s", diff)
		}
		var ids []string
		for _, u := range leftUpdates(b.Leftovers()) {
			ids = append(ids, describe(u))
		}
		if diff := cmp.Diff([]string{"press2", "press3"}, ids); diff != "" {
			t.Errorf("leftovers (-want +got):\n%s", diff)
		}
	})
}

// TestManagerStopAtOverflowKeepsOrder: the stop comes as a full buffer lets the held presses
// go (the Hook cancels on the overflow, before any batch is handed over); the press held
// again after them, from the same container, stays after them in the Leftovers.
func TestManagerStopAtOverflowKeepsOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		store := NewMemoryStore()
		if err := store.Save(t.Context(), Commit{State: State{Pts: 10, Date: 1}, HasState: true}); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		m, err := NewManager(Options{API: blockingDifference{}, Store: store, Handler: &orderLog{},
			Box: Config{MaxPending: 2},
			Hook: HookFunc(func(e Event) {
				if e.Kind == EventOverflow {
					cancel()
				}
			})})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		if err := m.Start(ctx, func(err error) { done <- err }); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		for _, u := range []tg.UpdatesClass{press(1), press(2),
			&tg.Updates{Updates: []tg.UpdateClass{pressUpdate(3), pressUpdate(4)}}} {
			if err := m.HandleUpdates(t.Context(), u); err != nil {
				t.Fatal(err)
			}
			synctest.Wait()
		}
		<-done
		var ids []string
		for _, u := range leftUpdates(m.Leftovers()) {
			ids = append(ids, describe(u))
		}
		if diff := cmp.Diff([]string{"press1", "press2", "press3", "press4"}, ids); diff != "" {
			t.Errorf("leftovers (-want +got):\n%s", diff)
		}
	})
}
