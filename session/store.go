package session

import (
	"context"
	"errors"
	"sync"
)

// ErrNoSession is returned by Store.Load when nothing has been saved yet.
var ErrNoSession = errors.New("session: no stored session")

// Store loads and saves session state. It is declared here, by its consumer; the client's
// storage layer implements it, and MemoryStore serves tests.
//
// Load returns ErrNoSession (possibly wrapped) when the store is empty. Implementations must be
// safe for concurrent use and must not keep references to the AuthKey slice they are given.
type Store interface {
	Load(ctx context.Context) (Session, error)
	Save(ctx context.Context, s Session) error
}

// MemoryStore is a Store that keeps the session in memory. The zero value is empty and ready.
type MemoryStore struct {
	mu    sync.Mutex
	s     Session
	saved bool
}

// Load returns a copy of the saved session, or ErrNoSession.
func (m *MemoryStore) Load(ctx context.Context) (Session, error) {
	if err := ctx.Err(); err != nil {
		return Session{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.saved {
		return Session{}, ErrNoSession
	}
	return m.s.Clone(), nil
}

// Save replaces the stored session with a copy of s.
func (m *MemoryStore) Save(ctx context.Context, s Session) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.s = s.Clone()
	m.saved = true
	return nil
}
