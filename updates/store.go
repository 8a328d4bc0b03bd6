package updates

import (
	"context"
	"slices"
	"sync"
)

// Store persists the update state between runs. The Manager calls Save with each Commit after
// the batch it belongs to was handled, from one goroutine at a time. The Commit's Channels
// are the engine's again once Save returns (the next delivery reuses them): a Store that
// writes later keeps a copy.
type Store interface {
	// Load returns the saved state; ok is false when no account state was saved yet.
	Load(ctx context.Context) (s Saved, ok bool, err error)
	// Save applies a commit: the account state when HasState is set, then each channel's pts
	// and Named, which Load returns with it (deleting the channels marked Removed). A Store
	// that drops Named works, with the limit ChannelPts describes.
	Save(ctx context.Context, c Commit) error
}

// MemoryStore is a Store that keeps the state in memory, for tests and for programs that do not
// need to catch up after a restart. It is safe for concurrent use.
type MemoryStore struct {
	mu       sync.Mutex
	state    State
	ok       bool
	channels map[int64]ChannelPts
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{channels: make(map[int64]ChannelPts)}
}

// Load implements Store. Channels come sorted by id.
func (s *MemoryStore) Load(context.Context) (Saved, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	saved := Saved{State: s.state, Channels: make([]ChannelPts, 0, len(s.channels))}
	for _, ch := range s.channels {
		saved.Channels = append(saved.Channels, ch)
	}
	slices.SortFunc(saved.Channels, func(a, b ChannelPts) int { return int64Compare(a.ChannelID, b.ChannelID) })
	return saved, s.ok, nil
}

// Save implements Store.
func (s *MemoryStore) Save(_ context.Context, c Commit) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.HasState {
		s.state, s.ok = c.State, true
	}
	for _, ch := range c.Channels {
		if ch.Removed {
			delete(s.channels, ch.ChannelID)
			continue
		}
		s.channels[ch.ChannelID] = ChannelPts{ChannelID: ch.ChannelID, Pts: ch.Pts, Named: ch.Named}
	}
	return nil
}
