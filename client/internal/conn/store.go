package conn

import (
	"bytes"
	"context"
	"errors"
	"sync"

	"github.com/mtgo-labs/mtgo/session"
)

// Sessions is the part of the client's storage a data center's session store uses.
type Sessions interface {
	LoadSession(ctx context.Context, dc int) (session.Session, error)
	SaveSession(ctx context.Context, s session.Session) error
}

// Store is the session.Store of one data center inside the client's storage. The identity
// fields (UserID, Bot) belong to the client: a connection saving its key or salt keeps the
// stored identity, and a new key drops it (the new key is not authorized).
type Store struct {
	st   Sessions
	dc   int
	addr string     // the address in use, which wins over a stored one
	mem  *CDNMemory // a CDN data center's session, kept in memory; nil: persisted in st
	mu   *sync.Mutex

	keyOnce sync.Once
	keyed   chan struct{} // closed once a Load or Save had a session with a key
}

// NewStore returns the store of dc in st, or of a CDN data center in mem when mem is not nil.
// A Save holds mu across its load and save of st, so that every writer of st that does so
// too (the stores of other connections, the client dropping a key) sees the others' writes.
func NewStore(st Sessions, dc int, addr string, mem *CDNMemory, mu *sync.Mutex) *Store {
	return &Store{st: st, dc: dc, addr: addr, mem: mem, mu: mu, keyed: make(chan struct{})}
}

// Keyed is closed once the connection's session has an auth key: at a Load that found one
// (the session loads once, when it starts) or at the first Save of one, whether the storage
// took it or not (a key exchange done).
func (s *Store) Keyed() <-chan struct{} { return s.keyed }

// markKeyed closes keyed when sess has an auth key.
func (s *Store) markKeyed(sess session.Session) {
	if sess.HasKey() {
		s.keyOnce.Do(func() { close(s.keyed) })
	}
}

// CDNMemory holds a CDN data center's session in memory: CDN sessions are not persisted, but
// every connection to the data center (transfer lanes, reconnects) reuses one key.
type CDNMemory struct {
	mu    sync.Mutex
	sess  session.Session
	saved bool
}

// Holds reports whether the session's auth key is key (not empty).
func (m *CDNMemory) Holds(key []byte) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.holds(key)
}

func (m *CDNMemory) holds(key []byte) bool {
	return m.saved && len(key) > 0 && bytes.Equal(m.sess.AuthKey, key)
}

// Drop forgets the session when its auth key is key (not empty), which the CDN data center no
// longer knows, and reports whether it did: the next connection makes a new key. A newer key
// stays.
func (m *CDNMemory) Drop(key []byte) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.holds(key) {
		return false
	}
	m.sess, m.saved = session.Session{}, false
	return true
}

// Load implements session.Store.
func (s *Store) Load(ctx context.Context) (session.Session, error) {
	if m := s.mem; m != nil {
		m.mu.Lock()
		defer m.mu.Unlock()
		if !m.saved {
			return session.Session{}, session.ErrNoSession
		}
		s.markKeyed(m.sess)
		return m.sess.Clone(), nil
	}
	sess, err := s.st.LoadSession(ctx, s.dc)
	if err != nil {
		return sess, err
	}
	if s.addr != "" {
		sess.Addr = s.addr
	}
	s.markKeyed(sess)
	return sess, nil
}

// Save implements session.Store.
func (s *Store) Save(ctx context.Context, sess session.Session) error {
	defer s.markKeyed(sess)
	sess.DC = s.dc
	if m := s.mem; m != nil {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.sess, m.saved = sess.Clone(), true
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, err := s.st.LoadSession(ctx, s.dc)
	switch {
	case err == nil:
		if !bytes.Equal(old.AuthKey, sess.AuthKey) {
			// A new key is not authorized yet, whatever the old one was.
			sess.UserID, sess.Bot = 0, false
		} else {
			sess.UserID, sess.Bot = old.UserID, old.Bot
		}
	case errors.Is(err, session.ErrNoSession):
		sess.UserID, sess.Bot = 0, false
	default:
		return err
	}
	return s.st.SaveSession(ctx, sess)
}
