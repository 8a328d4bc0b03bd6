package peers

import (
	"context"
	"slices"
	"sync"
)

// Store keeps peers across restarts. It is declared here, by its consumer: the client's storage
// implements it on disk and MemoryStore in memory.
//
// The cache reads through it on a miss and writes the peers whose information changed in
// batches (see Options.BatchSize and Cache.Flush). A store indexes peers by their usernames
// (normalized with NormalizeUsername) and phone numbers; when a saved peer no longer carries a
// username or phone, the store forgets that index entry, and when another peer takes it, the
// index points to the newer one. Lookups return found == false, not an error, for unknown
// peers. Implementations must be safe for concurrent use and must not keep the slices they are
// given or return ones they keep.
type Store interface {
	// LoadPeer returns the peer stored under k.
	LoadPeer(ctx context.Context, k Key) (p Peer, found bool, err error)
	// PeerByUsername returns the peer that last carried the normalized username.
	PeerByUsername(ctx context.Context, username string) (p Peer, found bool, err error)
	// PeerByPhone returns the peer that last carried the phone number (digits only).
	PeerByPhone(ctx context.Context, phone string) (p Peer, found bool, err error)
	// SavePeers stores ps, replacing the records with the same keys. Either all are stored
	// or, on error, none need be.
	SavePeers(ctx context.Context, ps []Peer) error
}

// MemoryStore is a Store in memory, for tests and for clients that keep nothing on disk. The
// zero value is empty and ready to use.
type MemoryStore struct {
	mu     sync.Mutex
	peers  map[Key]Peer
	names  map[string]Key
	phones map[string]Key
}

var _ Store = (*MemoryStore)(nil)

// LoadPeer implements Store.
func (m *MemoryStore) LoadPeer(ctx context.Context, k Key) (Peer, bool, error) {
	if err := ctx.Err(); err != nil {
		return Peer{}, false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.peers[k]
	return p.clone(), ok, nil
}

// PeerByUsername implements Store.
func (m *MemoryStore) PeerByUsername(ctx context.Context, username string) (Peer, bool, error) {
	return m.byIndex(ctx, func() (Key, bool) { k, ok := m.names[NormalizeUsername(username)]; return k, ok })
}

// PeerByPhone implements Store.
func (m *MemoryStore) PeerByPhone(ctx context.Context, phone string) (Peer, bool, error) {
	return m.byIndex(ctx, func() (Key, bool) { k, ok := m.phones[phone]; return k, ok })
}

func (m *MemoryStore) byIndex(ctx context.Context, find func() (Key, bool)) (Peer, bool, error) {
	if err := ctx.Err(); err != nil {
		return Peer{}, false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k, ok := find()
	if !ok {
		return Peer{}, false, nil
	}
	p, ok := m.peers[k]
	return p.clone(), ok, nil
}

// SavePeers implements Store.
func (m *MemoryStore) SavePeers(ctx context.Context, ps []Peer) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.peers == nil {
		m.peers = make(map[Key]Peer)
		m.names = make(map[string]Key)
		m.phones = make(map[string]Key)
	}
	for _, p := range ps {
		if !p.Valid() {
			continue
		}
		if old, ok := m.peers[p.Key]; ok {
			for _, n := range old.Usernames {
				if n := NormalizeUsername(n); m.names[n] == p.Key && !p.HasUsername(n) {
					delete(m.names, n)
				}
			}
			if old.Phone != "" && old.Phone != p.Phone && m.phones[old.Phone] == p.Key {
				delete(m.phones, old.Phone)
			}
		}
		m.peers[p.Key] = p.clone()
		for _, n := range p.Usernames {
			m.names[NormalizeUsername(n)] = p.Key
		}
		if p.Phone != "" {
			m.phones[p.Phone] = p.Key
		}
	}
	return nil
}

// Delete forgets the peer k and the username and phone entries that still point to it; a
// missing peer is not an error.
func (m *MemoryStore) Delete(ctx context.Context, k Key) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old, ok := m.peers[k]
	if !ok {
		return nil
	}
	for _, n := range old.Usernames {
		if n := NormalizeUsername(n); m.names[n] == k {
			delete(m.names, n)
		}
	}
	if old.Phone != "" && m.phones[old.Phone] == k {
		delete(m.phones, old.Phone)
	}
	delete(m.peers, k)
	return nil
}

// Len returns the number of stored peers.
func (m *MemoryStore) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.peers)
}

// Peers returns a copy of every stored peer, sorted by kind then id.
func (m *MemoryStore) Peers() []Peer {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Peer, 0, len(m.peers))
	for _, p := range m.peers {
		out = append(out, p.clone())
	}
	slices.SortFunc(out, func(a, b Peer) int { return CompareKeys(a.Key, b.Key) })
	return out
}

// CompareKeys orders keys by kind, then id: the order ListPeers of every store returns
// (storage.PeerLister). It is a cmp-style comparison (negative, zero, positive).
func CompareKeys(a, b Key) int {
	if a.Kind != b.Kind {
		return int(a.Kind) - int(b.Kind)
	}
	switch {
	case a.ID < b.ID:
		return -1
	case a.ID > b.ID:
		return 1
	}
	return 0
}
