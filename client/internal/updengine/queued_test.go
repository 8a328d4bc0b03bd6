package updengine

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates"
)

// heldStop is an engine whose first period knew its state, then stopped (its context ended)
// while its Handler holds msg2. free lets the Handler go on; first counts the stops of that
// period. Call it inside a synctest bubble.
type heldStop struct {
	e     *Engine
	log   *deliveries
	first *stops
	free  func()
}

func newHeldStop(t *testing.T) heldStop {
	t.Helper()
	store := updates.NewMemoryStore()
	if err := store.Save(t.Context(), updates.Commit{HasState: true, State: updates.State{Pts: 1, Qts: 1, Seq: 1, Date: 1}}); err != nil {
		t.Fatal(err)
	}
	api := &guessAPI{release: make(chan struct{})}
	close(api.release)
	h := heldStop{e: New(updates.Options{API: api, Store: store}, slog.New(slog.DiscardHandler)),
		log: &deliveries{}, first: &stops{}}
	hold := make(chan struct{})
	h.free = sync.OnceFunc(func() { close(hold) })
	t.Cleanup(h.free)
	ctx1, cancel1 := context.WithCancel(t.Context())
	defer cancel1()
	if err := h.e.Start(ctx1, h.log.deliver(hold), h.first.stopped); err != nil {
		t.Fatal(err)
	}
	synctest.Wait()
	if !isClosed(h.e.Ready()) {
		t.Fatal("Ready not closed once the first period knows its state")
	}
	up := &tg.UpdateNewMessage{Message: &tg.Message{ID: 2, PeerID: &tg.PeerUser{UserID: 5}}, Pts: 2, PtsCount: 1}
	if err := h.e.HandleUpdates(t.Context(), &tg.Updates{Updates: []tg.UpdateClass{up}, Date: 1}); err != nil {
		t.Fatal(err)
	}
	synctest.Wait()
	cancel1() // the Handler still holds msg2
	synctest.Wait()
	return h
}

// TestEngineSecondQueuedStart: while the previous Manager still stops (its Handler holds a
// batch), one Start waits for it; another one fails with errStarting and its stopped is never
// called, and the waiting one runs once the previous Manager stopped.
func TestEngineSecondQueuedStart(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHeldStop(t)
		e, log, first := h.e, h.log, h.first
		var second, third stops
		ctx2, cancel2 := context.WithCancel(t.Context())
		defer cancel2()
		if err := e.Start(ctx2, log.deliver(nil), second.stopped); err != nil {
			t.Fatalf("a Start while the previous Manager stops: %v", err)
		}
		if err := e.Start(t.Context(), log.deliver(nil), third.stopped); !errors.Is(err, errStarting) {
			t.Fatalf("a second Start while one waits: %v, want %v", err, errStarting)
		}
		h.free()
		synctest.Wait()
		if first.count() != 1 || second.count() != 0 || third.count() != 0 {
			t.Fatalf("stopped calls: first %d, second %d, third %d; want 1, 0, 0", first.count(), second.count(), third.count())
		}
		up := &tg.UpdateNewMessage{Message: &tg.Message{ID: 3, PeerID: &tg.PeerUser{UserID: 5}}, Pts: 3, PtsCount: 1}
		if err := e.HandleUpdates(t.Context(), &tg.Updates{Updates: []tg.UpdateClass{up}, Date: 1}); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if diff := cmp.Diff([]string{"msg2", "msg3"}, log.seen()); diff != "" {
			t.Errorf("delivered (-want +got):\n%s", diff) // msg3 by the queued period's Manager
		}
		cancel2()
		synctest.Wait()
		if second.count() != 1 || third.count() != 0 {
			t.Fatalf("after the second period ended, stopped calls: second %d, third %d; want 1, 0", second.count(), third.count())
		}
	})
}
