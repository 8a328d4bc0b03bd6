package storage_test

import (
	"context"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/updates"
)

// TestUpdateCommitDelayLoadRace: LoadUpdates sees every delayed commit that returned before
// it began. It read the file, then laid the pending commits over it: a flush in between
// (Save, or the next commit after the delay) wrote them and emptied the pending set, and the
// load returned the file as it was before them.
func TestUpdateCommitDelayLoadRace(t *testing.T) {
	ctx := context.Background()
	f, err := storage.Open(filepath.Join(t.TempDir(), "load.session"), &storage.FileOptions{UpdateCommitDelay: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	must(t, f.CommitUpdates(ctx, updates.Commit{HasState: true, State: updates.State{Pts: 1}})) // written
	const n = 300
	var (
		wg   sync.WaitGroup
		done atomic.Int32 // the last pts whose commit returned
	)
	done.Store(1)
	wg.Go(func() {
		for pts := int32(2); pts <= n; pts++ {
			if err := f.CommitUpdates(ctx, updates.Commit{HasState: true, State: updates.State{Pts: pts}}); err != nil {
				t.Error(err)
				return
			}
			done.Store(pts)
			if err := f.Save(); err != nil { // writes the pending commit
				t.Error(err)
				return
			}
		}
	})
	stale := 0
	for done.Load() < n {
		before := done.Load()
		s, _, err := f.LoadUpdates(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if s.State.Pts < before {
			stale++
		}
	}
	wg.Wait()
	if stale > 0 {
		t.Fatalf("%d loads missed a commit that had returned before them", stale)
	}
}
