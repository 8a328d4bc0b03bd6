package sqlstore

import (
	"bytes"
	"sync"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/updates"
)

// cache keeps what a locked store last read or wrote of its session rows and of the home
// data center and identity: the session lock makes the store their only writer, so reading
// them again, or writing a value they already hold, would only cost a round trip (a client
// starting reads its home session several times). The first read loads them all in one
// query, with the update state, kept until LoadUpdates takes it: a client's start-up reads
// all of them. Stores without a lock keep no cache.
type cache struct {
	on bool

	mu       sync.Mutex // held around the database call that fills or changes an entry
	sessions map[int][]byte
	homeDC   int
	id       storage.Identity
	homeOK   bool         // homeDC is known
	idOK     bool         // id is known
	loaded   bool         // the first read (load) ran
	all      bool         // sessions holds every row: a dc it lacks has none
	state    *updateState // read with the rest, until LoadUpdates takes it or a commit
}

// updateState is what LoadUpdates returns.
type updateState struct {
	saved updates.Saved
	ok    bool
}

// session returns dc's encoded session (nil: no row) and whether it is known. c.mu is held.
func (c *cache) session(dc int) ([]byte, bool) {
	data, ok := c.sessions[dc]
	return data, (ok || c.all) && c.on
}

// forgetSession drops dc's entry (a write failed: the row is unknown). c.mu is held.
func (c *cache) forgetSession(dc int) {
	delete(c.sessions, dc)
	c.all = false
}

// setSession records dc's encoded session (nil: no row). c.mu is held.
func (c *cache) setSession(dc int, data []byte) {
	if !c.on {
		return
	}
	if c.sessions == nil {
		c.sessions = make(map[int][]byte, 2)
	}
	c.sessions[dc] = data
}

// holdsSession reports whether dc's stored session is data already. c.mu is held.
func (c *cache) holdsSession(dc int, data []byte) bool {
	old, ok := c.session(dc)
	return ok && old != nil && bytes.Equal(old, data)
}

// clear forgets everything (Reset). c.mu is held.
func (c *cache) clear() {
	c.sessions, c.homeOK, c.idOK, c.loaded, c.all, c.state = nil, false, false, false, false, nil
}
