package world

import (
	"slices"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Subscription is one live connection's view of the updates the world pushes to its auth key.
//
// The world appends to the subscription's queue inside its own transactions and signals Ready
// without blocking; the connection's loop selects on Ready and calls Take to drain the queue
// in order. Updates only flow while the key is authorized; a subscription made before login
// starts receiving as soon as the key signs in. Close it when the connection ends.
type Subscription struct {
	w     *World
	key   KeyID
	ready chan struct{}

	// guarded by w.mu
	queue   []tg.UpdatesClass
	dropped int
	closed  bool
	muted   bool
}

// Subscribe registers a receiver of the updates for the account authorized on key. Several
// subscriptions may share a key (several connections of one client); each gets every update.
func (w *World) Subscribe(key KeyID) *Subscription {
	s := &Subscription{w: w, key: key, ready: make(chan struct{}, 1)}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.subs[key] = append(w.subs[key], s)
	return s
}

// Key returns the auth key the subscription listens on.
func (s *Subscription) Key() KeyID { return s.key }

// Ready fires (at most one pending signal) whenever updates have been queued since the last
// Take. It is never closed.
func (s *Subscription) Ready() <-chan struct{} { return s.ready }

// Take removes and returns every queued update, oldest first. It returns nil when nothing is
// queued.
func (s *Subscription) Take() []tg.UpdatesClass {
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	q := s.queue
	s.queue = nil
	return q
}

// Wake signals Ready without queueing an update. The network layer calls it when something
// else the connection owning the subscription must send is ready, such as the answer to a
// call that waited on another goroutine for a bot (see services.Waits).
func (s *Subscription) Wake() {
	select {
	case s.ready <- struct{}{}:
	default:
	}
}

// Dropped returns how many updates were discarded because the queue was full (each time it
// fills, what it held and the update that did not fit give way to one updatesTooLong).
func (s *Subscription) Dropped() int {
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	return s.dropped
}

// Close unregisters the subscription. Queued updates are discarded; the account's state is
// untouched, so a reconnecting client recovers them with updates.getDifference.
func (s *Subscription) Close() {
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	s.queue = nil
	list := s.w.subs[s.key]
	if i := slices.Index(list, s); i >= 0 {
		list = slices.Delete(list, i, i+1)
	}
	if len(list) == 0 {
		delete(s.w.subs, s.key)
	} else {
		s.w.subs[s.key] = list
	}
}

// Mute stops (true) or restarts (false) the flow of updates to the subscription: while muted,
// updates for its key pass it by (the account's state still records them, so
// updates.getDifference finds them). The network layer mutes the subscription of a session
// whose calls all came in invokeWithoutUpdates.
func (s *Subscription) Mute(muted bool) {
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	s.muted = muted
	if muted {
		clear(s.queue)
		s.queue = s.queue[:0]
	}
}

// enqueue appends u to the subscription; the caller holds w.mu. A full queue is replaced by
// one updatesTooLong, as Telegram does for a session that fell too far behind: the client
// fetches what was dropped with updates.getDifference instead of waiting to notice a gap.
func (s *Subscription) enqueue(u tg.UpdatesClass) {
	if s.muted {
		return
	}
	if len(s.queue) >= s.w.cfg.MaxQueued {
		s.dropped += len(s.queue) + 1
		clear(s.queue)
		s.queue = append(s.queue[:0], &tg.UpdatesTooLong{})
		s.Wake()
		return
	}
	s.queue = append(s.queue, u)
	s.Wake()
}

// push delivers u to every live subscription of user except those on the auth key skip
// (the connection whose request caused the update receives it in its RPC result instead).
// Delivery faults (withhold, drop) apply here. The caller holds w.mu.
func (w *World) push(user int64, skip KeyID, u tg.UpdatesClass) {
	f := w.faults.forUser(user)
	if f != nil && f.drop > 0 {
		f.drop--
		w.faults.stats.Dropped++
		return
	}
	if f != nil && f.withhold {
		f.held = append(f.held, heldUpdate{skip: skip, u: u})
		w.faults.stats.Held++
		return
	}
	w.fanOut(user, skip, u)
}

func (w *World) fanOut(user int64, skip KeyID, u tg.UpdatesClass) {
	for key := range w.userKeys[user] {
		if key == skip {
			continue
		}
		for _, s := range w.subs[key] {
			s.enqueue(u)
		}
	}
}
