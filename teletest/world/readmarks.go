package world

import (
	"strconv"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// DeleteHistoryQuery holds messages.deleteHistory's parameters.
type DeleteHistoryQuery struct {
	Peer      tg.InputPeerClass
	MaxID     int32 // 0: every message
	Revoke    bool  // private chats: for the other party too
	JustClear bool
	MinDate   int32
	MaxDate   int32
}

// DeleteHistory answers messages.deleteHistory (private chats and basic groups): the
// account's messages of the chat up to MaxID (within [MinDate, MaxDate] when set) are
// deleted as messages.deleteMessages deletes them, all in one call (offset 0). With Revoke in
// a private chat the other party's copies go too. PEER_ID_INVALID for channels (they use
// channels.deleteHistory).
func (w *World) DeleteHistory(key KeyID, q DeleteHistoryQuery) (*tg.MessagesAffectedHistory, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	p, err := w.resolvePeer(a, q.Peer)
	if err != nil {
		return nil, err
	}
	if p.Kind == PeerChannel {
		return nil, ErrPeerIDInvalid
	}
	ids := w.historyIDs(a, p, q.MaxID, q.MinDate, q.MaxDate)
	if len(ids) == 0 {
		return &tg.MessagesAffectedHistory{Pts: a.pts}, nil
	}
	res := w.deleteMessages(a, key, ids, q.Revoke && p.Kind == PeerUser)
	return &tg.MessagesAffectedHistory{Pts: res.Pts, PtsCount: res.PtsCount}, nil
}

// historyIDs lists the ids of chat p up to maxID (0: all) within the dates (under w.mu).
func (w *World) historyIDs(a *account, p Peer, maxID, minDate, maxDate int32) []int32 {
	all, _ := w.chatMessages(a, p, func(m *message) bool {
		return (maxID <= 0 || m.id <= maxID) && (minDate <= 0 || m.date >= minDate) && (maxDate <= 0 || m.date <= maxDate)
	})
	ids := make([]int32, len(all))
	for i, m := range all {
		ids[i] = m.id
	}
	return ids
}

// DeleteChannelHistory answers channels.deleteHistory with for_everyone: an admin deletes
// the messages up to maxID (0: all) for every member, as channels.deleteMessages does.
// CHAT_ADMIN_REQUIRED for others (the world keeps no per-member hidden history).
func (w *World) DeleteChannelHistory(key KeyID, in tg.InputChannelClass, maxID int32) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, ch, err := w.readableChannel(key, in)
	if err != nil {
		return nil, err
	}
	if !ch.isAdmin(a.id) {
		return nil, ErrChatAdminRequired
	}
	p := ChannelPeer(ch.id)
	ids := w.historyIDs(a, p, maxID, 0, 0)
	var r refs
	r.add(p)
	now := w.now()
	if len(ids) == 0 {
		return w.longUpdates(a.id, []tg.UpdateClass{}, &r, now), nil
	}
	res, err := w.deleteChannelMessages(a, key, ch, ids)
	if err != nil {
		return nil, err
	}
	u := &tg.UpdateDeleteChannelMessages{ChannelID: ch.id, Messages: ids, Pts: res.Pts, PtsCount: res.PtsCount}
	return w.longUpdates(a.id, []tg.UpdateClass{u}, &r, now), nil
}

// readChat checks that the account on key (a person) may read chat in and returns the
// account's pts, for messages.readMentions and messages.readReactions, which the world
// answers without keeping unread mention or reaction counters.
func (w *World) readChat(key KeyID, in tg.InputPeerClass) (*tg.MessagesAffectedHistory, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	p, err := w.resolvePeer(a, in)
	if err != nil {
		return nil, err
	}
	if p.Kind == PeerChannel && !w.channels[p.ID].canRead(a.id, w.now()) {
		return nil, ErrChannelPrivate
	}
	return &tg.MessagesAffectedHistory{Pts: a.pts}, nil
}

// ReadMentions answers messages.readMentions: nothing is left unread (the world counts no
// unread mentions), so it only checks the chat.
func (w *World) ReadMentions(key KeyID, in tg.InputPeerClass) (*tg.MessagesAffectedHistory, error) {
	return w.readChat(key, in)
}

// ReadReactions answers messages.readReactions like ReadMentions.
func (w *World) ReadReactions(key KeyID, in tg.InputPeerClass) (*tg.MessagesAffectedHistory, error) {
	return w.readChat(key, in)
}

// viewKey names a channel message for its view counter.
type viewKey struct {
	channel int64
	id      int32
}

// MessagesViews answers messages.getMessagesViews: the views and forwards of each message,
// in request order. With increment the account counts as a viewer of channel posts (once per
// account, as on Telegram). Messages outside channels have no view counters (zero);
// unknown ids answer zero as well. CHANNEL_PRIVATE for unreadable channels.
func (w *World) MessagesViews(key KeyID, in tg.InputPeerClass, ids []int32, increment bool) (*tg.MessagesMessageViews, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	p, err := w.resolvePeer(a, in)
	if err != nil {
		return nil, err
	}
	out := &tg.MessagesMessageViews{Views: make([]tg.MessageViews, len(ids)), Chats: []tg.ChatClass{}, Users: []tg.UserClass{}}
	if p.Kind != PeerChannel {
		return out, nil
	}
	ch := w.channels[p.ID]
	if !ch.canRead(a.id, w.now()) {
		return nil, ErrChannelPrivate
	}
	if w.views == nil {
		w.views = map[viewKey]map[int64]struct{}{}
	}
	for i, id := range ids {
		m := ch.msgs[id]
		if m == nil {
			continue
		}
		k := viewKey{ch.id, id}
		seen := w.views[k]
		if increment && m.from != a.id {
			if seen == nil {
				seen = map[int64]struct{}{}
				w.views[k] = seen
			}
			seen[a.id] = struct{}{}
		}
		out.Views[i] = tg.MessageViews{Views: tl.Some(int32(1 + len(seen))), Forwards: tl.Some[int32](0)} // 1: the author
	}
	var r refs
	r.add(p)
	out.Users, out.Chats = w.render(a.id, &r)
	return out, nil
}

// ExportMessageLink answers channels.exportMessageLink: https://t.me/<username>/<id> for
// public channels, https://t.me/c/<channel id>/<id> for private ones (members only).
// MESSAGE_ID_INVALID for unknown messages, CHANNEL_PRIVATE for unreadable channels.
func (w *World) ExportMessageLink(key KeyID, in tg.InputChannelClass, id int32, thread bool) (*tg.ExportedMessageLink, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	_, ch, err := w.readableChannel(key, in)
	if err != nil {
		return nil, err
	}
	m := ch.msgs[id]
	if m == nil {
		return nil, ErrMessageIDInvalid
	}
	link := "https://t.me/c/" + strconv.FormatInt(ch.id, 10) + "/" + strconv.Itoa(int(id))
	if ch.username != "" {
		link = "https://t.me/" + ch.username + "/" + strconv.Itoa(int(id))
	}
	if thread && m.replyTo != 0 {
		link += "?thread=" + strconv.Itoa(int(m.replyTo))
	}
	return &tg.ExportedMessageLink{Link: link, Html: `<a href="` + link + `">` + link + `</a>`}, nil
}
