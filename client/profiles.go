package mtgo

import (
	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// maxProfiles bounds the users whose profile (names, username, flags) the client keeps: the
// peer cache holds only ids and access hashes, which build an input peer but not a sender's
// name.
const maxProfiles = 10000

// profileCache keeps the last users seen in full, so a message whose update does not carry
// its sender (a short update, a message from someone met before) still gets a complete From
// without a network call. Min users (partial, sent where the account cannot see the whole
// profile) never replace a full one.
type profileCache struct {
	lru *lru.Cache[int64, *tg.User]
}

func newProfileCache() *profileCache {
	return &profileCache{lru: newLRU[int64, *tg.User](maxProfiles)}
}

// add records the full users among users.
func (p *profileCache) add(users []tg.UserClass) {
	for _, u := range users {
		if u, ok := u.(*tg.User); ok && u != nil && !u.Min {
			p.lru.Add(u.ID, u)
		}
	}
}

// get returns the profile of user id, if seen.
func (p *profileCache) get(id int64) (*tg.User, bool) { return p.lru.Get(id) }

// learn records users and chats that came with a result or an update: access hashes in the
// peer cache, profiles here.
func (c *Client) learn(users []tg.UserClass, chats []tg.ChatClass) {
	c.peers.Learn(users, chats)
	c.profiles.add(users)
}

// fillProfiles adds to e the known profiles of the users m names (its chat and sender) that
// its update did not carry.
func (c *Client) fillProfiles(e types.Entities, m *tg.Message) {
	if e.Users == nil {
		return
	}
	for _, p := range [...]tg.PeerClass{m.PeerID, m.FromID} {
		pu, ok := p.(*tg.PeerUser)
		if !ok {
			continue
		}
		if _, ok := e.Users[pu.UserID]; ok {
			continue
		}
		if u, ok := c.profiles.get(pu.UserID); ok {
			e.Users[pu.UserID] = u
		}
	}
}
