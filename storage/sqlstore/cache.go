package sqlstore

import (
	"bytes"
	"sync"

	"github.com/mtgo-labs/mtgo/client/storage"
)

// cache keeps what a locked store last read or wrote of its session rows and of the home
// data center and identity: the session lock makes the store their only writer, so reading
// them again, or writing a value they already hold, would only cost a round trip (a client
// starting reads its home session several times). Stores without a lock keep no cache.
type cache struct {
	on bool

	mu       sync.Mutex // held around the database call that fills or changes an entry
	sessions map[int][]byte
	homeDC   int
	id       storage.Identity
	homeOK   bool // homeDC is known
	idOK     bool // id is known
}

// session returns dc's encoded session (nil: no row) and whether it is known. c.mu is held.
func (c *cache) session(dc int) ([]byte, bool) {
	data, ok := c.sessions[dc]
	return data, ok && c.on
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
	c.sessions, c.homeOK, c.idOK = nil, false, false
}
