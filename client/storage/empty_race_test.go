package storage_test

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/client/storage"
)

// TestOpenEmptyFileRace: two Opens of one empty session file (left by a tool, or a crash
// of another program) at once give one store and one ErrSessionInUse. Each built a new
// file and renamed it over the path: the first store then held a file the second had
// replaced, both held "the" lock, and the first one's writes went to a file no longer there.
func TestOpenEmptyFileRace(t *testing.T) {
	dir := t.TempDir()
	both := 0
	for i := range 30 {
		path := filepath.Join(dir, "empty"+string(rune('a'+i%26))+string(rune('a'+i/26))+".session")
		if err := os.WriteFile(path, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		var (
			wg     sync.WaitGroup
			stores [2]*storage.File
			errs   [2]error
		)
		for j := range 2 {
			wg.Go(func() {
				stores[j], errs[j] = storage.Open(path, &storage.FileOptions{LockTimeout: 50 * time.Millisecond})
			})
		}
		wg.Wait()
		opened := 0
		for j := range 2 {
			switch {
			case errs[j] == nil:
				opened++
			case !errors.Is(errs[j], storage.ErrSessionInUse):
				t.Fatalf("Open of an empty file = %v", errs[j])
			}
		}
		if opened == 2 {
			both++
		}
		for _, s := range stores {
			if s != nil {
				s.Close()
			}
		}
	}
	if both > 0 {
		t.Fatalf("%d of 30 times both Opens of one empty file got a store", both)
	}
}
