package world

import (
	"cmp"
	"slices"
	"sort"
	"strings"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// SearchQuery holds messages.search's parameters.
type SearchQuery struct {
	Q        string
	From     tg.InputPeerClass // nil: any sender
	Filter   tg.MessagesFilterClass
	MinDate  int32 // 0: no lower bound
	MaxDate  int32 // 0: no upper bound
	TopMsgID int32 // the thread to search in, 0 for the whole chat
	HistoryQuery
}

// Search answers messages.search: the messages of a chat whose text contains Q (case
// insensitive), from the sender From, of the kind Filter names, dated within [MinDate,
// MaxDate], paged like History. Bots may not call it (BOT_METHOD_INVALID); FROM_PEER_INVALID
// for an unknown sender.
func (w *World) Search(key KeyID, in tg.InputPeerClass, q SearchQuery) (tg.MessagesMessagesClass, error) {
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
	match, err := w.searchMatch(a, q.Q, q.From, q.Filter, q.MinDate, q.MaxDate)
	if err != nil {
		return nil, err
	}
	keep := match
	if q.TopMsgID != 0 {
		keep = func(m *message) bool { return match(m) && w.inThread(a, p, m, q.TopMsgID) }
	}
	all, err := w.chatMessages(a, p, keep)
	if err != nil {
		return nil, err
	}
	return w.messagesPage(a, p, all, page(all, q.HistoryQuery)), nil
}

// searchMatch returns the test of one message against a search (under w.mu).
func (w *World) searchMatch(a *account, text string, from tg.InputPeerClass, filter tg.MessagesFilterClass, minDate, maxDate int32) (func(*message) bool, error) {
	var sender int64
	if from != nil {
		fp, err := w.resolvePeer(a, from)
		if err != nil || fp.Kind != PeerUser {
			return nil, rpcErr(400, "FROM_PEER_INVALID")
		}
		sender = fp.ID
	}
	kind, err := w.filterOf(filter)
	if err != nil {
		return nil, err
	}
	text = strings.ToLower(text)
	return func(m *message) bool {
		switch {
		case sender != 0 && m.from != sender,
			minDate > 0 && m.date < minDate,
			maxDate > 0 && m.date > maxDate,
			text != "" && !strings.Contains(strings.ToLower(m.text), text):
			return false
		}
		return kind(a, m)
	}, nil
}

// filterOf returns the test of an inputMessagesFilter, which looks at the media as the
// account would receive it; INPUT_FILTER_INVALID for kinds the world does not know.
func (w *World) filterOf(f tg.MessagesFilterClass) (func(*account, *message) bool, error) {
	onMedia := func(ok func(tg.MessageMediaClass) bool) func(*account, *message) bool {
		return func(a *account, m *message) bool { return m.media != nil && ok(w.tgMedia(a.id, m.media)) }
	}
	attrs := func(md tg.MessageMediaClass) []tg.DocumentAttributeClass {
		if d, ok := md.(*tg.MessageMediaDocument); ok {
			if doc, ok := d.Document.(*tg.Document); ok {
				return doc.Attributes
			}
		}
		return nil
	}
	isVideo := func(round bool) func(tg.MessageMediaClass) bool {
		return func(md tg.MessageMediaClass) bool {
			return slices.ContainsFunc(attrs(md), func(at tg.DocumentAttributeClass) bool {
				v, ok := at.(*tg.DocumentAttributeVideo)
				return ok && v.RoundMessage == round
			})
		}
	}
	isAudio := func(voice bool) func(tg.MessageMediaClass) bool {
		return func(md tg.MessageMediaClass) bool {
			return slices.ContainsFunc(attrs(md), func(at tg.DocumentAttributeClass) bool {
				v, ok := at.(*tg.DocumentAttributeAudio)
				return ok && v.Voice == voice
			})
		}
	}
	isPhoto := func(md tg.MessageMediaClass) bool { _, ok := md.(*tg.MessageMediaPhoto); return ok }
	either := func(x, y func(tg.MessageMediaClass) bool) func(tg.MessageMediaClass) bool {
		return func(md tg.MessageMediaClass) bool { return x(md) || y(md) }
	}
	switch f.(type) {
	case nil, *tg.InputMessagesFilterEmpty:
		return func(*account, *message) bool { return true }, nil
	case *tg.InputMessagesFilterPhotos:
		return onMedia(isPhoto), nil
	case *tg.InputMessagesFilterVideo:
		return onMedia(isVideo(false)), nil
	case *tg.InputMessagesFilterPhotoVideo:
		return onMedia(either(isPhoto, isVideo(false))), nil
	case *tg.InputMessagesFilterDocument:
		return onMedia(func(md tg.MessageMediaClass) bool { _, ok := md.(*tg.MessageMediaDocument); return ok }), nil
	case *tg.InputMessagesFilterMusic:
		return onMedia(isAudio(false)), nil
	case *tg.InputMessagesFilterVoice:
		return onMedia(isAudio(true)), nil
	case *tg.InputMessagesFilterRoundVideo:
		return onMedia(isVideo(true)), nil
	case *tg.InputMessagesFilterRoundVoice:
		return onMedia(either(isAudio(true), isVideo(true))), nil
	case *tg.InputMessagesFilterGif:
		return onMedia(func(md tg.MessageMediaClass) bool {
			return slices.ContainsFunc(attrs(md), func(at tg.DocumentAttributeClass) bool { _, ok := at.(*tg.DocumentAttributeAnimated); return ok })
		}), nil
	case *tg.InputMessagesFilterURL:
		return func(_ *account, m *message) bool {
			return slices.ContainsFunc(m.entities, func(e tg.MessageEntityClass) bool {
				switch e.(type) {
				case *tg.MessageEntityURL, *tg.MessageEntityTextURL:
					return true
				}
				return false
			})
		}, nil
	case *tg.InputMessagesFilterGeo:
		return onMedia(func(md tg.MessageMediaClass) bool {
			switch md.(type) {
			case *tg.MessageMediaGeo, *tg.MessageMediaGeoLive, *tg.MessageMediaVenue:
				return true
			}
			return false
		}), nil
	case *tg.InputMessagesFilterContacts:
		return onMedia(func(md tg.MessageMediaClass) bool { _, ok := md.(*tg.MessageMediaContact); return ok }), nil
	case *tg.InputMessagesFilterPoll:
		return onMedia(func(md tg.MessageMediaClass) bool { _, ok := md.(*tg.MessageMediaPoll); return ok }), nil
	case *tg.InputMessagesFilterPinned:
		return func(_ *account, m *message) bool { return m.pinned }, nil
	case *tg.InputMessagesFilterMyMentions:
		return func(a *account, m *message) bool { return mentions(m, a) }, nil
	case *tg.InputMessagesFilterChatPhotos, *tg.InputMessagesFilterPhoneCalls:
		return func(*account, *message) bool { return false }, nil
	}
	return nil, rpcErr(400, "INPUT_FILTER_INVALID")
}

// mentions reports whether m names a by @username or by a mention of its id.
func mentions(m *message, a *account) bool {
	for _, e := range m.entities {
		switch e := e.(type) {
		case *tg.MessageEntityMentionName:
			if e.UserID == a.id {
				return true
			}
		case *tg.MessageEntityMention:
			if a.username != "" && strings.Contains(strings.ToLower(m.text), "@"+strings.ToLower(a.username)) {
				return true
			}
		}
	}
	return false
}

// maxThreadDepth bounds the walk up a reply chain.
const maxThreadDepth = 64

// threadTop returns the first message of m's reply chain in chat p (m itself when it replies
// to nothing there) (under w.mu).
func (w *World) threadTop(a *account, p Peer, m *message) *message {
	for range maxThreadDepth {
		if m.replyTo == 0 {
			return m
		}
		up, err := w.messageIn(a, p, m.replyTo)
		if err != nil {
			return m
		}
		m = up
	}
	return m
}

// inThread reports whether m replies, directly or through other replies, to message top
// (under w.mu).
func (w *World) inThread(a *account, p Peer, m *message, top int32) bool {
	return m.id != top && m.replyTo != 0 && w.threadTop(a, p, m).id == top
}

// Replies answers messages.getReplies: the replies to message id in a channel or supergroup
// (its thread: replies to it and to its replies), paged like History. MSG_ID_INVALID for an
// unknown message, PEER_ID_INVALID outside channels.
func (w *World) Replies(key KeyID, in tg.InputPeerClass, id int32, q HistoryQuery) (tg.MessagesMessagesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, top, err := w.threadOf(key, in, id)
	if err != nil {
		return nil, err
	}
	all, err := w.chatMessages(a, p, func(m *message) bool { return w.inThread(a, p, m, top.id) })
	if err != nil {
		return nil, err
	}
	return w.messagesPage(a, p, all, page(all, q)), nil
}

// threadOf resolves message id of channel in and returns it (under w.mu).
func (w *World) threadOf(key KeyID, in tg.InputPeerClass, id int32) (*account, Peer, *message, error) {
	a, p, err := w.authorizedPeer(key, in)
	if err != nil {
		return nil, Peer{}, nil, err
	}
	if p.Kind != PeerChannel {
		return nil, Peer{}, nil, ErrPeerIDInvalid
	}
	m, err := w.messageIn(a, p, id)
	if err != nil {
		return nil, Peer{}, nil, rpcErr(400, "MSG_ID_INVALID")
	}
	return a, p, m, nil
}

// DiscussionMessage answers messages.getDiscussionMessage: the first message of the thread
// message id belongs to, with the thread's newest id. The world has no linked discussion
// groups: a channel's posts are discussed in the channel itself.
func (w *World) DiscussionMessage(key KeyID, in tg.InputPeerClass, id int32) (*tg.MessagesDiscussionMessage, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, m, err := w.threadOf(key, in, id)
	if err != nil {
		return nil, err
	}
	top := w.threadTop(a, p, m)
	replies, err := w.chatMessages(a, p, func(r *message) bool { return w.inThread(a, p, r, top.id) })
	if err != nil {
		return nil, err
	}
	msgs, users, chats := w.renderMessages(a.id, []*message{top})
	out := &tg.MessagesDiscussionMessage{Messages: msgs, UnreadCount: 0, Chats: chats, Users: users}
	if len(replies) > 0 {
		out.MaxID = tl.Some(replies[0].id)
		out.ReadInboxMaxID = tl.Some(replies[0].id)
	}
	return out, nil
}

// SearchGlobalQuery holds messages.searchGlobal's parameters.
type SearchGlobalQuery struct {
	Q              string
	Filter         tg.MessagesFilterClass
	MinDate        int32
	MaxDate        int32
	OffsetRate     int32 // the next_rate of the previous page (0: from the newest)
	OffsetPeer     tg.InputPeerClass
	OffsetID       int32
	Limit          int32
	BroadcastsOnly bool
	GroupsOnly     bool
	UsersOnly      bool
}

// located is a message with the chat it lives in.
type located struct {
	peer Peer
	m    *message
}

// globalOrder sorts newest first, then by chat and id (descending), a total order the
// offsets of searchGlobal can resume from.
func globalOrder(x, y located) int {
	if c := cmp.Compare(y.m.date, x.m.date); c != 0 {
		return c
	}
	if c := cmp.Compare(y.peer.Kind, x.peer.Kind); c != 0 {
		return c
	}
	if c := cmp.Compare(y.peer.ID, x.peer.ID); c != 0 {
		return c
	}
	return cmp.Compare(y.m.id, x.m.id)
}

// SearchGlobal answers messages.searchGlobal: matching messages of every chat the account
// is in, newest first, at most 100 a page; a page that is not the last has next_rate, and the
// next page starts after (offset_rate, offset_peer, offset_id). SEARCH_QUERY_EMPTY without a
// query or a filter; bots may not call it.
func (w *World) SearchGlobal(key KeyID, q SearchGlobalQuery) (*tg.MessagesMessagesSlice, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	if _, empty := q.Filter.(*tg.InputMessagesFilterEmpty); q.Q == "" && (q.Filter == nil || empty) {
		return nil, rpcErr(400, "SEARCH_QUERY_EMPTY")
	}
	match, err := w.searchMatch(a, q.Q, nil, q.Filter, q.MinDate, q.MaxDate)
	if err != nil {
		return nil, err
	}
	wanted := func(p Peer) bool {
		switch {
		case q.UsersOnly:
			return p.Kind == PeerUser
		case q.GroupsOnly:
			return p.Kind == PeerChat || (p.Kind == PeerChannel && w.channels[p.ID].megagroup)
		case q.BroadcastsOnly:
			return p.Kind == PeerChannel && !w.channels[p.ID].megagroup
		}
		return true
	}
	var all []located
	for _, m := range a.box.msgs {
		if wanted(m.peer) && match(m) {
			all = append(all, located{m.peer, m})
		}
	}
	now := w.now()
	for _, ch := range w.channels {
		p := ChannelPeer(ch.id)
		if _, member := ch.members[a.id]; !member || !ch.canRead(a.id, now) || !wanted(p) {
			continue
		}
		for _, m := range ch.msgs {
			if match(m) {
				all = append(all, located{p, m})
			}
		}
	}
	slices.SortFunc(all, globalOrder)
	start := 0
	if q.OffsetRate > 0 {
		after := located{m: &message{date: q.OffsetRate, id: q.OffsetID}}
		if q.OffsetPeer != nil {
			if op, err := w.resolvePeer(a, q.OffsetPeer); err == nil {
				after.peer = op
			}
		}
		start = sort.Search(len(all), func(i int) bool { return globalOrder(after, all[i]) < 0 })
	}
	limit := int(q.Limit)
	if limit <= 0 || limit > maxHistoryLimit {
		limit = maxHistoryLimit
	}
	got := all[start:min(start+limit, len(all))]
	msgs := make([]tg.MessageClass, 0, len(got))
	var r refs
	for _, l := range got {
		msgs = append(msgs, w.tgMessage(a.id, l.m))
		r.addMessage(l.m)
	}
	users, chats := w.render(a.id, &r)
	out := &tg.MessagesMessagesSlice{Count: int32(len(all)), Messages: msgs, Topics: []tg.ForumTopicClass{}, Chats: chats, Users: users}
	if start+len(got) < len(all) && len(got) > 0 {
		out.NextRate = tl.Some(got[len(got)-1].m.date)
	}
	return out, nil
}
