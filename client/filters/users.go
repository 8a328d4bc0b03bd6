package filters

import (
	"fmt"
	"strings"
	"sync"

	mtgo "github.com/mtgo-labs/mtgo/client"
)

// UserSet is a set of users, by id or username, that a filter checks the sender of an
// update against (the message's sender, the user who pressed a button). It can change while
// the client runs.
type UserSet struct {
	mu    sync.RWMutex
	ids   map[int64]struct{}
	names map[string]struct{} // lower case, without "@"
	self  bool                // "me" or "self": the logged-in account
}

// NewUserSet returns a set holding users: ids (int, int32, int64), usernames (with or
// without "@", any case) and "me" or "self" for the logged-in account. It panics on a value
// of another type, as a program error.
func NewUserSet(users ...any) *UserSet {
	s := &UserSet{ids: map[int64]struct{}{}, names: map[string]struct{}{}}
	s.Add(users...)
	return s
}

// FromUsers passes updates sent by one of users (see NewUserSet). Use NewUserSet and its
// Match method for a set that changes later.
func FromUsers(users ...any) mtgo.Filter { return NewUserSet(users...).Match }

// Add adds users to the set.
func (s *UserSet) Add(users ...any) { s.change(true, users) }

// Remove removes users from the set.
func (s *UserSet) Remove(users ...any) { s.change(false, users) }

func (s *UserSet) change(add bool, users []any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range users {
		switch u := u.(type) {
		case int64:
			setHas(s.ids, u, add)
		case int:
			setHas(s.ids, int64(u), add)
		case int32:
			setHas(s.ids, int64(u), add)
		case string:
			name := strings.ToLower(strings.TrimPrefix(u, "@"))
			if name == "me" || name == "self" {
				s.self = add
				continue
			}
			setHas(s.names, name, add)
		default:
			panic(fmt.Sprintf("filters: a user is an id or a username, not %T", u))
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

// Match is the set as a filter: it passes updates whose sender is in the set.
func (s *UserSet) Match(ctx *mtgo.Context) bool {
	u := ctx.From()
	if u == nil {
		return false
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ok := s.ids[u.ID]; ok {
		return true
	}
	if u.Username != "" {
		if _, ok := s.names[strings.ToLower(u.Username)]; ok {
			return true
		}
	}
	if s.self {
		if u.IsSelf {
			return true
		}
		if ctx.Client != nil {
			me := ctx.Client.Me()
			return me != nil && me.ID == u.ID
		}
	}
	return false
}
