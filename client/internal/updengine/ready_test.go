package updengine

import (
	"context"
	"testing"
	"testing/synctest"
)

// TestEngineReadyWhileStartQueued: the first period knows its state (its Ready closed), then
// stops while its Handler holds a batch, and the next period starts meanwhile (its Start
// waits for that stop). Ready asked after that Start belongs to the next period: not closed
// before that period's Manager runs and knows its state, closed once it does. The old engine
// handed out the first period's closed channel until the first Manager stopped.
func TestEngineReadyWhileStartQueued(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHeldStop(t)
		var second stops
		ctx2, cancel2 := context.WithCancel(t.Context())
		defer cancel2()
		if err := h.e.Start(ctx2, h.log.deliver(nil), second.stopped); err != nil {
			t.Fatalf("a Start while the previous Manager stops: %v", err)
		}
		ready := h.e.Ready()
		synctest.Wait()
		if isClosed(ready) {
			t.Fatal("Ready after a Start waiting for the previous stop is already closed")
		}
		h.free()
		synctest.Wait()
		if h.first.count() != 1 || second.count() != 0 {
			t.Fatalf("stopped calls: first %d, second %d; want 1, 0", h.first.count(), second.count())
		}
		if !isClosed(ready) {
			t.Fatal("Ready not closed once the next period knows its state")
		}
		if h.e.Ready() != ready {
			t.Fatal("Ready changed while the next period runs")
		}
	})
}
