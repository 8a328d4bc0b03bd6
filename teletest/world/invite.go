package world

import (
	"encoding/hex"
	"slices"
	"strings"

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
	permanent     bool // the admin's primary link
	revoked       bool
	pricing       *tg.StarsSubscriptionPricing
	joiners       []joiner // who joined through it, oldest first
}

// joiner is a person who joined through a link.
type joiner struct {
	user, approvedBy int64
	date             int32
}

// joinRequest is a person's request to join through a link with request_needed.
type joinRequest struct {
	date int32
	hash string
}

// link renders the invite as its admins see it.
func (inv *invite) link() *tg.ChatInviteExported {
	out := &tg.ChatInviteExported{
		RequestNeeded: inv.requestNeeded, Link: inviteURL + inv.hash, AdminID: inv.admin,
		Date: inv.date, Usage: tl.Some(inv.usage), Permanent: inv.permanent, Revoked: inv.revoked,
		SubscriptionPricing: inv.pricing,
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

// inviteURL prefixes an invite hash in a link.
const inviteURL = "https://t.me/+"

// InviteSpec is messages.exportChatInvite.
type InviteSpec struct {
	RequestNeeded bool
	ExpireDate    int32
	UsageLimit    int32
	Title         string
	// LegacyRevokePermanent makes a new primary link, revoking the admin's old one.
	LegacyRevokePermanent bool
	Pricing               *tg.StarsSubscriptionPricing
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
		pricing: spec.Pricing,
	}
	if spec.LegacyRevokePermanent {
		if old := w.primaryInvite(ch, a.id); old != nil {
			old.revoked = true
		}
		inv.permanent, inv.requestNeeded, inv.title, inv.expire, inv.usageLimit = true, false, "", 0, 0
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
	if inv.revoked || inv.expire != 0 && inv.expire <= now || inv.usageLimit != 0 && inv.usage >= inv.usageLimit {
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
// CHANNELS_TOO_MUCH (MaxChannelsPerUser), BOT_METHOD_INVALID for bots.
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
	if ch.bannedFromViewing(a.id, now) {
		return nil, ErrUserBannedInChannel
	}
	if err := ch.checkJoin(a.id, now); err != nil {
		return nil, err
	}
	if err := w.checkChannelRoom(a); err != nil {
		return nil, err
	}
	if !inv.requestNeeded {
		inv.usage++
		inv.joiners = append(inv.joiners, joiner{user: a.id, date: now})
		w.logEvent(ch, a.id, &tg.ChannelAdminLogEventActionParticipantJoinByInvite{Invite: inv.link()})
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
	if !ch.hasRight(a.id, rightInvite) {
		return nil, nil, ErrChatAdminRequired
	}
	return a, ch, nil
}

// HideJoinRequest answers messages.hideChatJoinRequest: an admin (person or bot) approves
// or dismisses a pending request. An approved person joins and receives updateChannel;
// people admins receive updatePendingJoinRequests; the caller's result carries it too.
// CHAT_ADMIN_REQUIRED for others, HIDE_REQUESTER_MISSING when the user has no pending
// request, USER_CHANNELS_TOO_MUCH approving someone in MaxChannelsPerUser channels already
// (the request stays pending).
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
	if ch.requests[u.id] == nil {
		return nil, rpcErr(400, "HIDE_REQUESTER_MISSING")
	}
	if approved && w.channelsFull(u) {
		return nil, ErrUserChannelsTooMuch
	}
	w.hideRequest(a, ch, u, approved)
	w.pushPendingRequests(ch, key)
	upd, r := w.pendingRequests(ch)
	return w.longUpdates(a.id, []tg.UpdateClass{upd}, &r, w.now()), nil
}

// hideRequest approves or dismisses the pending request of u to join ch (under w.mu).
func (w *World) hideRequest(a *account, ch *channel, u *account, approved bool) {
	rq := ch.requests[u.id]
	delete(ch.requests, u.id)
	inv := w.invites[rq.hash]
	if inv != nil {
		inv.requested--
		if approved {
			inv.usage++
			inv.joiners = append(inv.joiners, joiner{user: u.id, approvedBy: a.id, date: w.now()})
		}
	}
	if approved {
		// The approved person's connections all learn about the channel.
		w.join(u, KeyID{}, ch, a.id, a.id, inv)
		ev := &tg.ChannelAdminLogEventActionParticipantJoinByRequest{Invite: &tg.ChatInvitePublicJoinRequests{}, ApprovedBy: a.id}
		if inv != nil {
			ev.Invite = inv.link()
		}
		w.logEvent(ch, a.id, ev)
	}
}

// HideAllJoinRequests answers messages.hideAllChatJoinRequests: every pending request
// (through link only, when it is not "") is approved or dismissed. Approving passes over the
// people in MaxChannelsPerUser channels already: their requests stay pending, as
// hideChatJoinRequest would answer USER_CHANNELS_TOO_MUCH for each.
func (w *World) HideAllJoinRequests(key KeyID, in tg.InputPeerClass, approved bool, link string) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, ch, err := w.adminOf(key, in)
	if err != nil {
		return nil, err
	}
	hash := strings.TrimPrefix(link, inviteURL)
	for _, uid := range sortedKeys(ch.requests) {
		if link != "" && ch.requests[uid].hash != hash {
			continue
		}
		if u := w.users[uid]; !approved || !w.channelsFull(u) {
			w.hideRequest(a, ch, u, approved)
		}
	}
	w.pushPendingRequests(ch, key)
	upd, r := w.pendingRequests(ch)
	return w.longUpdates(a.id, []tg.UpdateClass{upd}, &r, w.now()), nil
}

// primaryInvite returns admin's primary link of ch, nil when it has none (under w.mu).
func (w *World) primaryInvite(ch *channel, admin int64) *invite {
	for _, h := range ch.invites {
		if inv := w.invites[h]; inv != nil && inv.permanent && !inv.revoked && inv.admin == admin {
			return inv
		}
	}
	return nil
}

// linkOf returns the invite of ch with link (or bare hash): INVITE_HASH_EXPIRED when there
// is none (under w.mu).
func (w *World) linkOf(ch *channel, link string) (*invite, error) {
	inv := w.invites[strings.TrimPrefix(link, inviteURL)]
	if inv == nil || inv.channel != ch.id {
		return nil, rpcErr(400, "INVITE_HASH_EXPIRED")
	}
	return inv, nil
}

// InviteEdit is messages.editExportedChatInvite: nil fields stay as they are.
type InviteEdit struct {
	Revoke        bool
	ExpireDate    *int32
	UsageLimit    *int32
	RequestNeeded *bool
	Title         *string
}

// EditInvite answers messages.editExportedChatInvite: an admin revokes or changes a link
// (its own; the creator any). Revoking a primary link makes a new one
// (messages.exportedChatInviteReplaced). EXPIRE_DATE_INVALID for a past date,
// USAGE_LIMIT_INVALID.
func (w *World) EditInvite(key KeyID, in tg.InputPeerClass, link string, e InviteEdit) (tg.MessagesExportedChatInviteClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, ch, err := w.adminOf(key, in)
	if err != nil {
		return nil, err
	}
	inv, err := w.linkOf(ch, link)
	if err != nil {
		return nil, err
	}
	if inv.admin != a.id && a.id != ch.creator {
		return nil, ErrChatAdminRequired
	}
	var r refs
	r.add(UserPeer(inv.admin))
	if e.Revoke {
		inv.revoked = true
		w.logEvent(ch, a.id, &tg.ChannelAdminLogEventActionExportedInviteRevoke{Invite: inv.link()})
		if inv.permanent {
			var b [8]byte
			if err := w.random(b[:]); err != nil {
				return nil, err
			}
			next := &invite{hash: hex.EncodeToString(b[:]), channel: ch.id, admin: inv.admin, date: w.now(), permanent: true}
			w.invites[next.hash] = next
			ch.invites = append(ch.invites, next.hash)
			users, _ := w.render(a.id, &r)
			return &tg.MessagesExportedChatInviteReplaced{Invite: inv.link(), NewInvite: next.link(), Users: users}, nil
		}
		users, _ := w.render(a.id, &r)
		return &tg.MessagesExportedChatInvite{Invite: inv.link(), Users: users}, nil
	}
	prev := inv.link()
	if e.ExpireDate != nil {
		if *e.ExpireDate != 0 && *e.ExpireDate <= w.now() {
			return nil, rpcErr(400, "EXPIRE_DATE_INVALID")
		}
		inv.expire = *e.ExpireDate
	}
	if e.UsageLimit != nil {
		if *e.UsageLimit < 0 || *e.UsageLimit > 99999 {
			return nil, rpcErr(400, "USAGE_LIMIT_INVALID")
		}
		inv.usageLimit = *e.UsageLimit
	}
	if e.RequestNeeded != nil {
		inv.requestNeeded = *e.RequestNeeded
	}
	if e.Title != nil {
		inv.title = *e.Title
	}
	w.logEvent(ch, a.id, &tg.ChannelAdminLogEventActionExportedInviteEdit{PrevInvite: prev, NewInvite: inv.link()})
	users, _ := w.render(a.id, &r)
	return &tg.MessagesExportedChatInvite{Invite: inv.link(), Users: users}, nil
}

// InviteInfo answers messages.getExportedChatInvite.
func (w *World) InviteInfo(key KeyID, in tg.InputPeerClass, link string) (*tg.MessagesExportedChatInvite, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, ch, err := w.adminOf(key, in)
	if err != nil {
		return nil, err
	}
	inv, err := w.linkOf(ch, link)
	if err != nil {
		return nil, err
	}
	var r refs
	r.add(UserPeer(inv.admin))
	users, _ := w.render(a.id, &r)
	return &tg.MessagesExportedChatInvite{Invite: inv.link(), Users: users}, nil
}

// DeleteInvite answers messages.deleteExportedChatInvite: only revoked links may be
// deleted (INVITE_REVOKED_MISSING otherwise).
func (w *World) DeleteInvite(key KeyID, in tg.InputPeerClass, link string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, ch, err := w.adminOf(key, in)
	if err != nil {
		return err
	}
	inv, err := w.linkOf(ch, link)
	if err != nil {
		return err
	}
	if !inv.revoked {
		return rpcErr(400, "INVITE_REVOKED_MISSING")
	}
	w.dropInvite(ch, inv)
	w.logEvent(ch, a.id, &tg.ChannelAdminLogEventActionExportedInviteDelete{Invite: inv.link()})
	return nil
}

func (w *World) dropInvite(ch *channel, inv *invite) {
	delete(w.invites, inv.hash)
	ch.invites = slices.DeleteFunc(ch.invites, func(h string) bool { return h == inv.hash })
}

// DeleteRevokedInvites answers messages.deleteRevokedExportedChatInvites: admin's revoked
// links go.
func (w *World) DeleteRevokedInvites(key KeyID, in tg.InputPeerClass, admin tg.InputUserClass) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, ch, err := w.adminOf(key, in)
	if err != nil {
		return err
	}
	u, err := w.resolveUser(a, admin)
	if err != nil {
		return err
	}
	for _, h := range slices.Clone(ch.invites) {
		if inv := w.invites[h]; inv != nil && inv.revoked && inv.admin == u.id {
			w.dropInvite(ch, inv)
		}
	}
	return nil
}

// InvitesQuery is messages.getExportedChatInvites's selection.
type InvitesQuery struct {
	Admin      tg.InputUserClass
	Revoked    bool
	OffsetDate int32
	OffsetLink string
	Limit      int32
}

// Invites answers messages.getExportedChatInvites: admin's links (working, or revoked),
// newest first. Other admins' links need the creator (CHAT_ADMIN_REQUIRED).
func (w *World) Invites(key KeyID, in tg.InputPeerClass, q InvitesQuery) (*tg.MessagesExportedChatInvites, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, ch, err := w.adminOf(key, in)
	if err != nil {
		return nil, err
	}
	u, err := w.resolveUser(a, q.Admin)
	if err != nil {
		return nil, err
	}
	if u.id != a.id && a.id != ch.creator {
		return nil, ErrChatAdminRequired
	}
	var all []*invite
	for i := len(ch.invites) - 1; i >= 0; i-- {
		if inv := w.invites[ch.invites[i]]; inv != nil && inv.admin == u.id && inv.revoked == q.Revoked {
			all = append(all, inv)
		}
	}
	got := pageAfter(all, q.OffsetLink != "", func(inv *invite) bool { return inviteURL+inv.hash == q.OffsetLink }, q.Limit, 100)
	out := &tg.MessagesExportedChatInvites{Count: int32(len(all)), Invites: make([]tg.ExportedChatInviteClass, 0, len(got))}
	for _, inv := range got {
		out.Invites = append(out.Invites, inv.link())
	}
	var r refs
	r.add(UserPeer(u.id))
	out.Users, _ = w.render(a.id, &r)
	return out, nil
}

// AdminsWithInvites answers messages.getAdminsWithInvites: per admin, its links and
// revoked links (creator only: CHAT_ADMIN_REQUIRED).
func (w *World) AdminsWithInvites(key KeyID, in tg.InputPeerClass) (*tg.MessagesChatAdminsWithInvites, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, ch, err := w.adminOf(key, in)
	if err != nil {
		return nil, err
	}
	if a.id != ch.creator {
		return nil, ErrChatAdminRequired
	}
	counts := map[int64]*tg.ChatAdminWithInvites{}
	for _, h := range ch.invites {
		inv := w.invites[h]
		if inv == nil {
			continue
		}
		c := counts[inv.admin]
		if c == nil {
			c = &tg.ChatAdminWithInvites{AdminID: inv.admin}
			counts[inv.admin] = c
		}
		if inv.revoked {
			c.RevokedInvitesCount++
		} else {
			c.InvitesCount++
		}
	}
	out := &tg.MessagesChatAdminsWithInvites{Admins: []tg.ChatAdminWithInvites{}}
	var r refs
	for _, id := range sortedKeys(counts) {
		out.Admins = append(out.Admins, *counts[id])
		r.add(UserPeer(id))
	}
	out.Users, _ = w.render(a.id, &r)
	return out, nil
}

// ImportersQuery is messages.getChatInviteImporters's selection.
type ImportersQuery struct {
	Requested  bool
	Link       string // "" for every link (requests only)
	Q          string
	OffsetDate int32
	OffsetUser int64
	Limit      int32
}

// Importers answers messages.getChatInviteImporters: who joined through a link, or the
// pending requests (Requested), newest first.
func (w *World) Importers(key KeyID, in tg.InputPeerClass, q ImportersQuery) (*tg.MessagesChatInviteImporters, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, ch, err := w.adminOf(key, in)
	if err != nil {
		return nil, err
	}
	var all []tg.ChatInviteImporter
	if q.Requested {
		for _, uid := range sortedKeys(ch.requests) {
			rq := ch.requests[uid]
			if q.Link == "" || inviteURL+rq.hash == q.Link {
				all = append(all, tg.ChatInviteImporter{Requested: true, UserID: uid, Date: rq.date})
			}
		}
	} else {
		if q.Link == "" {
			return nil, rpcErr(400, "LINK_NOT_MODIFIED")
		}
		inv, err := w.linkOf(ch, q.Link)
		if err != nil {
			return nil, err
		}
		for _, j := range inv.joiners {
			im := tg.ChatInviteImporter{UserID: j.user, Date: j.date}
			if j.approvedBy != 0 {
				im.ApprovedBy = tl.Some(j.approvedBy)
			}
			all = append(all, im)
		}
	}
	if q.Q != "" {
		all = slices.DeleteFunc(all, func(im tg.ChatInviteImporter) bool {
			u := w.users[im.UserID]
			return u == nil || !strings.Contains(strings.ToLower(u.firstName+" "+u.lastName+" "+u.username), strings.ToLower(q.Q))
		})
	}
	slices.SortStableFunc(all, func(x, y tg.ChatInviteImporter) int {
		if x.Date != y.Date {
			return int(y.Date - x.Date)
		}
		return int(y.UserID - x.UserID)
	})
	got := pageAfter(all, q.OffsetUser != 0, func(im tg.ChatInviteImporter) bool { return im.UserID == q.OffsetUser }, q.Limit, 100)
	out := &tg.MessagesChatInviteImporters{Count: int32(len(all)), Importers: append([]tg.ChatInviteImporter{}, got...)}
	var r refs
	for _, im := range got {
		r.add(UserPeer(im.UserID))
	}
	out.Users, _ = w.render(a.id, &r)
	return out, nil
}
