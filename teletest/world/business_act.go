package world

import (
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// What a business bot does on its account's behalf inside invokeWithBusinessConnection:
// send (messages.sendMessage, messages.sendMedia, messages.sendMultiMedia), edit and stop
// polls (messages.editMessage), delete (messages.deleteMessages), read
// (messages.readHistory), show a chat action (messages.setTyping) and pin
// (messages.updatePinnedMessage). Each call names a connection of the calling bot and acts
// in a private chat the connection serves, within the connection's rights: reply for
// sending, editing, chat actions and pins, read_messages for reading, delete_sent_messages and
// delete_received_messages for deleting the account's own and the other party's messages.
// The effects are the account's own, as if it acted itself: its sessions and the other party
// receive the usual updates; the bot is not told of them again by business updates.

// Errors of acting through a business connection.
var (
	// ErrMessageDeleteForbidden answers a deletion of a message the caller may not delete.
	ErrMessageDeleteForbidden = rpcErr(403, "MESSAGE_DELETE_FORBIDDEN")
	// ErrBusinessPeerUsageMissing answers a send to a user the business account has no chat
	// with: a business bot answers, it does not start conversations.
	ErrBusinessPeerUsageMissing = rpcErr(400, "BUSINESS_PEER_USAGE_MISSING")
)

// BusinessCall names who calls through which business connection: the bot's auth key, the
// data center the call reached (0: not checked) and the connection id.
type BusinessCall struct {
	Key  KeyID
	DC   int
	Conn string
}

// businessOf returns the enabled connection id of bot (CONNECTION_ID_INVALID otherwise).
func (w *World) businessOf(bot *account, id string) (*businessConn, error) {
	c := w.businessConns[id]
	if c == nil || c.bot != bot.id || c.disabled {
		return nil, ErrConnectionIDInvalid
	}
	return c, nil
}

// businessBot returns the calling bot and its enabled connection, checking the right the
// call needs (under w.mu). BUSINESS_CONNECTION_NOT_ALLOWED for a person or a bot without
// business mode, CONNECTION_ID_INVALID for an unknown, ended or another bot's connection or
// a call on another data center than the connection's (its dc_id: the business account's),
// BOT_ACCESS_FORBIDDEN when right is false.
func (w *World) businessBot(call BusinessCall, right func(tg.BusinessBotRights) bool) (*account, *businessConn, error) {
	bot, err := w.authorized(call.Key)
	if err != nil {
		return nil, nil, err
	}
	if !bot.bot || !bot.botBusiness {
		return nil, nil, ErrBusinessConnectionNotAllowed
	}
	c, err := w.businessOf(bot, call.Conn)
	if err != nil {
		return nil, nil, err
	}
	if call.DC != 0 && c.dc != 0 && call.DC != c.dc {
		return nil, nil, ErrConnectionIDInvalid
	}
	if right != nil && !right(c.rights) {
		return nil, nil, ErrBotAccessForbidden
	}
	return bot, c, nil
}

// businessChat returns the calling bot, its enabled connection with right (as businessBot)
// and in, as the bot names it, resolved to a private chat the connection serves
// (PEER_ID_INVALID otherwise; under w.mu).
func (w *World) businessChat(call BusinessCall, right func(tg.BusinessBotRights) bool, in tg.InputPeerClass) (*account, *businessConn, Peer, error) {
	bot, c, err := w.businessBot(call, right)
	if err != nil {
		return nil, nil, Peer{}, err
	}
	p, err := w.resolvePeer(bot, in)
	if err != nil {
		return nil, nil, Peer{}, err
	}
	if p.Kind != PeerUser || !c.serves(w, p.ID) {
		return nil, nil, Peer{}, ErrPeerIDInvalid
	}
	return bot, c, p, nil
}

// actAs marks c as the connection acting until the returned function runs (under w.mu).
func (w *World) actAs(c *businessConn) (done func()) {
	w.businessActing = c
	return func() { w.businessActing = nil }
}

// The rights each call needs.
func canReply(r tg.BusinessBotRights) bool { return r.Reply }
func canRead(r tg.BusinessBotRights) bool  { return r.ReadMessages }

// SendBusinessMessage answers messages.sendMessage and messages.sendMedia inside
// invokeWithBusinessConnection: the calling bot sends d to the private chat to on behalf of
// the connection's account. The message is the account's own (with via_business_bot_id):
// the account's sessions and the other party receive it as usual; the bot's result is
// `updates` with updateMessageID and updateBotNewBusinessMessage (qts 0: it is not a new
// event of the bot's sequence). Needs the reply right; PEER_ID_INVALID for a chat the
// connection does not serve, BUSINESS_PEER_USAGE_MISSING for a user the account has no
// chat with.
func (w *World) SendBusinessMessage(call BusinessCall, to tg.InputPeerClass, d Draft) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	bot, c, p, err := w.businessSender(call, to)
	if err != nil {
		return nil, err
	}
	body, err := w.draftContent(bot, d)
	if err != nil {
		return nil, err
	}
	return w.businessDeliver(bot, c, p, []pending{{c: body, randomID: d.RandomID}})
}

// SendBusinessAlbum answers messages.sendMultiMedia inside invokeWithBusinessConnection: as
// SendBusinessMessage, for an album (checked as for SendAlbum; no scheduling).
func (w *World) SendBusinessAlbum(call BusinessCall, to tg.InputPeerClass, common Draft, items []AlbumItem) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	bot, c, p, err := w.businessSender(call, to)
	if err != nil {
		return nil, err
	}
	list, err := w.albumPending(bot, p, common, items)
	if err != nil {
		return nil, err
	}
	return w.businessDeliver(bot, c, p, list)
}

// businessSender returns the calling bot, its connection with the reply right and the
// served private chat to, one the account has (BUSINESS_PEER_USAGE_MISSING otherwise; under
// w.mu).
func (w *World) businessSender(call BusinessCall, to tg.InputPeerClass) (*account, *businessConn, Peer, error) {
	bot, c, p, err := w.businessChat(call, canReply, to)
	if err != nil {
		return nil, nil, Peer{}, err
	}
	if w.users[c.user].box.dialogs[p] == nil {
		return nil, nil, Peer{}, ErrBusinessPeerUsageMissing
	}
	return bot, c, p, nil
}

// businessDeliver sends list from c's account to the private chat p, each marked as sent by
// bot, and answers the bot with updateMessageID and updateBotNewBusinessMessage (qts 0) per
// message. RANDOM_ID_DUPLICATE for a random id the bot used before (under w.mu).
func (w *World) businessDeliver(bot *account, c *businessConn, p Peer, list []pending) (tg.UpdatesClass, error) {
	for _, it := range list {
		if _, dup := bot.box.randomID[it.randomID]; dup && it.randomID != 0 {
			return nil, ErrRandomIDDuplicate
		}
	}
	owner, target := w.users[c.user], w.users[p.ID]
	var us []tg.UpdateClass
	var r refs
	date := w.now()
	for _, it := range list {
		it.c.viaBusinessBot = bot.id
		s := w.deliverPrivate(owner, KeyID{}, target, it.c)
		if it.randomID != 0 {
			bot.box.randomID[it.randomID] = s.id
		}
		var msg, reply tg.MessageClass = &tg.MessageEmpty{ID: s.id}, nil
		if m := owner.box.msgs[s.id]; m != nil { // gone at once only when the box is full
			msg, reply = w.businessView(owner, m, &r)
		}
		us = append(us, &tg.UpdateMessageID{ID: s.id, RandomID: it.randomID},
			&tg.UpdateBotNewBusinessMessage{ConnectionID: c.id, Message: msg, ReplyToMessage: reply})
		date = s.date
	}
	users, chats := w.render(bot.id, &r)
	return &tg.Updates{Updates: us, Users: users, Chats: chats, Date: date}, nil
}

// EditBusinessMessage answers messages.editMessage inside invokeWithBusinessConnection: the
// calling bot edits (or, with a closed inputMediaPoll, stops the poll of) message id that the
// connection's account sent in the private chat in. Every copy changes as for
// messages.editMessage; the bot's result is `updates` with updateBotEditBusinessMessage
// (qts 0). Needs the reply right; PEER_ID_INVALID for a chat the connection does not serve,
// MESSAGE_ID_INVALID for a message not in that chat, MESSAGE_AUTHOR_REQUIRED for the other
// party's message, and the errors of messages.editMessage.
func (w *World) EditBusinessMessage(call BusinessCall, in tg.InputPeerClass, id int32, e Edit) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	bot, c, p, err := w.businessChat(call, canReply, in)
	if err != nil {
		return nil, err
	}
	owner := w.users[c.user]
	m := owner.box.msgs[id]
	if m == nil || m.peer != p {
		return nil, ErrMessageIDInvalid
	}
	if m.from != owner.id {
		return nil, ErrMessageAuthorRequired
	}
	e.ScheduleDate = 0 // business accounts' scheduled messages are not the bot's
	pe, err := w.prepareEdit(bot, e)
	if err != nil {
		return nil, err
	}
	if err := pe.check(m); err != nil {
		return nil, err
	}
	defer w.actAs(c)()
	w.editCopies(KeyID{}, owner.id, owner.id, m, pe)
	var r refs
	msg, reply := w.businessView(owner, m, &r)
	users, chats := w.render(bot.id, &r)
	return &tg.Updates{
		Updates: []tg.UpdateClass{&tg.UpdateBotEditBusinessMessage{ConnectionID: c.id, Message: msg, ReplyToMessage: reply}},
		Users:   users, Chats: chats, Date: pe.date,
	}, nil
}

// DeleteBusinessMessages answers messages.deleteMessages inside invokeWithBusinessConnection:
// the calling bot deletes messages ids of the connection's account (for both sides with
// revoke), as the account would. The account's own messages need the delete_sent_messages
// right, the other party's delete_received_messages (BOT_ACCESS_FORBIDDEN otherwise);
// MESSAGE_DELETE_FORBIDDEN for a message of a chat the connection does not serve. Unknown
// ids are skipped. Nothing is deleted unless every message may be. The answer carries the
// bot's own pts with pts_count 0: the bot's sequence does not move.
func (w *World) DeleteBusinessMessages(call BusinessCall, ids []int32, revoke bool) (*tg.MessagesAffectedMessages, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	bot, c, err := w.businessBot(call, nil)
	if err != nil {
		return nil, err
	}
	owner := w.users[c.user]
	known := make([]int32, 0, len(ids))
	for _, id := range ids {
		m := owner.box.msgs[id]
		if m == nil {
			continue
		}
		if m.peer.Kind != PeerUser || !c.serves(w, m.peer.ID) {
			return nil, ErrMessageDeleteForbidden
		}
		if (m.from == owner.id && !c.rights.DeleteSentMessages) || (m.from != owner.id && !c.rights.DeleteReceivedMessages) {
			return nil, ErrBotAccessForbidden
		}
		known = append(known, id)
	}
	if len(known) > 0 {
		defer w.actAs(c)()
		w.deleteMessages(owner, KeyID{}, known, revoke)
	}
	return &tg.MessagesAffectedMessages{Pts: bot.pts}, nil
}

// ReadBusinessHistory answers messages.readHistory inside invokeWithBusinessConnection: the
// calling bot marks the private chat in read for the connection's account up to maxID (0:
// everything), as the account would. Needs the read_messages right; PEER_ID_INVALID for a
// chat the connection does not serve. The answer carries the bot's own pts with pts_count 0.
func (w *World) ReadBusinessHistory(call BusinessCall, in tg.InputPeerClass, maxID int32) (*tg.MessagesAffectedMessages, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	bot, c, p, err := w.businessChat(call, canRead, in)
	if err != nil {
		return nil, err
	}
	w.readHistory(w.users[c.user], KeyID{}, p, maxID)
	return &tg.MessagesAffectedMessages{Pts: bot.pts}, nil
}

// SetBusinessTyping answers messages.setTyping inside invokeWithBusinessConnection: the
// other party of the private chat in sees the connection's account doing action. Needs the
// reply right; PEER_ID_INVALID for a chat the connection does not serve.
func (w *World) SetBusinessTyping(call BusinessCall, in tg.InputPeerClass, action tg.SendMessageActionClass) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	_, c, p, err := w.businessChat(call, canReply, in)
	if err != nil {
		return err
	}
	w.setTyping(w.users[c.user], KeyID{}, p, action)
	return nil
}

// PinBusinessMessage answers messages.updatePinnedMessage inside
// invokeWithBusinessConnection: the calling bot pins (or unpins) a message of the private
// chat pin.Peer for the connection's account, as the account would (the pin's service
// message included). Needs the reply right; PEER_ID_INVALID for a chat the connection does
// not serve, and the errors of messages.updatePinnedMessage. The bot's result is an empty
// `updates`: the pts updates are the account's.
func (w *World) PinBusinessMessage(call BusinessCall, pin Pin) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	bot, c, p, err := w.businessSender(call, pin.Peer)
	if err != nil {
		return nil, err
	}
	defer w.actAs(c)()
	if _, err := w.updatePinned(w.users[c.user], KeyID{}, p, pin); err != nil {
		return nil, err
	}
	var r refs
	r.add(p)
	users, chats := w.render(bot.id, &r)
	return &tg.Updates{Updates: []tg.UpdateClass{}, Users: users, Chats: chats, Date: w.now()}, nil
}
