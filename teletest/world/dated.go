package world

import (
	"sort"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Dated updates: some updates carry neither pts nor qts (updateEncryption is one) yet a client
// that was offline when they happened must still learn them. As on Telegram, getDifference
// hands them over in other_updates, chosen by the date of the client's state.
//
// A state's date is whole seconds, so a client's date cannot say whether it saw an update of
// that same second. The world resolves it in two steps:
//   - the filter is inclusive: a difference carries the dated updates stamped at or after the
//     client's date, so one that happened in the second of the client's date is never lost;
//   - every state the world hands out (getState, a difference's state, differenceEmpty) is
//     dated after the newest dated update the account has, and a later update is stamped no
//     earlier than any date handed out, so a client asking with a date it was given gets each
//     update once.
//
// A client whose date comes from a live update (updates.date) may get an update of that
// second again; updateEncryption only ever moves a chat forward, so clients apply it
// idempotently (MTGo's ignores a chat state it already has).

// datedLog is an account's log of dated updates, stamped in non-decreasing order (event.date;
// pts unused), trimmed to 2*TooLongAfter entries like the pts logs: a client that stays away
// longer than that misses the oldest, as the pts log answers "too long" past its length.
type datedLog struct {
	log  eventLog
	mark int32 // the latest date handed to the account in a state
}

// stamp returns the log date of an update happening at date: never before an earlier entry
// nor a date already handed out, so an inclusive difference from that date carries it.
func (l *datedLog) stamp(date int32) int32 {
	s := max(date, l.mark)
	if n := len(l.log.events); n > 0 {
		s = max(s, l.log.events[n-1].date)
	}
	return s
}

// stateDate returns the date of a state answered at base: after every dated update logged so
// far, and remembered as handed out.
func (l *datedLog) stateDate(base int32) int32 {
	d := base
	if n := len(l.log.events); n > 0 {
		d = max(d, l.log.events[n-1].date+1)
	}
	l.mark = max(l.mark, d)
	return d
}

// between returns the entries stamped in [from, to).
func (l *datedLog) between(from, to int32) []event {
	evs := l.log.events
	i := sort.Search(len(evs), func(i int) bool { return evs[i].date >= from })
	j := sort.Search(len(evs), func(i int) bool { return evs[i].date >= to })
	if j < i {
		return nil
	}
	return evs[i:j]
}

// recordDated logs u (an update without pts or qts that happened at date, mentioning refs)
// for a's later differences. Pushing it to a's live sessions is the caller's business.
func (w *World) recordDated(a *account, u tg.UpdateClass, date int32, refs []Peer) {
	if a == nil {
		return
	}
	l := &a.box.dated
	w.appendEvent(&l.log, event{date: l.stamp(date), update: u, refs: refs})
}
