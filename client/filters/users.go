package filters

import (
	"fmt"
	"strings"
	"sync"

	mtgo "github.com/mtgo-labs/mtgo/client"
)

// peerSet is a set of ids and usernames that can change while filters read it.
type peerSet struct {
	mu    sync.RWMutex
	ids   map[int64]struct{}
	names map[string]struct{} // lower case, without "@"
	self  bool                // "me" or "self" (UserSet only)
}

func newPeerSet() peerSet {
	return peerSet{ids: map[int64]struct{}{}, names: map[string]struct{}{}}
}

// change adds or removes peers: ids (int, int32, int64) and usernames (with or without "@",
// any case); allowSelf lets "me" and "self" name the logged-in account. Another type panics,
// as a program error.
func (s *peerSet) change(add, allowSelf bool, peers []any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range peers {
		switch p := p.(type) {
		case int64:
			setHas(s.ids, p, add)
		case int:
			setHas(s.ids, int64(p), add)
		case int32:
			setHas(s.ids, int64(p), add)
		case string:
			name := strings.ToLower(strings.TrimPrefix(p, "@"))
			if allowSelf && (name == "me" || name == "self") {
				s.self = add
				continue
			}
			setHas(s.names, name, add)
		default:
			panic(fmt.Sprintf("filters: a peer is an id or a username, not %T", p))
		}
	}
}

func setHas[K comparable](m map[K]struct{}, k K, add bool) {
	if add {
		m[k] = struct{}{}
	} else {
		delete(m, k)
	}
}

// has reports whether id or username is in the set. Called with mu held for reading.
func (s *peerSet) has(id int64, username string) bool {
	if _, ok := s.ids[id]; ok {
		return true
	}
	if username == "" {
		return false
	}
	_, ok := s.names[strings.ToLower(username)]
	return ok
}

// UserSet is a set of users, by id or username, that a filter checks the sender of an
// update against (the message's sender, the user who pressed a button, ...). It can change
// while the client runs.
type UserSet struct{ s peerSet }

// NewUserSet returns a set holding users: ids (int, int32, int64), usernames (with or
// without "@", any case) and "me" or "self" for the logged-in account. It panics on a value
// of another type, as a program error.
func NewUserSet(users ...any) *UserSet {
	u := &UserSet{s: newPeerSet()}
	u.Add(users...)
	return u
}

// FromUsers passes updates sent by one of users (see NewUserSet). Use NewUserSet and its
// Match method for a set that changes later.
func FromUsers(users ...any) mtgo.Filter { return NewUserSet(users...).Match }

// Add adds users to the set.
func (u *UserSet) Add(users ...any) { u.s.change(true, true, users) }

// Remove removes users from the set.
func (u *UserSet) Remove(users ...any) { u.s.change(false, true, users) }

// Match is the set as a filter: it passes updates whose sender is in the set.
func (u *UserSet) Match(ctx *mtgo.Context) bool {
	from := ctx.From()
	if from == nil {
		return false
	}
	u.s.mu.RLock()
	defer u.s.mu.RUnlock()
	if u.s.has(from.ID, from.Username) {
		return true
	}
	if u.s.self {
		if from.IsSelf {
			return true
		}
		if ctx.Client != nil {
			me := ctx.Client.Me()
			return me != nil && me.ID == from.ID
		}
	}
	return false
}

// ChatSet is a set of chats, by Bot API id (users positive, basic groups negative, channels
// and supergroups -100...) or username, that a filter checks the chat of an update against.
// It can change while the client runs.
type ChatSet struct{ s peerSet }

// NewChatSet returns a set holding chats: ids (int, int32, int64) and usernames (with or
// without "@", any case). It panics on a value of another type, as a program error.
func NewChatSet(chats ...any) *ChatSet {
	c := &ChatSet{s: newPeerSet()}
	c.Add(chats...)
	return c
}

// FromChats passes updates from one of chats (see NewChatSet).
func FromChats(chats ...any) mtgo.Filter { return NewChatSet(chats...).Match }

// Add adds chats to the set.
func (c *ChatSet) Add(chats ...any) { c.s.change(true, false, chats) }

// Remove removes chats from the set.
func (c *ChatSet) Remove(chats ...any) { c.s.change(false, false, chats) }

// Match is the set as a filter: it passes updates whose chat is in the set.
func (c *ChatSet) Match(ctx *mtgo.Context) bool {
	chat := ctx.Chat()
	if chat == nil {
		return false
	}
	c.s.mu.RLock()
	defer c.s.mu.RUnlock()
	return c.s.has(chat.ID, chat.Username)
}
