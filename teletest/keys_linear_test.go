package teletest

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/teletest/world"
)

// keyOf returns the auth key with id i+1.
func keyOf(i int) crypto.AuthKey {
	var k crypto.AuthKey
	binary.LittleEndian.PutUint64(k.ID[:], uint64(i)+1)
	return k
}

// addKey stores key in s and fails the test if s refuses it.
func addKey(tb testing.TB, s *keyStore, key crypto.AuthKey, salt int64, expires, now time.Time) *authKey {
	tb.Helper()
	k, err := s.add(key, salt, expires, now)
	if err != nil {
		tb.Fatalf("add %x: %v", key.ID, err)
	}
	return k
}

// TestKeyStoreEvictionLinear: when connections use most of MaxAuthKeys, each new key forgets
// one idle key, and that costs the same whatever the number of keys in use: the time and the
// bytes allocated by a run of adds over 16 times the keys in use stay within a small factor.
// Before, every add past the bound sorted the whole store (bytes and time grew with it).
func TestKeyStoreEvictionLinear(t *testing.T) {
	const small, adds, rounds = 1 << 10, 256, 5
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	// run fills a store of max n with n keys in use, then adds keys past the bound.
	run := func(n int) (time.Duration, uint64) {
		s := newKeyStore(n, nil)
		for i := range n {
			s.takeUp(addKey(t, s, keyOf(i), 1, time.Time{}, now), now)
		}
		runtime.GC() // the setup's garbage is not the adds' to collect
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		for i := n; i < n+adds; i++ {
			addKey(t, s, keyOf(i), 1, time.Time{}, now)
		}
		took := time.Since(start)
		runtime.ReadMemStats(&after)
		if len(s.keys) != n+1 {
			t.Fatalf("the store holds %d keys, want the %d in use and the newest", len(s.keys), n)
		}
		return took, after.TotalAlloc - before.TotalAlloc
	}
	ts, tl := time.Duration(1<<62), time.Duration(1<<62)
	var bs, bl uint64
	for range rounds {
		d, b := run(small)
		ts, bs = min(ts, d), b
		d, b = run(16 * small)
		tl, bl = min(tl, d), b
	}
	if bl > 2*bs+4096 {
		t.Errorf("%d adds past %d keys in use allocated %d bytes, past %d keys %d bytes", adds, small, bs, 16*small, bl)
	}
	if tl > 4*ts+time.Millisecond {
		t.Errorf("%d adds past %d keys in use took %v, past %d keys %v: %.0f times as long",
			adds, small, ts, 16*small, tl, float64(tl)/float64(ts))
	}
}

// TestKeyStoreHoldsBoundPermanentKey: a connection takes its temporary key up and binds it to
// a permanent key afterwards (the order of a client under perfect forward secrecy). The
// permanent key stays past MaxAuthKeys while the connection uses the temporary key, and may
// go, with the temporary key, once it let go. A temporary key that expires in use and is
// forgotten no longer holds its permanent key, and letting it go later changes nothing.
func TestKeyStoreHoldsBoundPermanentKey(t *testing.T) {
	const most = 8
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := newKeyStore(most, nil)
	perm := addKey(t, s, keyOf(0), 1, time.Time{}, now)
	temp := addKey(t, s, keyOf(1), 1, now.Add(time.Hour), now)
	s.takeUp(temp, now)
	s.bind(temp, world.KeyID(perm.key.ID))
	next := 2
	more := func(n int) {
		for range n {
			now = now.Add(time.Second)
			addKey(t, s, keyOf(next), 1, time.Time{}, now)
			next++
		}
	}
	more(4 * most)
	for _, k := range []*authKey{perm, temp} {
		if !s.taken(k.key.ID) {
			t.Fatalf("key %x was forgotten while a connection used the temporary key", k.key.ID)
		}
	}
	s.letGo(temp, now)
	more(most)
	for _, k := range []*authKey{perm, temp} {
		if s.taken(k.key.ID) {
			t.Errorf("key %x stayed after its connection let go and %d newer keys came", k.key.ID, most)
		}
	}

	// A temporary key in use that expires.
	perm = addKey(t, s, keyOf(next), 1, time.Time{}, now)
	temp = addKey(t, s, keyOf(next+1), 1, now.Add(time.Minute), now)
	next += 2
	s.takeUp(temp, now)
	s.bind(temp, world.KeyID(perm.key.ID))
	now = now.Add(time.Hour)
	if _, ok := s.lookup(temp.key.ID, now); ok {
		t.Fatal("an expired temporary key was found")
	}
	more(2 * most)
	if s.taken(perm.key.ID) {
		t.Error("the permanent key stayed, held by a temporary key that expired")
	}
	s.letGo(temp, now)
	more(2 * most)
	if len(s.keys) > most {
		t.Errorf("the store holds %d keys, want at most %d", len(s.keys), most)
	}
}

// TestKeyStoreIdleListConsistent runs random adds, lookups, bindings, take-ups and let-gos
// (with temporary keys expiring meanwhile) and checks after each that the idle list holds
// exactly the stored keys nothing holds, and that a key is held by its connections and by the
// temporary keys bound to it that connections use.
func TestKeyStoreIdleListConsistent(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := newKeyStore(16, nil)
	var all []*authKey // every key made, stored or not
	for step := range 5000 {
		now = now.Add(time.Duration(rng.IntN(60)) * time.Second)
		switch op := rng.IntN(6); {
		case op == 0 || len(all) == 0:
			var expires time.Time
			if rng.IntN(2) == 0 {
				expires = now.Add(time.Duration(1+rng.IntN(600)) * time.Second)
			}
			all = append(all, addKey(t, s, keyOf(len(all)), 1, expires, now))
		case op == 1:
			s.lookup(all[rng.IntN(len(all))].key.ID, now)
		case op == 2:
			k, p := all[rng.IntN(len(all))], all[rng.IntN(len(all))]
			if !k.expires.IsZero() && p.expires.IsZero() && k.perm == (world.KeyID{}) {
				s.bind(k, world.KeyID(p.key.ID))
			}
		case op == 3:
			s.takeUp(all[rng.IntN(len(all))], now)
		default:
			if k := all[rng.IntN(len(all))]; k.conns > 0 {
				s.letGo(k, now)
			}
		}
		if err := checkIdleList(s); err != "" {
			t.Fatalf("step %d: %s", step, err)
		}
	}
}

// checkIdleList returns what is wrong with s's idle list and hold counts, "" if nothing.
func checkIdleList(s *keyStore) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	listed := make(map[*authKey]bool)
	var prev *authKey
	for k := s.idle.front; k != nil; prev, k = k, k.lru.next {
		if listed[k] || k.lru.prev != prev || !k.lru.on {
			return "the idle list is broken"
		}
		listed[k] = true
	}
	if s.idle.back != prev {
		return "the idle list's back is not its last key"
	}
	for id, k := range s.keys {
		want := 0
		if k.conns > 0 {
			want++
		}
		for _, t := range s.keys {
			if t.perm == world.KeyID(id) && t.conns > 0 {
				want++
			}
		}
		if k.held != want {
			return fmt.Sprintf("key %x is held %d times, want %d", id, k.held, want)
		}
		if listed[k] != (want == 0) {
			return fmt.Sprintf("key %x held %d times is listed idle: %v", id, want, listed[k])
		}
		delete(listed, k)
	}
	if len(listed) > 0 {
		return fmt.Sprintf("%d keys on the idle list are not stored", len(listed))
	}
	return ""
}

// TestKeyStoreTellsExpiredKeys: a temporary key the store forgets because it expired goes
// the way of one MaxAuthKeys pushed out: the world is told, so the authorization made on it
// (a client may sign in on a temporary key it never binds) goes too. Before, lookup and the
// sweep of add dropped such keys silently, and a client making short-lived keys and signing
// in on each grew the world's authorizations without bound.
func TestKeyStoreTellsExpiredKeys(t *testing.T) {
	var told []world.KeyID
	s := newKeyStore(0, func(ks []world.KeyID) { told = append(told, ks...) })
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	looked := addKey(t, s, keyOf(0), 1, now.Add(time.Minute), now)
	swept := addKey(t, s, keyOf(1), 1, now.Add(time.Minute), now)
	now = now.Add(time.Hour)
	if _, ok := s.lookup(looked.key.ID, now); ok {
		t.Fatal("an expired key was found")
	}
	for i := 2; s.taken(swept.key.ID); i++ {
		addKey(t, s, keyOf(i), 1, time.Time{}, now) // permanent keys, until a sweep
		if i > 4*minSweep {
			t.Fatal("no sweep forgot the expired key")
		}
	}
	want := []world.KeyID{world.KeyID(looked.key.ID), world.KeyID(swept.key.ID)}
	if diff := cmp.Diff(want, told); diff != "" {
		t.Errorf("keys the world was told of (-want +got):\n%s", diff)
	}
}
