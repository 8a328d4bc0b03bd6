package teletest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session/mtp"
)

// TestSessionsPerKeyBounded: a client opening session after session under one auth key
// keeps at most perKey of them remembered (the most recent), never a session in use, and
// does not push out another key's sessions.
func TestSessionsPerKeyBounded(t *testing.T) {
	const perKey = 4
	tab := newSessionTable(1000, perKey, -1, 1<<30)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	newEngine := func() (*mtp.Engine, error) {
		return mtp.New(mtp.Config{Side: crypto.Server, Rand: crypto.NewDeterministicReader(1)})
	}
	open := func(key byte, id int64) (*mtSession, *conn) {
		t.Helper()
		c := &conn{kicked: make(chan struct{})}
		s, _, err := tab.attach(context.Background(), c, sessionKey{key: [8]byte{key}, id: id}, now, newEngine)
		if err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Second)
		return s, c
	}
	for id := range int64(2) {
		s, c := open(2, id)
		tab.detach(s, c, now)
	}
	open(1, 0) // stays in use
	for id := int64(1); id <= 100; id++ {
		s, c := open(1, id)
		tab.detach(s, c, now)
	}
	var got []sessionKey
	for k := range tab.m {
		got = append(got, k)
	}
	slices.SortFunc(got, func(a, b sessionKey) int {
		if c := int(a.key[0]) - int(b.key[0]); c != 0 {
			return c
		}
		return int(a.id - b.id)
	})
	want := []sessionKey{
		{key: [8]byte{1}, id: 0}, // in use
		{key: [8]byte{1}, id: 98}, {key: [8]byte{1}, id: 99}, {key: [8]byte{1}, id: 100},
		{key: [8]byte{2}, id: 0}, {key: [8]byte{2}, id: 1},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(sessionKey{})); diff != "" {
		t.Fatalf("sessions remembered (-want +got):\n%s", diff)
	}
	if n := len(tab.byKey[[8]byte{1}]); n != perKey {
		t.Fatalf("%d sessions indexed under the key, want %d", n, perKey)
	}
}
