package world

import "github.com/mtgo-labs/mtgo/tl/tg"

// chatParticipant renders user's membership of basic group c, nil for non-members.
func (c *chat) participant(user int64) tg.ChatParticipantClass {
	date, ok := c.members[user]
	inviter := c.creator
	if by, ok := c.inviters[user]; ok {
		inviter = by
	}
	switch {
	case !ok:
		return nil
	case user == c.creator:
		return &tg.ChatParticipantCreator{UserID: user}
	case c.admins[user]:
		return &tg.ChatParticipantAdmin{UserID: user, InviterID: inviter, Date: date}
	}
	return &tg.ChatParticipant{UserID: user, InviterID: inviter, Date: date}
}

// chatMemberChanged tells user, if it is a bot, that its membership of c changed
// (updateChatParticipant with its next qts: the Bot API's my_chat_member) (under w.mu).
func (w *World) chatMemberChanged(c *chat, actor, user int64, prev tg.ChatParticipantClass) {
	bot := w.users[user]
	if bot == nil || !bot.bot {
		return
	}
	now := w.now()
	var r refs
	r.add(ChatPeer(c.id))
	r.add(UserPeer(actor))
	next := c.participant(user)
	u := w.appendNumbered(&bot.box.qlog, &bot.qts, 1, now, func(qts int32) tg.UpdateClass {
		return &tg.UpdateChatParticipant{ChatID: c.id, Date: now, ActorID: actor, UserID: user, PrevParticipant: prev, NewParticipant: next, Qts: qts}
	}, r.order)
	w.push(user, KeyID{}, w.longUpdates(user, []tg.UpdateClass{u}, &r, now))
}

// memberChatUser returns the account on key, basic group id, of which it must be a member,
// and the user who names (under w.mu).
func (w *World) memberChatUser(key KeyID, id int64, who tg.InputUserClass) (*account, *chat, *account, error) {
	a, err := w.authorized(key)
	if err != nil {
		return nil, nil, nil, err
	}
	c := w.chats[id]
	if c == nil {
		return nil, nil, nil, ErrChatIDInvalid
	}
	if _, ok := c.members[a.id]; !ok {
		return nil, nil, nil, ErrChatWriteForbidden
	}
	if who == nil {
		return nil, nil, nil, ErrUserIDInvalid
	}
	u, err := w.resolveUser(a, who)
	if err != nil {
		return nil, nil, nil, err
	}
	return a, c, u, nil
}

// AddChatUser answers messages.addChatUser: a member adds a person or bot to a basic group.
// Every member, the new one included, receives the service message
// messageActionChatAddUser; a bot added receives updateChatParticipant (qts).
// USER_ALREADY_PARTICIPANT, CHAT_WRITE_FORBIDDEN for callers who are not members.
func (w *World) AddChatUser(key KeyID, chatID int64, who tg.InputUserClass) (*tg.MessagesInvitedUsers, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, c, u, err := w.memberChatUser(key, chatID, who)
	if err != nil {
		return nil, err
	}
	if _, ok := c.members[u.id]; ok {
		return nil, ErrUserAlreadyParticipant
	}
	if c.settings.defaultBanned.InviteUsers && !c.isAdmin(a.id) {
		return nil, ErrChatAdminRequired
	}
	c.members[u.id] = w.now()
	if c.inviters == nil {
		c.inviters = make(map[int64]int64)
	}
	c.inviters[u.id] = a.id
	c.version++
	w.chatMemberChanged(c, a.id, u.id, nil)
	s := w.deliverChat(a, key, c, content{action: &tg.MessageActionChatAddUser{Users: []int64{u.id}}})
	return &tg.MessagesInvitedUsers{
		Updates:         w.longUpdates(a.id, []tg.UpdateClass{s.update}, &s.refs, s.date),
		MissingInvitees: []tg.MissingInvitee{},
	}, nil
}

// DeleteChatUser answers messages.deleteChatUser: a member leaves a basic group, or its
// creator removes someone. Every member, the one leaving included, receives
// messageActionChatDeleteUser; a bot removed receives updateChatParticipant (qts).
// CHAT_ADMIN_REQUIRED for removing someone else without being the creator,
// USER_NOT_PARTICIPANT.
func (w *World) DeleteChatUser(key KeyID, chatID int64, who tg.InputUserClass) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, c, u, err := w.memberChatUser(key, chatID, who)
	if err != nil {
		return nil, err
	}
	if _, ok := c.members[u.id]; !ok {
		return nil, ErrUserNotParticipant
	}
	if u.id != a.id && !c.isAdmin(a.id) || u.id == c.creator && a.id != c.creator {
		return nil, ErrChatAdminRequired
	}
	s := w.deliverChat(a, key, c, content{action: &tg.MessageActionChatDeleteUser{UserID: u.id}})
	prev := c.participant(u.id)
	delete(c.members, u.id)
	delete(c.admins, u.id)
	c.version++
	w.chatMemberChanged(c, a.id, u.id, prev)
	return w.longUpdates(a.id, []tg.UpdateClass{s.update}, &s.refs, s.date), nil
}

// Chat returns a snapshot of basic group id.
func (w *World) Chat(id int64) (Chat, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c := w.chats[id]
	if c == nil {
		return Chat{}, false
	}
	return c.snapshot(), true
}
