package world

import (
	"encoding/base64"
	"slices"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Telegram Business: a premium person connects a bot that has business mode on
// (account.updateConnectedBot). The bot then receives the person's private chats as business
// updates, each with the bot's next qts (updateBotBusinessConnect, updateBotNewBusinessMessage,
// updateBotEditBusinessMessage, updateBotDeleteBusinessMessage), and answers on the person's
// behalf through invokeWithBusinessConnection (SendBusinessMessage).

// Errors of business connections.
var (
	ErrPremiumAccountRequired = rpcErr(403, "PREMIUM_ACCOUNT_REQUIRED")
	ErrBotBusinessMissing     = rpcErr(400, "BOT_BUSINESS_MISSING")
	ErrConnectionIDInvalid    = rpcErr(400, "CONNECTION_ID_INVALID")
	// ErrBotAccessForbidden answers a business bot acting without the right to (the
	// connection's rights: reply, read_messages, delete_sent_messages,
	// delete_received_messages).
	ErrBotAccessForbidden = rpcErr(403, "BOT_ACCESS_FORBIDDEN")
	// ErrBusinessConnectionNotAllowed answers invokeWithBusinessConnection from a person, from
	// a bot without business mode, or around a method bots cannot call for a business account.
	ErrBusinessConnectionNotAllowed = rpcErr(400, "BUSINESS_CONNECTION_NOT_ALLOWED")
)

// businessConn is a person's connection of a business bot.
type businessConn struct {
	id       string
	user     int64
	bot      int64
	dc       int
	date     int32
	rights   tg.BusinessBotRights
	disabled bool

	// recipients: which private chats the bot serves (see serves).
	existingChats, newChats, contacts, nonContacts, excludeSelected bool
	users, excludeUsers                                             map[int64]bool
	existing                                                        map[int64]bool // peers with a dialog when connected

	// paused: chats the account paused the bot in (account.toggleConnectedBotPaused).
	paused map[int64]bool
}

// ConnectedBot is account.updateConnectedBot: the bot to connect (or, with Deleted, to
// disconnect), its rights and the chats it serves.
type ConnectedBot struct {
	Bot        tg.InputUserClass
	Rights     *tg.BusinessBotRights
	Recipients tg.InputBusinessBotRecipients
	Deleted    bool
}

// tg renders c as the bot sees it.
func (c *businessConn) tg() tg.BotBusinessConnection {
	rights := c.rights
	return tg.BotBusinessConnection{
		Disabled: c.disabled, ConnectionID: c.id, UserID: c.user, DCID: int32(c.dc), Date: c.date,
		Rights: &rights,
	}
}

// UpdateConnectedBot answers account.updateConnectedBot: a premium person connects a bot with
// business mode (or changes its rights and recipients, or with Deleted disconnects it). The
// bot receives updateBotBusinessConnect with its next qts each time: disabled after a
// disconnect. A person has at most one connected bot; connecting another disconnects the
// first. BOT_METHOD_INVALID for bots, PREMIUM_ACCOUNT_REQUIRED, BOT_BUSINESS_MISSING for a
// bot without business mode (or a person), USER_ID_INVALID for an unknown bot or recipient.
func (w *World) UpdateConnectedBot(key KeyID, r ConnectedBot) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	bot, err := w.resolveUser(a, r.Bot)
	if err != nil {
		return nil, err
	}
	if !bot.bot || !bot.botBusiness {
		return nil, ErrBotBusinessMissing
	}
	if !a.premium {
		return nil, ErrPremiumAccountRequired
	}
	now := w.now()
	var r2 refs
	r2.add(UserPeer(bot.id))
	users, _ := w.render(a.id, &r2)
	res := &tg.Updates{Updates: []tg.UpdateClass{}, Users: users, Chats: []tg.ChatClass{}, Date: now}
	old := a.business
	if r.Deleted {
		if old != nil && old.bot == bot.id {
			w.disconnectBusiness(a)
		}
		return res, nil
	}
	inc, err := w.inputUserIDs(a, r.Recipients.Users)
	if err != nil {
		return nil, err
	}
	exc, err := w.inputUserIDs(a, r.Recipients.ExcludeUsers)
	if err != nil {
		return nil, err
	}
	if old != nil && old.bot != bot.id {
		w.disconnectBusiness(a)
		old = nil
	}
	c := old
	if c == nil {
		var raw [12]byte
		if err := w.random(raw[:]); err != nil {
			return nil, err
		}
		c = &businessConn{id: base64.RawURLEncoding.EncodeToString(raw[:]), user: a.id, bot: bot.id, dc: a.dc, date: now}
		c.existing = make(map[int64]bool)
		for p := range a.box.dialogs {
			if p.Kind == PeerUser {
				c.existing[p.ID] = true
			}
		}
		if w.businessConns == nil {
			w.businessConns = make(map[string]*businessConn)
		}
		w.businessConns[c.id] = c
		a.business = c
	}
	c.rights = tg.BusinessBotRights{}
	if r.Rights != nil {
		c.rights = *r.Rights
	}
	rc := r.Recipients
	c.existingChats, c.newChats, c.contacts, c.nonContacts = rc.ExistingChats, rc.NewChats, rc.Contacts, rc.NonContacts
	c.excludeSelected, c.users, c.excludeUsers = rc.ExcludeSelected, inc, exc
	w.businessConnectUpdate(c)
	return res, nil
}

// disconnectBusiness ends a's connection and tells its bot (under w.mu).
func (w *World) disconnectBusiness(a *account) {
	c := a.business
	a.business = nil
	delete(w.businessConns, c.id)
	c.disabled = true
	w.businessConnectUpdate(c)
}

// businessConnectUpdate sends c's state to its bot as updateBotBusinessConnect (under w.mu).
func (w *World) businessConnectUpdate(c *businessConn) {
	w.businessUpdate(c, func(qts int32) tg.UpdateClass {
		return &tg.UpdateBotBusinessConnect{Connection: c.tg(), Qts: qts}
	}, nil)
}

// businessUpdate records the bot update mk builds with the bot's next qts and pushes it, with
// the users and chats of r (and the business account) as the bot sees them (under w.mu).
func (w *World) businessUpdate(c *businessConn, mk func(qts int32) tg.UpdateClass, r *refs) {
	bot := w.users[c.bot]
	if bot == nil {
		return
	}
	if r == nil {
		r = &refs{}
	}
	r.add(UserPeer(c.user))
	date := w.now()
	u := w.appendNumbered(&bot.box.qlog, &bot.qts, 1, date, mk, r.order)
	w.push(bot.id, KeyID{}, w.longUpdates(bot.id, []tg.UpdateClass{u}, r, date))
}

// inputUserIDs resolves a recipient list; nil for none.
func (w *World) inputUserIDs(viewer *account, in []tg.InputUserClass) (map[int64]bool, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := make(map[int64]bool, len(in))
	for _, u := range in {
		a, err := w.resolveUser(viewer, u)
		if err != nil {
			return nil, err
		}
		out[a.id] = true
	}
	return out, nil
}

// serves reports whether the connection serves the private chat with user peer: covers it
// and the account did not pause the bot there.
func (c *businessConn) serves(w *World, peer int64) bool {
	return !c.paused[peer] && c.covers(w, peer)
}

// covers reports whether the connection's recipients take in the private chat with user peer
// (one the account did not exclude or disable the bot in; it may be paused there). The test
// world keeps no contact lists: every person counts as a non-contact. Chats with bots and
// with the account itself are never covered.
func (c *businessConn) covers(w *World, peer int64) bool {
	if c.disabled || !w.personChat(c.user, peer) || c.excludeUsers[peer] {
		return false
	}
	if c.users[peer] {
		return !c.excludeSelected
	}
	if c.existing[peer] {
		return c.existingChats || c.nonContacts
	}
	return c.newChats || c.nonContacts
}

// personChat reports whether the private chat of owner with user peer is one with another
// person: the only chats a business bot may serve (not with a bot, nor owner's own).
func (w *World) personChat(owner, peer int64) bool {
	u := w.users[peer]
	return peer != owner && u != nil && !u.bot
}

// businessMessage tells the bot connected to owner about the new (or edited) copy m in
// owner's private chat, when the connection serves that chat (under w.mu).
func (w *World) businessMessage(owner *account, m *message, edited bool) {
	c := owner.business
	if c == nil || c == w.businessActing || m.peer.Kind != PeerUser || !c.serves(w, m.peer.ID) {
		return
	}
	var r refs
	msg, reply := w.businessView(owner, m, &r)
	w.businessUpdate(c, func(qts int32) tg.UpdateClass {
		if edited {
			return &tg.UpdateBotEditBusinessMessage{ConnectionID: c.id, Message: msg, ReplyToMessage: reply, Qts: qts}
		}
		return &tg.UpdateBotNewBusinessMessage{ConnectionID: c.id, Message: msg, ReplyToMessage: reply, Qts: qts}
	}, &r)
}

// businessView renders owner's message m as its business bot sees it, with the message it
// replies to when that is still in owner's box (nil otherwise), adding their peers to r
// (under w.mu).
func (w *World) businessView(owner *account, m *message, r *refs) (msg, reply tg.MessageClass) {
	r.addMessage(m)
	msg = w.tgMessage(owner.id, m)
	if m.replyTo == 0 {
		return msg, nil
	}
	if rm := owner.box.msgs[m.replyTo]; rm != nil && rm.peer == m.peer {
		r.addMessage(rm)
		reply = w.tgMessage(owner.id, rm)
	}
	return msg, reply
}

// businessDeleted tells the bot connected to owner which messages of its served private
// chats were deleted, one update per chat (under w.mu).
func (w *World) businessDeleted(owner *account, msgs []*message) {
	c := owner.business
	if c == nil || c == w.businessActing {
		return
	}
	byPeer := map[int64][]int32{}
	var peers []int64
	for _, m := range msgs {
		if m.peer.Kind != PeerUser || !c.serves(w, m.peer.ID) {
			continue
		}
		if _, ok := byPeer[m.peer.ID]; !ok {
			peers = append(peers, m.peer.ID)
		}
		byPeer[m.peer.ID] = append(byPeer[m.peer.ID], m.id)
	}
	slices.Sort(peers)
	for _, p := range peers {
		ids := byPeer[p]
		slices.Sort(ids)
		var r refs
		r.add(UserPeer(p))
		w.businessUpdate(c, func(qts int32) tg.UpdateClass {
			return &tg.UpdateBotDeleteBusinessMessage{ConnectionID: c.id, Peer: &tg.PeerUser{UserID: p}, Messages: ids, Qts: qts}
		}, &r)
	}
}

// BotBusinessConnection answers account.getBotBusinessConnection: the bot on key asks for
// one of its connections, answered as `updates` with updateBotBusinessConnect (qts 0: not a
// new event of its sequence) and the business account. USER_BOT_REQUIRED for people,
// CONNECTION_ID_INVALID for an unknown, ended or another bot's connection.
func (w *World) BotBusinessConnection(key KeyID, id string) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	bot, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	if !bot.bot {
		return nil, ErrUserBotRequired
	}
	c, err := w.businessOf(bot, id)
	if err != nil {
		return nil, err
	}
	var r refs
	r.add(UserPeer(c.user))
	return w.longUpdates(bot.id, []tg.UpdateClass{&tg.UpdateBotBusinessConnect{Connection: c.tg()}}, &r, w.now()), nil
}
