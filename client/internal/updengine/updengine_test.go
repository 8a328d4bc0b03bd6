package updengine

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"testing"

	"github.com/mtgo-labs/mtgo/updates"
)

// TestDeliverOnlyWhileRunning checks that a batch reaching the engine outside Run fails (the
// Manager keeps it uncommitted) instead of going nowhere.
func TestDeliverOnlyWhileRunning(t *testing.T) {
	e := New(updates.Options{}, slog.New(slog.DiscardHandler))
	if err := e.handle(t.Context(), updates.Batch{}); !errors.Is(err, errNoSink) {
		t.Fatalf("batch outside Run = %v, want errNoSink", err)
	}
}

// TestFeedKeepsOrder checks that the feed runs what it was given in order, also what was added
// while it ran, and that Close waits for all of it.
func TestFeedKeepsOrder(t *testing.T) {
	f := NewFeed(t.Context(), slog.New(slog.DiscardHandler))
	var mu sync.Mutex
	var got, want []int
	for i := range 200 {
		want = append(want, i)
		f.Add(func(context.Context) error {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, i)
			return nil
		})
	}
	f.Close()
	f.Add(func(context.Context) error { t.Error("ran after Close"); return nil })
	if !slices.Equal(got, want) {
		t.Fatalf("feed ran %v, want 0..199 in order", got)
	}
}
