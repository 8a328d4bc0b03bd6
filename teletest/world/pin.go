package world

import (
	"unicode/utf8"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Pin is messages.updatePinnedMessage.
type Pin struct {
	Peer      tg.InputPeerClass
	ID        int32
	Unpin     bool
	Silent    bool
	PmOneside bool // private chats: pin for the caller only
}

// UpdatePinned answers messages.updatePinnedMessage: pins or unpins a message. Each holder
// records updatePinnedMessages (updatePinnedChannelMessages in channels) with its own pts
// (the channel's); pinning (not unpinning, not one-sided) also posts a service message
// messageActionPinMessage replying to the message. MESSAGE_ID_INVALID, CHAT_ADMIN_REQUIRED
// in channels for members who are not admins, MESSAGE_NOT_MODIFIED for no change.
func (w *World) UpdatePinned(key KeyID, pin Pin) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, err := w.authorizedPeer(key, pin.Peer)
	if err != nil {
		return nil, err
	}
	return w.updatePinned(a, key, p, pin)
}

// updatePinned is UpdatePinned for account a in chat p (under w.mu).
func (w *World) updatePinned(a *account, key KeyID, p Peer, pin Pin) (tg.UpdatesClass, error) {
	m, err := w.messageIn(a, p, pin.ID)
	if err != nil {
		return nil, err
	}
	if m.action != nil {
		return nil, ErrMessageIDInvalid
	}
	if p.Kind == PeerChannel && !w.channels[p.ID].isAdmin(a.id) {
		return nil, ErrChatAdminRequired
	}
	if m.pinned == !pin.Unpin {
		return nil, ErrMessageNotModified
	}
	now := w.now()
	var result []tg.UpdateClass
	var rr refs
	rr.add(p)
	if p.Kind == PeerChannel {
		ch := w.channels[p.ID]
		m.pinned = !pin.Unpin
		ch.pts++
		u := &tg.UpdatePinnedChannelMessages{Pinned: m.pinned, ChannelID: ch.id, Messages: []int32{m.id}, Pts: ch.pts, PtsCount: 1}
		w.appendEvent(&ch.log, event{pts: ch.pts, count: 1, date: now, update: u, refs: rr.order})
		for _, uid := range ch.sortedMembers() {
			w.push(uid, key, w.longUpdates(uid, []tg.UpdateClass{u}, &rr, now))
		}
		result = append(result, u)
	} else {
		for _, h := range w.holders(a, p, m) {
			if pin.PmOneside && h.owner.id != a.id {
				continue
			}
			h.msg.pinned = !pin.Unpin
			var r refs
			r.add(h.msg.peer)
			var upd tg.UpdateClass
			w.record(h.owner, 1, func(pts int32) tg.UpdateClass {
				upd = &tg.UpdatePinnedMessages{Pinned: h.msg.pinned, Peer: peerTG(h.msg.peer), Messages: []int32{h.msg.id}, Pts: pts, PtsCount: 1}
				return upd
			}, r.order...)
			w.push(h.owner.id, key, w.longUpdates(h.owner.id, []tg.UpdateClass{upd}, &r, now))
			if h.owner.id == a.id {
				result = append(result, upd)
			}
		}
	}
	if !pin.Unpin && !pin.PmOneside {
		s, err := w.deliver(a, KeyID{}, p, content{action: &tg.MessageActionPinMessage{}, replyTo: m.id, silent: pin.Silent})
		if err != nil {
			return nil, err
		}
		for _, pr := range s.refs.order {
			rr.add(pr)
		}
	}
	return w.longUpdates(a.id, result, &rr, now), nil
}

// EditTitle answers channels.editTitle (in is a channel) and messages.editChatTitle (a basic
// group): the title changes and a service message messageActionChatEditTitle reaches every
// member. CHAT_ADMIN_REQUIRED in channels for members who are not admins (any member of a
// basic group may), CHAT_TITLE_EMPTY, CHAT_NOT_MODIFIED.
func (w *World) EditTitle(key KeyID, in tg.InputPeerClass, title string) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, err := w.authorizedPeer(key, in)
	if err != nil {
		return nil, err
	}
	if title == "" || utf8.RuneCountInString(title) > 128 {
		return nil, rpcErr(400, "CHAT_TITLE_EMPTY")
	}
	switch p.Kind {
	case PeerChannel:
		ch := w.channels[p.ID]
		if !ch.isAdmin(a.id) {
			return nil, ErrChatAdminRequired
		}
		if ch.title == title {
			return nil, rpcErr(400, "CHAT_NOT_MODIFIED")
		}
		ch.title = title
	case PeerChat:
		c := w.chats[p.ID]
		if c.title == title {
			return nil, rpcErr(400, "CHAT_NOT_MODIFIED")
		}
		c.title = title
		c.version++
	default:
		return nil, ErrPeerIDInvalid
	}
	s, err := w.deliver(a, key, p, content{action: &tg.MessageActionChatEditTitle{Title: title}})
	if err != nil {
		return nil, err
	}
	return w.longUpdates(a.id, []tg.UpdateClass{s.update}, &s.refs, s.date), nil
}

// UnpinAll answers messages.unpinAllMessages: every pinned message of the chat is unpinned,
// as UpdatePinned unpins one (channels: admins only, one updatePinnedChannelMessages for all
// of them; elsewhere each holder's copies, one updatePinnedMessages per holder). The result
// carries the caller's pts and how many messages it unpinned.
func (w *World) UnpinAll(key KeyID, in tg.InputPeerClass) (*tg.MessagesAffectedHistory, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, err := w.authorizedPeer(key, in)
	if err != nil {
		return nil, err
	}
	pinned, err := w.chatMessages(a, p, func(m *message) bool { return m.pinned })
	if err != nil {
		return nil, err
	}
	now := w.now()
	if p.Kind == PeerChannel {
		ch := w.channels[p.ID]
		if !ch.isAdmin(a.id) {
			return nil, ErrChatAdminRequired
		}
		if len(pinned) == 0 {
			return &tg.MessagesAffectedHistory{Pts: ch.pts}, nil
		}
		ids := make([]int32, len(pinned))
		for i, m := range pinned {
			m.pinned = false
			ids[i] = m.id
		}
		ch.pts++
		u := &tg.UpdatePinnedChannelMessages{ChannelID: ch.id, Messages: ids, Pts: ch.pts, PtsCount: 1}
		var r refs
		r.add(p)
		w.appendEvent(&ch.log, event{pts: ch.pts, count: 1, date: now, update: u, refs: r.order})
		for _, uid := range ch.sortedMembers() {
			w.push(uid, key, w.longUpdates(uid, []tg.UpdateClass{u}, &r, now))
		}
		return &tg.MessagesAffectedHistory{Pts: ch.pts, PtsCount: 1}, nil
	}
	perOwner := map[int64][]*message{}
	var owners []int64
	for _, m := range pinned {
		for _, h := range w.holders(a, p, m) {
			if h.msg.pinned {
				if perOwner[h.owner.id] == nil {
					owners = append(owners, h.owner.id)
				}
				perOwner[h.owner.id] = append(perOwner[h.owner.id], h.msg)
			}
		}
	}
	res := &tg.MessagesAffectedHistory{Pts: a.pts}
	for _, uid := range owners {
		owner, msgs := w.users[uid], perOwner[uid]
		ids := make([]int32, len(msgs))
		for i, m := range msgs {
			m.pinned = false
			ids[i] = m.id
		}
		var r refs
		r.add(msgs[0].peer)
		var upd tg.UpdateClass
		pts := w.record(owner, 1, func(pts int32) tg.UpdateClass {
			upd = &tg.UpdatePinnedMessages{Peer: peerTG(msgs[0].peer), Messages: ids, Pts: pts, PtsCount: 1}
			return upd
		}, r.order...)
		w.push(uid, key, w.longUpdates(uid, []tg.UpdateClass{upd}, &r, now))
		if uid == a.id {
			res.Pts, res.PtsCount = pts, 1
		}
	}
	return res, nil
}
