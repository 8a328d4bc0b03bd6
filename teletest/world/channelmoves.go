package world

import (
	"cmp"
	"slices"
	"sort"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Channels that moved on: a channel's updates are pushed to its members' sessions and kept
// in the channel's own log, which updates.getDifference does not replay. A client whose
// session the server lost (a failover) never got the pushes; as on Telegram, getDifference
// then tells it which of its channels moved on with updateChannelTooLong{channel_id, pts},
// and the client catches up with updates.getChannelDifference.
//
// "Moved on" is judged by a counter, not by dates: dates are whole seconds, so an event in the
// second of the client's date could not be told from one before it, and a failover to a server
// whose clock is behind would stamp new events before the date the client holds. Every event
// the world logs (account pts and qts, dated updates, channel events) takes the next value of
// a world-wide count, its mark. The client's position is the mark up to which it has been told
// of every moved channel:
//   - a state the world handed to the client's auth key (getState, a difference, a slice,
//     differenceEmpty, and differenceTooLong's pts with the client's own qts and date) is
//     remembered with the mark it covers, and so is the state of each request, at the position
//     it was answered from (the answer may be lost on the way). The same state remembered
//     twice keeps the lower mark, so an answer that told channels is dated past the request's
//     state when their pts and qts are the same;
//   - any other state (its pts from a live push, its date from a live container, or one the
//     world forgot: each key keeps the last maxHanded) stands at the mark of its pts or qts
//     event, whichever is later, and no later than the lowest mark of the states remembered
//     for the user's keys that it could have grown from (pts and qts no later than its own;
//     any key, since a client that switched data centers asks with another); when it could
//     have grown from none of them, no later than the lowest mark those keys forgot. A
//     state handed out covers at least the events of its pts and qts, but a live push does
//     not tell the client of the channels that moved before it: a failover loses the pushes
//     of the session it drops, and the next session gets the account's later pushes. Such a
//     state grew from one the world handed to the key, which covered no more than its mark.
//
// A difference reports every channel the caller is a member of whose latest event is past the
// position. The worst a client gets is a needless updateChannelTooLong (a channel whose push it
// did get), answered by an empty channel difference. One condition is left: a client must not
// take a date from a live container while its getDifference is in flight (MTGo's engine holds
// the date during a recovery); one that did and lost the answer could hold the state that
// answer handed out, same second included, without having read it.
//
// At most maxChannelsMoved channels go into one answer, the earliest moved first. When more
// moved, the answer is a differenceSlice: it carries those 100 and the account events up to
// the 100th one's mark, and its intermediate state is remembered at that mark, so the next
// request goes on with the next 100. A client with any number of moved channels learns every
// one of them, in slices.

// maxChannelsMoved bounds the updateChannelTooLong entries of one difference (Telegram's
// bound); more come in the next slice.
const maxChannelsMoved = 100

// maxHanded bounds the states remembered per auth key; a forgotten one falls back to the mark
// of its pts and qts, or the lowest mark its key forgot, which may report channels again but
// never leaves one out.
const maxHanded = 16

// channelMoves is the world's part of the channel moves: the event count and the states
// handed to each key.
type channelMoves struct {
	count  int64
	handed map[KeyID]*handedStates
	keys   map[int64][]KeyID // the keys of handed by user
	// floors holds, by user, the lowest mark of the states of the user's keys forgotten
	// with their authorization (forgetKey): they count as dropped states of the user.
	floors map[int64]int64
}

// handedStates are the states remembered for one key.
type handedStates struct {
	user   int64
	list   []handedState // oldest first, at most maxHanded
	forgot bool          // a state was dropped from list
	floor  int64         // the lowest mark of the states dropped
}

// handedState is a state handed to a key and the mark it covers.
type handedState struct {
	pts, qts, date int32
	mark           int64
}

// nextMark returns the mark of an event being logged.
func (m *channelMoves) nextMark() int64 {
	m.count++
	return m.count
}

// hand remembers that key of user was given the state (pts, qts, date), covering channel
// moves up to mark. The same state handed out again keeps its lower mark, so a client holding
// either copy is told what the earlier one did not cover.
func (m *channelMoves) hand(key KeyID, user int64, pts, qts, date int32, mark int64) {
	if m.handed == nil {
		m.handed = make(map[KeyID]*handedStates)
		m.keys = make(map[int64][]KeyID)
	}
	hs := m.handed[key]
	if hs == nil || hs.user != user {
		m.keys[user] = append(m.keys[user], key)
		hs = &handedStates{user: user}
		m.handed[key] = hs
	}
	for i := range hs.list {
		if h := &hs.list[i]; h.pts == pts && h.qts == qts && h.date == date {
			h.mark = min(h.mark, mark)
			return
		}
	}
	if len(hs.list) >= maxHanded {
		gone := hs.list[0].mark
		if !hs.forgot || gone < hs.floor {
			hs.floor = gone
		}
		hs.forgot = true
		hs.list = append(hs.list[:0], hs.list[1:]...)
	}
	hs.list = append(hs.list, handedState{pts: pts, qts: qts, date: date, mark: mark})
}

// forgetKey drops the states handed to key, whose authorization ended (log-out, a reset),
// so a client signing in and out with key after key leaves nothing behind. Their lowest mark
// stays as the user's floor, as if they had been dropped from a list that is full: a client
// of the user's other keys that grew from one of them is still told every channel since.
func (m *channelMoves) forgetKey(key KeyID) {
	hs := m.handed[key]
	if hs == nil {
		return
	}
	delete(m.handed, key)
	if keys := slices.DeleteFunc(m.keys[hs.user], func(k KeyID) bool { return k == key }); len(keys) > 0 {
		m.keys[hs.user] = keys
	} else {
		delete(m.keys, hs.user)
	}
	floor, ok := hs.floor, hs.forgot
	for _, h := range hs.list {
		if !ok || h.mark < floor {
			floor, ok = h.mark, true
		}
	}
	if !ok {
		return
	}
	if m.floors == nil {
		m.floors = make(map[int64]int64)
	}
	if f, had := m.floors[hs.user]; !had || floor < f {
		m.floors[hs.user] = floor
	}
}

// handedMark returns the mark of a state handed to key, and whether it was.
func (m *channelMoves) handedMark(key KeyID, pts, qts, date int32) (int64, bool) {
	if hs := m.handed[key]; hs != nil {
		for _, h := range hs.list {
			if h.pts == pts && h.qts == qts && h.date == date {
				return h.mark, true
			}
		}
	}
	return 0, false
}

// grownFrom returns the lowest mark of the states remembered for user's keys that a client
// could have moved from to (pts, qts) by live pushes: a client that switched data centers
// asks with another key from a state an earlier key was handed. Without one, it is the lowest
// mark those keys forgot. ok is false when there is neither.
func (m *channelMoves) grownFrom(user int64, pts, qts int32) (mark int64, ok bool) {
	floor, forgot := m.floors[user]
	for _, key := range m.keys[user] {
		hs := m.handed[key]
		if hs == nil || hs.user != user {
			continue
		}
		for _, h := range hs.list {
			if h.pts <= pts && h.qts <= qts && (!ok || h.mark < mark) {
				mark, ok = h.mark, true
			}
		}
		if hs.forgot && (!forgot || hs.floor < floor) {
			floor, forgot = hs.floor, true
		}
	}
	if !ok && forgot {
		return floor, true
	}
	return mark, ok
}

// position returns the mark up to which the client on key holding (pts, qts, date) of account
// a was told of its moved channels.
func (w *World) position(key KeyID, a *account, pts, qts, date int32) int64 {
	if mark, ok := w.moves.handedMark(key, pts, qts, date); ok {
		return mark
	}
	at := max(markAt(&a.box.log, pts), markAt(&a.box.qlog, qts))
	if mark, ok := w.moves.grownFrom(a.id, pts, qts); ok {
		return min(at, mark)
	}
	return at
}

// markAt returns the mark of the event of l that brought its sequence to pts; 0 (the
// beginning) when l no longer has it.
func markAt(l *eventLog, pts int32) int64 {
	i := sort.Search(len(l.events), func(i int) bool { return l.events[i].pts > pts })
	if i == 0 {
		return 0
	}
	return l.events[i-1].mark
}

// lastMark returns the mark of the latest event of evs, 0 when there is none.
func lastMark(evs []event) int64 {
	if len(evs) == 0 {
		return 0
	}
	return evs[len(evs)-1].mark
}

// upTo returns the events of evs (in mark order) with a mark no later than mark.
func upTo(evs []event, mark int64) []event {
	n := sort.Search(len(evs), func(i int) bool { return evs[i].mark > mark })
	return evs[:n]
}

// movedChannels are the channels a difference reports, earliest moved first.
type movedChannels []*channel

// channelsMoved returns the channels user is a member of whose latest event is past mark
// from, ordered by that event's mark.
func (w *World) channelsMoved(user int64, from int64) movedChannels {
	var moved movedChannels
	for _, ch := range w.channels {
		if ch.members[user] == nil || lastMark(ch.log.events) <= from {
			continue
		}
		moved = append(moved, ch)
	}
	slices.SortFunc(moved, func(a, b *channel) int {
		return cmp.Compare(lastMark(a.log.events), lastMark(b.log.events))
	})
	return moved
}

// upTo returns the channels that moved no later than mark, at most maxChannelsMoved of them,
// and the mark the answer covers: mark, or the last listed channel's when more moved.
func (m movedChannels) upTo(mark int64) (movedChannels, int64) {
	n := sort.Search(len(m), func(i int) bool { return lastMark(m[i].log.events) > mark })
	if n <= maxChannelsMoved {
		return m[:n], mark
	}
	m = m[:maxChannelsMoved]
	return m, lastMark(m[len(m)-1].log.events)
}

// events returns an updateChannelTooLong event for each channel, with its current pts.
func (m movedChannels) events() []event {
	evs := make([]event, len(m))
	for i, ch := range m {
		last := ch.log.events[len(ch.log.events)-1]
		evs[i] = event{
			date:   last.date,
			mark:   last.mark,
			update: &tg.UpdateChannelTooLong{ChannelID: ch.id, Pts: tl.Some(ch.pts)},
			refs:   []Peer{ChannelPeer(ch.id)},
		}
	}
	return evs
}

// freshDate returns the date of an answer's state (pts, qts, date) covering mark, moved on
// past the dates of states handed to key (or asked from) with the same pts and qts and a lower
// mark: the same state would stand at that lower mark, so the next request would be told the
// same channels again (and a slice would never end). A date moved on is handed out as dated.go
// hands out state dates.
func (w *World) freshDate(key KeyID, a *account, pts, qts, date int32, mark int64) int32 {
	for {
		m, ok := w.moves.handedMark(key, pts, qts, date)
		if !ok || m >= mark {
			return date
		}
		date = a.box.dated.stateDate(date + 1)
	}
}
