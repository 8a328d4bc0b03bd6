package world

import (
	"slices"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Delivery faults let tests create the pts gaps real networks produce: updates that arrive
// late, out of order or never. The account state still advances, so a client recovers only
// through updates.getDifference, which is exactly what the faults are for.

type heldUpdate struct {
	skip KeyID
	u    tg.UpdatesClass
}

type userFaults struct {
	withhold bool
	held     []heldUpdate
	drop     int
}

type faults struct {
	users map[int64]*userFaults
	stats DeliveryStats
}

// DeliveryStats counts what the delivery faults did to pushed updates, so a test can check
// that the gap it set up was actually created.
type DeliveryStats struct {
	Held     int // updates withheld (Withhold)
	Released int // withheld updates delivered by Release
	Dropped  int // updates discarded (DropUpdates)
}

// DeliveryFaults returns the counts of updates the delivery faults have held, released and
// dropped since the world started.
func (w *World) DeliveryFaults() DeliveryStats {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.faults.stats
}

func (f *faults) forUser(user int64) *userFaults {
	if f.users == nil {
		return nil
	}
	return f.users[user]
}

func (f *faults) ensure(user int64) *userFaults {
	if f.users == nil {
		f.users = make(map[int64]*userFaults)
	}
	uf := f.users[user]
	if uf == nil {
		uf = &userFaults{}
		f.users[user] = uf
	}
	return uf
}

// Withhold holds back every update pushed to user's connections from now on, until Release.
func (w *World) Withhold(user int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.faults.ensure(user).withhold = true
}

// Release ends Withhold for user and delivers the held updates, in reverse order when
// reversed is true (to exercise a client's reordering buffer). It returns how many updates
// were released.
func (w *World) Release(user int64, reversed bool) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	uf := w.faults.forUser(user)
	if uf == nil {
		return 0
	}
	held := uf.held
	uf.held, uf.withhold = nil, false
	if reversed {
		slices.Reverse(held)
	}
	for _, h := range held {
		w.fanOut(user, h.skip, h.u)
	}
	w.faults.stats.Released += len(held)
	return len(held)
}

// DropUpdates discards the next n updates pushed to user's connections: they are recorded in
// the account's state and difference log but never sent, leaving a pts gap.
func (w *World) DropUpdates(user int64, n int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.faults.ensure(user).drop += n
}
