package teletest

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/mtgo-labs/mtgo/session/mtp"
)

// sessionKey names an MTProto session: the auth key it runs under and the client's session_id.
type sessionKey struct {
	key [8]byte
	id  int64
}

// mtSession is the server's state of one MTProto session: the server-side mtp.Engine, which
// outlives connections so that a client reconnecting with the same session_id keeps its
// replay window and gets no new_session_created, as on Telegram.
//
// At most one connection owns a session at a time; only the owner's goroutine touches eng.
type mtSession struct {
	key sessionKey
	eng *mtp.Engine

	// guarded by sessionTable.mu
	owner    *conn
	released chan struct{} // closed when owner lets go
	lastUsed time.Time
}

// sessionTable holds the sessions of one data center.
type sessionTable struct {
	mu  sync.Mutex
	m   map[sessionKey]*mtSession
	max int // detached sessions beyond this are forgotten, oldest first
}

func newSessionTable(max int) *sessionTable {
	return &sessionTable{m: make(map[sessionKey]*mtSession), max: max}
}

// attach makes c the owner of the session k, creating it with newEngine if the server has not
// seen it. A connection that owns it already is kicked and attach waits until it lets go (or
// ctx ends, or c itself is kicked). created reports a new session.
func (t *sessionTable) attach(ctx context.Context, c *conn, k sessionKey, now time.Time, newEngine func() (*mtp.Engine, error)) (s *mtSession, created bool, err error) {
	for {
		t.mu.Lock()
		s = t.m[k]
		if s == nil {
			eng, err := newEngine()
			if err != nil {
				t.mu.Unlock()
				return nil, false, err
			}
			s = &mtSession{key: k, eng: eng}
			t.m[k] = s
			t.evictLocked()
			created = true
		}
		if s.owner == nil {
			s.owner, s.released, s.lastUsed = c, make(chan struct{}), now
			t.mu.Unlock()
			return s, created, nil
		}
		prev, released := s.owner, s.released
		t.mu.Unlock()
		prev.stop()
		select {
		case <-released:
		case <-c.kicked:
			return nil, false, fmt.Errorf("teletest: connection closed while taking over session %#x", k.id)
		case <-ctx.Done():
			return nil, false, ctx.Err()
		}
	}
}

// detach lets go of s if c owns it.
func (t *sessionTable) detach(s *mtSession, c *conn, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s.owner != c {
		return
	}
	s.owner, s.lastUsed = nil, now
	close(s.released)
}

// rekey moves s to the session id its engine adopted (a client may start a new session on a
// live connection). A detached session already filed under the new id is replaced.
func (t *sessionTable) rekey(s *mtSession, id int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m[s.key] == s {
		delete(t.m, s.key)
	}
	s.key.id = id
	if old := t.m[s.key]; old != nil && old.owner != nil {
		// Another connection runs a session with this id under the same key; keep both apart
		// by leaving this one unfiled: it lives as long as its connection.
		return
	}
	t.m[s.key] = s
}

// evictLocked forgets the least recently used detached sessions while the table is over its
// size. The caller holds t.mu.
func (t *sessionTable) evictLocked() {
	for len(t.m) > t.max {
		var oldest *mtSession
		for _, s := range t.m {
			if s.owner == nil && (oldest == nil || s.lastUsed.Before(oldest.lastUsed)) {
				oldest = s
			}
		}
		if oldest == nil {
			return // every session is in use
		}
		delete(t.m, oldest.key)
	}
}

// len returns the number of sessions the table holds.
func (t *sessionTable) len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.m)
}

// reset forgets every session. Connections that own one keep it until they close.
func (t *sessionTable) reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	clear(t.m)
}
