package world

import (
	"reflect"
	"slices"
	"strings"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Settings, full information and the lifecycle of groups and channels: creation, migration
// of a basic group to a supergroup, deletion, and the edits administrators make. Rights are
// enforced: an edit needs the admin right that covers it (CHAT_ADMIN_REQUIRED otherwise).

// chatSettings are the editable settings of a group or channel.
type chatSettings struct {
	about         string
	defaultBanned tg.ChatBannedRights
	slowmode      int32
	noforwards    bool
	hiddenHistory bool
	signatures    bool
	ttl           int32
	reactions     tg.ChatReactionsClass // nil: all
	linked        int64                 // channel id of the discussion group or linked channel
	migratedFrom  int64                 // basic group a supergroup was made from
	migratedTo    int64                 // supergroup a basic group became
	photo         int64                 // photo id, 0 for none
	usernames     []tg.Username         // further (collectible) usernames
	sendAs        map[int64]Peer        // default send-as per member
}

// render copies the settings into a channel object.
func (s *chatSettings) render(out *tg.Channel) {
	if s.defaultBanned != (tg.ChatBannedRights{}) {
		r := s.defaultBanned
		out.DefaultBannedRights = &r
	}
	out.Noforwards, out.SlowmodeEnabled, out.Signatures = s.noforwards, s.slowmode != 0, s.signatures
	if len(s.usernames) > 0 {
		out.Usernames = s.usernames
	}
	if s.photo != 0 {
		out.Photo = &tg.ChatPhoto{PhotoID: s.photo, DCID: 2}
	}
}

// hasRight reports whether user may do what right selects in ch: the creator always, an
// admin with the right.
func (ch *channel) hasRight(user int64, right func(tg.ChatAdminRights) bool) bool {
	if user == ch.creator {
		return true
	}
	m := ch.members[user]
	return m != nil && m.admin && (right == nil || right(m.rights))
}

// rightsWithin reports whether every flag set in a is set in b (bool fields of TL flag
// structs).
func rightsWithin(a, b any) bool {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	for i := range va.NumField() {
		if f := va.Field(i); f.Kind() == reflect.Bool && f.Bool() && !vb.Field(i).Bool() {
			return false
		}
	}
	return true
}

// unionRights returns the rights either of a or b forbids, with b's until date.
func unionRights(a, b tg.ChatBannedRights) tg.ChatBannedRights {
	out := b
	va, vo := reflect.ValueOf(a), reflect.ValueOf(&out).Elem()
	for i := range va.NumField() {
		if f := va.Field(i); f.Kind() == reflect.Bool && f.Bool() {
			vo.Field(i).SetBool(true)
		}
	}
	return out
}

var (
	rightChangeInfo = func(r tg.ChatAdminRights) bool { return r.ChangeInfo }
	rightBan        = func(r tg.ChatAdminRights) bool { return r.BanUsers }
	rightInvite     = func(r tg.ChatAdminRights) bool { return r.InviteUsers }
	rightTopics     = func(r tg.ChatAdminRights) bool { return r.ManageTopics }
	rightDelete     = func(r tg.ChatAdminRights) bool { return r.DeleteMessages }
)

// target is a group or channel a request names, with the account acting on it.
type target struct {
	a  *account
	c  *chat    // basic group
	ch *channel // supergroup or channel
}

func (t target) settings() *chatSettings {
	if t.ch != nil {
		return &t.ch.settings
	}
	return &t.c.settings
}

// managed resolves in into a group or channel on which the account on key holds right (nil:
// any admin right; in a basic group the creator and its admins hold every right):
// CHAT_ADMIN_REQUIRED otherwise, PEER_ID_INVALID for users (under w.mu).
func (w *World) managed(key KeyID, in tg.InputPeerClass, right func(tg.ChatAdminRights) bool) (target, error) {
	t, err := w.groupTarget(key, in)
	if err != nil {
		return target{}, err
	}
	if t.ch != nil && !t.ch.hasRight(t.a.id, right) || t.c != nil && !t.c.isAdmin(t.a.id) {
		return target{}, ErrChatAdminRequired
	}
	return t, nil
}

// groupTarget resolves in into a group or channel the account on key belongs to (a
// readable channel) (under w.mu).
func (w *World) groupTarget(key KeyID, in tg.InputPeerClass) (target, error) {
	a, p, err := w.authorizedPeer(key, in)
	if err != nil {
		return target{}, err
	}
	switch p.Kind {
	case PeerChat:
		c := w.chats[p.ID]
		if c.deactivated {
			return target{}, rpcErr(400, "CHAT_ID_INVALID")
		}
		return target{a: a, c: c}, nil
	case PeerChannel:
		ch := w.channels[p.ID]
		if !ch.canRead(a.id, w.now()) {
			return target{}, ErrChannelPrivate
		}
		return target{a: a, ch: ch}, nil
	}
	return target{}, ErrPeerIDInvalid
}

// channelTarget is managed for a channel named by an input channel.
func (w *World) channelTarget(key KeyID, in tg.InputChannelClass, right func(tg.ChatAdminRights) bool) (target, error) {
	a, ch, err := w.authorizedChannel(key, in)
	if err != nil {
		return target{}, err
	}
	if !ch.hasRight(a.id, right) {
		return target{}, ErrChatAdminRequired
	}
	return target{a: a, ch: ch}, nil
}

// changed tells the target's members that the chat changed (updateChannel or updateChat)
// and returns the notice for key (under w.mu).
func (w *World) changed(t target, key KeyID) *tg.Updates {
	if t.ch != nil {
		for _, uid := range t.ch.sortedMembers() {
			if uid != t.a.id {
				w.notifyChannel(uid, t.ch)
			}
		}
		return w.channelNotice(t.a, key, t.ch)
	}
	var out *tg.Updates
	for _, uid := range t.c.sortedMembers() {
		var r refs
		r.add(ChatPeer(t.c.id))
		u := w.seqUpdates(w.users[uid], []tg.UpdateClass{&tg.UpdateChat{ChatID: t.c.id}}, &r)
		if uid == t.a.id {
			out = u
			w.push(uid, key, u)
			continue
		}
		w.push(uid, KeyID{}, u)
	}
	if out == nil {
		var r refs
		r.add(ChatPeer(t.c.id))
		out = w.seqUpdates(t.a, []tg.UpdateClass{&tg.UpdateChat{ChatID: t.c.id}}, &r)
	}
	return out
}

// notifyChannel pushes updateChannel about ch to user (under w.mu).
func (w *World) notifyChannel(user int64, ch *channel) {
	a := w.users[user]
	if a == nil {
		return
	}
	var r refs
	r.add(ChannelPeer(ch.id))
	w.push(user, KeyID{}, w.seqUpdates(a, []tg.UpdateClass{&tg.UpdateChannel{ChannelID: ch.id}}, &r))
}

// editSettings applies edit to the settings of the group or channel in names, which the
// account on key must manage with right, logs what changed in a channel's event log and
// tells the members (under its own lock).
func (w *World) editSettings(key KeyID, in tg.InputPeerClass, right func(tg.ChatAdminRights) bool, edit func(t target, s *chatSettings) (tg.ChannelAdminLogEventActionClass, error)) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	t, err := w.managed(key, in, right)
	if err != nil {
		return nil, err
	}
	ev, err := edit(t, t.settings())
	if err != nil {
		return nil, err
	}
	if t.ch != nil && ev != nil {
		w.logEvent(t.ch, t.a.id, ev)
	}
	return w.changed(t, key), nil
}

// ChannelInputPeer turns an input channel into the input peer of the same channel.
func ChannelInputPeer(in tg.InputChannelClass) tg.InputPeerClass {
	switch c := in.(type) {
	case *tg.InputChannel:
		return &tg.InputPeerChannel{ChannelID: c.ChannelID, AccessHash: c.AccessHash}
	case *tg.InputChannelFromMessage:
		return &tg.InputPeerChannelFromMessage{Peer: c.Peer, MsgID: c.MsgID, ChannelID: c.ChannelID}
	}
	return &tg.InputPeerEmpty{}
}

// EditAbout answers messages.editChatAbout (needs change_info). CHAT_ABOUT_TOO_LONG beyond
// 255 characters, CHAT_ABOUT_NOT_MODIFIED for the same text.
func (w *World) EditAbout(key KeyID, in tg.InputPeerClass, about string) error {
	_, err := w.editSettings(key, in, rightChangeInfo, func(_ target, s *chatSettings) (tg.ChannelAdminLogEventActionClass, error) {
		switch {
		case len([]rune(about)) > 255:
			return nil, rpcErr(400, "CHAT_ABOUT_TOO_LONG")
		case about == s.about:
			return nil, rpcErr(400, "CHAT_ABOUT_NOT_MODIFIED")
		}
		ev := &tg.ChannelAdminLogEventActionChangeAbout{PrevValue: s.about, NewValue: about}
		s.about = about
		return ev, nil
	})
	return err
}

// EditDefaultRights answers messages.editChatDefaultBannedRights (needs ban_users): what
// members may do unless an admin. CHAT_NOT_MODIFIED for the same rights.
func (w *World) EditDefaultRights(key KeyID, in tg.InputPeerClass, rights tg.ChatBannedRights) (tg.UpdatesClass, error) {
	rights.UntilDate = 0
	return w.editSettings(key, in, rightBan, func(_ target, s *chatSettings) (tg.ChannelAdminLogEventActionClass, error) {
		if rights == s.defaultBanned {
			return nil, rpcErr(400, "CHAT_NOT_MODIFIED")
		}
		ev := &tg.ChannelAdminLogEventActionDefaultBannedRights{PrevBannedRights: s.defaultBanned, NewBannedRights: rights}
		s.defaultBanned = rights
		return ev, nil
	})
}

// slowModes are the delays channels.toggleSlowMode accepts.
var slowModes = map[int32]bool{0: true, 10: true, 30: true, 60: true, 300: true, 900: true, 3600: true}

// ToggleSlowMode answers channels.toggleSlowMode (supergroups; needs ban_users).
// SECONDS_INVALID for other delays, CHAT_NOT_MODIFIED for the same one.
func (w *World) ToggleSlowMode(key KeyID, in tg.InputChannelClass, seconds int32) (tg.UpdatesClass, error) {
	return w.editSettings(key, ChannelInputPeer(in), rightBan, func(t target, s *chatSettings) (tg.ChannelAdminLogEventActionClass, error) {
		switch {
		case !t.ch.megagroup:
			return nil, rpcErr(400, "INPUT_METHOD_INVALID")
		case !slowModes[seconds]:
			return nil, rpcErr(400, "SECONDS_INVALID")
		case seconds == s.slowmode:
			return nil, rpcErr(400, "CHAT_NOT_MODIFIED")
		}
		ev := &tg.ChannelAdminLogEventActionToggleSlowMode{PrevValue: s.slowmode, NewValue: seconds}
		s.slowmode = seconds
		return ev, nil
	})
}

// ToggleNoForwards answers messages.toggleNoForwards (needs change_info).
func (w *World) ToggleNoForwards(key KeyID, in tg.InputPeerClass, enabled bool) (tg.UpdatesClass, error) {
	return w.editSettings(key, in, rightChangeInfo, func(_ target, s *chatSettings) (tg.ChannelAdminLogEventActionClass, error) {
		if s.noforwards == enabled {
			return nil, rpcErr(400, "CHAT_NOT_MODIFIED")
		}
		s.noforwards = enabled
		return &tg.ChannelAdminLogEventActionToggleNoForwards{NewValue: enabled}, nil
	})
}

// TogglePreHistoryHidden answers channels.togglePreHistoryHidden (needs ban_users).
func (w *World) TogglePreHistoryHidden(key KeyID, in tg.InputChannelClass, hidden bool) (tg.UpdatesClass, error) {
	return w.editSettings(key, ChannelInputPeer(in), rightBan, func(_ target, s *chatSettings) (tg.ChannelAdminLogEventActionClass, error) {
		if s.hiddenHistory == hidden {
			return nil, rpcErr(400, "CHAT_NOT_MODIFIED")
		}
		s.hiddenHistory = hidden
		return &tg.ChannelAdminLogEventActionTogglePreHistoryHidden{NewValue: hidden}, nil
	})
}

// ToggleSignatures answers channels.toggleSignatures (broadcast channels; needs
// change_info).
func (w *World) ToggleSignatures(key KeyID, in tg.InputChannelClass, enabled bool) (tg.UpdatesClass, error) {
	return w.editSettings(key, ChannelInputPeer(in), rightChangeInfo, func(t target, s *chatSettings) (tg.ChannelAdminLogEventActionClass, error) {
		if t.ch.megagroup {
			return nil, rpcErr(400, "CHANNEL_INVALID")
		}
		s.signatures = enabled
		return &tg.ChannelAdminLogEventActionToggleSignatures{NewValue: enabled}, nil
	})
}

// SetHistoryTTL answers messages.setHistoryTTL for groups and channels (needs
// change_info; private chats are not kept by the test world). TTL_PERIOD_INVALID for a
// negative period.
func (w *World) SetHistoryTTL(key KeyID, in tg.InputPeerClass, period int32) (tg.UpdatesClass, error) {
	return w.editSettings(key, in, rightChangeInfo, func(_ target, s *chatSettings) (tg.ChannelAdminLogEventActionClass, error) {
		if period < 0 {
			return nil, rpcErr(400, "TTL_PERIOD_INVALID")
		}
		ev := &tg.ChannelAdminLogEventActionChangeHistoryTTL{PrevValue: s.ttl, NewValue: period}
		s.ttl = period
		return ev, nil
	})
}

// SetReactions answers messages.setChatAvailableReactions (needs change_info).
func (w *World) SetReactions(key KeyID, in tg.InputPeerClass, r tg.ChatReactionsClass) (tg.UpdatesClass, error) {
	return w.editSettings(key, in, rightChangeInfo, func(_ target, s *chatSettings) (tg.ChannelAdminLogEventActionClass, error) {
		prev := s.reactions
		if prev == nil {
			prev = &tg.ChatReactionsAll{}
		}
		s.reactions = r
		return &tg.ChannelAdminLogEventActionChangeAvailableReactions{PrevValue: prev, NewValue: r}, nil
	})
}

// EditPhoto answers channels.editPhoto and messages.editChatPhoto (needs change_info): an
// uploaded photo gets a new id, inputChatPhotoEmpty removes it. The photo's bytes are not
// kept.
func (w *World) EditPhoto(key KeyID, in tg.InputPeerClass, photo tg.InputChatPhotoClass) (tg.UpdatesClass, error) {
	return w.editSettings(key, in, rightChangeInfo, func(t target, s *chatSettings) (tg.ChannelAdminLogEventActionClass, error) {
		switch photo.(type) {
		case *tg.InputChatPhotoEmpty:
			if s.photo == 0 {
				return nil, rpcErr(400, "PHOTO_NOT_MODIFIED")
			}
			s.photo = 0
		case *tg.InputChatUploadedPhoto, *tg.InputChatPhoto:
			s.photo = w.randomInt64()
		default:
			return nil, rpcErr(400, "PHOTO_INVALID")
		}
		return &tg.ChannelAdminLogEventActionChangePhoto{PrevPhoto: &tg.PhotoEmpty{}, NewPhoto: &tg.PhotoEmpty{}}, nil
	})
}

// UpdateChannelUsername answers channels.updateUsername (needs change_info): sets or, with
// "", removes the public username. USERNAME_OCCUPIED, USERNAME_INVALID,
// USERNAME_NOT_MODIFIED.
func (w *World) UpdateChannelUsername(key KeyID, in tg.InputChannelClass, username string) error {
	_, err := w.editSettings(key, ChannelInputPeer(in), rightChangeInfo, func(t target, _ *chatSettings) (tg.ChannelAdminLogEventActionClass, error) {
		ch := t.ch
		if strings.EqualFold(username, ch.username) {
			return nil, rpcErr(400, "USERNAME_NOT_MODIFIED")
		}
		if username != "" && !validUsername(username) {
			return nil, ErrUsernameInvalid
		}
		if err := w.checkUsernameFree(username); err != nil {
			return nil, err
		}
		ev := &tg.ChannelAdminLogEventActionChangeUsername{PrevValue: ch.username, NewValue: username}
		if ch.username != "" {
			delete(w.byUsername, strings.ToLower(ch.username))
		}
		ch.username = username
		if username != "" {
			w.byUsername[strings.ToLower(username)] = ChannelPeer(ch.id)
		}
		return ev, nil
	})
	return err
}

// ReorderUsernames answers channels.reorderUsernames: order must name exactly the active
// usernames of the channel (its main one included). USERNAMES_ACTIVE_TOO_MUCH otherwise.
func (w *World) ReorderUsernames(key KeyID, in tg.InputChannelClass, order []string) error {
	_, err := w.editSettings(key, ChannelInputPeer(in), rightChangeInfo, func(t target, s *chatSettings) (tg.ChannelAdminLogEventActionClass, error) {
		all := t.ch.allUsernames()
		active := map[string]tg.Username{}
		for _, u := range all {
			if u.Active {
				active[strings.ToLower(u.Username)] = u
			}
		}
		if len(order) != len(active) {
			return nil, rpcErr(400, "USERNAMES_ACTIVE_TOO_MUCH")
		}
		out := make([]tg.Username, 0, len(all))
		for _, name := range order {
			u, ok := active[strings.ToLower(name)]
			if !ok {
				return nil, rpcErr(400, "USERNAME_NOT_OCCUPIED")
			}
			out = append(out, u)
		}
		for _, u := range all {
			if !u.Active {
				out = append(out, u)
			}
		}
		s.usernames = out
		return nil, nil
	})
	return err
}

// ToggleUsername answers channels.toggleUsername: (de)activates one of the channel's
// usernames. USERNAME_NOT_MODIFIED when it already is so, USERNAME_INVALID when the channel
// has no such username.
func (w *World) ToggleUsername(key KeyID, in tg.InputChannelClass, username string, active bool) error {
	_, err := w.editSettings(key, ChannelInputPeer(in), rightChangeInfo, func(t target, s *chatSettings) (tg.ChannelAdminLogEventActionClass, error) {
		all := t.ch.allUsernames()
		for i := range all {
			if strings.EqualFold(all[i].Username, username) {
				if all[i].Active == active {
					return nil, rpcErr(400, "USERNAME_NOT_MODIFIED")
				}
				all[i].Active = active
				s.usernames = all
				return nil, nil
			}
		}
		return nil, ErrUsernameInvalid
	})
	return err
}

// allUsernames returns the channel's usernames: the kept list, or the main one alone.
func (ch *channel) allUsernames() []tg.Username {
	if len(ch.settings.usernames) > 0 {
		return append([]tg.Username(nil), ch.settings.usernames...)
	}
	if ch.username == "" {
		return nil
	}
	return []tg.Username{{Editable: true, Active: true, Username: ch.username}}
}

// AddCollectibleUsername gives channel id a further (collectible, inactive) username, as a
// test's setup step.
func (w *World) AddCollectibleUsername(id int64, username string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	ch := w.channels[id]
	if ch == nil {
		return ErrChannelInvalid
	}
	if err := w.checkUsernameFree(username); err != nil {
		return err
	}
	ch.settings.usernames = append(ch.allUsernames(), tg.Username{Username: username})
	w.byUsername[strings.ToLower(username)] = ChannelPeer(ch.id)
	return nil
}

// SetDiscussionGroup answers channels.setDiscussionGroup: links a supergroup to a
// broadcast channel (group inputChannelEmpty: unlinks). The caller must manage both
// (change_info on the channel, pin rights on the group: any admin right here).
// BROADCAST_ID_INVALID, MEGAGROUP_ID_INVALID, LINK_NOT_MODIFIED.
func (w *World) SetDiscussionGroup(key KeyID, broadcast, group tg.InputChannelClass) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	bt, err := w.channelTarget(key, broadcast, rightChangeInfo)
	if err != nil {
		return err
	}
	if bt.ch.megagroup {
		return rpcErr(400, "BROADCAST_ID_INVALID")
	}
	if _, empty := group.(*tg.InputChannelEmpty); empty {
		if bt.ch.settings.linked == 0 {
			return rpcErr(400, "LINK_NOT_MODIFIED")
		}
		if g := w.channels[bt.ch.settings.linked]; g != nil {
			g.settings.linked = 0
		}
		bt.ch.settings.linked = 0
		w.changed(bt, KeyID{})
		return nil
	}
	gt, err := w.channelTarget(key, group, nil)
	if err != nil {
		return err
	}
	if !gt.ch.megagroup {
		return rpcErr(400, "MEGAGROUP_ID_INVALID")
	}
	if bt.ch.settings.linked == gt.ch.id {
		return rpcErr(400, "LINK_NOT_MODIFIED")
	}
	bt.ch.settings.linked, gt.ch.settings.linked = gt.ch.id, bt.ch.id
	w.logEvent(bt.ch, bt.a.id, &tg.ChannelAdminLogEventActionChangeLinkedChat{PrevValue: 0, NewValue: gt.ch.id})
	w.changed(bt, KeyID{})
	w.changed(gt, KeyID{})
	return nil
}

// GroupsForDiscussion answers channels.getGroupsForDiscussion: the supergroups the caller
// owns or administers with change_info.
func (w *World) GroupsForDiscussion(key KeyID) (*tg.MessagesChats, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	out := &tg.MessagesChats{Chats: []tg.ChatClass{}}
	for _, id := range sortedKeys(w.channels) {
		ch := w.channels[id]
		if ch.megagroup && ch.hasRight(a.id, rightChangeInfo) {
			out.Chats = append(out.Chats, w.tgChannel(a.id, ch))
		}
	}
	return out, nil
}

// SendAsPeers answers channels.getSendAs: the caller itself, and the chat when it
// administers a supergroup (anonymously), plus the channels it owns.
func (w *World) SendAsPeers(key KeyID, in tg.InputPeerClass) (*tg.ChannelsSendAsPeers, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	t, err := w.groupTarget(key, in)
	if err != nil {
		return nil, err
	}
	if t.ch == nil || !t.ch.megagroup {
		return nil, ErrPeerIDInvalid
	}
	var r refs
	r.add(UserPeer(t.a.id))
	out := &tg.ChannelsSendAsPeers{Peers: []tg.SendAsPeer{{Peer: &tg.PeerUser{UserID: t.a.id}}}}
	for _, id := range sortedKeys(w.channels) {
		ch := w.channels[id]
		if ch.creator == t.a.id && (!ch.megagroup || ch == t.ch) {
			out.Peers = append(out.Peers, tg.SendAsPeer{Peer: &tg.PeerChannel{ChannelID: ch.id}})
			r.add(ChannelPeer(ch.id))
		}
	}
	out.Users, out.Chats = w.render(t.a.id, &r)
	return out, nil
}

// SaveDefaultSendAs answers messages.saveDefaultSendAs: one of SendAsPeers' peers becomes
// the caller's default sender in the supergroup. SEND_AS_PEER_INVALID otherwise.
func (w *World) SaveDefaultSendAs(key KeyID, in, as tg.InputPeerClass) error {
	res, err := w.SendAsPeers(key, in)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	t, err := w.groupTarget(key, in)
	if err != nil {
		return err
	}
	p, err := w.resolvePeer(t.a, as)
	if err != nil {
		return err
	}
	for _, sa := range res.Peers {
		if q, ok := peerFromTG(sa.Peer); ok && q == p {
			if t.ch.settings.sendAs == nil {
				t.ch.settings.sendAs = make(map[int64]Peer)
			}
			t.ch.settings.sendAs[t.a.id] = p
			return nil
		}
	}
	return rpcErr(400, "SEND_AS_PEER_INVALID")
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[int64]V) []int64 {
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// FullChannel answers channels.getFullChannel.
func (w *World) FullChannel(key KeyID, in tg.InputChannelClass) (*tg.MessagesChatFull, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, ch, err := w.readableChannel(key, in)
	if err != nil {
		return nil, err
	}
	s := &ch.settings
	admins, kicked, restricted := 0, 0, 0
	for _, m := range ch.members {
		if m.admin {
			admins++
		}
	}
	for _, b := range ch.banned {
		if b.rights.ViewMessages {
			kicked++
		} else {
			restricted++
		}
	}
	full := &tg.ChannelFull{
		CanViewParticipants: true, HiddenPrehistory: s.hiddenHistory, CanSetUsername: ch.creator == a.id,
		CanDeleteChannel: ch.creator == a.id,
		ID:               ch.id, About: s.about, ParticipantsCount: tl.Some(int32(len(ch.members))),
		AdminsCount: tl.Some(int32(admins)), KickedCount: tl.Some(int32(kicked)), BannedCount: tl.Some(int32(restricted)),
		OnlineCount: tl.Some(w.onlineCount(ch.sortedMembers())),
		ChatPhoto:   &tg.PhotoEmpty{}, NotifySettings: tg.PeerNotifySettings{}, BotInfo: []tg.BotInfo{},
		Pts: ch.pts, AvailableReactions: s.reactions,
	}
	if d := a.box.dialogs[ChannelPeer(ch.id)]; d != nil {
		full.ReadInboxMaxID, full.UnreadCount = d.readInbox, d.unread
	}
	if call := w.activeGroupCall(ChannelPeer(ch.id)); call != nil {
		full.Call = call // groupcall.go
	}
	if ch.hasRight(a.id, rightInvite) {
		if inv := w.primaryInvite(ch, a.id); inv != nil {
			full.ExportedInvite = inv.link()
		}
	}
	if s.slowmode != 0 {
		full.SlowmodeSeconds = tl.Some(s.slowmode)
	}
	if id := lastPinned(ch.msgs, func(*message) bool { return true }); id != 0 {
		full.PinnedMsgID = tl.Some(id)
	}
	if s.ttl != 0 {
		full.TTLPeriod = tl.Some(s.ttl)
	}
	if s.linked != 0 {
		full.LinkedChatID = tl.Some(s.linked)
	}
	if s.migratedFrom != 0 {
		full.MigratedFromChatID, full.MigratedFromMaxID = tl.Some(s.migratedFrom), tl.Some[int32](0)
	}
	if p, ok := s.sendAs[a.id]; ok {
		full.DefaultSendAs = peerTG(p)
	}
	if n := len(ch.requests); n > 0 && ch.isAdmin(a.id) {
		full.RequestsPending, full.RecentRequesters = tl.Some(int32(n)), []int64{}
	}
	var r refs
	r.add(ChannelPeer(ch.id))
	if s.linked != 0 {
		r.add(ChannelPeer(s.linked))
	}
	if s.migratedFrom != 0 {
		r.add(ChatPeer(s.migratedFrom))
	}
	users, chats := w.render(a.id, &r)
	return &tg.MessagesChatFull{FullChat: full, Chats: chats, Users: users}, nil
}

// lastPinned returns the newest pinned message of msgs that keep selects, 0 for none.
func lastPinned(msgs map[int32]*message, keep func(*message) bool) int32 {
	var last int32
	for id, m := range msgs {
		if m.pinned && id > last && keep(m) {
			last = id
		}
	}
	return last
}

// onlineCount counts the people of ids online now.
func (w *World) onlineCount(ids []int64) int32 {
	n := int32(0)
	now := w.now()
	for _, id := range ids {
		if a := w.users[id]; a != nil && a.online && a.statusAt+onlineFor > now {
			n++
		}
	}
	return n
}

// Onlines answers messages.getOnlines.
func (w *World) Onlines(key KeyID, in tg.InputPeerClass) (*tg.ChatOnlines, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	t, err := w.groupTarget(key, in)
	if err != nil {
		return nil, err
	}
	if t.ch != nil {
		return &tg.ChatOnlines{Onlines: w.onlineCount(t.ch.sortedMembers())}, nil
	}
	return &tg.ChatOnlines{Onlines: w.onlineCount(t.c.sortedMembers())}, nil
}

// RequireUser reports BOT_METHOD_INVALID when the account on key is a bot (or why it is not
// authorized), for the methods only people may call.
func (w *World) RequireUser(key KeyID) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	_, err := w.authorizedUser(key)
	return err
}
