package filters

import (
	"strings"
	"sync"

	mtgo "github.com/mtgo-labs/mtgo/client"
)

// Peer names a user or a chat in a UserSet or ChatSet: an ID, a Username or Me. The type
// is closed: a set can only hold what it can match, so no value is rejected at run time.
type Peer interface{ apply(s *peerSet, add bool) }

// ID is a user id, or a chat's Bot API id (basic groups negative, channels -100...).
type ID int64

// Username is a username, with or without "@", in any case.
type Username string

// Me is the logged-in account (for a ChatSet: the chat with itself, Saved Messages).
var Me Peer = me{}

type me struct{}

func (id ID) apply(s *peerSet, add bool) { setHas(s.ids, int64(id), add) }

func (n Username) apply(s *peerSet, add bool) {
	setHas(s.names, strings.ToLower(strings.TrimPrefix(string(n), "@")), add)
}

func (me) apply(s *peerSet, add bool) { s.self = add }

// peerSet is a set of ids and usernames that can change while filters read it.
type peerSet struct {
	mu    sync.RWMutex
	ids   map[int64]struct{}
	names map[string]struct{} // lower case, without "@"
	self  bool                // Me
}

func newPeerSet() peerSet {
	return peerSet{ids: map[int64]struct{}{}, names: map[string]struct{}{}}
}

// change adds or removes peers.
func (s *peerSet) change(add bool, peers []Peer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range peers {
		if p != nil {
			p.apply(s, add)
		}
	}
}

// isSelf reports whether id is the logged-in account's, when the set holds Me.
func (s *peerSet) isSelf(ctx *mtgo.Context, id int64) bool {
	if !s.self || ctx.Client == nil {
		return false
	}
	me := ctx.Client.Me()
	return me != nil && me.ID == id
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

// NewUserSet returns a set holding users.
func NewUserSet(users ...Peer) *UserSet {
	u := &UserSet{s: newPeerSet()}
	u.Add(users...)
	return u
}

// FromUsers passes updates sent by one of users (see NewUserSet). Use NewUserSet and its
// Match method for a set that changes later.
func FromUsers(users ...Peer) mtgo.Filter { return NewUserSet(users...).Match }

// Add adds users to the set.
func (u *UserSet) Add(users ...Peer) { u.s.change(true, users) }

// Remove removes users from the set.
func (u *UserSet) Remove(users ...Peer) { u.s.change(false, users) }

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
	return u.s.self && from.IsSelf || u.s.isSelf(ctx, from.ID)
}

// ChatSet is a set of chats, by Bot API id (users positive, basic groups negative, channels
// and supergroups -100...) or username, that a filter checks the chat of an update against.
// It can change while the client runs.
type ChatSet struct{ s peerSet }

// NewChatSet returns a set holding chats.
func NewChatSet(chats ...Peer) *ChatSet {
	c := &ChatSet{s: newPeerSet()}
	c.Add(chats...)
	return c
}

// FromChats passes updates from one of chats (see NewChatSet).
func FromChats(chats ...Peer) mtgo.Filter { return NewChatSet(chats...).Match }

// Add adds chats to the set.
func (c *ChatSet) Add(chats ...Peer) { c.s.change(true, chats) }

// Remove removes chats from the set.
func (c *ChatSet) Remove(chats ...Peer) { c.s.change(false, chats) }

// Match is the set as a filter: it passes updates whose chat is in the set.
func (c *ChatSet) Match(ctx *mtgo.Context) bool {
	chat := ctx.Chat()
	if chat == nil {
		return false
	}
	c.s.mu.RLock()
	defer c.s.mu.RUnlock()
	return c.s.has(chat.ID, chat.Username) || c.s.isSelf(ctx, chat.ID)
}
