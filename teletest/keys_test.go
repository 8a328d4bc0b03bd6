package teletest

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
)

// TestKeyStoreForgetsExpiredTempKeys: a client under perfect forward secrecy makes a new
// temporary key every few hours and never names the old one again, so only add can forget
// them. A year of 6-hour keys leaves the store bounded, the permanent key in it, and
// AuthKeys (len) counting the live keys only.
func TestKeyStoreForgetsExpiredTempKeys(t *testing.T) {
	s := newKeyStore()
	id := func(i int) crypto.AuthKey {
		var k crypto.AuthKey
		binary.LittleEndian.PutUint64(k.ID[:], uint64(i)+1)
		return k
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const ttl = 6 * time.Hour
	perm := id(0)
	s.add(perm, 1, time.Time{}, now)
	most := 0
	for i := 1; i <= 4*365; i++ {
		now = now.Add(ttl - time.Minute) // renewed a minute before the last one expires
		s.add(id(i), 1, now.Add(ttl), now)
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
