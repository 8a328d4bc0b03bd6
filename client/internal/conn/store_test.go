package conn

import (
	"context"
	"sync"
	"testing"

	"github.com/mtgo-labs/mtgo/session"
)

// TestStoreKeyed: Keyed closes at the first save of a session with an auth key, in memory
// (a CDN's) or in the storage, once the key is there to load; a save without a key (a salt
// or clock change of a session that had none) leaves it open.
func TestStoreKeyed(t *testing.T) {
	ctx := context.Background()
	for _, cdn := range []bool{false, true} {
		var mem *CDNMemory
		if cdn {
			mem = &CDNMemory{}
		}
		st := NewStore(memSessions{}, 4, "", mem, new(sync.Mutex))
		if err := st.Save(ctx, session.Session{Salt: 1}); err != nil {
			t.Fatal(err)
		}
		select {
		case <-st.Keyed():
			t.Fatalf("cdn %v: keyed after a save without a key", cdn)
		default:
		}
		for range 2 { // a second save does not close it again
			if err := st.Save(ctx, session.Session{AuthKey: []byte{1, 2, 3}}); err != nil {
				t.Fatal(err)
			}
		}
		select {
		case <-st.Keyed():
		default:
			t.Fatalf("cdn %v: not keyed after a save with a key", cdn)
		}
		if s, err := st.Load(ctx); err != nil || !s.HasKey() {
			t.Fatalf("cdn %v: load after keyed: %+v, %v", cdn, s, err)
		}
	}
}

// memSessions keeps one session per data center in memory.
type memSessions map[int]session.Session

func (m memSessions) LoadSession(_ context.Context, dc int) (session.Session, error) {
	s, ok := m[dc]
	if !ok {
		return s, session.ErrNoSession
	}
	return s, nil
}

func (m memSessions) SaveSession(_ context.Context, s session.Session) error {
	m[s.DC] = s
	return nil
}

// TestStoreKeyedAtLoad: a connection that loads a session with a key, stored by another
// connection after its opener looked, closes Keyed at the load: it makes no key and may save
// nothing for long, and an opener waiting for Keyed (engine.open, holding the data center's
// turn) would wait until its context ended. Before the fix Keyed stayed open.
func TestStoreKeyedAtLoad(t *testing.T) {
	ctx := context.Background()
	for _, cdn := range []bool{false, true} {
		var mem *CDNMemory
		if cdn {
			mem = &CDNMemory{}
		}
		sessions, mu := memSessions{}, new(sync.Mutex)
		st := NewStore(sessions, 4, "", mem, mu)
		if _, err := st.Load(ctx); err == nil {
			t.Fatalf("cdn %v: load of nothing stored succeeded", cdn)
		}
		select {
		case <-st.Keyed():
			t.Fatalf("cdn %v: keyed after loading nothing", cdn)
		default:
		}
		other := NewStore(sessions, 4, "", mem, mu) // another connection makes the key
		if err := other.Save(ctx, session.Session{AuthKey: []byte{1, 2, 3}}); err != nil {
			t.Fatal(err)
		}
		if s, err := st.Load(ctx); err != nil || !s.HasKey() {
			t.Fatalf("cdn %v: load: %+v, %v", cdn, s, err)
		}
		select {
		case <-st.Keyed():
		default:
			t.Fatalf("cdn %v: not keyed after loading a session with a key", cdn)
		}
	}
}
