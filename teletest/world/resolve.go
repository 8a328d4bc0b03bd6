package world

import (
	"strings"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Resolution of the client's Input* references. Access hashes are checked against the hash
// the viewer was shown, so a client that reuses another account's hash fails as on Telegram.

// storedEntities returns the entities of a message viewer sends as Telegram stores them:
// inputMessageEntityMentionName becomes messageEntityMentionName once its user resolves
// (ENTITY_MENTION_USER_INVALID otherwise), and a messageEntityMentionName sent as is, which
// proves no access to the user, is dropped. ents itself is not changed.
func (w *World) storedEntities(viewer *account, ents []tg.MessageEntityClass) ([]tg.MessageEntityClass, error) {
	out := ents[:0:0]
	changed := false
	for _, e := range ents {
		switch m := e.(type) {
		case *tg.InputMessageEntityMentionName:
			u, err := w.resolveUser(viewer, m.UserID)
			if err != nil {
				return nil, ErrEntityMentionUserInvalid
			}
			out = append(out, &tg.MessageEntityMentionName{Offset: m.Offset, Length: m.Length, UserID: u.id})
			changed = true
		case *tg.MessageEntityMentionName:
			changed = true
		default:
			out = append(out, e)
		}
	}
	if !changed {
		return ents, nil
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func (w *World) resolveUser(viewer *account, in tg.InputUserClass) (*account, error) {
	switch in := in.(type) {
	case *tg.InputUserSelf:
		return viewer, nil
	case *tg.InputUser:
		a := w.users[in.UserID]
		if a == nil || in.AccessHash != w.accessHash(viewer.id, PeerUser, a.id) {
			return nil, ErrUserIDInvalid
		}
		return a, nil
	case *tg.InputUserFromMessage:
		a := w.users[in.UserID]
		if a == nil {
			return nil, ErrUserIDInvalid
		}
		if _, err := w.resolvePeer(viewer, in.Peer); err != nil {
			return nil, err
		}
		return a, nil
	}
	return nil, ErrUserIDInvalid
}

func (w *World) resolvePeer(viewer *account, in tg.InputPeerClass) (Peer, error) {
	switch in := in.(type) {
	case *tg.InputPeerSelf:
		return UserPeer(viewer.id), nil
	case *tg.InputPeerUser:
		a := w.users[in.UserID]
		if a == nil || in.AccessHash != w.accessHash(viewer.id, PeerUser, a.id) {
			return Peer{}, ErrPeerIDInvalid
		}
		return UserPeer(a.id), nil
	case *tg.InputPeerChat:
		c := w.chats[in.ChatID]
		if c == nil {
			return Peer{}, ErrChatIDInvalid
		}
		if _, ok := c.members[viewer.id]; !ok {
			return Peer{}, ErrPeerIDInvalid
		}
		return ChatPeer(c.id), nil
	case *tg.InputPeerChannel:
		ch, err := w.resolveChannelID(viewer, in.ChannelID, in.AccessHash)
		if err != nil {
			return Peer{}, err
		}
		return ChannelPeer(ch.id), nil
	case *tg.InputPeerUserFromMessage:
		if _, err := w.resolvePeer(viewer, in.Peer); err != nil {
			return Peer{}, err
		}
		if w.users[in.UserID] == nil {
			return Peer{}, ErrPeerIDInvalid
		}
		return UserPeer(in.UserID), nil
	case *tg.InputPeerChannelFromMessage:
		if _, err := w.resolvePeer(viewer, in.Peer); err != nil {
			return Peer{}, err
		}
		if w.channels[in.ChannelID] == nil {
			return Peer{}, ErrChannelInvalid
		}
		return ChannelPeer(in.ChannelID), nil
	}
	return Peer{}, ErrPeerIDInvalid
}

func (w *World) resolveChannelID(viewer *account, id, hash int64) (*channel, error) {
	ch := w.channels[id]
	if ch == nil || hash != w.accessHash(viewer.id, PeerChannel, ch.id) {
		return nil, ErrChannelInvalid
	}
	return ch, nil
}

func (w *World) resolveChannel(viewer *account, in tg.InputChannelClass) (*channel, error) {
	switch in := in.(type) {
	case *tg.InputChannel:
		return w.resolveChannelID(viewer, in.ChannelID, in.AccessHash)
	case *tg.InputChannelFromMessage:
		if _, err := w.resolvePeer(viewer, in.Peer); err != nil {
			return nil, err
		}
		if ch := w.channels[in.ChannelID]; ch != nil {
			return ch, nil
		}
	}
	return nil, ErrChannelInvalid
}

// ResolveUsername answers contacts.resolveUsername.
func (w *World) ResolveUsername(key KeyID, username string) (*tg.ContactsResolvedPeer, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	viewer, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	username = strings.TrimPrefix(username, "@")
	if !validUsername(username) {
		return nil, ErrUsernameInvalid
	}
	p, ok := w.byUsername[strings.ToLower(username)]
	if !ok {
		return nil, ErrUsernameNotOccupied
	}
	var r refs
	r.add(p)
	users, chats := w.render(viewer.id, &r)
	return &tg.ContactsResolvedPeer{Peer: peerTG(p), Chats: chats, Users: users}, nil
}

// Users answers users.getUsers: one entry per input, userEmpty for unknown ones; more than
// MaxGetIDs inputs answer LIMIT_INVALID.
func (w *World) Users(key KeyID, in []tg.InputUserClass) ([]tg.UserClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	viewer, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	if err := checkGetIDs(len(in)); err != nil {
		return nil, err
	}
	out := make([]tg.UserClass, 0, len(in))
	for _, iu := range in {
		a, err := w.resolveUser(viewer, iu)
		if err != nil {
			if len(in) == 1 {
				return nil, err
			}
			continue
		}
		out = append(out, w.tgUser(viewer.id, a))
	}
	return out, nil
}

// FullUser answers users.getFullUser.
func (w *World) FullUser(key KeyID, in tg.InputUserClass) (*tg.UsersUserFull, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	viewer, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	a, err := w.resolveUser(viewer, in)
	if err != nil {
		return nil, err
	}
	var r refs
	r.add(UserPeer(a.id))
	full := tg.UserFull{
		ID:             a.id,
		Settings:       w.peerSettings(viewer, UserPeer(a.id), &r), // business_peer.go
		NotifySettings: tg.PeerNotifySettings{},
	}
	w.fillFullUser(viewer, a, &full) // profile.go
	w.fillBusiness(a, &full)         // business_profile.go
	users, chats := w.render(viewer.id, &r)
	return &tg.UsersUserFull{FullUser: full, Chats: chats, Users: users}, nil
}

// ResolvePhone answers contacts.resolvePhone: the account with that phone number (digits,
// an optional leading "+"). PHONE_NOT_OCCUPIED when none has it, BOT_METHOD_INVALID for bots.
func (w *World) ResolvePhone(key KeyID, phone string) (*tg.ContactsResolvedPeer, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	viewer, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	phone = strings.TrimPrefix(phone, "+")
	if !validPhone(phone) {
		return nil, ErrPhoneNumberInvalid
	}
	id, ok := w.byPhone[phone]
	if !ok {
		return nil, rpcErr(400, "PHONE_NOT_OCCUPIED")
	}
	var r refs
	r.add(UserPeer(id))
	users, chats := w.render(viewer.id, &r)
	return &tg.ContactsResolvedPeer{Peer: peerTG(UserPeer(id)), Chats: chats, Users: users}, nil
}
