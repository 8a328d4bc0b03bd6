package mtp

// replayWindow remembers the ids of recently received messages so duplicates are dropped. As
// MTProto's security guidelines say, it keeps the size highest ids received: once it holds
// more, the lowest is forgotten, and an id at or below the highest one forgotten so far is
// treated as too old to check and dropped too. Forgetting the lowest rather than the one
// received first matters when ids arrive out of order, as when a server resends kept messages
// under their old ids inside containers with new, higher ones: the container ids must not lift
// the floor above the resent messages still to come.
//
// The ids are kept in ascending order in a slice read from head: ids mostly arrive in order or
// just below the last one (a container's items follow its id), so adding one appends or moves
// a few entries, and forgetting the lowest moves head. The slice and the set grow with use, so
// an idle connection's window stays small.
type replayWindow struct {
	seen  map[int64]struct{}
	ids   []int64 // the ids in seen, ascending, from head
	head  int
	size  int
	full  bool  // an id has been forgotten
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

// add records id as received; call it only after check returned replayNew.
func (w *replayWindow) add(id int64) {
	w.max = max(w.max, id)
	live := w.ids[w.head:]
	if len(live) == w.size && id < live[0] {
		w.full, w.floor = true, max(w.floor, id) // id is the lowest: forgotten at once
		return
	}
	if len(w.ids) == cap(w.ids) && w.head >= w.size/2 {
		// Move the ids to the front of the array rather than grow it.
		n := copy(w.ids, live)
		w.ids, w.head = w.ids[:n], 0
	}
	// Append, then move id down past the few higher ids received before it: at most the
	// window's size, usually none or one (a container's id before its items).
	j := len(w.ids)
	w.ids = append(w.ids, id)
	for ; j > w.head && w.ids[j-1] > id; j-- {
		w.ids[j] = w.ids[j-1]
	}
	w.ids[j] = id
	w.seen[id] = struct{}{}
	if len(w.ids)-w.head > w.size {
		low := w.ids[w.head]
		delete(w.seen, low)
		w.head++
		w.full, w.floor = true, max(w.floor, low)
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
	w.ids, w.head = w.ids[:0], 0
	w.full, w.floor, w.max = false, 0, 0
}
