package world

import (
	"strings"
	"unicode/utf8"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// MaxMessageLength is the longest text a message may carry (help.getConfig's
// message_length_max).
const MaxMessageLength = 4096

// Draft is the content of a message to send.
type Draft struct {
	RandomID int64
	Text     string
	Entities []tg.MessageEntityClass
	ReplyTo  int32 // id of the replied message in the chat, 0 for none
	Silent   bool
	// Media is the attachment (messages.sendMedia); nil for a text message.
	Media tg.InputMediaClass
	// ReplyMarkup is the keyboard; kept only when a bot sends (Telegram ignores the markup
	// of people's messages). Inline keyboards make the message's buttons answerable through
	// messages.getBotCallbackAnswer.
	ReplyMarkup tg.ReplyMarkupClass

	// ScheduleDate, when later than now, schedules the message instead of sending it (see
	// scheduled.go).
	ScheduleDate int32
	// Noforwards protects the message: it cannot be forwarded or saved.
	Noforwards bool
	// Effect is the message effect to play on arrival; 0 for none.
	Effect int64
	// TopMsgID is the forum topic posted in; 0 for none.
	TopMsgID int32
	// ReplyToPeer is the chat of the replied message when it is another chat; nil for the
	// same chat.
	ReplyToPeer tg.InputPeerClass
	// Quote is the quoted part of the replied message's text; empty for none.
	Quote string
	// SendAs is the channel to post as (a channel or supergroup the sender administers);
	// nil for the sender itself.
	SendAs tg.InputPeerClass
	// ClearDraft deletes the sender's draft in the chat (see drafts.go).
	ClearDraft bool
}

// content is a message body ready to be stored.
type content struct {
	text     string
	entities []tg.MessageEntityClass
	media    *media
	fwd      *tg.MessageFwdHeader
	replyTo  int32
	silent   bool
	markup   tg.ReplyMarkupClass
	viaBot   int64
	inlineID int64
	action   tg.MessageActionClass
	// viaBusinessBot: a business bot sends on its author's behalf (business.go).
	viaBusinessBot int64
	// extra holds the send options stored with the message (sendextra.go); nil for none.
	extra *sendExtra
}

// sent is what one delivery produced for the sender.
type sent struct {
	id   int32
	pts  int32
	date int32
	// update is the pts update for the sender's result (updateNewMessage or
	// updateNewChannelMessage).
	update tg.UpdateClass
	refs   refs
}

// SendMessage answers messages.sendMessage and messages.sendMedia: stores the message for
// every member of the chat, records the pts events and pushes the updates Telegram would
// push (updateShortMessage, updateShortChatMessage, updates with updateNewChannelMessage).
// The sender gets updateShortSentMessage for text in private chats and basic groups and
// updates otherwise.
func (w *World) SendMessage(key KeyID, to tg.InputPeerClass, d Draft) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	p, err := w.resolvePeer(a, to)
	if err != nil {
		return nil, err
	}
	c, err := w.draftContent(a, d)
	if err != nil {
		return nil, err
	}
	if c.extra, err = w.sendExtraOf(a, p, d); err != nil {
		return nil, err
	}
	if c.media != nil && !c.media.sendable() {
		return nil, ErrMediaInvalid
	}
	if d.ClearDraft {
		w.clearDraft(a, key, p)
	}
	if d.ScheduleDate > w.now() {
		return w.schedule(a, key, p, d.ScheduleDate, []pending{{c: c, randomID: d.RandomID}})
	}
	s, err := w.deliverOnce(a, key, p, c, d.RandomID)
	if err != nil {
		return nil, err
	}
	if p.Kind != PeerChannel && c.shortable() {
		return &tg.UpdateShortSentMessage{Out: true, ID: s.id, Pts: s.pts, PtsCount: 1, Date: s.date}, nil
	}
	return w.sentUpdates(a, s, d.RandomID), nil
}

// draftContent checks d, written by a, and turns it into a message body (under w.mu).
func (w *World) draftContent(a *account, d Draft) (content, error) {
	ents, err := w.storedEntities(a, d.Entities)
	if err != nil {
		return content{}, err
	}
	// The text is copied: it lives in the request's decode buffer, which it would keep
	// whole for as long as the message is kept.
	c := content{text: strings.Clone(d.Text), entities: ents, replyTo: d.ReplyTo, silent: d.Silent}
	if a.bot && d.ReplyMarkup != nil {
		if err := checkMarkup(d.ReplyMarkup); err != nil {
			return content{}, err
		}
		c.markup = d.ReplyMarkup
	}
	if pm, ok := d.Media.(*tg.InputMediaPoll); ok {
		m, err := w.newPoll(a, pm)
		if err != nil {
			return content{}, err
		}
		c.media = m
	} else if im, ok := d.Media.(*tg.InputMediaInvoice); ok {
		m, err := w.newInvoice(a, im)
		if err != nil {
			return content{}, err
		}
		c.media = m
	} else if gm, ok := d.Media.(*tg.InputMediaGame); ok {
		m, err := w.newGame(a, gm)
		if err != nil {
			return content{}, err
		}
		c.media = m
	} else if pm, ok := d.Media.(*tg.InputMediaPaidMedia); ok {
		m, err := w.newPaidMedia(a, pm)
		if err != nil {
			return content{}, err
		}
		c.media = m
	} else if wp, ok := d.Media.(*tg.InputMediaWebPage); ok {
		m, err := webPageMedia(wp)
		if err != nil {
			return content{}, err
		}
		if m == nil && d.Text == "" { // an optional preview that could not be made
			return content{}, ErrMessageEmpty
		}
		c.media = m
	} else if d.Media != nil {
		m, err := w.inputMedia(a, d.Media)
		if err != nil {
			return content{}, err
		}
		c.media = m
	} else if d.Text == "" {
		return content{}, ErrMessageEmpty
	}
	if utf8.RuneCountInString(d.Text) > MaxMessageLength {
		return content{}, ErrMessageTooLong
	}
	return c, nil
}

// deliverOnce delivers c unless randomID (when not 0) was used before by a
// (RANDOM_ID_DUPLICATE), and remembers it.
func (w *World) deliverOnce(a *account, key KeyID, p Peer, c content, randomID int64) (sent, error) {
	if randomID != 0 {
		if _, dup := a.box.randomID[randomID]; dup {
			return sent{}, ErrRandomIDDuplicate
		}
	}
	s, err := w.deliver(a, key, p, c)
	if err != nil {
		return sent{}, err
	}
	if randomID != 0 {
		a.box.randomID[randomID] = s.id
	}
	return s, nil
}

// sentUpdates is the sender's result for a message that does not fit updateShortSentMessage.
func (w *World) sentUpdates(a *account, s sent, randomID int64) *tg.Updates {
	users, chats := w.render(a.id, &s.refs)
	return &tg.Updates{
		Updates: []tg.UpdateClass{&tg.UpdateMessageID{ID: s.id, RandomID: randomID}, s.update},
		Users:   users, Chats: chats, Date: s.date,
	}
}

// deliver stores c in chat p from a and fans the updates out; skip is a's key that sent it.
func (w *World) deliver(a *account, skip KeyID, p Peer, c content) (sent, error) {
	switch p.Kind {
	case PeerUser:
		target := w.users[p.ID]
		if target == nil {
			return sent{}, ErrPeerIDInvalid
		}
		if a.bot && target.bot && a.id != target.id {
			return sent{}, rpcErr(400, "USER_IS_BOT")
		}
		return w.deliverPrivate(a, skip, target, c), nil
	case PeerChat:
		ch := w.chats[p.ID]
		if ch == nil {
			return sent{}, ErrChatIDInvalid
		}
		if err := ch.checkSend(a.id, c); err != nil {
			return sent{}, err
		}
		return w.deliverChat(a, skip, ch, c), nil
	case PeerChannel:
		ch := w.channels[p.ID]
		if ch == nil {
			return sent{}, ErrChannelInvalid
		}
		if err := ch.checkSend(a.id, w.now(), c); err != nil {
			return sent{}, err
		}
		return w.deliverChannel(a, skip, ch, c), nil
	}
	return sent{}, ErrPeerIDInvalid
}

func (c content) message(peer Peer, from int64, date int32) *message {
	m := &message{
		peer: peer, from: from, date: date, text: c.text, entities: c.entities, media: c.media,
		fwd: c.fwd, replyTo: c.replyTo, silent: c.silent, markup: c.markup, viaBot: c.viaBot,
		inlineID: c.inlineID, action: c.action, viaBusinessBot: c.viaBusinessBot, extra: c.extra,
	}
	if c.markup != nil {
		m.buttonsBot = from
		if c.viaBot != 0 {
			m.buttonsBot = c.viaBot
		}
	}
	return m
}

// shortable reports whether c fits the short update constructors (no media, no keyboard,
// not sent through an inline bot or by a business bot).
func (c content) shortable() bool {
	return c.media == nil && c.markup == nil && c.viaBot == 0 && c.action == nil && c.viaBusinessBot == 0 && c.extra == nil
}

// replyCopy returns the id under which owner sees the message c replies to, which a (the
// sender) sees as c.replyTo in chat (a's peer for it): a private chat or basic group holds a
// copy of each message per member, under ids of each member's own box. A reply to another
// chat's message keeps its id; a message owner has no copy of (deleted on their side) gives
// no reply.
func (w *World) replyCopy(a *account, c content, chat Peer, owner int64) int32 {
	if c.replyTo == 0 || owner == a.id || (c.extra != nil && c.extra.replyPeer.ID != 0) {
		return c.replyTo
	}
	m := a.box.msgs[c.replyTo]
	if m == nil || m.peer != chat {
		return 0
	}
	for _, cp := range w.copies[m.origin] {
		if cp.user == owner {
			return cp.id
		}
	}
	return 0
}

func (m *message) replyHeader() tg.MessageReplyHeaderClass {
	if m.replyTo == 0 {
		return nil
	}
	return &tg.MessageReplyHeader{ReplyToMsgID: someInt32(m.replyTo)}
}

// newMessageEvent records updateNewMessage for m in owner's log and returns the pts.
func (w *World) newMessageEvent(owner *account, m *message) (int32, tg.UpdateClass) {
	var r refs
	r.addMessage(m)
	var u tg.UpdateClass
	pts := w.record(owner, 1, func(pts int32) tg.UpdateClass {
		u = &tg.UpdateNewMessage{Message: w.tgMessage(owner.id, m), Pts: pts, PtsCount: 1}
		return u
	}, r.order...)
	return pts, u
}

// longUpdates wraps pts updates in `updates` (seq 0: pts-ordered, not seq-ordered).
func (w *World) longUpdates(viewer int64, us []tg.UpdateClass, r *refs, date int32) *tg.Updates {
	users, chats := w.render(viewer, r)
	return &tg.Updates{Updates: us, Users: users, Chats: chats, Date: date}
}

func (w *World) deliverPrivate(a *account, skip KeyID, target *account, c content) sent {
	now := w.now()
	mine := c.message(UserPeer(target.id), a.id, now)
	w.store(a, mine)
	mine.origin = origin{author: a.id, id: mine.id}
	pts, upd := w.newMessageEvent(a, mine)
	s := sent{id: mine.id, pts: pts, date: now, update: upd}
	s.refs.addMessage(mine)
	copies := []copyRef{{user: a.id, id: mine.id}}

	if target.id != a.id {
		theirs := c.message(UserPeer(a.id), a.id, now)
		theirs.replyTo = w.replyCopy(a, c, UserPeer(target.id), target.id)
		theirs.origin = mine.origin
		w.store(target, theirs)
		tpts, tupd := w.newMessageEvent(target, theirs)
		w.businessMessage(target, theirs, false)
		copies = append(copies, copyRef{user: target.id, id: theirs.id})
		if c.shortable() {
			w.push(target.id, skip, &tg.UpdateShortMessage{
				Silent: c.silent, ID: theirs.id, UserID: a.id, Message: c.text, Pts: tpts, PtsCount: 1,
				Date: now, FwdFrom: c.fwd, ReplyTo: theirs.replyHeader(), Entities: c.entities,
			})
		} else {
			var r refs
			r.addMessage(theirs)
			w.push(target.id, skip, w.longUpdates(target.id, []tg.UpdateClass{tupd}, &r, now))
		}
	}
	w.copies[mine.origin] = copies
	if c.viaBusinessBot == 0 { // the bot knows what it sent itself
		w.businessMessage(a, mine, false)
	}
	// The sender's other sessions learn about the message too.
	if c.shortable() {
		w.push(a.id, skip, &tg.UpdateShortMessage{
			Out: true, Silent: c.silent, ID: mine.id, UserID: target.id, Message: c.text, Pts: pts,
			PtsCount: 1, Date: now, FwdFrom: c.fwd, ReplyTo: mine.replyHeader(), Entities: c.entities,
		})
	} else {
		w.push(a.id, skip, w.longUpdates(a.id, []tg.UpdateClass{upd}, &s.refs, now))
	}
	return s
}

func (w *World) deliverChat(a *account, skip KeyID, ch *chat, c content) sent {
	now := w.now()
	var s sent
	var o origin
	var copies []copyRef
	// The author's copy first, so its id is the origin of the others.
	order := append([]int64{a.id}, ch.sortedMembers()...)
	for _, uid := range order {
		if uid == a.id && o.author != 0 {
			continue
		}
		owner := w.users[uid]
		m := c.message(ChatPeer(ch.id), a.id, now)
		m.replyTo = w.replyCopy(a, c, ChatPeer(ch.id), uid)
		w.store(owner, m)
		if o.author == 0 {
			o = origin{author: a.id, id: m.id}
		}
		m.origin = o
		copies = append(copies, copyRef{user: uid, id: m.id})
		pts, upd := w.newMessageEvent(owner, m)
		var push tg.UpdatesClass
		if c.shortable() {
			push = &tg.UpdateShortChatMessage{
				Out: uid == a.id, Silent: c.silent, ID: m.id, FromID: a.id, ChatID: ch.id,
				Message: c.text, Pts: pts, PtsCount: 1, Date: now, FwdFrom: c.fwd,
				ReplyTo: m.replyHeader(), Entities: c.entities,
			}
		} else {
			var r refs
			r.addMessage(m)
			push = w.longUpdates(uid, []tg.UpdateClass{upd}, &r, now)
		}
		w.push(uid, skip, push)
		if uid == a.id {
			s = sent{id: m.id, pts: pts, date: now, update: upd}
			s.refs.addMessage(m)
		}
	}
	w.copies[o] = copies
	return s
}

func (w *World) deliverChannel(a *account, skip KeyID, ch *channel, c content) sent {
	now := w.now()
	ch.nextMsg++
	m := c.message(ChannelPeer(ch.id), a.id, now)
	m.id = ch.nextMsg
	if !ch.megagroup {
		m.post, m.from = true, 0
	}
	ch.msgs[m.id] = m
	w.evictOld(0, ch.msgs, &ch.oldest)
	ch.pts++
	var r refs
	r.addMessage(m)
	w.appendEvent(&ch.log, event{pts: ch.pts, count: 1, date: now, msg: m, refs: r.order})
	for _, uid := range ch.sortedMembers() {
		owner := w.users[uid]
		w.touchDialog(owner, ChannelPeer(ch.id), m.id, now, uid != a.id)
		if ch.bannedFromViewing(uid, now) {
			continue
		}
		upd := &tg.UpdateNewChannelMessage{Message: w.tgMessage(uid, m), Pts: ch.pts, PtsCount: 1}
		w.push(uid, skip, w.longUpdates(uid, []tg.UpdateClass{upd}, &r, now))
	}
	s := sent{
		id: m.id, pts: ch.pts, date: now,
		update: &tg.UpdateNewChannelMessage{Message: w.tgMessage(a.id, m), Pts: ch.pts, PtsCount: 1},
		refs:   r,
	}
	s.refs.add(UserPeer(a.id))
	return s
}

// MaxAlbum is the most items an album (messages.sendMultiMedia) may have.
const MaxAlbum = 10

// AlbumItem is one item of messages.sendMultiMedia.
type AlbumItem struct {
	RandomID int64
	Text     string
	Entities []tg.MessageEntityClass
	// Media is a photo or document already stored (inputMediaPhoto, inputMediaDocument, as
	// messages.uploadMedia answers them) or given by URL; uploaded files are refused, as on
	// Telegram.
	Media tg.InputMediaClass
}

// albumClass is what may be grouped with what: photos with videos, documents with documents,
// music with music.
type albumClass uint8

const (
	albumNone albumClass = iota
	albumVisual
	albumDocument
	albumAudio
)

func (m *media) albumClass() albumClass {
	if m.file == nil {
		return albumNone
	}
	if m.file.photo {
		return albumVisual
	}
	for _, at := range m.file.attrs {
		switch at := at.(type) {
		case *tg.DocumentAttributeVideo:
			if at.RoundMessage {
				return albumNone
			}
			return albumVisual
		case *tg.DocumentAttributeAudio:
			if at.Voice {
				return albumNone
			}
			return albumAudio
		case *tg.DocumentAttributeAnimated, *tg.DocumentAttributeSticker:
			return albumNone
		}
	}
	return albumDocument
}

// SendAlbum answers messages.sendMultiMedia: the items are sent (or scheduled) as separate
// messages sharing one grouped_id, with common's options (reply, silent, schedule, ...;
// common's text and media are not used). MULTI_MEDIA_TOO_LONG beyond MaxAlbum items,
// MEDIA_INVALID for uploaded files, kinds that are not grouped (voice, stickers, animations,
// round videos, locations, ...) or a mix of photos/videos, documents and music.
func (w *World) SendAlbum(key KeyID, to tg.InputPeerClass, common Draft, items []AlbumItem) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	p, err := w.resolvePeer(a, to)
	if err != nil {
		return nil, err
	}
	list, err := w.albumPending(a, p, common, items)
	if err != nil {
		return nil, err
	}
	if common.ClearDraft {
		w.clearDraft(a, key, p)
	}
	if common.ScheduleDate > w.now() {
		return w.schedule(a, key, p, common.ScheduleDate, list)
	}
	for _, it := range list {
		if _, dup := a.box.randomID[it.randomID]; dup && it.randomID != 0 {
			return nil, ErrRandomIDDuplicate
		}
	}
	var us []tg.UpdateClass
	var r refs
	now := w.now()
	for _, it := range list {
		s, err := w.deliverOnce(a, key, p, it.c, it.randomID)
		if err != nil {
			if len(us) == 0 {
				return nil, err
			}
			break // what was sent stays sent, as when a network call fails halfway
		}
		us = append(us, &tg.UpdateMessageID{ID: s.id, RandomID: it.randomID}, s.update)
		for _, p := range s.refs.order {
			r.add(p)
		}
	}
	return w.longUpdates(a.id, us, &r, now), nil
}

// albumPending checks the items of an album a sends to p and builds their contents, all
// of one grouped id (under w.mu).
func (w *World) albumPending(a *account, p Peer, common Draft, items []AlbumItem) ([]pending, error) {
	switch {
	case len(items) == 0:
		return nil, ErrMediaEmpty
	case len(items) > MaxAlbum:
		return nil, rpcErr(400, "MULTI_MEDIA_TOO_LONG")
	}
	extra, err := w.sendExtraOf(a, p, common)
	if err != nil {
		return nil, err
	}
	extra = extra.with(func(x *sendExtra) { x.groupedID = w.randomInt64() })
	list := make([]pending, 0, len(items))
	class := albumNone
	for _, it := range items {
		switch it.Media.(type) {
		case *tg.InputMediaPhoto, *tg.InputMediaDocument, *tg.InputMediaPhotoExternal, *tg.InputMediaDocumentExternal:
		default:
			return nil, ErrMediaInvalid
		}
		d := common
		d.Text, d.Entities, d.Media, d.RandomID = it.Text, it.Entities, it.Media, it.RandomID
		c, err := w.draftContent(a, d)
		if err != nil {
			return nil, err
		}
		k := c.media.albumClass()
		if k == albumNone || (class != albumNone && k != class) {
			return nil, ErrMediaInvalid
		}
		class = k
		c.extra = extra
		list = append(list, pending{c: c, randomID: it.RandomID})
	}
	return list, nil
}
