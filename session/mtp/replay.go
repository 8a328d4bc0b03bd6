package mtp

// replayWindow remembers the ids of recently received messages so duplicates are dropped. As
// MTProto's security guidelines say, it keeps the size highest ids received: once it holds
// more, the lowest is forgotten, and an id at or below the highest one forgotten so far is
// treated as too old to check and dropped too. Forgetting the lowest rather than the one
// received first matters when ids arrive out of order, as when a server resends kept messages
// under their old ids inside containers with new, higher ones: the container ids must not lift
// the floor above the resent messages still to come. The heap and the set grow with use, so an
// idle connection's window stays small.
type replayWindow struct {
	seen  map[int64]struct{}
	ids   []int64 // the ids in seen, a min-heap
	size  int
	full  bool  // ids holds size ids
	floor int64 // largest id forgotten so far
	max   int64 // largest id recorded
}

func newReplayWindow(size int) *replayWindow {
	return &replayWindow{seen: make(map[int64]struct{}), size: max(size, 1)}
}

// replayVerdict says what to do with a received message id.
type replayVerdict uint8

const (
	replayNew       replayVerdict = iota // first time seen: process it
	replayDuplicate                      // seen before: ignore it (but acknowledge again)
	replayTooOld                         // older than anything the window remembers: ignore it
)

// check reports whether id is new, without recording it.
func (w *replayWindow) check(id int64) replayVerdict {
	if _, ok := w.seen[id]; ok {
		return replayDuplicate
	}
	if w.full && id <= w.floor {
		return replayTooOld
	}
	return replayNew
}

// add records id as received; call it only after check returned replayNew. O(log size).
func (w *replayWindow) add(id int64) {
	w.max = max(w.max, id)
	if !w.full {
		w.ids = append(w.ids, id)
		w.full = len(w.ids) == w.size
		w.up(len(w.ids) - 1)
		w.seen[id] = struct{}{}
		return
	}
	if id <= w.ids[0] {
		w.floor = max(w.floor, id) // id is the lowest: forgotten at once
		return
	}
	delete(w.seen, w.ids[0])
	w.floor = max(w.floor, w.ids[0])
	w.ids[0] = id
	w.down(0)
	w.seen[id] = struct{}{}
}

// up moves the heap entry at i towards the root until its parent is lower.
func (w *replayWindow) up(i int) {
	h := w.ids
	for i > 0 {
		p := (i - 1) / 2
		if h[p] <= h[i] {
			return
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

// down moves the heap entry at i towards the leaves until its children are higher.
func (w *replayWindow) down(i int) {
	h := w.ids
	for {
		low, l := i, 2*i+1
		if l < len(h) && h[l] < h[low] {
			low = l
		}
		if r := l + 1; r < len(h) && h[r] < h[low] {
			low = r
		}
		if low == i {
			return
		}
		h[i], h[low] = h[low], h[i]
		i = low
	}
}

// has reports whether id is in the window.
func (w *replayWindow) has(id int64) bool {
	_, ok := w.seen[id]
	return ok
}

// reset forgets everything, for a new session.
func (w *replayWindow) reset() {
	clear(w.seen)
	w.ids = w.ids[:0]
	w.full, w.floor, w.max = false, 0, 0
}
