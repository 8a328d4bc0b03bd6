package world

import (
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// message is one message in a box: an account's box for private chats and basic groups (each
// member holds its own copy with its own id, as on Telegram), or a channel's box.
type message struct {
	id       int32
	peer     Peer  // the chat; in an account box for a private chat, the other party
	from     int64 // author; 0 for broadcast channel posts
	date     int32
	editDate int32
	text     string
	entities []tg.MessageEntityClass
	media    *media
	fwd      *tg.MessageFwdHeader
	replyTo  int32
	silent   bool
	post     bool // broadcast channel post
	origin   origin

	markup tg.ReplyMarkupClass // kept only on messages of bots (and sent through inline bots)
	viaBot int64               // the inline bot a user sent the message through
	// buttonsBot is the bot that receives the callback queries of the message's inline
	// keyboard: the author when a bot wrote it, the inline bot for messages sent through one.
	buttonsBot int64
	// inlineID is the inline message id of a message with a keyboard sent through an inline
	// bot (see inlineMsgs); its callbacks reach the bot as updateInlineBotCallbackQuery.
	inlineID int64
	// reactions are shared by every copy of the logical message (nil until the first one).
	reactions *reactionSet
	// action makes a service message (a member joined or left a supergroup).
	action tg.MessageActionClass
	pinned bool
	// viaBusinessBot is the business bot that sent the message on its author's behalf
	// (invokeWithBusinessConnection).
	viaBusinessBot int64
	// extra holds the send options of the message (album, protection, effect, reply to
	// another chat or a quote, topic, sender channel): sendextra.go; nil for none.
	extra *sendExtra
}

// origin identifies a logical message across the per-member copies of private chats and
// basic groups: the author and the id in the author's box.
type origin struct {
	author int64
	id     int32
}

// copyRef locates one copy of a logical message.
type copyRef struct {
	user int64
	id   int32
}

// peerTG returns the tg.Peer of p.
func peerTG(p Peer) tg.PeerClass {
	switch p.Kind {
	case PeerChat:
		return &tg.PeerChat{ChatID: p.ID}
	case PeerChannel:
		return &tg.PeerChannel{ChannelID: p.ID}
	}
	return &tg.PeerUser{UserID: p.ID}
}

// peerFromTG converts a tg.Peer.
func peerFromTG(p tg.PeerClass) (Peer, bool) {
	switch p := p.(type) {
	case *tg.PeerUser:
		return UserPeer(p.UserID), true
	case *tg.PeerChat:
		return ChatPeer(p.ChatID), true
	case *tg.PeerChannel:
		return ChannelPeer(p.ChannelID), true
	}
	return Peer{}, false
}

// tgMessage renders m for viewer (the owner of the box, or any channel reader): a
// messageService for service messages, a message otherwise.
func (w *World) tgMessage(viewer int64, m *message) tg.MessageClass {
	if m.action != nil {
		out := &tg.MessageService{
			Out: m.from == viewer && m.from != 0, ID: m.id, PeerID: peerTG(m.peer), Date: m.date,
			Action: paymentAction(viewer, m), Reactions: m.reactions.render(viewer, !m.post),
		}
		if m.replyTo != 0 {
			out.ReplyTo = &tg.MessageReplyHeader{ReplyToMsgID: tl.Some(m.replyTo)}
		}
		if m.from != 0 {
			out.FromID = &tg.PeerUser{UserID: m.from}
		}
		return out
	}
	return w.tgPlainMessage(viewer, m)
}

// tgPlainMessage renders a message that is not a service message.
func (w *World) tgPlainMessage(viewer int64, m *message) *tg.Message {
	out := &tg.Message{
		Out:      m.from == viewer && m.from != 0,
		Silent:   m.silent,
		Post:     m.post,
		ID:       m.id,
		PeerID:   peerTG(m.peer),
		FwdFrom:  m.fwd,
		Date:     m.date,
		Message:  m.text,
		Entities: m.entities,
	}
	if m.post {
		out.Out = false
		if ch := w.channels[m.peer.ID]; ch != nil && ch.isAdmin(viewer) {
			out.Out = true
		}
	}
	// Private chats carry from_id only on outgoing messages; groups and channels always name
	// the author (broadcast posts have none).
	if m.from != 0 && (m.peer.Kind != PeerUser || out.Out) {
		out.FromID = &tg.PeerUser{UserID: m.from}
	}
	if m.replyTo != 0 {
		out.ReplyTo = &tg.MessageReplyHeader{ReplyToMsgID: tl.Some(m.replyTo)}
	}
	if m.editDate != 0 {
		out.EditDate = tl.Some(m.editDate)
	}
	if m.media != nil {
		out.Media = w.tgMedia(viewer, m.media)
	}
	if m.post {
		out.Views, out.Forwards = tl.Some[int32](1), tl.Some[int32](0)
	}
	out.ReplyMarkup = shownMarkup(m.markup, m.from)
	out.Pinned = m.pinned
	out.Reactions = m.reactions.render(viewer, !m.post)
	if m.viaBot != 0 {
		out.ViaBotID = tl.Some(m.viaBot)
	}
	if m.viaBusinessBot != 0 {
		out.ViaBusinessBotID = tl.Some(m.viaBusinessBot)
	}
	m.extra.render(m, out)
	return out
}

// refs adds the peers m mentions (chat, author, forward source, mentioned users) to r.
func (r *refs) addMessage(m *message) {
	r.add(m.peer)
	if m.from != 0 {
		r.add(UserPeer(m.from))
	}
	if m.viaBot != 0 {
		r.add(UserPeer(m.viaBot))
	}
	if m.viaBusinessBot != 0 {
		r.add(UserPeer(m.viaBusinessBot))
	}
	m.extra.addRefs(r)
	if m.fwd != nil {
		if p, ok := peerFromTG(m.fwd.FromID); ok {
			r.add(p)
		}
	}
	for _, e := range m.entities {
		if e, ok := e.(*tg.MessageEntityMentionName); ok {
			r.add(UserPeer(e.UserID))
		}
	}
}

// refs collects the users and chats a result must carry so the client can resolve every id.
type refs struct {
	seen  map[Peer]struct{}
	order []Peer
}

func (r *refs) add(p Peer) {
	if p.ID == 0 {
		return
	}
	if r.seen == nil {
		r.seen = make(map[Peer]struct{})
	}
	if _, ok := r.seen[p]; ok {
		return
	}
	r.seen[p] = struct{}{}
	r.order = append(r.order, p)
}

// render returns the users and chats of r as viewer sees them.
func (w *World) render(viewer int64, r *refs) (users []tg.UserClass, chats []tg.ChatClass) {
	users = []tg.UserClass{}
	chats = []tg.ChatClass{}
	for _, p := range r.order {
		switch p.Kind {
		case PeerUser:
			if a := w.users[p.ID]; a != nil {
				users = append(users, w.tgUser(viewer, a))
			}
		case PeerChat:
			if c := w.chats[p.ID]; c != nil {
				chats = append(chats, w.tgChat(viewer, c))
			}
		case PeerChannel:
			if c := w.channels[p.ID]; c != nil {
				chats = append(chats, w.tgChannel(viewer, c))
			}
		}
	}
	return users, chats
}
