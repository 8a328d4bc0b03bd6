package world

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// channel is a broadcast channel or a supergroup: one message box and one pts shared by all
// members.
type channel struct {
	id        int64
	title     string
	username  string
	megagroup bool
	creator   int64
	date      int32

	pts     int32
	nextMsg int32
	oldest  int32 // every id up to it has been evicted
	msgs    map[int32]*message
	log     eventLog
	members map[int64]*member
	banned  map[int64]*ban

	invites  []string               // hashes of the channel's invite links, oldest first
	requests map[int64]*joinRequest // pending join requests by user (see invite.go)

	settings chatSettings // description, default rights, slow mode, ... (chatadmin.go)
	adminLog []adminEvent // newest last (adminlog.go)
	forum    bool
	topics   *forumTopics // nil unless forum (topics.go)
}

type member struct {
	date       int32
	inviter    int64
	admin      bool
	rights     tg.ChatAdminRights // an admin's rights (all of them for admins made by the test setup)
	promotedBy int64              // 0: promoted at creation (by the creator)
	rank       string
}

type ban struct {
	rights tg.ChatBannedRights
	by     int64
	date   int32
}

// ChannelSpec describes a channel or supergroup to create.
type ChannelSpec struct {
	Title     string
	Username  string // optional; public channels can be joined without an invite
	Megagroup bool   // supergroup instead of broadcast channel
	Members   []int64
	Admins    []int64 // members with admin rights besides the creator
	Forum     bool    // a supergroup organised in topics
}

// Channel is a snapshot of a channel or supergroup.
type Channel struct {
	ID        int64
	Title     string
	Username  string
	Megagroup bool
	Creator   int64
	Pts       int32
	Members   []int64 // sorted
}

// CreateChannel makes a channel owned by creator.
func (w *World) CreateChannel(creator int64, spec ChannelSpec) (Channel, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	ch, err := w.newChannel(creator, spec)
	if err != nil {
		return Channel{}, err
	}
	return ch.snapshot(), nil
}

// newChannel makes a channel owned by creator (under w.mu).
func (w *World) newChannel(creator int64, spec ChannelSpec) (*channel, error) {
	if w.users[creator] == nil {
		return nil, fmt.Errorf("world: create channel: creator: %w", ErrUserIDInvalid)
	}
	if spec.Title == "" {
		return nil, fmt.Errorf("world: create channel: %w", rpcErr(400, "CHAT_TITLE_EMPTY"))
	}
	if err := w.checkUsernameFree(spec.Username); err != nil {
		return nil, fmt.Errorf("world: create channel: %w", err)
	}
	w.nextChannel++
	now := w.now()
	ch := &channel{
		id: w.nextChannel, title: spec.Title, username: spec.Username, megagroup: spec.Megagroup,
		creator: creator, date: now,
		pts:     1,
		msgs:    make(map[int32]*message),
		members: map[int64]*member{creator: {date: now, admin: true, rights: fullAdminRights()}},
		banned:  make(map[int64]*ban),
	}
	for _, id := range spec.Members {
		if w.users[id] == nil {
			return nil, fmt.Errorf("world: create channel: member %d: %w", id, ErrUserIDInvalid)
		}
		ch.members[id] = &member{date: now, inviter: creator}
	}
	for _, id := range spec.Admins {
		m := ch.members[id]
		if m == nil {
			return nil, fmt.Errorf("world: create channel: admin %d is not a member: %w", id, ErrUserNotParticipant)
		}
		m.admin, m.rights = true, fullAdminRights()
	}
	ch.forum = spec.Forum && spec.Megagroup
	w.channels[ch.id] = ch
	if spec.Username != "" {
		w.byUsername[strings.ToLower(spec.Username)] = ChannelPeer(ch.id)
	}
	for id := range ch.members {
		w.touchDialog(w.users[id], ChannelPeer(ch.id), 0, now, false)
	}
	return ch, nil
}

// Channel returns a snapshot of channel id.
func (w *World) Channel(id int64) (Channel, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	ch := w.channels[id]
	if ch == nil {
		return Channel{}, false
	}
	return ch.snapshot(), true
}

func (ch *channel) snapshot() Channel {
	return Channel{
		ID: ch.id, Title: ch.title, Username: ch.username, Megagroup: ch.megagroup,
		Creator: ch.creator, Pts: ch.pts, Members: ch.sortedMembers(),
	}
}

func (ch *channel) sortedMembers() []int64 {
	ids := make([]int64, 0, len(ch.members))
	for id := range ch.members {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func (ch *channel) isAdmin(user int64) bool {
	m := ch.members[user]
	return m != nil && m.admin
}

func (ch *channel) bannedFromViewing(user int64, now int32) bool {
	b := ch.banned[user]
	return b != nil && b.rights.ViewMessages && (b.rights.UntilDate == 0 || b.rights.UntilDate > now)
}

// canRead reports whether user may read the channel: members, and anyone for a public one,
// unless banned from viewing.
func (ch *channel) canRead(user int64, now int32) bool {
	if ch.bannedFromViewing(user, now) {
		return false
	}
	_, member := ch.members[user]
	return member || ch.username != ""
}

// checkWrite reports why user may not post.
func (ch *channel) checkWrite(user int64, now int32) error {
	if _, member := ch.members[user]; !member {
		if ch.bannedFromViewing(user, now) {
			return ErrChannelPrivate
		}
		return ErrChatWriteForbidden
	}
	if !ch.megagroup && !ch.isAdmin(user) {
		return ErrChatAdminRequired
	}
	if b := ch.banned[user]; b != nil && b.rights.SendMessages && (b.rights.UntilDate == 0 || b.rights.UntilDate > now) {
		return ErrUserBannedInChannel
	}
	if !ch.isAdmin(user) && ch.settings.defaultBanned.SendMessages {
		return ErrChatWriteForbidden
	}
	return nil
}

// restrictedTo returns the rights user is restricted by in ch now: its own restriction and
// the chat's default rights together; admins have none (under w.mu).
func (ch *channel) restrictedTo(user int64, now int32) tg.ChatBannedRights {
	if ch.isAdmin(user) {
		return tg.ChatBannedRights{}
	}
	r := ch.settings.defaultBanned
	if b := ch.banned[user]; b != nil && (b.rights.UntilDate == 0 || b.rights.UntilDate > now) {
		r = unionRights(r, b.rights)
	}
	return r
}

// checkSend is checkWrite for a message with content c: CHAT_SEND_PLAIN_FORBIDDEN for text
// and CHAT_SEND_MEDIA_FORBIDDEN for media the member's restrictions (or the chat's
// defaults) forbid.
func (ch *channel) checkSend(user int64, now int32, c content) error {
	if err := ch.checkWrite(user, now); err != nil {
		return err
	}
	return checkContent(ch.restrictedTo(user, now), c)
}

// checkContent reports what rights r forbid of content c.
func checkContent(r tg.ChatBannedRights, c content) error {
	switch {
	case r.SendMessages:
		return ErrChatWriteForbidden
	case c.media != nil && r.SendMedia:
		return rpcErr(403, "CHAT_SEND_MEDIA_FORBIDDEN")
	case c.media == nil && c.action == nil && r.SendPlain:
		return rpcErr(403, "CHAT_SEND_PLAIN_FORBIDDEN")
	}
	return nil
}

func fullAdminRights() tg.ChatAdminRights {
	return tg.ChatAdminRights{
		ChangeInfo: true, PostMessages: true, EditMessages: true, DeleteMessages: true,
		BanUsers: true, InviteUsers: true, PinMessages: true, AddAdmins: true, ManageCall: true,
		PostStories: true, EditStories: true, DeleteStories: true,
	}
}

func (w *World) tgChannel(viewer int64, ch *channel) tg.ChatClass {
	now := w.now()
	hash := w.accessHash(viewer, PeerChannel, ch.id)
	if ch.bannedFromViewing(viewer, now) {
		out := &tg.ChannelForbidden{Broadcast: !ch.megagroup, Megagroup: ch.megagroup, ID: ch.id, AccessHash: hash, Title: ch.title}
		if until := ch.banned[viewer].rights.UntilDate; until != 0 {
			out.UntilDate = tl.Some(until)
		}
		return out
	}
	m := ch.members[viewer]
	out := &tg.Channel{
		Creator:           ch.creator == viewer,
		Left:              m == nil,
		Broadcast:         !ch.megagroup,
		Megagroup:         ch.megagroup,
		ID:                ch.id,
		AccessHash:        tl.Some(hash),
		Title:             ch.title,
		Photo:             &tg.ChatPhotoEmpty{},
		Date:              ch.date,
		ParticipantsCount: tl.Some(int32(len(ch.members))),
	}
	if ch.username != "" {
		out.Username = tl.Some(ch.username)
	}
	if m != nil && m.admin {
		r := m.rights
		out.AdminRights = &r
	}
	if b := ch.banned[viewer]; b != nil {
		r := b.rights
		out.BannedRights = &r
	}
	ch.settings.render(out)
	out.Forum = ch.forum
	return out
}

// channelUpdates wraps non-pts channel updates into an `updates` for account a, advancing
// a's seq as Telegram does for seq-numbered updates.
func (w *World) seqUpdates(a *account, us []tg.UpdateClass, r *refs) *tg.Updates {
	a.seq++
	a.date = w.now()
	users, chats := w.render(a.id, r)
	return &tg.Updates{Updates: us, Users: users, Chats: chats, Date: a.date, Seq: a.seq}
}

// JoinChannel answers channels.joinChannel (layer 228 wraps the updates in
// messages.chatInviteJoinResultOk); CHANNELS_TOO_MUCH past MaxChannelsPerUser.
func (w *World) JoinChannel(key KeyID, in tg.InputChannelClass) (tg.MessagesChatInviteJoinResultClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, ch, err := w.authorizedChannel(key, in)
	if err != nil {
		return nil, err
	}
	if err := ch.checkJoin(a.id, w.now()); err != nil {
		return nil, err
	}
	if ch.username == "" {
		return nil, ErrChannelPrivate // private channels need an invite link
	}
	if err := w.checkChannelRoom(a); err != nil {
		return nil, err
	}
	return &tg.MessagesChatInviteJoinResultOk{Updates: w.join(a, key, ch, 0, a.id, nil)}, nil
}

// checkJoin reports why user may not join ch: USER_ALREADY_PARTICIPANT, CHANNEL_PRIVATE
// (banned).
func (ch *channel) checkJoin(user int64, now int32) error {
	if _, ok := ch.members[user]; ok {
		return ErrUserAlreadyParticipant
	}
	if ch.bannedFromViewing(user, now) {
		return ErrChannelPrivate
	}
	return nil
}

// administeredChannel returns the account on key and the channel in names, which it must
// administer: CHAT_ADMIN_REQUIRED otherwise (under w.mu).
func (w *World) administeredChannel(key KeyID, in tg.InputChannelClass) (*account, *channel, error) {
	a, ch, err := w.authorizedChannel(key, in)
	if err != nil {
		return nil, nil, err
	}
	if !ch.isAdmin(a.id) {
		return nil, nil, ErrChatAdminRequired
	}
	return a, ch, nil
}

// join makes a a member of ch (invited by inviter, 0 for none; admitted by actor through
// inv, if any) and returns the updateChannel notice for key, pushed to a's other keys
// (under w.mu).
func (w *World) join(a *account, key KeyID, ch *channel, inviter, actor int64, inv *invite) *tg.Updates {
	now := w.now()
	prev := ch.participant(a.id, 0)
	ch.members[a.id] = &member{date: now, inviter: inviter}
	w.touchDialog(a, ChannelPeer(ch.id), ch.nextMsg, now, false)
	w.participantChanged(ch, actor, a.id, prev, inv)
	var action tg.MessageActionClass = &tg.MessageActionChatAddUser{Users: []int64{a.id}}
	switch {
	case inv != nil && actor != a.id:
		action = &tg.MessageActionChatJoinedByRequest{}
	case inv != nil:
		action = &tg.MessageActionChatJoinedByLink{InviterID: inv.admin}
	}
	w.announce(ch, a, action)
	return w.channelNotice(a, key, ch)
}

// announce posts a service message about a member (from) in a supergroup, as Telegram does
// for joins and departures; every member receives it, the author's connections included.
// Broadcast channels get none (under w.mu).
func (w *World) announce(ch *channel, from *account, action tg.MessageActionClass) {
	if ch.megagroup {
		w.deliverChannel(from, KeyID{}, ch, content{action: action})
	}
}

// channelNotice builds updateChannel for a (result for key, pushed to a's other keys).
func (w *World) channelNotice(a *account, key KeyID, ch *channel) *tg.Updates {
	var r refs
	r.add(ChannelPeer(ch.id))
	u := w.seqUpdates(a, []tg.UpdateClass{&tg.UpdateChannel{ChannelID: ch.id}}, &r)
	w.push(a.id, key, u)
	return u
}

// EditBanned answers channels.editBanned: restrict, ban (view_messages) or lift a ban.
func (w *World) EditBanned(key KeyID, in tg.InputChannelClass, who tg.InputPeerClass, rights tg.ChatBannedRights) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, ch, err := w.administeredChannel(key, in)
	if err != nil {
		return nil, err
	}
	if !ch.hasRight(a.id, func(r tg.ChatAdminRights) bool { return r.BanUsers }) {
		return nil, ErrChatAdminRequired
	}
	p, err := w.resolvePeer(a, who)
	if err != nil {
		return nil, err
	}
	if p.Kind != PeerUser || p.ID == ch.creator {
		return nil, ErrUserIDInvalid
	}
	if ch.isAdmin(p.ID) && a.id != ch.creator {
		return nil, rpcErr(400, "USER_ADMIN_INVALID")
	}
	prev := ch.participant(p.ID, 0)
	if rights == (tg.ChatBannedRights{UntilDate: rights.UntilDate}) {
		delete(ch.banned, p.ID)
	} else {
		ch.banned[p.ID] = &ban{rights: rights, by: a.id, date: w.now()}
		if rights.ViewMessages {
			delete(ch.members, p.ID)
		}
	}
	w.participantChanged(ch, a.id, p.ID, prev, nil)
	w.logBan(ch, a.id, p.ID, prev)
	if _, wasMember := prev.(*tg.ChannelParticipant); wasMember && ch.members[p.ID] == nil {
		w.announce(ch, a, &tg.MessageActionChatDeleteUser{UserID: p.ID})
	}
	if target := w.users[p.ID]; target != nil {
		var r refs
		r.add(ChannelPeer(ch.id))
		w.push(target.id, KeyID{}, w.seqUpdates(target, []tg.UpdateClass{&tg.UpdateChannel{ChannelID: ch.id}}, &r))
	}
	return w.channelNotice(a, key, ch), nil
}

// Participant answers channels.getParticipant.
func (w *World) Participant(key KeyID, in tg.InputChannelClass, who tg.InputPeerClass) (*tg.ChannelsChannelParticipant, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, ch, err := w.readableChannel(key, in)
	if err != nil {
		return nil, err
	}
	p, err := w.resolvePeer(a, who)
	if err != nil {
		return nil, err
	}
	if p.Kind != PeerUser {
		return nil, ErrUserNotParticipant
	}
	part := ch.participant(p.ID, a.id)
	if part == nil {
		return nil, ErrUserNotParticipant
	}
	var r refs
	r.add(ChannelPeer(ch.id))
	r.add(p)
	users, chats := w.render(a.id, &r)
	return &tg.ChannelsChannelParticipant{Participant: part, Chats: chats, Users: users}, nil
}
