package world

import (
	"cmp"
	"errors"
	"maps"
	"slices"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Scheduled messages: a send with a schedule date later than now is kept in the sender's
// scheduled box of the chat, with ids of its own, until messages.sendScheduledMessages sends it
// or messages.deleteScheduledMessages drops it. The world has no timer: a scheduled message
// whose date passes stays scheduled until one of those calls (tests drive time themselves).

// Telegram's limits on scheduled messages.
const (
	// MaxScheduled is how many messages one chat may hold scheduled.
	MaxScheduled = 100
	// maxScheduleAhead is how far ahead a message may be scheduled (365 days).
	maxScheduleAhead = 365 * 24 * 3600
)

// sendBox is one account's state of the send family: scheduled messages and drafts by chat.
type sendBox struct {
	scheduled map[Peer]*scheduledChat
	drafts    map[Peer]*tg.DraftMessage
}

// scheduledChat is the scheduled messages of one chat, by their scheduled ids.
type scheduledChat struct {
	next int32
	msgs map[int32]*scheduledMsg
}

type scheduledMsg struct {
	m *message // as listed: the scheduled id, the schedule date
	c content  // what is sent when it is due
}

// pending is a message body waiting to be sent or scheduled, with its random id.
type pending struct {
	c        content
	randomID int64
}

// sendBoxOf returns the send state of user uid, creating it (under w.mu).
func (w *World) sendBoxOf(uid int64) *sendBox {
	if w.sendBoxes == nil {
		w.sendBoxes = make(map[int64]*sendBox)
	}
	b := w.sendBoxes[uid]
	if b == nil {
		b = &sendBox{scheduled: make(map[Peer]*scheduledChat), drafts: make(map[Peer]*tg.DraftMessage)}
		w.sendBoxes[uid] = b
	}
	return b
}

// schedule keeps items, sent by a to p, for date and answers what messages.sendMessage (or
// sendMedia, sendMultiMedia) answers then: updateMessageID and updateNewScheduledMessage per
// message. a's other sessions get the new scheduled messages too.
func (w *World) schedule(a *account, key KeyID, p Peer, date int32, items []pending) (tg.UpdatesClass, error) {
	now := w.now()
	if a.bot {
		return nil, rpcErr(400, "SCHEDULE_BOT_NOT_ALLOWED")
	}
	if date-now > maxScheduleAhead {
		return nil, rpcErr(400, "SCHEDULE_DATE_TOO_LATE")
	}
	if p.Kind == PeerChannel {
		ch := w.channels[p.ID]
		if ch == nil {
			return nil, ErrChannelInvalid
		}
		if err := ch.checkWrite(a.id, now); err != nil {
			return nil, err
		}
	}
	box := w.sendBoxOf(a.id)
	sc := box.scheduled[p]
	if sc == nil {
		sc = &scheduledChat{msgs: make(map[int32]*scheduledMsg)}
		box.scheduled[p] = sc
	}
	if len(sc.msgs)+len(items) > MaxScheduled {
		return nil, rpcErr(400, "SCHEDULE_TOO_MUCH")
	}
	for _, it := range items {
		if _, dup := a.box.randomID[it.randomID]; dup && it.randomID != 0 {
			return nil, ErrRandomIDDuplicate
		}
	}
	var ids, news []tg.UpdateClass
	var r refs
	for _, it := range items {
		sc.next++
		m := it.c.message(p, a.id, date)
		m.id = sc.next
		if ch := w.channels[p.ID]; p.Kind == PeerChannel && ch != nil && !ch.megagroup {
			m.post, m.from = true, 0
		}
		sc.msgs[m.id] = &scheduledMsg{m: m, c: it.c}
		if it.randomID != 0 {
			a.box.randomID[it.randomID] = m.id
		}
		r.addMessage(m)
		ids = append(ids, &tg.UpdateMessageID{ID: m.id, RandomID: it.randomID})
		news = append(news, &tg.UpdateNewScheduledMessage{Message: w.tgMessage(a.id, m)})
	}
	w.push(a.id, key, w.longUpdates(a.id, news, &r, now))
	return w.longUpdates(a.id, append(ids, news...), &r, now), nil
}

// scheduledIn returns a's scheduled messages in the chat in, with the chat.
func (w *World) scheduledIn(key KeyID, in tg.InputPeerClass) (*account, Peer, *scheduledChat, error) {
	a, p, err := w.authorizedPeer(key, in)
	if err != nil {
		return nil, Peer{}, nil, err
	}
	if a.bot {
		return nil, Peer{}, nil, ErrBotMethodInvalid
	}
	sc := w.sendBoxOf(a.id).scheduled[p]
	if sc == nil {
		sc = &scheduledChat{msgs: map[int32]*scheduledMsg{}}
	}
	return a, p, sc, nil
}

// ScheduledMessages answers messages.getScheduledHistory (ids nil: every scheduled message
// of the chat, latest date first) and messages.getScheduledMessages (those ids; unknown ids
// are left out).
func (w *World) ScheduledMessages(key KeyID, in tg.InputPeerClass, ids []int32) (*tg.MessagesMessages, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, _, sc, err := w.scheduledIn(key, in)
	if err != nil {
		return nil, err
	}
	var ms []*message
	for id, s := range sc.msgs {
		if ids == nil || slices.Contains(ids, id) {
			ms = append(ms, s.m)
		}
	}
	slices.SortFunc(ms, func(x, y *message) int {
		if x.date != y.date {
			return int(y.date - x.date)
		}
		return int(y.id - x.id)
	})
	msgs, users, chats := w.renderMessages(a.id, ms)
	return &tg.MessagesMessages{Messages: msgs, Users: users, Chats: chats}, nil
}

// SendScheduledNow answers messages.sendScheduledMessages: the scheduled messages ids are
// sent at once (with from_scheduled) and leave the scheduled box. The result carries the new
// messages' updates and updateDeleteScheduledMessages naming the ids they got;
// MESSAGE_ID_INVALID when an id is not scheduled.
func (w *World) SendScheduledNow(key KeyID, in tg.InputPeerClass, ids []int32) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, sc, err := w.scheduledIn(key, in)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, ErrMessageIDInvalid
	}
	for _, id := range ids {
		if sc.msgs[id] == nil {
			return nil, ErrMessageIDInvalid
		}
	}
	return w.sendScheduled(a, key, p, sc, ids)
}

// sendScheduled delivers the scheduled messages ids (all present in sc) of a in p at once and
// returns the result of messages.sendScheduledMessages; a's other sessions get
// updateDeleteScheduledMessages (under w.mu).
func (w *World) sendScheduled(a *account, key KeyID, p Peer, sc *scheduledChat, ids []int32) (tg.UpdatesClass, error) {
	var us []tg.UpdateClass
	var r refs
	sentIDs := make([]int32, 0, len(ids))
	done := make([]int32, 0, len(ids))
	for _, id := range ids {
		c := sc.msgs[id].c
		c.extra = c.extra.with(func(x *sendExtra) { x.fromScheduled = true })
		s, err := w.deliver(a, key, p, c)
		if err != nil {
			if len(done) == 0 {
				return nil, err
			}
			break // what was sent stays sent; the rest stays scheduled
		}
		delete(sc.msgs, id)
		done, sentIDs = append(done, id), append(sentIDs, s.id)
		us = append(us, s.update)
		for _, p := range s.refs.order {
			r.add(p)
		}
	}
	del := &tg.UpdateDeleteScheduledMessages{Peer: peerTG(p), Messages: done, SentMessages: sentIDs}
	now := w.now()
	w.push(a.id, key, w.longUpdates(a.id, []tg.UpdateClass{del}, &refs{}, now))
	return w.longUpdates(a.id, append(us, del), &r, now), nil
}

// SendDueScheduled sends every scheduled message whose date has come (the world has no
// timer: a test that moves its clock calls it) and returns how many were sent. Their authors'
// sessions get the new messages and updateDeleteScheduledMessages, as on Telegram.
func (w *World) SendDueScheduled() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.now()
	n := 0
	// In a fixed order (users, then chats, then ids), so the ids the messages get do not
	// depend on map iteration.
	for _, uid := range slices.Sorted(maps.Keys(w.sendBoxes)) {
		box, a := w.sendBoxes[uid], w.users[uid]
		peers := slices.SortedFunc(maps.Keys(box.scheduled), func(x, y Peer) int {
			return cmp.Or(cmp.Compare(x.Kind, y.Kind), cmp.Compare(x.ID, y.ID))
		})
		for _, p := range peers {
			sc := box.scheduled[p]
			var due []int32
			for id, s := range sc.msgs {
				if s.m.date <= now {
					due = append(due, id)
				}
			}
			if a == nil || len(due) == 0 {
				continue
			}
			slices.Sort(due)
			res, err := w.sendScheduled(a, KeyID{}, p, sc, due)
			if err != nil {
				continue // the chat refuses them now (left, banned): they stay scheduled
			}
			for _, u := range res.(*tg.Updates).Updates {
				if d, ok := u.(*tg.UpdateDeleteScheduledMessages); ok {
					n += len(d.Messages)
				}
			}
		}
	}
	return n
}

// DeleteScheduled answers messages.deleteScheduledMessages: ids leave a's scheduled box
// (unknown ids are ignored); the result and a's other sessions get
// updateDeleteScheduledMessages.
func (w *World) DeleteScheduled(key KeyID, in tg.InputPeerClass, ids []int32) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, sc, err := w.scheduledIn(key, in)
	if err != nil {
		return nil, err
	}
	gone := []int32{}
	for _, id := range ids {
		if sc.msgs[id] != nil {
			delete(sc.msgs, id)
			gone = append(gone, id)
		}
	}
	var r refs
	r.add(p)
	u := w.longUpdates(a.id, []tg.UpdateClass{&tg.UpdateDeleteScheduledMessages{Peer: peerTG(p), Messages: gone}}, &r, w.now())
	w.push(a.id, key, u)
	return u, nil
}

// editScheduled answers messages.editMessage with a schedule date: pe changes a's scheduled
// message id in p, which moves to date; the result and a's other sessions get
// updateNewScheduledMessage with the message as it now is (under w.mu).
func (w *World) editScheduled(a *account, key KeyID, p Peer, id int32, pe preparedEdit, date int32) (tg.UpdatesClass, error) {
	sc := w.sendBoxOf(a.id).scheduled[p]
	if sc == nil || sc.msgs[id] == nil {
		return nil, ErrMessageIDInvalid
	}
	if date-w.now() > maxScheduleAhead {
		return nil, rpcErr(400, "SCHEDULE_DATE_TOO_LATE")
	}
	s := sc.msgs[id]
	if err := pe.check(s.m); err != nil && (date == s.m.date || !errors.Is(err, ErrMessageNotModified)) {
		return nil, err
	}
	pe.apply(s.m)
	s.m.date = date
	s.c.text, s.c.entities, s.c.media, s.c.markup = s.m.text, s.m.entities, s.m.media, s.m.markup
	var r refs
	r.addMessage(s.m)
	u := w.longUpdates(a.id, []tg.UpdateClass{&tg.UpdateNewScheduledMessage{Message: w.tgMessage(a.id, s.m)}}, &r, w.now())
	w.push(a.id, key, u)
	return u, nil
}
