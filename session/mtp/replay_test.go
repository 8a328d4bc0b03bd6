package mtp

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestReplayWindowModel checks the window against a plain model of the security guidelines'
// rule over random ids, mostly ascending with some just below the last (container items)
// and some far below: the model keeps the size highest ids received in a sorted slice and
// calls an id too old when it is at or below the highest one it forgot.
func TestReplayWindowModel(t *testing.T) {
	for _, size := range []int{1, 3, 64, 1024} {
		r := rand.New(rand.NewPCG(uint64(size), 7))
		w := newReplayWindow(size)
		var kept []int64
		var floor int64
		forgot := false
		next := int64(1000)
		for step := range 20000 {
			var id int64
			switch r.IntN(10) {
			case 0:
				id = next - int64(r.IntN(200)) // far below, maybe seen or forgotten
			case 1, 2:
				id = next - int64(r.IntN(4)) // just below the last
			default:
				next += int64(1 + r.IntN(3))
				id = next
			}
			want := replayNew
			if _, found := slices.BinarySearch(kept, id); found {
				want = replayDuplicate
			} else if forgot && id <= floor {
				want = replayTooOld
			}
			got := w.check(id)
			if got != want {
				t.Fatalf("size %d step %d: check(%d) = %v, want %v", size, step, id, got, want)
			}
			if got != replayNew {
				continue
			}
			w.add(id)
			i, _ := slices.BinarySearch(kept, id)
			kept = slices.Insert(kept, i, id)
			if len(kept) > size {
				floor, forgot = max(floor, kept[0]), true
				kept = kept[1:]
			}
		}
		if got := w.ids[w.head:]; !slices.Equal(got, kept) {
			t.Fatalf("size %d: window holds %v, model %v", size, got, kept)
		}
		if c := cap(w.ids); c > 2*size+8 {
			t.Fatalf("size %d: window array of %d ids", size, c)
		}
	}
}

// BenchmarkReplayWindow adds a container's id and then its two items, just below it.
func BenchmarkReplayWindow(b *testing.B) {
	w := newReplayWindow(1024)
	id := int64(1 << 40)
	for b.Loop() {
		id += 8
		for _, x := range [...]int64{id + 4, id, id + 2} {
			if w.check(x) == replayNew {
				w.add(x)
			}
		}
	}
}
