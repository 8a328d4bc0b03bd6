package mtgo

import (
	"context"
	"fmt"
	"sync"

	"github.com/mtgo-labs/mtgo/session"
)

// memoryStorage keeps sessions in memory only (Config.InMemory, Config.SessionString without
// a session name).
type memoryStorage struct {
	mu       sync.Mutex
	sessions map[int]session.Session
	home     int
}

func newMemoryStorage() *memoryStorage {
	return &memoryStorage{sessions: map[int]session.Session{}}
}

// LoadSession implements Storage.
func (m *memoryStorage) LoadSession(ctx context.Context, dc int) (session.Session, error) {
	if err := ctx.Err(); err != nil {
		return session.Session{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[dc]
	if !ok {
		return session.Session{}, fmt.Errorf("dc %d: %w", dc, session.ErrNoSession)
	}
	return s.Clone(), nil
}

// SaveSession implements Storage.
func (m *memoryStorage) SaveSession(ctx context.Context, s session.Session) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sessions[s.DC] = s.Clone()
	return nil
}

// HomeDC implements Storage.
func (m *memoryStorage) HomeDC(ctx context.Context) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.home, nil
}

// SetHomeDC implements Storage.
func (m *memoryStorage) SetHomeDC(ctx context.Context, dc int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.home = dc
	return nil
}

// Save implements Storage; memory needs no flushing.
func (m *memoryStorage) Save() error { return nil }

// Close implements Storage.
func (m *memoryStorage) Close() error { return nil }
