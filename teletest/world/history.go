package world

import (
	"slices"
	"sort"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// HistoryQuery holds messages.getHistory's paging parameters.
type HistoryQuery struct {
	OffsetID   int32
	OffsetDate int32
	AddOffset  int32
	Limit      int32
	MaxID      int32
	MinID      int32
}

// maxHistoryLimit caps one page, as Telegram does.
const maxHistoryLimit = 100

// page applies Telegram's history paging to msgs sorted newest first: keep only ids strictly
// between min_id and max_id, start at the first message older than offset_id/offset_date,
// shift by add_offset and take limit.
func page(msgs []*message, q HistoryQuery) []*message {
	if q.MaxID > 0 || q.MinID > 0 {
		lo := sort.Search(len(msgs), func(i int) bool { return q.MaxID <= 0 || msgs[i].id < q.MaxID })
		hi := sort.Search(len(msgs), func(i int) bool { return q.MinID > 0 && msgs[i].id <= q.MinID })
		msgs = msgs[lo:max(lo, hi)]
	}
	start := 0
	switch {
	case q.OffsetID > 0:
		start = sort.Search(len(msgs), func(i int) bool { return msgs[i].id < q.OffsetID })
	case q.OffsetDate > 0:
		start = sort.Search(len(msgs), func(i int) bool { return msgs[i].date < q.OffsetDate })
	}
	start += int(q.AddOffset)
	limit := int(q.Limit)
	if limit <= 0 || limit > maxHistoryLimit {
		limit = maxHistoryLimit
	}
	end := min(start+limit, len(msgs))
	start = max(start, 0)
	if start >= end {
		return nil
	}
	return msgs[start:end]
}

func newestFirst(msgs []*message) {
	slices.SortFunc(msgs, func(x, y *message) int { return int(y.id) - int(x.id) })
}

// History answers messages.getHistory. Bots may not call it (BOT_METHOD_INVALID), as on
// Telegram.
func (w *World) History(key KeyID, in tg.InputPeerClass, q HistoryQuery) (tg.MessagesMessagesClass, error) {
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
	all, err := w.chatMessages(a, p, nil)
	if err != nil {
		return nil, err
	}
	return w.messagesPage(a, p, all, page(all, q)), nil
}

// chatMessages returns the messages of chat p as a sees them, newest first, keeping only
// those keep accepts (all when keep is nil) (under w.mu).
func (w *World) chatMessages(a *account, p Peer, keep func(*message) bool) ([]*message, error) {
	var all []*message
	if p.Kind == PeerChannel {
		ch := w.channels[p.ID]
		if !ch.canRead(a.id, w.now()) {
			return nil, ErrChannelPrivate
		}
		for _, m := range ch.msgs {
			if keep == nil || keep(m) {
				all = append(all, m)
			}
		}
	} else {
		for _, m := range a.box.msgs {
			if m.peer == p && (keep == nil || keep(m)) {
				all = append(all, m)
			}
		}
	}
	newestFirst(all)
	return all, nil
}

// messagesPage renders got, a page of all (the messages of chat p matching a query), as
// messages.channelMessages in channels and messages.messagesSlice (messages.messages when
// the page holds everything) elsewhere; count is len(all).
func (w *World) messagesPage(a *account, p Peer, all, got []*message) tg.MessagesMessagesClass {
	msgs, users, chats := w.renderMessages(a.id, got)
	if p.Kind == PeerChannel {
		return &tg.MessagesChannelMessages{
			Pts: w.channels[p.ID].pts, Count: int32(len(all)), Messages: msgs,
			Topics: []tg.ForumTopicClass{}, Chats: chats, Users: users,
		}
	}
	if len(got) < len(all) {
		return &tg.MessagesMessagesSlice{
			Count: int32(len(all)), Messages: msgs, Topics: []tg.ForumTopicClass{}, Chats: chats, Users: users,
		}
	}
	return &tg.MessagesMessages{Messages: msgs, Topics: []tg.ForumTopicClass{}, Chats: chats, Users: users}
}

func (w *World) renderMessages(viewer int64, ms []*message) ([]tg.MessageClass, []tg.UserClass, []tg.ChatClass) {
	out := make([]tg.MessageClass, 0, len(ms))
	var r refs
	for _, m := range ms {
		out = append(out, w.tgMessage(viewer, m))
		r.addMessage(m)
	}
	users, chats := w.render(viewer, &r)
	return out, users, chats
}

// messageIDs extracts the ids of inputMessageID and inputMessageReplyTo references (replies
// resolve to the replied message); other kinds yield 0.
func (w *World) messageIDs(lookup func(int32) *message, in []tg.InputMessageClass) []int32 {
	ids := make([]int32, len(in))
	for i, im := range in {
		switch im := im.(type) {
		case *tg.InputMessageID:
			ids[i] = im.ID
		case *tg.InputMessageReplyTo:
			if m := lookup(im.ID); m != nil {
				ids[i] = m.replyTo
			}
		}
	}
	return ids
}

// Messages answers messages.getMessages (the account's own box): messageEmpty for unknown
// ids, in request order; more than MaxGetIDs ids answer LIMIT_INVALID.
func (w *World) Messages(key KeyID, in []tg.InputMessageClass) (*tg.MessagesMessages, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	if err := checkGetIDs(len(in)); err != nil {
		return nil, err
	}
	lookup := func(id int32) *message { return a.box.msgs[id] }
	return w.lookupMessages(a.id, lookup, w.messageIDs(lookup, in)), nil
}

func (w *World) lookupMessages(viewer int64, lookup func(int32) *message, ids []int32) *tg.MessagesMessages {
	out := &tg.MessagesMessages{Topics: []tg.ForumTopicClass{}}
	var r refs
	for _, id := range ids {
		m := lookup(id)
		if m == nil {
			out.Messages = append(out.Messages, &tg.MessageEmpty{ID: id})
			continue
		}
		out.Messages = append(out.Messages, w.tgMessage(viewer, m))
		r.addMessage(m)
	}
	if out.Messages == nil {
		out.Messages = []tg.MessageClass{}
	}
	out.Users, out.Chats = w.render(viewer, &r)
	return out
}

// ChannelMessages answers channels.getMessages (at most MaxGetIDs ids, as Messages).
func (w *World) ChannelMessages(key KeyID, in tg.InputChannelClass, ids []tg.InputMessageClass) (*tg.MessagesChannelMessages, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, ch, err := w.readableChannel(key, in)
	if err != nil {
		return nil, err
	}
	if err := checkGetIDs(len(ids)); err != nil {
		return nil, err
	}
	lookup := func(id int32) *message { return ch.msgs[id] }
	res := w.lookupMessages(a.id, lookup, w.messageIDs(lookup, ids))
	return &tg.MessagesChannelMessages{
		Pts: ch.pts, Count: int32(len(res.Messages)), Messages: res.Messages,
		Topics: res.Topics, Chats: res.Chats, Users: res.Users,
	}, nil
}

// DialogsQuery holds messages.getDialogs's paging parameters.
type DialogsQuery struct {
	OffsetDate int32
	OffsetID   int32
	Limit      int32
}

// Dialogs answers messages.getDialogs without folders: DialogList of the main list.
func (w *World) Dialogs(key KeyID, q DialogsQuery) (tg.MessagesDialogsClass, error) {
	return w.DialogList(key, DialogListQuery{OffsetDate: q.OffsetDate, OffsetID: q.OffsetID, Limit: q.Limit})
}

// ChannelDifference answers updates.getChannelDifference: the channel's events after pts,
// at most limit of them (final false when more remain), or channelDifferenceTooLong with the
// latest messages when pts is too far behind.
func (w *World) ChannelDifference(key KeyID, in tg.InputChannelClass, pts, limit int32) (tg.UpdatesChannelDifferenceClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, ch, err := w.readableChannel(key, in)
	if err != nil {
		return nil, err
	}
	if pts <= 0 || pts > ch.pts {
		return nil, ErrPersistentTimestampInvalid
	}
	maxLimit := int32(100)
	if a.bot {
		maxLimit = 100000
	}
	if limit <= 0 || limit > maxLimit {
		limit = maxLimit
	}
	timeout := tl.Some[int32](30)
	evs, ok := ch.log.since(pts)
	if !ok || ch.pts-pts > int32(w.cfg.TooLongAfter) {
		var latest []*message
		for _, m := range ch.msgs {
			latest = append(latest, m)
		}
		newestFirst(latest)
		latest = latest[:min(len(latest), int(limit))]
		msgs, users, chats := w.renderMessages(a.id, latest)
		d := &tg.Dialog{Peer: peerTG(ChannelPeer(ch.id)), NotifySettings: tg.PeerNotifySettings{}, Pts: tl.Some(ch.pts)}
		if len(latest) > 0 {
			d.TopMessage = latest[0].id
		}
		if ad := a.box.dialogs[ChannelPeer(ch.id)]; ad != nil {
			d.UnreadCount, d.ReadInboxMaxID = ad.unread, ad.readInbox
		}
		return &tg.UpdatesChannelDifferenceTooLong{Final: true, Timeout: timeout, Dialog: d, Messages: msgs, Chats: chats, Users: users}, nil
	}
	if len(evs) == 0 {
		return &tg.UpdatesChannelDifferenceEmpty{Final: true, Pts: ch.pts, Timeout: timeout}, nil
	}
	final := len(evs) <= int(limit)
	if !final {
		evs = evs[:limit]
	}
	d := w.splitEvents(a.id, evs) // a channel's log has no encrypted messages
	return &tg.UpdatesChannelDifference{
		Final: final, Pts: evs[len(evs)-1].pts, Timeout: timeout,
		NewMessages: d.msgs, OtherUpdates: d.other, Chats: d.chats, Users: d.users,
	}, nil
}
