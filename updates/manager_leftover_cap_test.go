package updates

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
)

// failingStore fails every Load: each Manager stops before it processes anything.
type failingStore struct{ MemoryStore }

func (*failingStore) Load(context.Context) (Saved, bool, error) {
	return Saved{}, false, errors.New("disk gone")
}

// TestManagerLeftoversStayBounded hands the leftovers of each stopped Manager to the next, as
// the client does for every connected period, while every period stops at once (its Store
// fails) with a full queue of presses: the leftovers stay within MaxPending inputs, the
// newest kept, and the drop is reported.
func TestManagerLeftoversStayBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const limit = 100
		var left []Leftover
		var id int64
		overflows := 0
		for range 10 {
			m, err := NewManager(Options{API: fixedDifference{}, Handler: &presses{}, Store: &failingStore{},
				Box: Config{MaxPending: limit},
				Hook: HookFunc(func(e Event) {
					if e.Kind == EventOverflow {
						overflows++
					}
				})})
			if err != nil {
				t.Fatal(err)
			}
			m.Resume(left)
			for range cap(m.in) {
				id++
				if err := m.HandleUpdates(t.Context(), press(id)); err != nil {
					t.Fatal(err)
				}
			}
			if err := m.Run(t.Context()); err == nil {
				t.Fatal("Run with a failing store returned nil")
			}
			left = m.Leftovers()
			if len(left) > limit {
				t.Fatalf("%d leftovers after press %d, want at most %d", len(left), id, limit)
			}
		}
		ids := leftUpdates(left)
		if last, _ := pressID(ids[len(ids)-1]); last != id {
			t.Errorf("last leftover is press %d, want the newest, %d", last, id)
		}
		if first, _ := pressID(ids[0]); first != id-limit+1 {
			t.Errorf("first leftover is press %d, want %d", first, id-limit+1)
		}
		if overflows == 0 {
			t.Error("no EventOverflow for the dropped leftovers")
		}
	})
}
