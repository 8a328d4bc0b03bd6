package world

import (
	"encoding/hex"
	"slices"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

const (
	// MaxInvites is how many invite links one channel keeps.
	MaxInvites = 1000
	// maxRecentRequesters is how many requesters updatePendingJoinRequests names.
	maxRecentRequesters = 3
)

// invite is an invite link of a channel or supergroup.
type invite struct {
	hash          string
	channel       int64
	admin         int64
	date          int32
	requestNeeded bool
	title         string
	expire        int32
	usageLimit    int32
	usage         int32
	requested     int32
}

// joinRequest is a person's request to join through a link with request_needed.
type joinRequest struct {
	date int32
	hash string
}

// link renders the invite as its admins see it.
func (inv *invite) link() *tg.ChatInviteExported {
	out := &tg.ChatInviteExported{
		RequestNeeded: inv.requestNeeded, Link: "https://t.me/+" + inv.hash, AdminID: inv.admin,
		Date: inv.date, Usage: tl.Some(inv.usage),
	}
	if inv.requestNeeded {
		out.Requested = tl.Some(inv.requested)
	}
	if inv.title != "" {
		out.Title = tl.Some(inv.title)
	}
	if inv.expire != 0 {
		out.ExpireDate = tl.Some(inv.expire)
	}
	if inv.usageLimit != 0 {
		out.UsageLimit = tl.Some(inv.usageLimit)
	}
	return out
}

// InviteSpec is messages.exportChatInvite.
type InviteSpec struct {
	RequestNeeded bool
	ExpireDate    int32
	UsageLimit    int32
	Title         string
}

// ExportInvite answers messages.exportChatInvite for channels and supergroups (basic groups
// answer CHAT_ID_INVALID in the test world): an admin (person or bot) makes a new link.
// CHAT_ADMIN_REQUIRED for others, EXPIRE_DATE_INVALID for a date in the past,
// USAGE_LIMIT_INVALID for a limit on a link that needs approval or outside 1..99999.
func (w *World) ExportInvite(key KeyID, in tg.InputPeerClass, spec InviteSpec) (*tg.ChatInviteExported, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, ch, err := w.adminOf(key, in)
	if err != nil {
		return nil, err
	}
	now := w.now()
	switch {
	case spec.ExpireDate != 0 && spec.ExpireDate <= now:
		return nil, rpcErr(400, "EXPIRE_DATE_INVALID")
	case spec.UsageLimit < 0 || spec.UsageLimit > 99999 || spec.UsageLimit != 0 && spec.RequestNeeded:
		return nil, rpcErr(400, "USAGE_LIMIT_INVALID")
	case len(ch.invites) >= MaxInvites:
		return nil, rpcErr(400, "INVITES_TOO_MUCH")
	}
	var b [8]byte
	if err := w.random(b[:]); err != nil {
		return nil, err
	}
	inv := &invite{
		hash: hex.EncodeToString(b[:]), channel: ch.id, admin: a.id, date: now,
		requestNeeded: spec.RequestNeeded, title: spec.Title, expire: spec.ExpireDate, usageLimit: spec.UsageLimit,
	}
	w.invites[inv.hash] = inv
	ch.invites = append(ch.invites, inv.hash)
	return inv.link(), nil
}

// usableInvite returns the live invite with hash: INVITE_HASH_EMPTY, INVITE_HASH_INVALID,
// INVITE_HASH_EXPIRED (past its date or usage limit) otherwise (under w.mu).
func (w *World) usableInvite(hash string) (*invite, *channel, error) {
	if hash == "" {
		return nil, nil, rpcErr(400, "INVITE_HASH_EMPTY")
	}
	inv := w.invites[hash]
	if inv == nil || w.channels[inv.channel] == nil {
		return nil, nil, rpcErr(400, "INVITE_HASH_INVALID")
	}
	now := w.now()
	if inv.expire != 0 && inv.expire <= now || inv.usageLimit != 0 && inv.usage >= inv.usageLimit {
		return nil, nil, rpcErr(400, "INVITE_HASH_EXPIRED")
	}
	return inv, w.channels[inv.channel], nil
}

// CheckInvite answers messages.checkChatInvite: chatInviteAlready for members, otherwise a
// chatInvite describing the channel (title, kind, members, whether joining needs approval).
// The errors of an unusable link are ImportInvite's.
func (w *World) CheckInvite(key KeyID, hash string) (tg.ChatInviteClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	inv, ch, err := w.usableInvite(hash)
	if err != nil {
		return nil, err
	}
	if _, ok := ch.members[a.id]; ok {
		return &tg.ChatInviteAlready{Chat: w.tgChannel(a.id, ch)}, nil
	}
	return &tg.ChatInvite{
		Channel: true, Broadcast: !ch.megagroup, Megagroup: ch.megagroup, Public: ch.username != "",
		RequestNeeded: inv.requestNeeded, Title: ch.title, Photo: &tg.PhotoEmpty{},
		ParticipantsCount: int32(len(ch.members)),
	}, nil
}

// ImportInvite answers messages.importChatInvite: a person joins through a link (the
// result is messages.chatInviteJoinResultOk with updateChannel, as layer 228 has it). Through a
// link with request_needed the person is not joined: the request waits for an admin
// (INVITE_REQUEST_SENT), bots that are admins of the chat receive
// updateBotChatInviteRequester with their next qts, and people who are admins receive
// updatePendingJoinRequests. INVITE_HASH_EMPTY, INVITE_HASH_INVALID, INVITE_HASH_EXPIRED
// (past its date or usage limit), USER_ALREADY_PARTICIPANT, CHANNEL_PRIVATE (banned),
// BOT_METHOD_INVALID for bots.
func (w *World) ImportInvite(key KeyID, hash string) (tg.MessagesChatInviteJoinResultClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	inv, ch, err := w.usableInvite(hash)
	if err != nil {
		return nil, err
	}
	now := w.now()
	if err := ch.checkJoin(a.id, now); err != nil {
		return nil, err
	}
	if !inv.requestNeeded {
		inv.usage++
		return &tg.MessagesChatInviteJoinResultOk{Updates: w.join(a, key, ch, inv.admin, a.id, inv)}, nil
	}
	errSent := rpcErr(400, "INVITE_REQUEST_SENT")
	if ch.requests[a.id] != nil {
		return nil, errSent
	}
	if ch.requests == nil {
		ch.requests = make(map[int64]*joinRequest)
	}
	ch.requests[a.id] = &joinRequest{date: now, hash: hash}
	inv.requested++
	for _, uid := range ch.sortedMembers() {
		admin := w.users[uid]
		if !ch.isAdmin(uid) || admin == nil || !admin.bot {
			continue
		}
		var r refs
		r.add(ChannelPeer(ch.id))
		r.add(UserPeer(a.id))
		u := w.appendNumbered(&admin.box.qlog, &admin.qts, 1, now, func(qts int32) tg.UpdateClass {
			return &tg.UpdateBotChatInviteRequester{
				Peer: &tg.PeerChannel{ChannelID: ch.id}, Date: now, UserID: a.id, Invite: inv.link(), Qts: qts,
			}
		}, r.order)
		w.push(uid, KeyID{}, w.longUpdates(uid, []tg.UpdateClass{u}, &r, now))
	}
	w.pushPendingRequests(ch, KeyID{})
	return nil, errSent
}

// pendingRequests is updatePendingJoinRequests for ch, with the peers it names.
func (w *World) pendingRequests(ch *channel) (*tg.UpdatePendingJoinRequests, refs) {
	type req struct {
		user int64
		date int32
	}
	var reqs []req
	for uid, rq := range ch.requests {
		reqs = append(reqs, req{uid, rq.date})
	}
	slices.SortFunc(reqs, func(a, b req) int {
		if a.date != b.date {
			return int(b.date - a.date)
		}
		return int(b.user - a.user)
	})
	var r refs
	r.add(ChannelPeer(ch.id))
	u := &tg.UpdatePendingJoinRequests{Peer: &tg.PeerChannel{ChannelID: ch.id}, RequestsPending: int32(len(reqs)), RecentRequesters: []int64{}}
	for _, rq := range reqs[:min(len(reqs), maxRecentRequesters)] {
		u.RecentRequesters = append(u.RecentRequesters, rq.user)
		r.add(UserPeer(rq.user))
	}
	return u, r
}

// pushPendingRequests tells the channel's people admins how many requests wait (under w.mu).
func (w *World) pushPendingRequests(ch *channel, skip KeyID) {
	u, r := w.pendingRequests(ch)
	for _, uid := range ch.sortedMembers() {
		if admin := w.users[uid]; ch.isAdmin(uid) && admin != nil && !admin.bot {
			w.push(uid, skip, w.longUpdates(uid, []tg.UpdateClass{u}, &r, w.now()))
		}
	}
}

// adminOf returns the account on key and the channel in names, which it must administer
// (under w.mu). Basic groups answer CHAT_ID_INVALID: the test world keeps links for
// channels and supergroups only.
func (w *World) adminOf(key KeyID, in tg.InputPeerClass) (*account, *channel, error) {
	a, p, err := w.authorizedPeer(key, in)
	if err != nil {
		return nil, nil, err
	}
	if p.Kind != PeerChannel {
		return nil, nil, ErrChatIDInvalid
	}
	ch := w.channels[p.ID]
	if !ch.isAdmin(a.id) {
		return nil, nil, ErrChatAdminRequired
	}
	return a, ch, nil
}

// HideJoinRequest answers messages.hideChatJoinRequest: an admin (person or bot) approves
// or dismisses a pending request. An approved person joins and receives updateChannel;
// people admins receive updatePendingJoinRequests; the caller's result carries it too.
// CHAT_ADMIN_REQUIRED for others, HIDE_REQUESTER_MISSING when the user has no pending
// request.
func (w *World) HideJoinRequest(key KeyID, in tg.InputPeerClass, user tg.InputUserClass, approved bool) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, ch, err := w.adminOf(key, in)
	if err != nil {
		return nil, err
	}
	if user == nil {
		return nil, ErrUserIDInvalid
	}
	u, err := w.resolveUser(a, user)
	if err != nil {
		return nil, err
	}
	rq := ch.requests[u.id]
	if rq == nil {
		return nil, rpcErr(400, "HIDE_REQUESTER_MISSING")
	}
	delete(ch.requests, u.id)
	if inv := w.invites[rq.hash]; inv != nil {
		inv.requested--
		if approved {
			inv.usage++
		}
	}
	if approved {
		// The approved person's connections all learn about the channel.
		w.join(u, KeyID{}, ch, a.id, a.id, w.invites[rq.hash])
	}
	w.pushPendingRequests(ch, key)
	upd, r := w.pendingRequests(ch)
	return w.longUpdates(a.id, []tg.UpdateClass{upd}, &r, w.now()), nil
}
