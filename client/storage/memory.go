package storage

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/updates"
)

// InMemory is a Storage that keeps everything in memory: a client using it logs in again after
// every restart. The zero value is not ready; use NewInMemory.
type InMemory struct {
	mu       sync.Mutex
	closed   bool
	sessions map[int]session.Session
	homeDC   int
	identity Identity
	peers    *peers.MemoryStore
	updates  *updates.MemoryStore
	records  map[string][]byte // recordKey -> value
}

// NewInMemory returns an empty in-memory storage.
func NewInMemory() *InMemory {
	return &InMemory{
		sessions: make(map[int]session.Session),
		peers:    &peers.MemoryStore{},
		updates:  updates.NewMemoryStore(),
		records:  make(map[string][]byte),
	}
}

// check fails after Close or with a done context; the caller holds mu.
func (m *InMemory) check(ctx context.Context) error {
	if m.closed {
		return ErrClosed
	}
	return ctx.Err()
}

// LoadSession implements Storage.
func (m *InMemory) LoadSession(ctx context.Context, dc int) (session.Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.check(ctx); err != nil {
		return session.Session{}, err
	}
	s, ok := m.sessions[dc]
	if !ok {
		return session.Session{}, fmt.Errorf("storage: dc %d: %w", dc, session.ErrNoSession)
	}
	return s.Clone(), nil
}

// SaveSession implements Storage.
func (m *InMemory) SaveSession(ctx context.Context, s session.Session) error {
	if err := s.Validate(); err != nil {
		return fmt.Errorf("storage: save session: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.check(ctx); err != nil {
		return err
	}
	m.sessions[s.DC] = s.Clone()
	return nil
}

// HomeDC implements Storage.
func (m *InMemory) HomeDC(ctx context.Context) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.check(ctx); err != nil {
		return 0, err
	}
	return m.homeDC, nil
}

// SetHomeDC implements Storage.
func (m *InMemory) SetHomeDC(ctx context.Context, dc int) error {
	if err := checkHomeDC(dc); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.check(ctx); err != nil {
		return err
	}
	m.homeDC = dc
	return nil
}

// Identity implements Storage.
func (m *InMemory) Identity(ctx context.Context) (Identity, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.check(ctx); err != nil {
		return Identity{}, err
	}
	return m.identity, nil
}

// SetIdentity implements Storage.
func (m *InMemory) SetIdentity(ctx context.Context, id Identity) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.check(ctx); err != nil {
		return err
	}
	m.identity = id
	return nil
}

// stores returns the peer and update stores, or ErrClosed.
func (m *InMemory) stores(ctx context.Context) (*peers.MemoryStore, *updates.MemoryStore, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.check(ctx); err != nil {
		return nil, nil, err
	}
	return m.peers, m.updates, nil
}

// LoadPeer implements peers.Store.
func (m *InMemory) LoadPeer(ctx context.Context, k peers.Key) (peers.Peer, bool, error) {
	p, _, err := m.stores(ctx)
	if err != nil {
		return peers.Peer{}, false, err
	}
	return p.LoadPeer(ctx, k)
}

// PeerByUsername implements peers.Store.
func (m *InMemory) PeerByUsername(ctx context.Context, username string) (peers.Peer, bool, error) {
	p, _, err := m.stores(ctx)
	if err != nil {
		return peers.Peer{}, false, err
	}
	return p.PeerByUsername(ctx, username)
}

// PeerByPhone implements peers.Store.
func (m *InMemory) PeerByPhone(ctx context.Context, phone string) (peers.Peer, bool, error) {
	p, _, err := m.stores(ctx)
	if err != nil {
		return peers.Peer{}, false, err
	}
	return p.PeerByPhone(ctx, phone)
}

// SavePeers implements peers.Store.
func (m *InMemory) SavePeers(ctx context.Context, ps []peers.Peer) error {
	p, _, err := m.stores(ctx)
	if err != nil {
		return err
	}
	return p.SavePeers(ctx, ps)
}

// ListPeers implements PeerLister: every stored peer, sorted by kind then id.
func (m *InMemory) ListPeers(ctx context.Context) ([]Peer, error) {
	p, _, err := m.stores(ctx)
	if err != nil {
		return nil, err
	}
	return p.Peers(), nil
}

// DeletePeer implements PeerDeleter.
func (m *InMemory) DeletePeer(ctx context.Context, k peers.Key) error {
	p, _, err := m.stores(ctx)
	if err != nil {
		return err
	}
	return p.Delete(ctx, k)
}

// LoadUpdates implements Storage.
func (m *InMemory) LoadUpdates(ctx context.Context) (updates.Saved, bool, error) {
	_, u, err := m.stores(ctx)
	if err != nil {
		return updates.Saved{}, false, err
	}
	return u.Load(ctx)
}

// CommitUpdates implements Storage.
func (m *InMemory) CommitUpdates(ctx context.Context, c updates.Commit) error {
	_, u, err := m.stores(ctx)
	if err != nil {
		return err
	}
	return u.Save(ctx, c)
}

// LoadRecord implements Storage.
func (m *InMemory) LoadRecord(ctx context.Context, ns, key string) ([]byte, bool, error) {
	k, err := recordKey(ns, key)
	if err != nil {
		return nil, false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.check(ctx); err != nil {
		return nil, false, err
	}
	v, ok := m.records[k]
	return slices.Clone(v), ok, nil
}

// SaveRecord implements Storage.
func (m *InMemory) SaveRecord(ctx context.Context, ns, key string, value []byte) error {
	k, err := recordKey(ns, key)
	if err != nil {
		return err
	}
	if err := checkRecordValue(ns, value); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.check(ctx); err != nil {
		return err
	}
	m.records[k] = append([]byte{}, value...) // not nil: a saved empty value exists
	return nil
}

// DeleteRecord implements Storage.
func (m *InMemory) DeleteRecord(ctx context.Context, ns, key string) error {
	k, err := recordKey(ns, key)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.check(ctx); err != nil {
		return err
	}
	delete(m.records, k)
	return nil
}

// Reset implements Storage.
func (m *InMemory) Reset(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.check(ctx); err != nil {
		return err
	}
	clear(m.sessions)
	m.homeDC, m.identity = 0, Identity{}
	m.peers, m.updates = &peers.MemoryStore{}, updates.NewMemoryStore()
	clear(m.records)
	return nil
}

// Save implements Storage; in memory there is nothing to flush.
func (m *InMemory) Save() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	return nil
}

// Close implements Storage.
func (m *InMemory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}
