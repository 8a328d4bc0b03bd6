package teletest

import (
	"errors"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session/mtp"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/transport"
)

// TestKeyStoreForgetsExpiredTempKeys: a client under perfect forward secrecy makes a new
// temporary key every few hours and never names the old one again, so only add can forget
// them. A year of 6-hour keys leaves the store bounded, the permanent key in it, and
// AuthKeys (len) counting the live keys only.
func TestKeyStoreForgetsExpiredTempKeys(t *testing.T) {
	s := newKeyStore(0, nil)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const ttl = 6 * time.Hour
	perm := keyOf(0)
	addKey(t, s, perm, 1, time.Time{}, now)
	most := 0
	for i := 1; i <= 4*365; i++ {
		now = now.Add(ttl - time.Minute) // renewed a minute before the last one expires
		addKey(t, s, keyOf(i), 1, now.Add(ttl), now)
		most = max(most, len(s.keys))
	}
	if most > 2*minSweep {
		t.Errorf("the store held up to %d keys, want at most %d", most, 2*minSweep)
	}
	if _, ok := s.lookup(perm.ID, now); !ok {
		t.Error("the permanent key was forgotten")
	}
	if got := s.len(now); got != 3 { // the permanent key, the last temporary one and the one before
		t.Errorf("len = %d, want 3", got)
	}
}

// TestKeyStoreBoundsPermanentKeys: a client making key after key (permanent keys never
// expire) leaves the store at most max keys; the least recently used go, with the temporary
// keys bound to them, and the world is told which went. A key in use stays.
func TestKeyStoreBoundsPermanentKeys(t *testing.T) {
	const most = 64
	var forgotten []world.KeyID
	s := newKeyStore(most, func(ks []world.KeyID) { forgotten = append(forgotten, ks...) })
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	used := keyOf(0)
	addKey(t, s, used, 1, time.Time{}, now)
	first := keyOf(1)
	addKey(t, s, first, 1, time.Time{}, now)
	temp := addKey(t, s, keyOf(2), 1, now.Add(24*time.Hour), now)
	s.bind(temp, world.KeyID(first.ID))
	const n = 10000
	largest := 0
	for i := 3; i < n; i++ {
		now = now.Add(time.Second)
		addKey(t, s, keyOf(i), 1, time.Time{}, now)
		largest = max(largest, len(s.keys))
		if _, ok := s.lookup(used.ID, now); !ok {
			t.Fatalf("the key in use was forgotten after %d keys", i)
		}
	}
	if largest > most {
		t.Errorf("the store held up to %d keys, want at most %d", largest, most)
	}
	if got, want := len(forgotten), n-len(s.keys); got != want {
		t.Errorf("the world was told of %d forgotten keys, want %d", got, want)
	}
	for _, k := range []crypto.AuthKey{first, keyOf(2)} {
		if _, ok := s.lookup(k.ID, now); ok {
			t.Errorf("key %x survived: the oldest permanent key and its temporary key go first", k.ID)
		}
	}
	if _, ok := s.lookup(keyOf(n-1).ID, now); !ok {
		t.Error("the newest key was forgotten")
	}
	// The smallest bound keeps the newest key alone.
	one := newKeyStore(1, nil)
	for i := range 3 {
		addKey(t, one, keyOf(i), 1, time.Time{}, now)
	}
	if _, ok := one.lookup(keyOf(2).ID, now); !ok || len(one.keys) != 1 {
		t.Errorf("a store of one holds %d keys", len(one.keys))
	}
}

// TestKeyStoreKeepsConnectedKeys: a connection takes its key up once and may then stay open
// for hours without naming it to the store again, while other clients make key after key.
// Its key, and under perfect forward secrecy the permanent key its temporary key is bound
// to, stay past MaxAuthKeys until the connection lets go; then they may go like any other.
func TestKeyStoreKeepsConnectedKeys(t *testing.T) {
	const most = 16
	s := newKeyStore(most, nil)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	plain := addKey(t, s, keyOf(0), 1, time.Time{}, now)
	addKey(t, s, keyOf(1), 1, time.Time{}, now)
	temp := addKey(t, s, keyOf(2), 1, now.Add(24*time.Hour), now)
	s.bind(temp, world.KeyID(keyOf(1).ID))
	s.takeUp(plain, now)
	s.takeUp(temp, now)
	const n = 1000
	for i := 3; i < n; i++ {
		now = now.Add(time.Second)
		addKey(t, s, keyOf(i), 1, time.Time{}, now)
	}
	for _, k := range []crypto.AuthKey{keyOf(0), keyOf(1), keyOf(2)} {
		if _, ok := s.keys[k.ID]; !ok {
			t.Errorf("key %x was forgotten while a connection used it", k.ID)
		}
	}
	if len(s.keys) > most+3 {
		t.Errorf("the store holds %d keys, want at most %d and the 3 in use", len(s.keys), most)
	}
	s.letGo(plain, now)
	s.letGo(temp, now)
	for i := n; i < n+most; i++ {
		now = now.Add(time.Second)
		addKey(t, s, keyOf(i), 1, time.Time{}, now)
	}
	for _, k := range []crypto.AuthKey{keyOf(0), keyOf(1), keyOf(2)} {
		if _, ok := s.keys[k.ID]; ok {
			t.Errorf("key %x stayed after its connection let go and %d newer keys came", k.ID, most)
		}
	}
}

// TestMaxAuthKeysKeepsConnectedKey: a client that connected once and stays connected keeps
// its key while other clients make more keys than MaxAuthKeys; after it lets go the key is
// still there for its next connection (no -404).
func TestMaxAuthKeysKeepsConnectedKey(t *testing.T) {
	const most = 4
	cl := startCluster(t, Config{DCs: 1, MaxAuthKeys: most})
	held := rawDial(t, cl.Addr(1), transport.ClientOptions{})
	held.exchange(cl, 1)
	held.write(held.seal(&tg.HelpGetNearestDCRequest{}))
	if ev := held.result(); ev.Kind != mtp.EventResult {
		t.Fatalf("first call: %v", ev.Kind)
	}
	for range 2 * most {
		rawDial(t, cl.Addr(1), transport.ClientOptions{}).exchange(cl, 1)
	}
	if !cl.DC(1).keys.taken(held.key.ID) {
		t.Fatal("the key of an open connection was forgotten")
	}
	held.write(held.seal(&tg.HelpGetNearestDCRequest{}))
	if ev := held.result(); ev.Kind != mtp.EventResult {
		t.Fatalf("call on the open connection: %v", ev.Kind)
	}
	_ = held.nc.Close()
	back := rawDial(t, cl.Addr(1), transport.ClientOptions{})
	back.useKey(held.key, held.salt, 0)
	back.write(back.seal(&tg.HelpGetNearestDCRequest{}))
	if ev := back.result(); ev.Kind != mtp.EventResult {
		t.Fatalf("call on a new connection with the key: %v", ev.Kind)
	}
}

// TestKeyStoreBindChecksUnderLock: bind checks what the binding needs under the store's
// lock, since the connection's checks before it (the key not bound, the permanent key
// found) may no longer hold: another connection under the same temporary key bound it
// meanwhile, or MaxAuthKeys (or expiry) forgot a key. Before, bind kept a first binding
// silently, and the second connection acted as the other account; and it bound a key to a
// permanent key no longer stored (the world had been told to forget it), or bound a
// forgotten key.
func TestKeyStoreBindChecksUnderLock(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		// setup returns the temporary key and the permanent key id to bind it to.
		setup func(s *keyStore) (*authKey, world.KeyID)
		want  error
		// account is the index of the key the temporary key acts as after the call.
		account int
	}{
		{"bound", func(s *keyStore) (*authKey, world.KeyID) {
			return addKey(t, s, keyOf(2), 1, now.Add(time.Hour), now), world.KeyID(keyOf(0).ID)
		}, nil, 0},
		{"bound already", func(s *keyStore) (*authKey, world.KeyID) {
			temp := addKey(t, s, keyOf(2), 1, now.Add(time.Hour), now)
			if err := s.bind(temp, world.KeyID(keyOf(1).ID)); err != nil {
				t.Fatalf("first binding: %v", err)
			}
			return temp, world.KeyID(keyOf(0).ID)
		}, ErrTempAuthKeyAlreadyBound, 1},
		{"permanent key forgotten", func(s *keyStore) (*authKey, world.KeyID) {
			return addKey(t, s, keyOf(2), 1, now.Add(time.Hour), now), world.KeyID(keyOf(3).ID)
		}, ErrEncryptedMessageInvalid, 2},
		{"to a temporary key", func(s *keyStore) (*authKey, world.KeyID) {
			addKey(t, s, keyOf(3), 1, now.Add(time.Hour), now)
			return addKey(t, s, keyOf(2), 1, now.Add(time.Hour), now), world.KeyID(keyOf(3).ID)
		}, ErrEncryptedMessageInvalid, 2},
		{"temporary key forgotten", func(s *keyStore) (*authKey, world.KeyID) {
			temp := addKey(t, s, keyOf(2), 1, now.Add(time.Minute), now)
			s.takeUp(temp, now)
			if _, ok := s.lookup(temp.key.ID, now.Add(time.Hour)); ok {
				t.Fatal("an expired key was found")
			}
			return temp, world.KeyID(keyOf(0).ID)
		}, ErrEncryptedMessageInvalid, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newKeyStore(0, nil)
			addKey(t, s, keyOf(0), 1, time.Time{}, now)
			addKey(t, s, keyOf(1), 1, time.Time{}, now)
			temp, perm := tt.setup(s)
			if err := s.bind(temp, perm); !errors.Is(err, tt.want) {
				t.Errorf("bind = %v, want %v", err, tt.want)
			}
			if got, want := s.account(temp), world.KeyID(keyOf(tt.account).ID); got != want {
				t.Errorf("the key acts as %x, want %x", got, want)
			}
			if err := checkIdleList(s); err != "" {
				t.Error(err)
			}
		})
	}
}

// TestKeyStoreEvictionKeepsItsBound: past MaxAuthKeys an add forgets the least recently used
// keys down to seven eighths of the bound, and no further, when the oldest permanent key
// has temporary keys bound to it (they count among the keys forgotten): the store never
// drops below seven eighths, and each add tells the world of at most what it forgot.
func TestKeyStoreEvictionKeepsItsBound(t *testing.T) {
	const most = 64
	for _, temps := range []int{1, most / 8, most / 2, most - 2} {
		var told []int
		s := newKeyStore(most, func(ks []world.KeyID) { told = append(told, len(ks)) })
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		perm := addKey(t, s, keyOf(0), 1, time.Time{}, now)
		for i := 1; i <= temps; i++ {
			temp := addKey(t, s, keyOf(i), 1, now.Add(24*time.Hour), now)
			if err := s.bind(temp, world.KeyID(perm.key.ID)); err != nil {
				t.Fatal(err)
			}
		}
		for i := temps + 1; i < 4*most; i++ {
			now = now.Add(time.Second)
			addKey(t, s, keyOf(i), 1, time.Time{}, now)
			if n := len(s.keys); i >= most && n < most*7/8 {
				t.Fatalf("%d temporary keys: the add of key %d left %d keys, want at least %d", temps, i, n, most*7/8)
			}
		}
		for _, n := range told {
			if n > most/8+1 {
				t.Errorf("%d temporary keys: one add forgot %d keys, want at most %d", temps, n, most/8+1)
			}
		}
		if err := checkIdleList(s); err != "" {
			t.Error(err)
		}
	}
}

// TestKeyStoreAddRefusesTakenID: the exchange checks that a new key's id is free, but not
// under the store's lock, so two exchanges may finish with one id. The store keeps the key it
// has, with the temporary keys bound to it and their holds, and refuses the second.
func TestKeyStoreAddRefusesTakenID(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := newKeyStore(8, nil)
	perm := addKey(t, s, keyOf(0), 1, time.Time{}, now)
	temp := addKey(t, s, keyOf(1), 1, now.Add(time.Hour), now)
	if err := s.bind(temp, world.KeyID(perm.key.ID)); err != nil {
		t.Fatal(err)
	}
	s.takeUp(temp, now)
	for _, expires := range []time.Time{{}, now.Add(time.Hour)} {
		if k, err := s.add(keyOf(0), 2, expires, now); !errors.Is(err, errAuthKeyIDTaken) || k != nil {
			t.Errorf("a second key with a stored id: add = %v, %v; want nil, errAuthKeyIDTaken", k, err)
		}
	}
	if got, ok := s.lookup(perm.key.ID, now); !ok || got != perm || s.saltOf(got) != 1 {
		t.Error("a second key with a stored id replaced the first")
	}
	if got := s.account(temp); got != world.KeyID(perm.key.ID) {
		t.Errorf("the temporary key acts as %x, want %x", got, perm.key.ID)
	}
	s.letGo(temp, now)
	if err := checkIdleList(s); err != "" {
		t.Error(err)
	}
}
