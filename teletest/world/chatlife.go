package world

import (
	"slices"
	"strings"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The lifecycle of groups and channels through the API: creation, migration, deletion,
// members added, ownership, participant lists.

// NewChannelSpec is channels.createChannel.
type NewChannelSpec struct {
	Title, About string
	Megagroup    bool
	Forum        bool
	TTL          int32
}

// CreateChannelAPI answers channels.createChannel: a person creates a channel or supergroup
// (a forum with Forum) and is its creator. CHAT_TITLE_EMPTY, CHAT_ABOUT_TOO_LONG,
// CHANNELS_TOO_MUCH.
func (w *World) CreateChannelAPI(key KeyID, spec NewChannelSpec) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	if len([]rune(spec.About)) > 255 {
		return nil, rpcErr(400, "CHAT_ABOUT_TOO_LONG")
	}
	if err := w.checkChannelRoom(a); err != nil {
		return nil, err
	}
	ch, err := w.newChannel(a.id, ChannelSpec{Title: spec.Title, Megagroup: spec.Megagroup || spec.Forum, Forum: spec.Forum})
	if err != nil {
		return nil, unwrapRPC(err)
	}
	ch.settings.about, ch.settings.ttl = spec.About, spec.TTL
	w.announce(ch, a, &tg.MessageActionChannelCreate{Title: spec.Title})
	return w.channelNotice(a, key, ch), nil
}

// unwrapRPC returns the RPC error inside err (the setup functions wrap theirs), else err.
func unwrapRPC(err error) error {
	for e := err; e != nil; {
		if r, ok := e.(*RPCError); ok {
			return r
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			break
		}
		e = u.Unwrap()
	}
	return err
}

// CreateChatAPI answers messages.createChat: a person creates a basic group with users
// (at least one). Every member receives messageActionChatCreate. USERS_TOO_FEW,
// CHAT_TITLE_EMPTY.
func (w *World) CreateChatAPI(key KeyID, title string, users []tg.InputUserClass) (*tg.MessagesInvitedUsers, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	if len(users) == 0 {
		return nil, rpcErr(400, "USERS_TOO_FEW")
	}
	if strings.TrimSpace(title) == "" {
		return nil, rpcErr(400, "CHAT_TITLE_EMPTY")
	}
	ids := make([]int64, 0, len(users))
	for _, in := range users {
		u, err := w.resolveUser(a, in)
		if err != nil {
			return nil, err
		}
		if u.id != a.id {
			ids = append(ids, u.id)
		}
	}
	w.nextChat++
	now := w.now()
	c := &chat{id: w.nextChat, title: title, creator: a.id, date: now, members: map[int64]int32{a.id: now}, version: 1}
	for _, id := range ids {
		c.members[id] = now
	}
	w.chats[c.id] = c
	s := w.deliverChat(a, key, c, content{action: &tg.MessageActionChatCreate{Title: title, Users: append([]int64{a.id}, ids...)}})
	for _, id := range ids {
		w.chatMemberChanged(c, a.id, id, nil)
	}
	return &tg.MessagesInvitedUsers{
		Updates:         w.longUpdates(a.id, []tg.UpdateClass{s.update}, &s.refs, s.date),
		MissingInvitees: []tg.MissingInvitee{},
	}, nil
}

// FullChat answers messages.getFullChat for basic groups: the participants with their
// standing, the description, the primary link for admins.
func (w *World) FullChat(key KeyID, id int64) (*tg.MessagesChatFull, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	c := w.chats[id]
	if c == nil {
		return nil, ErrChatIDInvalid
	}
	if _, ok := c.members[a.id]; !ok {
		return nil, ErrChatIDInvalid
	}
	var r refs
	r.add(ChatPeer(c.id))
	parts := &tg.ChatParticipants{ChatID: c.id, Version: c.version, Participants: []tg.ChatParticipantClass{}}
	for _, uid := range c.sortedMembers() {
		parts.Participants = append(parts.Participants, c.participant(uid))
		r.add(UserPeer(uid))
	}
	full := &tg.ChatFull{
		ID: c.id, About: c.settings.about, Participants: parts, ChatPhoto: &tg.PhotoEmpty{},
		NotifySettings: tg.PeerNotifySettings{}, BotInfo: []tg.BotInfo{}, AvailableReactions: c.settings.reactions,
	}
	if c.settings.ttl != 0 {
		full.TTLPeriod = tl.Some(c.settings.ttl)
	}
	if id := lastPinned(a.box.msgs, func(m *message) bool { return m.peer == ChatPeer(c.id) }); id != 0 {
		full.PinnedMsgID = tl.Some(id)
	}
	if call := w.activeGroupCall(ChatPeer(c.id)); call != nil {
		full.Call = call // groupcall.go
	}
	if to := c.settings.migratedTo; to != 0 {
		r.add(ChannelPeer(to))
	}
	users, chats := w.render(a.id, &r)
	return &tg.MessagesChatFull{FullChat: full, Chats: chats, Users: users}, nil
}

// MigrateChat answers messages.migrateChat: the creator turns a basic group into a
// supergroup with the same members (admins stay admins), the group is deactivated with
// migrated_to, and every member receives both service messages
// (messageActionChatMigrateTo in the group, messageActionChannelMigrateFrom in the
// supergroup). CHAT_ADMIN_REQUIRED for others; CHANNELS_TOO_MUCH when the creator, and
// USER_CHANNELS_TOO_MUCH when another member, is in MaxChannelsPerUser channels already (the
// group stays as it is: no member is left behind).
func (w *World) MigrateChat(key KeyID, id int64) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	c := w.chats[id]
	if c == nil || c.deactivated {
		return nil, ErrChatIDInvalid
	}
	if _, ok := c.members[a.id]; !ok {
		return nil, ErrPeerIDInvalid
	}
	if a.id != c.creator {
		return nil, ErrChatAdminRequired
	}
	if err := w.checkChannelRoom(a); err != nil {
		return nil, err
	}
	for uid := range c.members {
		if u := w.users[uid]; u != nil && uid != a.id && w.channelsFull(u) {
			return nil, ErrUserChannelsTooMuch
		}
	}
	ch, err := w.newChannel(c.creator, ChannelSpec{Title: c.title, Megagroup: true})
	if err != nil {
		return nil, unwrapRPC(err)
	}
	for uid, date := range c.members {
		if uid == c.creator {
			continue
		}
		m := &member{date: date, inviter: c.creator}
		if c.admins[uid] {
			m.admin, m.rights, m.promotedBy = true, tg.ChatAdminRights{ChangeInfo: true, DeleteMessages: true, BanUsers: true, InviteUsers: true, PinMessages: true, ManageCall: true, Other: true}, c.creator
		}
		ch.members[uid] = m
		w.touchDialog(w.users[uid], ChannelPeer(ch.id), 0, w.now(), false)
	}
	ch.settings = c.settings
	ch.settings.migratedFrom, ch.settings.migratedTo = c.id, 0
	s := w.deliverChat(a, key, c, content{action: &tg.MessageActionChatMigrateTo{ChannelID: ch.id}})
	c.deactivated, c.settings.migratedTo = true, ch.id
	c.version++
	cs := w.deliverChannel(a, key, ch, content{action: &tg.MessageActionChannelMigrateFrom{Title: c.title, ChatID: c.id}})
	var r refs
	r.add(ChatPeer(c.id))
	r.add(ChannelPeer(ch.id))
	for _, p := range append(s.refs.order, cs.refs.order...) {
		r.add(p)
	}
	return w.longUpdates(a.id, []tg.UpdateClass{s.update, cs.update}, &r, s.date), nil
}

// DeleteChannel answers channels.deleteChannel (the creator only: CHAT_ADMIN_REQUIRED):
// members receive updateChannel and the channel is gone (CHANNEL_INVALID afterwards).
func (w *World) DeleteChannel(key KeyID, in tg.InputChannelClass) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, ch, err := w.authorizedChannel(key, in)
	if err != nil {
		return nil, err
	}
	if a.id != ch.creator {
		return nil, ErrChatAdminRequired
	}
	members := ch.sortedMembers()
	out := w.channelNotice(a, key, ch)
	for _, uid := range members {
		if u := w.users[uid]; u != nil {
			delete(u.box.dialogs, ChannelPeer(ch.id))
			if uid != a.id {
				w.notifyChannel(uid, ch)
			}
		}
	}
	if ch.username != "" {
		delete(w.byUsername, strings.ToLower(ch.username))
	}
	for _, h := range ch.invites {
		delete(w.invites, h)
	}
	delete(w.channels, ch.id)
	return out, nil
}

// DeleteChat answers messages.deleteChat: the creator deletes a basic group once it has no
// other member (CHAT_ADMIN_REQUIRED for others, CHAT_NOT_MODIFIED while members remain, as
// Telegram wants them removed first).
func (w *World) DeleteChat(key KeyID, id int64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return err
	}
	c := w.chats[id]
	if c == nil {
		return ErrChatIDInvalid
	}
	if a.id != c.creator {
		return ErrChatAdminRequired
	}
	for uid := range c.members {
		if u := w.users[uid]; u != nil {
			delete(u.box.dialogs, ChatPeer(c.id))
		}
	}
	c.deactivated = true
	c.members = map[int64]int32{}
	return nil
}

// InviteToChannel answers channels.inviteToChannel: an admin with invite_users (or any
// member of a supergroup whose default rights allow inviting) adds people. Each joins as if
// invited; USER_BANNED_IN_CHANNEL for banned users (unless the inviter may ban: then the
// ban is lifted), USER_BOT for bots added to a broadcast channel by a non-admin,
// USERS_TOO_MUCH beyond 200 at once, USER_CHANNELS_TOO_MUCH for someone in
// MaxChannelsPerUser channels already (no one is added then). People already in are skipped.
func (w *World) InviteToChannel(key KeyID, in tg.InputChannelClass, users []tg.InputUserClass) (*tg.MessagesInvitedUsers, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, ch, err := w.authorizedChannel(key, in)
	if err != nil {
		return nil, err
	}
	if ch.members[a.id] == nil {
		return nil, ErrChatWriteForbidden
	}
	mayInvite := ch.hasRight(a.id, rightInvite) || ch.megagroup && !ch.restrictedTo(a.id, w.now()).InviteUsers
	if !mayInvite {
		return nil, ErrChatAdminRequired
	}
	if len(users) > 200 {
		return nil, rpcErr(400, "USERS_TOO_MUCH")
	}
	var added []*account
	for _, iu := range users {
		u, err := w.resolveUser(a, iu)
		if err != nil {
			return nil, err
		}
		if ch.members[u.id] != nil {
			continue
		}
		if w.channelsFull(u) {
			return nil, ErrUserChannelsTooMuch
		}
		if ch.bannedFromViewing(u.id, w.now()) && !ch.hasRight(a.id, rightBan) {
			return nil, ErrUserBannedInChannel
		}
		added = append(added, u)
	}
	// Only once every invitee passed: a refused call lifts no ban.
	for _, u := range added {
		if ch.bannedFromViewing(u.id, w.now()) {
			delete(ch.banned, u.id)
		}
		w.join(u, KeyID{}, ch, a.id, a.id, nil)
		w.logEvent(ch, a.id, &tg.ChannelAdminLogEventActionParticipantInvite{Participant: ch.participant(u.id, 0)})
	}
	return &tg.MessagesInvitedUsers{Updates: w.channelNotice(a, key, ch), MissingInvitees: []tg.MissingInvitee{}}, nil
}

// EditChatAdmin answers messages.editChatAdmin: the creator of a basic group makes a
// member an admin or a plain member again. USER_NOT_PARTICIPANT.
func (w *World) EditChatAdmin(key KeyID, id int64, who tg.InputUserClass, isAdmin bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, c, u, err := w.memberChatUser(key, id, who)
	if err != nil {
		return err
	}
	if _, ok := c.members[u.id]; !ok {
		return ErrUserNotParticipant
	}
	if a.id != c.creator {
		return ErrChatAdminRequired
	}
	if u.id == c.creator {
		return rpcErr(400, "USER_CREATOR")
	}
	prev := c.participant(u.id)
	if c.admins == nil {
		c.admins = make(map[int64]bool)
	}
	if isAdmin {
		c.admins[u.id] = true
	} else {
		delete(c.admins, u.id)
	}
	c.version++
	w.chatMemberChanged(c, a.id, u.id, prev)
	w.changed(target{a: a, c: c}, KeyID{})
	return nil
}

// EditCreator answers messages.editChatCreator: the owner of a supergroup or channel hands
// it to another member, proving its 2FA password (PASSWORD_MISSING without one,
// PASSWORD_HASH_INVALID). The old owner stays an admin with every right.
// CHAT_ADMIN_REQUIRED for others, USER_NOT_PARTICIPANT, PARTICIPANT_ID_INVALID for bots.
func (w *World) EditCreator(key KeyID, in tg.InputPeerClass, who tg.InputUserClass, pw tg.InputCheckPasswordSRPClass) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	t, err := w.groupTarget(key, in)
	if err != nil {
		return nil, err
	}
	if t.ch == nil {
		return nil, ErrPeerIDInvalid // basic groups: migrate first
	}
	ch := t.ch
	if t.a.id != ch.creator {
		return nil, ErrChatAdminRequired
	}
	u, err := w.resolveUser(t.a, who)
	if err != nil {
		return nil, err
	}
	switch {
	case ch.members[u.id] == nil:
		return nil, ErrUserNotParticipant
	case u.bot:
		return nil, rpcErr(400, "PARTICIPANT_ID_INVALID")
	case t.a.password == nil:
		return nil, rpcErr(400, "PASSWORD_MISSING")
	}
	if err := w.checkSRP(t.a, pw); err != nil {
		return nil, err
	}
	prevOld, prevNew := ch.participant(t.a.id, 0), ch.participant(u.id, 0)
	ch.creator = u.id
	nm := ch.members[u.id]
	nm.admin, nm.rights, nm.promotedBy = true, fullAdminRights(), 0
	om := ch.members[t.a.id]
	om.admin, om.rights, om.promotedBy = true, fullAdminRights(), u.id
	w.participantChanged(ch, t.a.id, u.id, prevNew, nil)
	w.participantChanged(ch, t.a.id, t.a.id, prevOld, nil)
	w.logEvent(ch, t.a.id, &tg.ChannelAdminLogEventActionParticipantToggleAdmin{PrevParticipant: prevNew, NewParticipant: ch.participant(u.id, 0)})
	return w.changed(t, key), nil
}

// DeleteParticipantHistory answers channels.deleteParticipantHistory (needs
// delete_messages): every message of the participant in the supergroup goes.
func (w *World) DeleteParticipantHistory(key KeyID, in tg.InputChannelClass, who tg.InputPeerClass) (*tg.MessagesAffectedHistory, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	t, err := w.channelTarget(key, in, rightDelete)
	if err != nil {
		return nil, err
	}
	p, err := w.resolvePeer(t.a, who)
	if err != nil {
		return nil, err
	}
	var ids []int32
	for id, m := range t.ch.msgs {
		if m.from == p.ID && p.Kind == PeerUser {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	if len(ids) > 0 {
		w.deleteChannelIDs(t.ch, ids)
	}
	return &tg.MessagesAffectedHistory{Pts: t.ch.pts, PtsCount: int32(len(ids))}, nil
}

// deleteChannelIDs removes messages ids of ch and tells the members (updateDeleteChannelMessages
// with one pts) (under w.mu).
func (w *World) deleteChannelIDs(ch *channel, ids []int32) {
	for _, id := range ids {
		delete(ch.msgs, id)
	}
	ch.pts += int32(len(ids))
	upd := &tg.UpdateDeleteChannelMessages{ChannelID: ch.id, Messages: ids, Pts: ch.pts, PtsCount: int32(len(ids))}
	now := w.now()
	var r refs
	r.add(ChannelPeer(ch.id))
	w.appendEvent(&ch.log, event{pts: ch.pts, count: int32(len(ids)), date: now, update: upd, refs: r.order})
	for _, uid := range ch.sortedMembers() {
		w.push(uid, KeyID{}, w.longUpdates(uid, []tg.UpdateClass{upd}, &r, now))
	}
}

// ReportSpam answers channels.reportSpam: an admin reports a member's messages; the test
// world records nothing but checks the messages exist (MESSAGE_ID_INVALID).
func (w *World) ReportSpam(key KeyID, in tg.InputChannelClass, who tg.InputPeerClass, ids []int32) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	t, err := w.channelTarget(key, in, nil)
	if err != nil {
		return err
	}
	if _, err := w.resolvePeer(t.a, who); err != nil {
		return err
	}
	for _, id := range ids {
		if t.ch.msgs[id] == nil {
			return ErrMessageIDInvalid
		}
	}
	return nil
}

// ParticipantsQuery is channels.getParticipants's selection.
type ParticipantsQuery struct {
	Filter tg.ChannelParticipantsFilterClass
	Offset int32
	Limit  int32
}

// Participants answers channels.getParticipants: members by filter (recent, admins, bots,
// search, contacts, mentions), or the restricted (banned) and removed (kicked) users, the
// last two for admins only (CHAT_ADMIN_REQUIRED). Broadcast channels list their members to
// admins only.
func (w *World) Participants(key KeyID, in tg.InputChannelClass, q ParticipantsQuery) (*tg.ChannelsChannelParticipants, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, ch, err := w.readableChannel(key, in)
	if err != nil {
		return nil, err
	}
	admin := ch.isAdmin(a.id)
	if !ch.megagroup && !admin {
		return nil, ErrChatAdminRequired
	}
	now := w.now()
	var ids []int64
	match := func(uid int64, query string) bool {
		u := w.users[uid]
		if u == nil {
			return false
		}
		return query == "" || strings.Contains(strings.ToLower(u.firstName+" "+u.lastName+" "+u.username), strings.ToLower(query))
	}
	members := func(keep func(uid int64) bool) {
		for _, uid := range ch.sortedMembers() {
			if keep(uid) {
				ids = append(ids, uid)
			}
		}
	}
	banned := func(kicked bool, query string) error {
		if !admin {
			return ErrChatAdminRequired
		}
		for _, uid := range sortedKeys(ch.banned) {
			if ch.banned[uid].rights.ViewMessages == kicked && match(uid, query) {
				ids = append(ids, uid)
			}
		}
		return nil
	}
	switch f := q.Filter.(type) {
	case *tg.ChannelParticipantsAdmins:
		members(ch.isAdmin)
	case *tg.ChannelParticipantsBots:
		members(func(uid int64) bool { return w.users[uid] != nil && w.users[uid].bot })
	case *tg.ChannelParticipantsSearch:
		members(func(uid int64) bool { return match(uid, f.Q) })
	case *tg.ChannelParticipantsContacts:
		members(func(uid int64) bool { _, ok := a.contacts[uid]; return ok && match(uid, f.Q) })
	case *tg.ChannelParticipantsMentions:
		members(func(uid int64) bool { return match(uid, f.Q.Value) })
	case *tg.ChannelParticipantsKicked:
		err = banned(true, f.Q)
	case *tg.ChannelParticipantsBanned:
		err = banned(false, f.Q)
	default:
		members(func(uid int64) bool { return !ch.bannedFromViewing(uid, now) })
		slices.SortStableFunc(ids, func(x, y int64) int { return int(ch.members[y].date - ch.members[x].date) })
	}
	if err != nil {
		return nil, err
	}
	limit := int(q.Limit)
	if limit <= 0 || limit > 200 {
		limit = 200
	}
	start := min(max(int(q.Offset), 0), len(ids))
	got := ids[start:min(start+limit, len(ids))]
	out := &tg.ChannelsChannelParticipants{Count: int32(len(ids)), Participants: make([]tg.ChannelParticipantClass, 0, len(got))}
	var r refs
	r.add(ChannelPeer(ch.id))
	for _, uid := range got {
		if p := ch.participant(uid, a.id); p != nil {
			out.Participants = append(out.Participants, p)
			r.add(UserPeer(uid))
		}
	}
	out.Users, out.Chats = w.render(a.id, &r)
	return out, nil
}
