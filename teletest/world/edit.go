package world

import (
	"bytes"
	"slices"
	"unicode/utf8"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func someInt32(v int32) tl.Opt[int32] { return tl.Some(v) }

// Edit is a change to a message (messages.editMessage). Nil fields stay as they are.
type Edit struct {
	Text     *string
	Entities []tg.MessageEntityClass
	Media    tg.InputMediaClass
	// Markup replaces the inline keyboard (bots only; ignored for people, as on Telegram).
	// A bot's edit without one, or with an inline keyboard without buttons, removes the
	// message's inline keyboard, as on Telegram.
	Markup tg.ReplyMarkupClass
	// ScheduleDate, when set, edits a scheduled message (id in the scheduled box) and moves
	// it to that date (scheduled.go).
	ScheduleDate int32
}

// EditMessage answers messages.editMessage: every copy of the message changes and each owner
// gets updateEditMessage (updateEditChannelMessage in channels) with its own pts.
func (w *World) EditMessage(key KeyID, in tg.InputPeerClass, id int32, e Edit) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, err := w.authorizedPeer(key, in)
	if err != nil {
		return nil, err
	}
	pe, err := w.prepareEdit(a, e)
	if err != nil {
		return nil, err
	}
	if e.ScheduleDate != 0 {
		return w.editScheduled(a, key, p, id, pe, e.ScheduleDate)
	}
	if p.Kind == PeerChannel {
		ch := w.channels[p.ID]
		m := ch.msgs[id]
		if m == nil {
			return nil, ErrMessageIDInvalid
		}
		if m.from != a.id && !(m.post && ch.isAdmin(a.id)) {
			return nil, ErrMessageAuthorRequired
		}
		if err := pe.check(m); err != nil {
			return nil, err
		}
		return w.editChannelMessage(key, a.id, ch, m, pe), nil
	}
	m := a.box.msgs[id]
	if m == nil || m.peer != p {
		return nil, ErrMessageIDInvalid
	}
	if m.from != a.id {
		return nil, ErrMessageAuthorRequired
	}
	if err := pe.check(m); err != nil {
		return nil, err
	}
	result := w.editCopies(key, a.id, a.id, m, pe)
	if result == nil { // the editor's own copy is always among the copies; be safe anyway
		return nil, ErrMessageIDInvalid
	}
	return result, nil
}

// preparedEdit is an Edit checked and converted for storage.
type preparedEdit struct {
	text   *string
	ents   []tg.MessageEntityClass
	media  *media
	markup tg.ReplyMarkupClass
	// byBot: the editor is a bot, so the edit sets the inline keyboard: to markup, or none
	// when markup is nil or has no buttons (a bot's edit without reply_markup removes the
	// keyboard on Telegram; the Bot API documents the same).
	byBot bool
	// closePoll stops the message's poll (an inputMediaPoll with closed set: how bots stop
	// polls).
	closePoll bool
	editor    int64
	date      int32
}

// prepareEdit checks e for the editor a (under w.mu).
func (w *World) prepareEdit(a *account, e Edit) (preparedEdit, error) {
	pe := preparedEdit{text: e.Text, editor: a.id, date: w.now()}
	var err error
	if pm, ok := e.Media.(*tg.InputMediaPoll); ok && pm.Poll.Closed {
		pe.closePoll = true
	} else if e.Media != nil {
		if pe.media, err = w.inputMedia(a, e.Media); err != nil {
			return preparedEdit{}, err
		}
	}
	if e.Text != nil && utf8.RuneCountInString(*e.Text) > MaxMessageLength {
		return preparedEdit{}, ErrMessageTooLong
	}
	if pe.ents, err = w.storedEntities(a, e.Entities); err != nil {
		return preparedEdit{}, err
	}
	if a.bot && e.Markup != nil {
		if err := checkMarkup(e.Markup); err != nil {
			return preparedEdit{}, err
		}
		if !emptyInlineMarkup(e.Markup) {
			pe.markup = e.Markup
		}
	}
	pe.byBot = a.bot
	return pe, nil
}

// check reports why pe cannot apply to m: MEDIA_INVALID for closing a poll on a message
// without one, MESSAGE_NOT_MODIFIED for no change.
func (pe preparedEdit) check(m *message) error {
	if m.action != nil {
		return ErrMessageIDInvalid // service messages are not edited
	}
	if err := liveEditError(m.media, pe.media, m.date, pe.date); err != nil {
		return err
	}
	hasPoll := m.media != nil && m.media.poll != nil
	if pe.closePoll && !hasPoll {
		return ErrMediaInvalid
	}
	closes := pe.closePoll && !m.media.poll.closed
	sameText := pe.text == nil || *pe.text == m.text && sameEncoding(pe.ents, m.entities)
	if sameText && pe.media == nil && !pe.changesMarkup(m) && !closes {
		return ErrMessageNotModified
	}
	return nil
}

func (pe preparedEdit) apply(m *message) {
	if pe.text != nil {
		m.text = *pe.text
		m.entities = pe.ents
	}
	if pe.media != nil {
		m.media = mergeMedia(m.media, pe.media, m.date, pe.date)
	}
	if pe.closePoll {
		m.media.poll.closed = true // shared by every copy
	}
	switch {
	case pe.markup != nil:
		m.markup = pe.markup
		if m.buttonsBot == 0 {
			m.buttonsBot = pe.editor
		}
	case pe.byBot && hasInlineMarkup(m.markup):
		m.markup = nil
	}
	m.editDate = pe.date
}

// changesMarkup reports whether applying pe changes m's keyboard: another one (the same
// keyboard again is no change: MESSAGE_NOT_MODIFIED when nothing else changes, as on
// Telegram), or a bot's edit that removes the inline keyboard m has.
func (pe preparedEdit) changesMarkup(m *message) bool {
	if pe.markup != nil {
		return !sameMarkup(pe.markup, m.markup)
	}
	return pe.byBot && hasInlineMarkup(m.markup)
}

// sameMarkup reports whether a and b encode the same (a nil keyboard is none).
func sameMarkup(a, b tg.ReplyMarkupClass) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return sameEncoding([]tg.ReplyMarkupClass{a}, []tg.ReplyMarkupClass{b})
}

// sameEncoding reports whether a and b encode to the same bytes, value by value.
func sameEncoding[T tl.Encoder](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	var ea, eb tl.Buffer
	for i := range a {
		if any(a[i]) == nil || any(b[i]) == nil || a[i].Encode(&ea) != nil || b[i].Encode(&eb) != nil {
			return false
		}
	}
	return bytes.Equal(ea.Raw(), eb.Raw())
}

// hasInlineMarkup reports whether markup is an inline keyboard (a reply keyboard is the
// chat's, not the message's, and edits leave it).
func hasInlineMarkup(markup tg.ReplyMarkupClass) bool {
	_, ok := markup.(*tg.ReplyInlineMarkup)
	return ok
}

// emptyInlineMarkup reports whether markup is an inline keyboard without buttons: an edit
// with it removes the keyboard.
func emptyInlineMarkup(markup tg.ReplyMarkupClass) bool {
	im, ok := markup.(*tg.ReplyInlineMarkup)
	if !ok {
		return false
	}
	for _, r := range im.Rows {
		if len(r.Buttons) > 0 {
			return false
		}
	}
	return true
}

// editChannelMessage applies pe to m, records the channel event and pushes
// updateEditChannelMessage to the members; it returns the result for viewer (under w.mu).
func (w *World) editChannelMessage(key KeyID, viewer int64, ch *channel, m *message, pe preparedEdit) tg.UpdatesClass {
	pe.apply(m)
	ch.pts++
	var r refs
	r.addMessage(m)
	w.appendEvent(&ch.log, event{pts: ch.pts, count: 1, date: pe.date, msg: m, edit: true, refs: r.order})
	for _, uid := range ch.sortedMembers() {
		upd := &tg.UpdateEditChannelMessage{Message: w.tgMessage(uid, m), Pts: ch.pts, PtsCount: 1}
		w.push(uid, key, w.longUpdates(uid, []tg.UpdateClass{upd}, &r, pe.date))
	}
	upd := &tg.UpdateEditChannelMessage{Message: w.tgMessage(viewer, m), Pts: ch.pts, PtsCount: 1}
	return w.longUpdates(viewer, []tg.UpdateClass{upd}, &r, pe.date)
}

// editCopies applies pe to every copy of m (owned by owner), each owner getting
// updateEditMessage with its own pts; it returns viewer's update, nil if viewer holds no copy
// (under w.mu).
func (w *World) editCopies(key KeyID, viewer, owner int64, m *message, pe preparedEdit) *tg.Updates {
	var result *tg.Updates
	for _, cp := range w.copiesOf(owner, m) {
		o := w.users[cp.user]
		cm := o.box.msgs[cp.id]
		if cm == nil {
			continue // deleted by its owner
		}
		pe.apply(cm)
		var r refs
		r.addMessage(cm)
		var upd tg.UpdateClass
		w.record(o, 1, func(pts int32) tg.UpdateClass {
			upd = &tg.UpdateEditMessage{Message: w.tgMessage(o.id, cm), Pts: pts, PtsCount: 1}
			return upd
		}, r.order...)
		w.businessMessage(o, cm, true)
		u := w.longUpdates(o.id, []tg.UpdateClass{upd}, &r, pe.date)
		w.push(o.id, key, u)
		if o.id == viewer {
			result = u
		}
	}
	return result
}

// copiesOf returns every copy of the logical message m (m included).
func (w *World) copiesOf(owner int64, m *message) []copyRef {
	if cps, ok := w.copies[m.origin]; ok {
		return cps
	}
	return []copyRef{{user: owner, id: m.id}}
}

// copyFor returns holder's copy of the logical message m (owner's), nil when holder has none.
func (w *World) copyFor(owner int64, m *message, holder *account) *message {
	for _, cp := range w.copiesOf(owner, m) {
		if cp.user == holder.id {
			return holder.box.msgs[cp.id]
		}
	}
	return nil
}

// DeleteMessages answers messages.deleteMessages (private chats and basic groups). With
// revoke the copies of the other members go too (only the author may revoke in groups).
func (w *World) DeleteMessages(key KeyID, ids []int32, revoke bool) (*tg.MessagesAffectedMessages, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	return w.deleteMessages(a, key, ids, revoke), nil
}

// deleteMessages is DeleteMessages for account a (under w.mu).
func (w *World) deleteMessages(a *account, key KeyID, ids []int32, revoke bool) *tg.MessagesAffectedMessages {
	perOwner := map[int64][]int32{}
	for _, id := range ids {
		m := a.box.msgs[id]
		if m == nil {
			continue
		}
		if revoke && (m.peer.Kind == PeerUser || m.from == a.id) {
			for _, cp := range w.copiesOf(a.id, m) {
				perOwner[cp.user] = append(perOwner[cp.user], cp.id)
			}
		} else {
			perOwner[a.id] = append(perOwner[a.id], id)
		}
	}
	owners := make([]int64, 0, len(perOwner))
	for uid := range perOwner {
		owners = append(owners, uid)
	}
	slices.Sort(owners)
	res := &tg.MessagesAffectedMessages{Pts: a.pts}
	now := w.now()
	for _, uid := range owners {
		owner := w.users[uid]
		var gone []int32
		var msgs []*message
		for _, id := range perOwner[uid] {
			if m := owner.box.msgs[id]; m != nil {
				delete(owner.box.msgs, id)
				gone = append(gone, id)
				msgs = append(msgs, m)
			}
		}
		w.businessDeleted(owner, msgs)
		if len(gone) == 0 {
			continue
		}
		slices.Sort(gone)
		n := int32(len(gone))
		var upd tg.UpdateClass
		pts := w.record(owner, n, func(pts int32) tg.UpdateClass {
			upd = &tg.UpdateDeleteMessages{Messages: gone, Pts: pts, PtsCount: n}
			return upd
		})
		w.push(uid, key, w.longUpdates(uid, []tg.UpdateClass{upd}, &refs{}, now))
		if uid == a.id {
			res.Pts, res.PtsCount = pts, n
		}
	}
	return res
}

// DeleteChannelMessages answers channels.deleteMessages: the authors, or the channel's
// admins, delete messages for everyone; members get updateDeleteChannelMessages with the
// channel's next pts (replayed by getChannelDifference). Unknown ids are skipped;
// MESSAGE_DELETE_FORBIDDEN when a is neither the author nor an admin of one of them.
func (w *World) DeleteChannelMessages(key KeyID, in tg.InputChannelClass, ids []int32) (*tg.MessagesAffectedMessages, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, ch, err := w.readableChannel(key, in)
	if err != nil {
		return nil, err
	}
	return w.deleteChannelMessages(a, key, ch, ids)
}

// deleteChannelMessages is DeleteChannelMessages for account a (under w.mu).
func (w *World) deleteChannelMessages(a *account, key KeyID, ch *channel, ids []int32) (*tg.MessagesAffectedMessages, error) {
	var gone []int32
	for _, id := range ids {
		m := ch.msgs[id]
		if m == nil || slices.Contains(gone, id) {
			continue
		}
		if m.from != a.id && !ch.isAdmin(a.id) {
			return nil, rpcErr(403, "MESSAGE_DELETE_FORBIDDEN")
		}
		gone = append(gone, id)
	}
	if len(gone) == 0 {
		return &tg.MessagesAffectedMessages{Pts: ch.pts}, nil
	}
	for _, id := range gone {
		delete(ch.msgs, id)
	}
	slices.Sort(gone)
	n := int32(len(gone))
	ch.pts += n
	now := w.now()
	u := &tg.UpdateDeleteChannelMessages{ChannelID: ch.id, Messages: gone, Pts: ch.pts, PtsCount: n}
	var r refs
	r.add(ChannelPeer(ch.id))
	w.appendEvent(&ch.log, event{pts: ch.pts, count: n, date: now, update: u, refs: r.order})
	for _, uid := range ch.sortedMembers() {
		w.push(uid, key, w.longUpdates(uid, []tg.UpdateClass{u}, &r, now))
	}
	return &tg.MessagesAffectedMessages{Pts: ch.pts, PtsCount: n}, nil
}

// Forward describes messages.forwardMessages.
type Forward struct {
	From       tg.InputPeerClass
	IDs        []int32
	RandomIDs  []int64
	To         tg.InputPeerClass
	Silent     bool
	DropAuthor bool
	// DropCaptions sends media without their captions (drop_media_captions).
	DropCaptions bool
}

// ForwardMessages answers messages.forwardMessages: each message is delivered to the target
// chat with a fwd_from header naming the original author; the result carries
// updateMessageID and the new-message update for each.
func (w *World) ForwardMessages(key KeyID, f Forward) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	switch {
	case len(f.IDs) == 0:
		return nil, ErrMessageIDsEmpty
	case len(f.IDs) > MaxForwardIDs:
		return nil, ErrTooManyForwardIDs
	case len(f.IDs) != len(f.RandomIDs):
		return nil, rpcErr(400, "RANDOM_ID_INVALID")
	}
	from, err := w.resolvePeer(a, f.From)
	if err != nil {
		return nil, err
	}
	to, err := w.resolvePeer(a, f.To)
	if err != nil {
		return nil, err
	}
	var srcs []*message
	for _, id := range f.IDs {
		var m *message
		if from.Kind == PeerChannel {
			ch := w.channels[from.ID]
			if !ch.canRead(a.id, w.now()) {
				return nil, ErrChannelPrivate
			}
			m = ch.msgs[id]
		} else if bm := a.box.msgs[id]; bm != nil && bm.peer == from {
			m = bm
		}
		if m == nil || m.action != nil {
			return nil, ErrMessageIDInvalid
		}
		if m.extra.protected() {
			return nil, ErrChatForwardsRestricted
		}
		srcs = append(srcs, m)
	}
	for _, rid := range f.RandomIDs {
		if _, dup := a.box.randomID[rid]; dup {
			return nil, ErrRandomIDDuplicate
		}
	}
	var us []tg.UpdateClass
	var r refs
	var date int32
	groups := map[int64]int64{} // an album forwarded together stays one album, with a new id
	for i, m := range srcs {
		c := content{text: m.text, entities: m.entities, media: m.media, silent: f.Silent}
		if m.extra != nil && m.extra.groupedID != 0 {
			g, ok := groups[m.extra.groupedID]
			if !ok {
				g = w.randomInt64()
				groups[m.extra.groupedID] = g
			}
			c.extra = &sendExtra{groupedID: g}
		}
		if !f.DropAuthor {
			c.fwd = forwardHeader(m)
		}
		if f.DropCaptions && m.media != nil {
			c.text, c.entities = "", nil
		}
		s, err := w.deliver(a, key, to, c)
		if err != nil {
			return nil, err
		}
		a.box.randomID[f.RandomIDs[i]] = s.id
		us = append(us, &tg.UpdateMessageID{ID: s.id, RandomID: f.RandomIDs[i]}, s.update)
		for _, p := range s.refs.order {
			r.add(p)
		}
		date = s.date
	}
	return w.longUpdates(a.id, us, &r, date), nil
}

// forwardHeader names where m originally came from; a forwarded message keeps its origin.
func forwardHeader(m *message) *tg.MessageFwdHeader {
	if m.fwd != nil {
		return m.fwd
	}
	h := &tg.MessageFwdHeader{Date: m.date}
	if m.post {
		h.FromID = &tg.PeerChannel{ChannelID: m.peer.ID}
		h.ChannelPost = tl.Some(m.id)
	} else {
		h.FromID = &tg.PeerUser{UserID: m.from}
	}
	return h
}
