package storage_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/updates"
)

// TestUpdateCommitDelayCloseRace: a delayed commit that returns nil beside Close is on
// disk after it (or the commit fails with ErrClosed). One merged after Close's last flush
// and before Close marked the file closed returned nil and was never written.
func TestUpdateCommitDelayCloseRace(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	lost := 0
	for i := range 100 {
		path := filepath.Join(dir, "race"+string(rune('a'+i%26))+".session")
		f, err := storage.Open(path, &storage.FileOptions{UpdateCommitDelay: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		must(t, f.CommitUpdates(ctx, updates.Commit{HasState: true, State: updates.State{Pts: 1}})) // written
		must(t, f.CommitUpdates(ctx, updates.Commit{HasState: true, State: updates.State{Pts: 2}})) // pending: Close writes it
		var (
			wg        sync.WaitGroup
			commitErr error
		)
		wg.Go(func() {
			commitErr = f.CommitUpdates(ctx, updates.Commit{HasState: true, State: updates.State{Pts: 3}})
		})
		wg.Go(func() { _ = f.Close() })
		wg.Wait()
		if commitErr != nil {
			if !errors.Is(commitErr, storage.ErrClosed) {
				t.Fatalf("commit beside Close = %v", commitErr)
			}
			continue
		}
		g, err := storage.Open(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		s, _, err := g.LoadUpdates(ctx)
		must(t, err)
		must(t, g.Close())
		if s.State.Pts != 3 {
			lost++
		}
	}
	if lost > 0 {
		t.Fatalf("%d of 100 commits that returned nil beside Close were not written", lost)
	}
}

// TestUpdateCommitDelayFailedReset: a Reset that fails keeps the delayed commits. It
// dropped them before trying, so a Reset refused (a canceled context, a closed file) lost
// commits that had returned nil.
func TestUpdateCommitDelayFailedReset(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "reset.session")
	f, err := storage.Open(path, &storage.FileOptions{UpdateCommitDelay: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	must(t, f.CommitUpdates(ctx, updates.Commit{HasState: true, State: updates.State{Pts: 1}})) // written
	must(t, f.CommitUpdates(ctx, updates.Commit{HasState: true, State: updates.State{Pts: 2}})) // pending
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if err := f.Reset(canceled); !errors.Is(err, context.Canceled) {
		t.Fatalf("Reset with a canceled context = %v", err)
	}
	if s, _, err := f.LoadUpdates(ctx); err != nil || s.State.Pts != 2 {
		t.Errorf("after a failed Reset: pts %d, %v; want 2", s.State.Pts, err)
	}
	must(t, f.Close())
	g, err := storage.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if s, _, err := g.LoadUpdates(ctx); err != nil || s.State.Pts != 2 {
		t.Errorf("reopened after a failed Reset: pts %d, %v; want 2", s.State.Pts, err)
	}
}
