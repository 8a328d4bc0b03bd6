package peers

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Learn records the users and chats that came with a result or an update. Call it with every
// such list; it is cheap for peers already known, and only peers whose information changed
// are written to the Store.
//
// The rules: a full object replaces what was known (keeping a known access hash if it carries
// none); a "min" object never replaces a full access hash and only fills in what a min record
// lacks; empty objects are ignored. A user with the self flag records the logged-in account.
func (c *Cache) Learn(users []tg.UserClass, chats []tg.ChatClass) {
	if len(users) == 0 && len(chats) == 0 {
		return
	}
	now := c.now()
	c.mu.Lock()
	for _, u := range users {
		if u, ok := u.(*tg.User); ok && u != nil {
			if u.Self {
				c.selfID, c.selfBot = u.ID, u.Bot
			}
			if old, ok := c.peers.Get(UserKey(u.ID)); ok && userUnchanged(old, u) {
				// The common case on every update: a known user, nothing new. Only Seen
				// moves, without building a record.
				if !u.Min {
					old.Seen = now
					c.peers.Add(old.Key, old)
				}
				continue
			}
			c.learnLocked(userPeer(u, now), u.Min, u.AccessHash.Set)
		}
	}
	for _, ch := range chats {
		switch ch := ch.(type) {
		case *tg.Chat:
			if ch != nil {
				c.learnLocked(Peer{Key: ChatKey(ch.ID), Seen: now}, false, false)
			}
		case *tg.ChatForbidden:
			if ch != nil {
				c.learnLocked(Peer{Key: ChatKey(ch.ID), Seen: now}, false, false)
			}
		case *tg.Channel:
			if ch != nil {
				p := Peer{
					Key: ChannelKey(ch.ID), AccessHash: ch.AccessHash.Value,
					Min:       ch.Min || !ch.AccessHash.Set,
					Usernames: activeUsernames(ch.Username, ch.Usernames),
					Seen:      now,
				}
				c.learnLocked(p, ch.Min, ch.AccessHash.Set)
			}
		case *tg.ChannelForbidden:
			if ch != nil {
				p := Peer{Key: ChannelKey(ch.ID), AccessHash: ch.AccessHash, Seen: now}
				c.learnLocked(p, false, true)
			}
		}
	}
	c.mu.Unlock()
	c.maybeFlush()
}

// LearnFrom records the users and chats carried by a result or updates object (see Entities).
func (c *Cache) LearnFrom(obj any) {
	users, chats := Entities(obj)
	c.Learn(users, chats)
}

// userPeer converts a user object into a record.
func userPeer(u *tg.User, now time.Time) Peer {
	p := Peer{
		Key:        UserKey(u.ID),
		AccessHash: u.AccessHash.Value,
		Min:        u.Min || !u.AccessHash.Set,
		Bot:        u.Bot,
		Usernames:  activeUsernames(u.Username, u.Usernames),
		Seen:       now,
	}
	if u.Phone.Set {
		p.Phone = NormalizePhone(u.Phone.Value)
	}
	return p
}

// userUnchanged reports whether learning u would change nothing in old but Seen: a min user
// over a full record, or a full user carrying exactly old's information.
func userUnchanged(old Peer, u *tg.User) bool {
	if u.Min {
		return !old.Min
	}
	if !u.AccessHash.Set || u.AccessHash.Value != old.AccessHash || old.Min || u.Bot != old.Bot {
		return false
	}
	if phone, _ := u.Phone.Get(); phone != old.Phone && NormalizePhone(phone) != old.Phone {
		return false
	}
	// The usernames activeUsernames would build, compared without building them.
	i := 0
	for _, n := range u.Usernames {
		if i == maxUsernames {
			break
		}
		if !n.Active || !usableUsername(n.Username) || slices.Contains(old.Usernames[:i], n.Username) {
			continue
		}
		if i >= len(old.Usernames) || old.Usernames[i] != n.Username {
			return false
		}
		i++
	}
	if i == 0 && u.Username.Set && usableUsername(u.Username.Value) {
		return len(old.Usernames) == 1 && old.Usernames[0] == u.Username.Value
	}
	return i == len(old.Usernames)
}

// learnLocked merges an incoming peer into the cache. min says the object was a min
// constructor; hasHash that it carried an access hash.
func (c *Cache) learnLocked(in Peer, min, hasHash bool) {
	if !in.Valid() {
		return
	}
	old, found, err := c.getLocked(context.Background(), in.Key)
	if err != nil {
		// Without the stored record a min object could overwrite a full hash; learn it
		// next time instead.
		c.log.Warn("peers: store read failed", slog.String("peer", in.Key.String()), slog.Any("err", err))
		return
	}
	next := in
	switch {
	case !found:
	case min && !old.Min:
		// A full record is never downgraded by a min object.
		return
	case min:
		next = old
		if hasHash {
			next.AccessHash = in.AccessHash
		}
		if len(in.Usernames) > 0 {
			next.Usernames = in.Usernames
		}
		if in.Phone != "" {
			next.Phone = in.Phone
		}
		next.Bot = next.Bot || in.Bot
		next.Seen = in.Seen
	case !hasHash:
		next.AccessHash, next.Min = old.AccessHash, old.Min
	}
	c.putLocked(old, found, next)
}

// activeUsernames returns the active usernames of an object: its username list when it has
// one, else its single username. What the server sends is untrusted: names the binary record
// cannot hold (longer than any Telegram username) are dropped and at most maxUsernames kept,
// so every learned peer can be written to a Store and one bogus object cannot fail the
// batch it is in.
func activeUsernames(main tl.Opt[string], all []tg.Username) []string {
	var out []string
	for _, u := range all {
		if len(out) == maxUsernames {
			break
		}
		if u.Active && usableUsername(u.Username) && !slices.Contains(out, u.Username) {
			out = append(out, u.Username)
		}
	}
	if len(out) == 0 && main.Set && usableUsername(main.Value) {
		out = append(out, main.Value)
	}
	return out
}

// usableUsername reports whether a username from the server is kept: not empty and short
// enough for the binary record (Telegram's are at most 32 characters).
func usableUsername(n string) bool { return n != "" && len(n) <= maxUsernameSize }
