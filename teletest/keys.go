package teletest

import (
	"slices"
	"sync"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/teletest/world"
)

// authKey is one auth key a data center knows: created by a key exchange on that DC (auth keys
// are per data center, as on Telegram).
type authKey struct {
	key crypto.AuthKey
	// expires is when a temporary key stops being accepted; zero for a permanent key.
	expires time.Time

	// guarded by keyStore.mu
	perm  world.KeyID // the permanent key a temporary one is bound to; zero when unbound
	salt  int64       // the current server salt for this key
	layer int32       // the last layer a connection under this key announced
	used  time.Time   // when a connection last took the key up or let it go
	conns int         // the connections using the key now: add does not forget it meanwhile
}

// keyStore holds the auth keys of one data center.
type keyStore struct {
	mu   sync.Mutex
	keys map[[8]byte]*authKey
	// sweepAt is the size at which add next forgets the expired temporary keys: a client
	// under perfect forward secrecy makes a new one every few hours and never uses the old
	// one again, so waiting for lookup to find them expired would keep them all.
	sweepAt int
	// max bounds the keys held: past it add forgets the least recently used eighth
	// (Config.MaxAuthKeys). forget, if set, is told the keys dropped so (outside mu).
	max    int
	forget func([]world.KeyID)
}

// minSweep is the smallest keyStore.sweepAt: below it expired keys are not worth a pass.
const minSweep = 64

func newKeyStore(max int, forget func([]world.KeyID)) *keyStore {
	return &keyStore{keys: make(map[[8]byte]*authKey), sweepAt: minSweep, max: max, forget: forget}
}

// add stores a new key with its first salt. Once the store has doubled since the last pass
// it forgets the temporary keys expired at now, which keeps the passes amortised O(1) per add.
// Past max keys it forgets the least recently used eighth of them (permanent ones too, with
// the temporary keys bound to them: their clients get -404 and make new ones, as when
// Telegram forgets a key), which keeps that amortised O(log n) per add.
func (s *keyStore) add(key crypto.AuthKey, salt int64, expires, now time.Time) *authKey {
	k, dropped := s.addLocked(key, salt, expires, now)
	if len(dropped) > 0 && s.forget != nil {
		s.forget(dropped)
	}
	return k
}

func (s *keyStore) addLocked(key crypto.AuthKey, salt int64, expires, now time.Time) (*authKey, []world.KeyID) {
	k := &authKey{key: key, expires: expires, salt: salt, used: now}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[key.ID] = k
	if len(s.keys) >= s.sweepAt {
		for id, k := range s.keys {
			if k.expired(now) {
				delete(s.keys, id)
			}
		}
		s.sweepAt = max(2*len(s.keys), minSweep)
	}
	if s.max <= 0 || len(s.keys) <= s.max {
		return k, nil
	}
	// A key a connection uses stays, and so does the permanent key a temporary key in use
	// is bound to: the connection took it up once and names it no more, however long it
	// stays open.
	inUse := make(map[*authKey]bool)
	for _, o := range s.keys {
		if o.conns > 0 {
			inUse[o] = true
			if p := s.keys[o.perm]; p != nil {
				inUse[p] = true
			}
		}
	}
	byAge := make([]*authKey, 0, len(s.keys))
	for _, o := range s.keys {
		if o != k && !inUse[o] {
			byAge = append(byAge, o)
		}
	}
	slices.SortFunc(byAge, func(a, b *authKey) int { return a.used.Compare(b.used) })
	gone := make(map[world.KeyID]bool)
	for _, o := range byAge[:min(len(byAge), len(s.keys)-s.max*7/8)] {
		gone[world.KeyID(o.key.ID)] = true
	}
	var dropped []world.KeyID
	for id, o := range s.keys {
		if gone[world.KeyID(id)] || o.perm != (world.KeyID{}) && gone[o.perm] {
			delete(s.keys, id)
			dropped = append(dropped, world.KeyID(id))
		}
	}
	return k, dropped
}

// takeUp records that a connection uses k from now on: add does not forget it until the
// connection lets go.
func (s *keyStore) takeUp(k *authKey, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k.conns++
	k.used = now
}

// letGo records that a connection stopped using k at now (after takeUp).
func (s *keyStore) letGo(k *authKey, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k.conns--
	k.used = now
}

// expired reports whether k is a temporary key past its expiry at now.
func (k *authKey) expired(now time.Time) bool {
	return !k.expires.IsZero() && !now.Before(k.expires)
}

// taken reports whether id is in use (the exchange then answers dh_gen_retry).
func (s *keyStore) taken(id [8]byte) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.keys[id]
	return ok
}

// lookup returns the key with id if it exists and, for a temporary key, has not expired at now.
func (s *keyStore) lookup(id [8]byte, now time.Time) (*authKey, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.keys[id]
	if !ok {
		return nil, false
	}
	if k.expired(now) {
		delete(s.keys, id)
		return nil, false
	}
	k.used = now
	return k, true
}

// account returns the key id the world knows the account by: the bound permanent key for a
// temporary key, the key itself otherwise.
func (s *keyStore) account(k *authKey) world.KeyID {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k.perm != (world.KeyID{}) {
		return k.perm
	}
	return world.KeyID(k.key.ID)
}

// bind binds the temporary key k to the permanent key perm.
func (s *keyStore) bind(k *authKey, perm world.KeyID) {
	s.mu.Lock()
	k.perm = perm
	s.mu.Unlock()
}

// saltOf returns k's current salt.
func (s *keyStore) saltOf(k *authKey) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return k.salt
}

// rotate gives every key a new salt drawn from next and returns how many keys it changed.
func (s *keyStore) rotate(next func() int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range s.keys {
		k.salt = next()
	}
	return len(s.keys)
}

// setLayer records the layer a connection under k announced.
func (s *keyStore) setLayer(k *authKey, layer int32) {
	s.mu.Lock()
	k.layer = layer
	s.mu.Unlock()
}

// layerOf returns the last layer announced under k, 0 if none.
func (s *keyStore) layerOf(k *authKey) int32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return k.layer
}

// len returns how many keys the store holds that have not expired at now.
func (s *keyStore) len(now time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, k := range s.keys {
		if !k.expired(now) {
			n++
		}
	}
	return n
}
