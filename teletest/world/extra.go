package world

import (
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Methods beyond issue 6's list that clients call routinely (refreshing peers, typing,
// presence, read marks), so a real client does not stumble on METHOD_NOT_IMPLEMENTED.

// Chats answers messages.getChats: the basic groups with the given ids (chatForbidden for
// groups the viewer is not in); unknown ids are left out.
func (w *World) Chats(key KeyID, ids []int64) (*tg.MessagesChats, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	out := &tg.MessagesChats{Chats: []tg.ChatClass{}}
	for _, id := range ids {
		if c := w.chats[id]; c != nil {
			out.Chats = append(out.Chats, w.tgChat(a.id, c))
		}
	}
	return out, nil
}

// Channels answers channels.getChannels. A single invalid channel is an error
// (CHANNEL_INVALID); in a list, invalid entries are left out.
func (w *World) Channels(key KeyID, in []tg.InputChannelClass) (*tg.MessagesChats, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	out := &tg.MessagesChats{Chats: []tg.ChatClass{}}
	for _, ic := range in {
		ch, err := w.resolveChannel(a, ic)
		if err != nil {
			if len(in) == 1 {
				return nil, err
			}
			continue
		}
		out.Chats = append(out.Chats, w.tgChannel(a.id, ch))
	}
	return out, nil
}

// SetTyping answers messages.setTyping: in a private chat the other party gets
// updateUserTyping, in a basic group the other members get updateChatUserTyping (both in
// updateShort, not pts-numbered). Channels accept the call silently.
func (w *World) SetTyping(key KeyID, in tg.InputPeerClass, action tg.SendMessageActionClass) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, err := w.authorizedPeer(key, in)
	if err != nil {
		return err
	}
	w.setTyping(a, key, p, action)
	return nil
}

// setTyping is SetTyping for account a in chat p (under w.mu).
func (w *World) setTyping(a *account, key KeyID, p Peer, action tg.SendMessageActionClass) {
	if action == nil {
		action = &tg.SendMessageTypingAction{}
	}
	now := w.now()
	switch p.Kind {
	case PeerUser:
		if p.ID != a.id {
			w.push(p.ID, key, &tg.UpdateShort{Update: &tg.UpdateUserTyping{UserID: a.id, Action: action}, Date: now})
		}
	case PeerChat:
		for _, uid := range w.chats[p.ID].sortedMembers() {
			if uid != a.id {
				w.push(uid, key, &tg.UpdateShort{Update: &tg.UpdateChatUserTyping{ChatID: p.ID, FromID: &tg.PeerUser{UserID: a.id}, Action: action}, Date: now})
			}
		}
	}
}

// onlineFor is how long an online status lasts without a new account.updateStatus.
const onlineFor = 5 * 60

// status renders a person's presence: online until 5 minutes after its last report,
// offline since its last report, "recently" before any.
func (a *account) status() tg.UserStatusClass {
	switch {
	case a.statusAt == 0:
		return &tg.UserStatusRecently{}
	case a.online:
		return &tg.UserStatusOnline{Expires: a.statusAt + onlineFor}
	}
	return &tg.UserStatusOffline{WasOnline: a.statusAt}
}

// UpdateStatus answers account.updateStatus: the person goes online (or offline), and the
// people it has a private chat with get updateUserStatus (in updateShort, no pts), those its
// last-seen privacy and blocks let see it (privacy.go). Bots have no presence: the call
// succeeds and changes nothing.
func (w *World) UpdateStatus(key KeyID, offline bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil || a.bot {
		return err
	}
	now := w.now()
	a.online, a.statusAt = !offline, now
	for p := range a.box.dialogs {
		if other := w.users[p.ID]; p.Kind == PeerUser && other != nil && !other.bot && other.id != a.id && w.statusVisible(a, other) {
			w.push(other.id, key, &tg.UpdateShort{Update: &tg.UpdateUserStatus{UserID: a.id, Status: a.status()}, Date: now})
		}
	}
	// The person's own other sessions learn it too.
	w.push(a.id, key, &tg.UpdateShort{Update: &tg.UpdateUserStatus{UserID: a.id, Status: a.status()}, Date: now})
	return nil
}

// ReadHistory answers messages.readHistory for a private chat or basic group: the dialog's
// inbox is read up to maxID (0: everything), recorded as updateReadHistoryInbox with one pts
// and pushed to the reader's other connections.
func (w *World) ReadHistory(key KeyID, in tg.InputPeerClass, maxID int32) (*tg.MessagesAffectedMessages, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, err := w.authorizedPeer(key, in)
	if err != nil {
		return nil, err
	}
	if p.Kind == PeerChannel {
		return nil, ErrPeerIDInvalid // channels use channels.readHistory
	}
	return w.readHistory(a, key, p, maxID), nil
}

// readHistory is ReadHistory for account a in chat p, not a channel (under w.mu).
func (w *World) readHistory(a *account, key KeyID, p Peer, maxID int32) *tg.MessagesAffectedMessages {
	d := a.box.dialogs[p]
	if d == nil {
		return &tg.MessagesAffectedMessages{Pts: a.pts}
	}
	if maxID <= 0 || maxID > d.top {
		maxID = d.top
	}
	if maxID <= d.readInbox {
		return &tg.MessagesAffectedMessages{Pts: a.pts}
	}
	d.readInbox = maxID
	d.unread = 0
	for id, m := range a.box.msgs {
		if m.peer == p && m.from != a.id && id > maxID {
			d.unread++
		}
	}
	var upd tg.UpdateClass
	pts := w.record(a, 1, func(pts int32) tg.UpdateClass {
		upd = &tg.UpdateReadHistoryInbox{Peer: peerTG(p), MaxID: maxID, StillUnreadCount: d.unread, Pts: pts, PtsCount: 1}
		return upd
	}, p)
	var r refs
	r.add(p)
	w.push(a.id, key, w.longUpdates(a.id, []tg.UpdateClass{upd}, &r, w.now()))
	return &tg.MessagesAffectedMessages{Pts: pts, PtsCount: 1}
}

// ReadChannelHistory answers channels.readHistory: the channel dialog is read up to maxID
// (0: everything) and the reader's other connections get updateReadChannelInbox.
func (w *World) ReadChannelHistory(key KeyID, in tg.InputChannelClass, maxID int32) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, ch, err := w.authorizedChannel(key, in)
	if err != nil {
		return err
	}
	d := a.box.dialogs[ChannelPeer(ch.id)]
	if d == nil {
		return ErrChannelPrivate
	}
	if maxID <= 0 || maxID > ch.nextMsg {
		maxID = ch.nextMsg
	}
	if maxID <= d.readInbox {
		return nil
	}
	d.readInbox = maxID
	d.unread = 0
	for id, m := range ch.msgs {
		if id > maxID && m.from != a.id {
			d.unread++
		}
	}
	var r refs
	r.add(ChannelPeer(ch.id))
	upd := &tg.UpdateReadChannelInbox{ChannelID: ch.id, MaxID: maxID, StillUnreadCount: d.unread, Pts: ch.pts}
	w.push(a.id, key, w.longUpdates(a.id, []tg.UpdateClass{upd}, &r, w.now()))
	return nil
}
