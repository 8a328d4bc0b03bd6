package mtp

// replayWindow remembers the ids of recently received messages so duplicates are dropped. It
// keeps the last size ids in a ring; an id at or below the largest evicted one is treated as
// too old to check and dropped too. The ring and the set grow with use, so an idle
// connection's window stays small.
type replayWindow struct {
	seen  map[int64]struct{}
	ring  []int64
	size  int
	next  int   // ring slot the next id goes to once the ring is full
	full  bool  // ring holds size ids
	floor int64 // largest id evicted so far
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

// add records id as received; call it only after check returned replayNew.
func (w *replayWindow) add(id int64) {
	if w.full {
		old := w.ring[w.next]
		delete(w.seen, old)
		w.floor = max(w.floor, old)
		w.ring[w.next] = id
		w.next = (w.next + 1) % len(w.ring)
	} else {
		w.ring = append(w.ring, id)
		w.full = len(w.ring) == w.size
	}
	w.max = max(w.max, id)
	w.seen[id] = struct{}{}
}

// has reports whether id is in the window.
func (w *replayWindow) has(id int64) bool {
	_, ok := w.seen[id]
	return ok
}

// reset forgets everything, for a new session.
func (w *replayWindow) reset() {
	clear(w.seen)
	w.ring = w.ring[:0]
	w.next, w.full, w.floor, w.max = 0, false, 0, 0
}
