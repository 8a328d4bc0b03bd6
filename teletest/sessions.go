package teletest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/mtgo-labs/mtgo/session/mtp"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
)

// sessionKey names an MTProto session: the auth key it runs under and the client's session_id.
type sessionKey struct {
	key [8]byte
	id  int64
}

// mtSession is the server's state of one MTProto session: the server-side mtp.Engine and the
// world subscription for its account's updates. Both outlive connections, so a client
// reconnecting with the same session_id keeps its replay window, gets no new_session_created
// and receives the updates queued while it was away, as on Telegram.
//
// At most one connection owns a session at a time; only the owner's goroutine touches eng and
// sub. A detached session's sub is closed only under sessionTable.mu, when it is forgotten.
type mtSession struct {
	key sessionKey
	eng *mtp.Engine
	sub *world.Subscription
	// updates says whether pushes reach the client: a session whose first calls all come in
	// invokeWithoutUpdates gets none until it makes an ordinary call (as on Telegram, where
	// the wrapper invokes "without subscribing the connection for updates"). Owner only.
	updates updatesMode
	// delayed are answers a method delay fault holds back (owner only): they belong to the
	// session, so a client that reconnects with it still gets them when they fall due.
	delayed []delayedReply

	// answers to calls that waited off the connection's goroutine (services.Waits), for
	// whichever connection owns the session next
	amu     sync.Mutex
	answers []asyncAnswer
	waiting int                 // calls running off the connection (at most maxWaiting)
	waker   *world.Subscription // woken when an answer is filed: the session's current sub

	// guarded by sessionTable.mu
	owner    *conn
	released chan struct{} // closed when owner lets go
	lastUsed time.Time
	retained int                 // bytes the engine kept for the client when its owner let go
	lru      lruLinks[mtSession] // on the table's idle list while filed without an owner
}

// asyncAnswer is the outcome of a call that ran on its own goroutine.
type asyncAnswer struct {
	msgID int64
	res   tl.Encoder
	err   error
	delay time.Duration
}

// maxWaiting bounds the calls one session may have waiting for bots at once; beyond it a
// call is answered FLOOD_WAIT_1 at once, so a client cannot pile up goroutines.
const maxWaiting = 64

// startWaiting counts a call about to wait, false when the session has maxWaiting already.
func (s *mtSession) startWaiting() bool {
	s.amu.Lock()
	defer s.amu.Unlock()
	if s.waiting >= maxWaiting {
		return false
	}
	s.waiting++
	return true
}

// addAnswer files the outcome of a waiting call (any goroutine) and wakes the connection
// owning the session, through the subscription the session has now (binding a temporary key
// replaces it while calls wait).
func (s *mtSession) addAnswer(a asyncAnswer) {
	s.amu.Lock()
	defer s.amu.Unlock()
	s.answers = append(s.answers, a)
	s.waiting--
	if s.waker != nil {
		s.waker.Wake()
	}
}

// setWaker makes sub the subscription addAnswer wakes (owner only, when s.sub changes), and
// wakes it if answers wait already: their wake-up went to the subscription it replaces.
func (s *mtSession) setWaker(sub *world.Subscription) {
	s.amu.Lock()
	defer s.amu.Unlock()
	s.waker = sub
	if sub != nil && len(s.answers) > 0 {
		sub.Wake()
	}
}

// takeAnswers removes and returns the filed outcomes.
func (s *mtSession) takeAnswers() []asyncAnswer {
	s.amu.Lock()
	defer s.amu.Unlock()
	a := s.answers
	s.answers = nil
	return a
}

// sessionTable holds the sessions of one data center.
type sessionTable struct {
	mu     sync.Mutex
	m      map[sessionKey]*mtSession
	byKey  map[[8]byte][]*mtSession // the sessions of m by auth key
	max    int                      // detached sessions beyond this are forgotten, oldest first
	perKey int                      // the same, per auth key
	ttl    time.Duration            // detached sessions idle this long are forgotten

	maxRetained int // bytes detached sessions may keep together, beyond it the oldest go
	retained    int // bytes the detached sessions of m keep (their retained fields)
	// idle lists the detached sessions of m in the order they were let go (least recently
	// used first): eviction takes them from its front, so it costs what it forgets, not the
	// number of sessions in use.
	idle lruList[mtSession]
}

func newSessionTable(max, perKey int, ttl time.Duration, maxRetained int) *sessionTable {
	return &sessionTable{
		m: make(map[sessionKey]*mtSession), byKey: make(map[[8]byte][]*mtSession),
		max: max, perKey: perKey, ttl: ttl, maxRetained: maxRetained,
		idle: lruList[mtSession]{links: func(s *mtSession) *lruLinks[mtSession] { return &s.lru }},
	}
}

// fileLocked files s under its key. The caller holds t.mu.
func (t *sessionTable) fileLocked(s *mtSession) {
	t.m[s.key] = s
	t.byKey[s.key.key] = append(t.byKey[s.key.key], s)
}

// unfileLocked removes s from the table if it is filed there, and reports whether it was.
// The caller holds t.mu.
func (t *sessionTable) unfileLocked(s *mtSession) bool {
	if t.m[s.key] != s {
		return false
	}
	delete(t.m, s.key)
	t.idle.remove(s)
	list := t.byKey[s.key.key]
	if i := slices.Index(list, s); i >= 0 {
		list = slices.Delete(list, i, i+1)
	}
	if len(list) == 0 {
		delete(t.byKey, s.key.key)
	} else {
		t.byKey[s.key.key] = list
	}
	return true
}

// forgetLocked drops a detached session and its subscription. The caller holds t.mu.
func (t *sessionTable) forgetLocked(s *mtSession) {
	if t.unfileLocked(s) {
		t.retained -= s.retained
	}
	s.retained = 0
	if s.owner == nil && s.sub != nil {
		s.sub.Close()
		s.sub = nil
	}
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
			t.evictLocked(now, true)
			t.evictKeyLocked(k.key)
			s = &mtSession{key: k, eng: eng}
			t.fileLocked(s)
			created = true
		}
		if s.owner == nil {
			s.owner, s.released, s.lastUsed = c, make(chan struct{}), now
			t.idle.remove(s)
			t.retained -= s.retained
			s.retained = 0
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

// detach lets go of s if c owns it. A session the table no longer holds (reset, replaced)
// is forgotten for good.
func (t *sessionTable) detach(s *mtSession, c *conn, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s.owner != c {
		return
	}
	s.owner, s.lastUsed = nil, now
	close(s.released)
	if t.m[s.key] != s {
		t.forgetLocked(s)
		return
	}
	_, s.retained = s.eng.Retained() // c, the owner until now, may read the engine
	t.retained += s.retained
	t.idle.pushBack(s)
	t.evictLocked(now, false)
}

// rekey moves s to the session id its engine adopted (a client may start a new session on a
// live connection). A detached session already filed under the new id is replaced.
func (t *sessionTable) rekey(s *mtSession, id int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.unfileLocked(s)
	s.key.id = id
	if old := t.m[s.key]; old != nil {
		if old.owner != nil {
			// Another connection runs a session with this id under the same key; keep both
			// apart by leaving this one unfiled: it lives as long as its connection.
			return
		}
		t.forgetLocked(old)
	}
	t.fileLocked(s)
}

// destroy forgets the session k (destroy_session from another session of its key) and
// reports whether there was one. A connection serving it is closed; what the session kept
// for its client goes with it.
func (t *sessionTable) destroy(k sessionKey) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.m[k]
	if s == nil {
		return false
	}
	if s.owner == nil {
		t.forgetLocked(s)
		return true
	}
	// Unfiled, the session is forgotten for good when its owner lets go (detach).
	t.unfileLocked(s)
	s.owner.stop()
	return true
}

// evictLocked forgets detached sessions idle for longer than the TTL, then the least recently
// used detached ones while they keep more than maxRetained bytes or, to make room for a new
// session, while the table is full. It takes them from the front of the idle list (in the
// order they were let go), so it costs what it forgets. The caller holds t.mu.
func (t *sessionTable) evictLocked(now time.Time, room bool) {
	for s := t.idle.front; s != nil; s = t.idle.front {
		full := room && len(t.m) >= t.max || t.retained > t.maxRetained
		if !full && (t.ttl <= 0 || now.Sub(s.lastUsed) <= t.ttl) {
			return
		}
		t.forgetLocked(s)
	}
}

// evictKeyLocked makes room for one more session under the auth key: the least recently
// used detached sessions of the key go while it has perKey. Sessions in use stay (their
// number is bounded by the connections). The caller holds t.mu.
func (t *sessionTable) evictKeyLocked(key [8]byte) {
	for len(t.byKey[key]) >= t.perKey {
		var oldest *mtSession
		for _, s := range t.byKey[key] {
			if s.owner == nil && (oldest == nil || s.lastUsed.Before(oldest.lastUsed)) {
				oldest = s
			}
		}
		if oldest == nil {
			return
		}
		t.forgetLocked(oldest)
	}
}

// len returns the number of sessions the table holds.
func (t *sessionTable) len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.m)
}

// reset forgets every session and returns how many it forgot. Connections that own one keep
// it until they close.
func (t *sessionTable) reset() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(t.m)
	for _, s := range t.m {
		t.forgetLocked(s)
	}
	clear(t.m)
	clear(t.byKey)
	return n
}

// updatesMode is whether a session's account updates are pushed to its client.
type updatesMode uint8

const (
	updatesUnsaid updatesMode = iota // no call yet: pushed, as before the first call
	updatesOff                       // only invokeWithoutUpdates calls so far
	updatesOn                        // an ordinary call was made: pushed from now on
)

// noteCall records whether a call asked for updates (it is not wrapped in
// invokeWithoutUpdates); once a session asked, it keeps receiving them.
func (s *mtSession) noteCall(withoutUpdates bool) {
	was := s.updates
	switch {
	case !withoutUpdates:
		s.updates = updatesOn
	case s.updates == updatesUnsaid:
		s.updates = updatesOff
	}
	if s.updates != was && s.sub != nil {
		s.sub.Mute(s.updates == updatesOff)
	}
}
