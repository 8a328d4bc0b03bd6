package world

import (
	"fmt"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// participant returns how user stands in ch as viewer sees it (channelParticipantSelf for
// a plain member looking at itself), nil when user is not a participant at all.
func (ch *channel) participant(user, viewer int64) tg.ChannelParticipantClass {
	m := ch.members[user]
	b := ch.banned[user]
	switch {
	case user == ch.creator && m != nil:
		out := &tg.ChannelParticipantCreator{UserID: user, AdminRights: m.rights}
		if m.rank != "" {
			out.Rank = tl.Some(m.rank)
		}
		return out
	case m != nil && m.admin:
		by := m.promotedBy
		if by == 0 {
			by = ch.creator
		}
		part := &tg.ChannelParticipantAdmin{
			Self: user == viewer, CanEdit: viewer == ch.creator || viewer == by, UserID: user, PromotedBy: by, Date: m.date,
			AdminRights: m.rights,
		}
		if m.rank != "" {
			part.Rank = tl.Some(m.rank)
		}
		if part.Self { // self and inviter_id share a flag bit
			inviter := m.inviter
			if inviter == 0 {
				inviter = ch.creator
			}
			part.InviterID = tl.Some(inviter)
		}
		return part
	case b != nil:
		return &tg.ChannelParticipantBanned{Left: m == nil, Peer: &tg.PeerUser{UserID: user}, KickedBy: b.by, Date: b.date, BannedRights: b.rights}
	case m != nil && user == viewer:
		return &tg.ChannelParticipantSelf{UserID: user, InviterID: m.inviter, Date: m.date}
	case m != nil:
		return &tg.ChannelParticipant{UserID: user, Date: m.date}
	}
	return nil
}

// participantChanged tells the bots concerned that user's standing in ch changed from prev
// (ch.participant before the change, viewer 0) to what it is now, as Telegram does: admin
// bots of ch (the Bot API's chat_member) and user itself when it is a bot (my_chat_member)
// get updateChannelParticipant with their next qts. actor made the change; inv is the link
// used to join, if any (under w.mu).
func (w *World) participantChanged(ch *channel, actor, user int64, prev tg.ChannelParticipantClass, inv *invite) {
	now := w.now()
	next := ch.participant(user, 0)
	if prev == nil && next == nil {
		return // nothing changed that a bot could see
	}
	for _, uid := range w.participantWatchers(ch, user) {
		bot := w.users[uid]
		var r refs
		r.add(ChannelPeer(ch.id))
		r.add(UserPeer(actor))
		r.add(UserPeer(user))
		u := w.appendNumbered(&bot.box.qlog, &bot.qts, 1, now, func(qts int32) tg.UpdateClass {
			u := &tg.UpdateChannelParticipant{
				ChannelID: ch.id, Date: now, ActorID: actor, UserID: user,
				PrevParticipant: prev, NewParticipant: next, Qts: qts,
			}
			if inv != nil {
				u.Invite = inv.link()
			}
			return u
		}, r.order)
		w.push(uid, KeyID{}, w.longUpdates(uid, []tg.UpdateClass{u}, &r, now))
	}
}

// participantWatchers lists the bots that hear of user's changes in ch: its admin bots and
// user itself if it is a bot, once each, in id order.
func (w *World) participantWatchers(ch *channel, user int64) []int64 {
	var out []int64
	for _, uid := range ch.sortedMembers() {
		if a := w.users[uid]; a != nil && a.bot && (ch.isAdmin(uid) || uid == user) {
			out = append(out, uid)
		}
	}
	if a := w.users[user]; a != nil && a.bot && ch.members[user] == nil {
		out = append(out, user) // a bot that just left or was banned still hears of it
	}
	return out
}

// EditAdmin answers channels.editAdmin: an admin promotes a member (any admin right set)
// or demotes an admin (no right set). The member learns of it through updateChannel, the
// bots concerned through updateChannelParticipant. CHAT_ADMIN_REQUIRED for callers who are
// not admins, USER_NOT_PARTICIPANT for non-members, USER_CREATOR for the creator,
// ADMIN_RANK_INVALID for a rank over 16 characters.
func (w *World) EditAdmin(key KeyID, in tg.InputChannelClass, who tg.InputUserClass, rights tg.ChatAdminRights, rank string) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, ch, err := w.administeredChannel(key, in)
	if err != nil {
		return nil, err
	}
	if who == nil {
		return nil, ErrUserIDInvalid
	}
	u, err := w.resolveUser(a, who)
	if err != nil {
		return nil, err
	}
	m := ch.members[u.id]
	switch {
	case m == nil:
		return nil, ErrUserNotParticipant
	case len([]rune(rank)) > 16:
		return nil, rpcErr(400, "ADMIN_RANK_INVALID")
	case u.id == ch.creator && a.id == ch.creator:
		m.rank = rank // the owner may change its own title only
		return w.channelNotice(a, key, ch), nil
	case u.id == ch.creator:
		return nil, rpcErr(400, "USER_CREATOR")
	case !ch.hasRight(a.id, func(r tg.ChatAdminRights) bool { return r.AddAdmins }):
		return nil, ErrChatAdminRequired
	case m.admin && a.id != ch.creator && m.promotedBy != a.id:
		return nil, ErrRightForbidden // another admin's appointee
	case a.id != ch.creator && !rightsWithin(rights, ch.members[a.id].rights):
		return nil, ErrRightForbidden // more than the promoter has
	}
	prev := ch.participant(u.id, 0)
	m.admin, m.rights = rights != (tg.ChatAdminRights{}), rights
	m.promotedBy, m.rank = a.id, rank
	if !m.admin {
		m.promotedBy, m.rank = 0, ""
	}
	w.participantChanged(ch, a.id, u.id, prev, nil)
	w.logEvent(ch, a.id, &tg.ChannelAdminLogEventActionParticipantToggleAdmin{PrevParticipant: prev, NewParticipant: ch.participant(u.id, 0)})
	var r refs
	r.add(ChannelPeer(ch.id))
	w.push(u.id, KeyID{}, w.seqUpdates(u, []tg.UpdateClass{&tg.UpdateChannel{ChannelID: ch.id}}, &r))
	return w.channelNotice(a, key, ch), nil
}

// LeaveChannel answers channels.leaveChannel. USER_NOT_PARTICIPANT for non-members,
// USER_CREATOR for the creator (the test world does not hand ownership over).
func (w *World) LeaveChannel(key KeyID, in tg.InputChannelClass) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, ch, err := w.authorizedChannel(key, in)
	if err != nil {
		return nil, err
	}
	if ch.members[a.id] == nil {
		return nil, ErrUserNotParticipant
	}
	if a.id == ch.creator {
		return nil, rpcErr(400, "USER_CREATOR")
	}
	prev := ch.participant(a.id, 0)
	w.announce(ch, a, &tg.MessageActionChatDeleteUser{UserID: a.id})
	delete(ch.members, a.id)
	w.logEvent(ch, a.id, &tg.ChannelAdminLogEventActionParticipantLeave{})
	w.participantChanged(ch, a.id, a.id, prev, nil)
	return w.channelNotice(a, key, ch), nil
}

// Promote makes member user an admin of channel id, as a test's setup step (no update is
// sent; channels.editAdmin is the call that notifies). Admin bots receive join requests,
// members' reactions and participant changes.
func (w *World) Promote(id, user int64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	ch := w.channels[id]
	if ch == nil {
		return fmt.Errorf("world: promote: %w", ErrChannelInvalid)
	}
	m := ch.members[user]
	if m == nil {
		return fmt.Errorf("world: promote %d: %w", user, ErrUserNotParticipant)
	}
	m.admin, m.rights = true, fullAdminRights()
	return nil
}
