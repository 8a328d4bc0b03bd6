package teletest

import (
	"errors"
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
	conns int         // the connections using the key now: add does not forget it meanwhile
	// held counts what keeps add from forgetting the key: its connections (as one) and the
	// temporary keys bound to it that connections use. A stored key held by nothing is on
	// the store's idle list.
	held int
	lru  lruLinks[authKey] // on the store's idle list
	// temps are the temporary keys bound to this permanent key, forgotten with it.
	temps map[[8]byte]*authKey
	// stored is true while keyStore.keys holds the key (a connection may hold one forgotten).
	stored bool
}

// keyStore holds the auth keys of one data center.
type keyStore struct {
	mu   sync.Mutex
	keys map[[8]byte]*authKey
	// idle lists the stored keys no connection holds, least recently used first: add forgets
	// from its front, so an add costs what it forgets, however many keys are in use.
	idle lruList[authKey]
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
	return &keyStore{
		keys:    make(map[[8]byte]*authKey),
		idle:    lruList[authKey]{links: func(k *authKey) *lruLinks[authKey] { return &k.lru }},
		sweepAt: minSweep, max: max, forget: forget,
	}
}

// errAuthKeyIDTaken refuses a new key whose id a stored key has: the exchange checks the id
// is free (dh_gen_retry), but not under the store's lock, so two may end with one id.
var errAuthKeyIDTaken = errors.New("teletest: auth key id taken")

// add stores a new key with its first salt, or fails with errAuthKeyIDTaken, storing
// nothing, when a stored key has its id (replacing it would leave the temporary keys bound to
// the old key, and their holds, on the new one). Once the store has doubled since the last pass
// it forgets the temporary keys expired at now, which keeps the passes amortised O(1) per add.
// The keys it forgets, either way, are told to forget (which ends their authorizations).
// Past max keys it forgets the least recently used down to seven eighths of max (permanent
// ones too, after the temporary keys bound to them, which count among those forgotten:
// their clients get -404 and make new ones, as when Telegram forgets a key), taken from the
// front of the idle list: the keys connections use stay, and the pass costs what it
// forgets, amortised O(1) per add.
func (s *keyStore) add(key crypto.AuthKey, salt int64, expires, now time.Time) (*authKey, error) {
	k, dropped, err := s.addLocked(key, salt, expires, now)
	if len(dropped) > 0 && s.forget != nil {
		s.forget(dropped)
	}
	return k, err
}

func (s *keyStore) addLocked(key crypto.AuthKey, salt int64, expires, now time.Time) (*authKey, []world.KeyID, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.keys[key.ID]; ok {
		return nil, nil, errAuthKeyIDTaken
	}
	k := &authKey{key: key, expires: expires, salt: salt}
	s.keys[key.ID] = k
	k.stored = true
	s.idle.pushBack(k)
	var dropped []world.KeyID
	if len(s.keys) >= s.sweepAt {
		for _, o := range s.keys {
			if o.expired(now) {
				s.deleteLocked(o)
				dropped = append(dropped, world.KeyID(o.key.ID))
			}
		}
		s.sweepAt = max(2*len(s.keys), minSweep)
	}
	if s.max <= 0 || len(s.keys) <= s.max {
		return k, dropped, nil
	}
	// The new key is the idle list's back: the ones before it are older. A permanent key
	// goes after the temporary keys bound to it (none held: a temporary key in use holds
	// it), and they count among the n, so a pass that runs out among them leaves the
	// permanent key with the rest.
	n := len(s.keys) - s.max*7/8
	for n > 0 {
		o := s.idle.front
		if o == nil || o == k {
			break
		}
		for _, t := range o.temps { // deleting t takes it out of o.temps
			if n == 0 {
				break
			}
			s.deleteLocked(t)
			dropped = append(dropped, world.KeyID(t.key.ID))
			n--
		}
		if n == 0 {
			break
		}
		s.deleteLocked(o)
		dropped = append(dropped, world.KeyID(o.key.ID))
		n--
	}
	return k, dropped, nil
}

// clear forgets every key the store holds, the temporary ones with the permanent ones, and
// tells forget (which ends their authorizations); it returns how many it forgot. A
// connection using one of them keeps it until it closes.
func (s *keyStore) clear() int {
	s.mu.Lock()
	dropped := make([]world.KeyID, 0, len(s.keys))
	for _, k := range s.keys {
		s.deleteLocked(k)
		dropped = append(dropped, world.KeyID(k.key.ID))
	}
	s.mu.Unlock()
	if len(dropped) > 0 && s.forget != nil {
		s.forget(dropped)
	}
	return len(dropped)
}

// deleteLocked removes k from the store. A temporary key a connection uses stops holding
// its permanent key. s.mu is held.
func (s *keyStore) deleteLocked(k *authKey) {
	if !k.stored {
		return
	}
	if p := s.permLocked(k); p != nil {
		delete(p.temps, k.key.ID)
		if k.conns > 0 {
			s.releaseLocked(p)
		}
	}
	delete(s.keys, k.key.ID)
	if k.held == 0 {
		s.idle.remove(k)
	}
	k.stored = false
}

// permLocked returns the stored permanent key the stored key k is bound to, nil if none.
func (s *keyStore) permLocked(k *authKey) *authKey {
	if !k.stored || k.perm == (world.KeyID{}) {
		return nil
	}
	return s.keys[k.perm]
}

// holdLocked keeps add from forgetting the stored key k until releaseLocked.
func (s *keyStore) holdLocked(k *authKey) {
	k.held++
	if k.held == 1 && k.stored {
		s.idle.remove(k)
	}
}

// releaseLocked undoes a holdLocked: the key goes to the back of the idle list when nothing
// holds it any more.
func (s *keyStore) releaseLocked(k *authKey) {
	k.held--
	if k.held == 0 && k.stored {
		s.idle.pushBack(k)
	}
}

// touchLocked marks the stored key k as just used: the last of the idle keys add forgets.
func (s *keyStore) touchLocked(k *authKey) {
	if k.held == 0 && k.stored {
		s.idle.pushBack(k)
	}
}

// takeUp records that a connection uses k from now on: add does not forget it, nor the
// permanent key it is bound to, until the connection lets go.
func (s *keyStore) takeUp(k *authKey, _ time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k.conns++
	if k.conns > 1 || !k.stored {
		return
	}
	s.holdLocked(k)
	if p := s.permLocked(k); p != nil {
		s.holdLocked(p)
	}
}

// letGo records that a connection stopped using k at now (after takeUp).
func (s *keyStore) letGo(k *authKey, _ time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k.conns--
	if k.conns > 0 || !k.stored {
		return
	}
	if p := s.permLocked(k); p != nil {
		s.releaseLocked(p)
	}
	s.releaseLocked(k)
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
// An expired key is forgotten, and told to forget.
func (s *keyStore) lookup(id [8]byte, now time.Time) (*authKey, bool) {
	k, expired := s.lookupLocked(id, now)
	if expired && s.forget != nil {
		s.forget([]world.KeyID{world.KeyID(id)})
	}
	return k, k != nil
}

func (s *keyStore) lookupLocked(id [8]byte, now time.Time) (k *authKey, expired bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k = s.keys[id]
	if k == nil {
		return nil, false
	}
	if k.expired(now) {
		s.deleteLocked(k)
		return nil, true
	}
	s.touchLocked(k)
	return k, false
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

// bind binds the temporary key k to the permanent key perm: forgetting perm forgets k, and
// while a connection uses k, add does not forget perm. The connection checked both keys
// before, but not under s.mu: it fails with ErrTempAuthKeyAlreadyBound when k is bound
// already (another connection under k bound it meanwhile), and ErrEncryptedMessageInvalid
// when k or perm is no longer stored (forgotten since) or perm is not a permanent key.
func (s *keyStore) bind(k *authKey, perm world.KeyID) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k.perm != (world.KeyID{}) {
		return ErrTempAuthKeyAlreadyBound
	}
	p := s.keys[perm]
	if !k.stored || p == nil || !p.expires.IsZero() {
		return ErrEncryptedMessageInvalid
	}
	k.perm = perm
	if p.temps == nil {
		p.temps = make(map[[8]byte]*authKey)
	}
	p.temps[k.key.ID] = k
	if k.conns > 0 {
		s.holdLocked(p)
	}
	return nil
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
