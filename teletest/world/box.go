package world

import (
	"math"
	"slices"
	"sort"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// event is one pts-numbered entry of an account's or a channel's update log, as
// updates.getDifference and updates.getChannelDifference replay it.
type event struct {
	pts    int32 // pts after the event
	count  int32 // pts_count
	date   int32
	mark   int64          // the world's count of logged events when it was logged (channelmoves.go)
	update tg.UpdateClass // the update with pts filled in (account logs, deletions)
	refs   []Peer         // peers the update mentions

	// Channel message events render per viewer at read time (out flag, admin view).
	msg  *message
	edit bool
}

// render returns the update of e as viewer sees it.
func (w *World) eventUpdate(viewer int64, e event) tg.UpdateClass {
	if e.msg == nil {
		return e.update
	}
	m := w.tgMessage(viewer, e.msg)
	if e.edit {
		return &tg.UpdateEditChannelMessage{Message: m, Pts: e.pts, PtsCount: e.count}
	}
	return &tg.UpdateNewChannelMessage{Message: m, Pts: e.pts, PtsCount: e.count}
}

// log is a pts-ordered update log with a bounded length.
type eventLog struct {
	events []event
}

// append records e; when the log grows past keep*2 entries the oldest half is dropped (a
// client that far behind gets a "too long" difference).
func (l *eventLog) append(e event, keep int) {
	l.events = append(l.events, e)
	if len(l.events) > 2*keep {
		n := len(l.events) - keep
		l.events = append(l.events[:0:0], l.events[n:]...)
	}
}

// since returns the events after pts, and whether the log still reaches back to pts.
func (l *eventLog) since(pts int32) ([]event, bool) {
	i := sort.Search(len(l.events), func(i int) bool { return l.events[i].pts > pts })
	if i == 0 && len(l.events) > 0 && l.events[0].pts-l.events[0].count > pts {
		return nil, false
	}
	return l.events[i:], true
}

// dialog is one entry of an account's chat list.
type dialog struct {
	peer      Peer
	top       int32 // top message id (in the account box, or the channel's id space)
	topDate   int32
	readInbox int32
	unread    int32
}

// accountBox is the part of an account holding its messages and pts log.
type accountBox struct {
	nextMsg  int32
	oldest   int32 // every id up to it has been evicted (see evictOld)
	msgs     map[int32]*message
	log      eventLog // pts events
	qlog     eventLog // qts events (bot updates), numbered in their pts field
	dated    datedLog // updates without pts or qts that differences carry by date (dated.go)
	dialogs  map[Peer]*dialog
	randomID map[int64]int32 // random_id -> message id, for deduplication
}

// initBox prepares a new account's update state and message box.
func (w *World) initBox(a *account) {
	a.date = w.now()
	a.box = accountBox{
		msgs:     make(map[int32]*message),
		dialogs:  make(map[Peer]*dialog),
		randomID: make(map[int64]int32),
	}
}

// record appends a pts event to a's log, advancing a.pts by count, and returns the new pts.
func (w *World) record(a *account, count int32, mk func(pts int32) tg.UpdateClass, mentions ...Peer) int32 {
	a.date = w.now()
	w.appendNumbered(&a.box.log, &a.pts, count, a.date, mk, mentions)
	return a.pts
}

// appendNumbered advances the sequence *seq (pts or qts) by count, appends the event mk builds
// for the new value to l, and returns its update.
func (w *World) appendNumbered(l *eventLog, seq *int32, count, date int32, mk func(int32) tg.UpdateClass, mentions []Peer) tg.UpdateClass {
	*seq += count
	u := mk(*seq)
	w.appendEvent(l, event{pts: *seq, count: count, date: date, update: u, refs: mentions})
	return u
}

func (w *World) appendEvent(l *eventLog, e event) {
	e.mark = w.moves.nextMark()
	l.append(e, w.cfg.TooLongAfter)
}

// store puts m into a's box with the next id and bumps the dialog.
func (w *World) store(a *account, m *message) {
	a.box.nextMsg++
	m.id = a.box.nextMsg
	a.box.msgs[m.id] = m
	w.evictOld(a.id, a.box.msgs, &a.box.oldest)
	w.touchDialog(a, m.peer, m.id, m.date, m.from != a.id)
}

func (w *World) touchDialog(a *account, p Peer, top, date int32, incoming bool) {
	d := a.box.dialogs[p]
	if d == nil {
		d = &dialog{peer: p}
		a.box.dialogs[p] = d
	}
	d.top, d.topDate = top, date
	if incoming {
		d.unread++
	}
}

// evictOld forgets the oldest messages of a box holding more than Config.MaxBoxMessages;
// owner is the account of an account box (0 for a channel), whose authored messages anchor
// the copies index.
func (w *World) evictOld(owner int64, msgs map[int32]*message, oldest *int32) {
	for len(msgs) > w.cfg.MaxBoxMessages {
		*oldest++
		m := msgs[*oldest]
		if m == nil {
			continue // deleted earlier
		}
		delete(msgs, *oldest)
		if owner != 0 && m.origin.author == owner && m.origin.id == m.id {
			delete(w.copies, m.origin)
		}
	}
}

// state returns a's updates.state.
func (a *account) state() tg.UpdatesState {
	var unread int32
	for _, d := range a.box.dialogs {
		unread += d.unread
	}
	return tg.UpdatesState{Pts: a.pts, Qts: a.qts, Date: a.date, Seq: a.seq, UnreadCount: unread}
}

// State answers updates.getState for the account on key.
func (w *World) State(key KeyID) (*tg.UpdatesState, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	st := a.state()
	st.Date = a.box.dated.stateDate(w.now())
	w.moves.hand(key, a.id, st.Pts, st.Qts, st.Date, w.moves.count)
	return &st, nil
}

// Difference answers updates.getDifference. ptsTotalLimit (0: none) lowers the "too long"
// threshold as the client asks. Events of both logs after pts and qts are returned, qts events
// first; a difference longer than Config.DifferenceLimit comes as a slice whose intermediate
// state covers exactly the events it carries. The dated updates (dated.go) stamped at or
// after date come first in other_updates, those a slice's intermediate date does not cover
// waiting for the next request; the state of a whole difference is dated after them. Then
// come the updateChannelTooLong of the caller's channels that moved on since the state the
// client holds (channelmoves.go), which pushes sent to a session the server has since lost
// would otherwise leave unnoticed; more than 100 of them make a slice too.
func (w *World) Difference(key KeyID, pts, date, qts, ptsTotalLimit int32) (tg.UpdatesDifferenceClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	if pts > a.pts || pts < 0 || qts > a.qts || qts < 0 {
		return nil, ErrPersistentTimestampInvalid
	}
	tooLong := int32(w.cfg.TooLongAfter)
	if ptsTotalLimit > 0 && ptsTotalLimit < tooLong {
		tooLong = ptsTotalLimit
	}
	from := w.position(key, a, pts, qts, date)
	w.moves.hand(key, a.id, pts, qts, date, from) // an answer lost on the way leaves the client there
	evs, ok := a.box.log.since(pts)
	qevs, qok := a.box.qlog.since(qts)
	if !ok || !qok || a.pts-pts > tooLong {
		w.moves.hand(key, a.id, a.pts, qts, date, from) // the client goes on from there
		return &tg.UpdatesDifferenceTooLong{Pts: a.pts}, nil
	}
	dated := a.box.dated.between(date, math.MaxInt32)
	moved := w.channelsMoved(a.id, from)
	if len(evs) == 0 && len(qevs) == 0 && len(dated) == 0 && len(moved) == 0 {
		d := a.box.dated.stateDate(w.now())
		w.moves.hand(key, a.id, a.pts, a.qts, d, w.moves.count)
		return &tg.UpdatesDifferenceEmpty{Date: d, Seq: a.seq}, nil
	}
	st := a.state()
	limit := w.cfg.DifferenceLimit
	slice := len(qevs)+len(evs) > limit
	covered := w.moves.count
	if slice {
		qevs = qevs[:min(len(qevs), limit)]
		evs = evs[:min(len(evs), limit-len(qevs))]
		covered = max(from, lastMark(qevs), lastMark(evs))
	}
	if moved, covered = moved.upTo(covered); covered < w.moves.count {
		slice = true
		qevs, evs = upTo(qevs, covered), upTo(evs, covered)
	}
	if slice {
		st.Pts, st.Qts = pts, qts
		if len(evs) > 0 {
			last := evs[len(evs)-1]
			st.Pts, st.Date = last.pts, last.date
		}
		if len(qevs) > 0 {
			st.Qts = qevs[len(qevs)-1].pts
		}
		st.Date = w.freshDate(key, a, st.Pts, st.Qts, st.Date, covered)
		dated = a.box.dated.between(date, st.Date)
	} else {
		st.Date = w.freshDate(key, a, st.Pts, st.Qts, a.box.dated.stateDate(st.Date), covered)
	}
	w.moves.hand(key, a.id, st.Pts, st.Qts, st.Date, covered)
	d := w.splitEvents(a.id, slices.Concat(dated, moved.events(), qevs, evs))
	if slice {
		return &tg.UpdatesDifferenceSlice{
			NewMessages: d.msgs, NewEncryptedMessages: d.enc,
			OtherUpdates: d.other, Chats: d.chats, Users: d.users, IntermediateState: st,
		}, nil
	}
	return &tg.UpdatesDifference{
		NewMessages: d.msgs, NewEncryptedMessages: d.enc,
		OtherUpdates: d.other, Chats: d.chats, Users: d.users, State: st,
	}, nil
}

// diffParts are the lists of a difference: new messages, new encrypted messages, other
// updates, and the peers they mention.
type diffParts struct {
	msgs  []tg.MessageClass
	enc   []tg.EncryptedMessageClass
	other []tg.UpdateClass
	users []tg.UserClass
	chats []tg.ChatClass
}

// splitEvents separates new messages (plain and encrypted) from other updates, as
// differences list them, and collects the peers they mention.
func (w *World) splitEvents(viewer int64, evs []event) diffParts {
	d := diffParts{msgs: []tg.MessageClass{}, enc: []tg.EncryptedMessageClass{}, other: []tg.UpdateClass{}}
	var r refs
	for _, e := range evs {
		switch u := w.eventUpdate(viewer, e).(type) {
		case *tg.UpdateNewMessage:
			d.msgs = append(d.msgs, u.Message)
		case *tg.UpdateNewChannelMessage:
			d.msgs = append(d.msgs, u.Message)
		case *tg.UpdateNewEncryptedMessage:
			d.enc = append(d.enc, u.Message)
		default:
			d.other = append(d.other, u)
		}
		for _, p := range e.refs {
			r.add(p)
		}
	}
	d.users, d.chats = w.render(viewer, &r)
	return d
}
