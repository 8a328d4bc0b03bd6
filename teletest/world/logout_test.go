package world

import (
	"encoding/binary"
	"testing"
)

// TestLogOutForgetsKeyState: what the world remembers for an auth key (the states handed to
// it, for telling getDifference which channels moved) goes when the key's authorization
// does, so a client logging in and out with key after key leaves nothing behind. The states
// of the keys still signed in stay. ForgetKeys (a data center dropped the key) does the same.
func TestLogOutForgetsKeyState(t *testing.T) {
	w := newWorld(t, Config{})
	a, err := w.CreateUser(UserSpec{FirstName: "A", Phone: "70000000001"})
	if err != nil {
		t.Fatal(err)
	}
	key := func(i int) KeyID {
		var k KeyID
		binary.LittleEndian.PutUint64(k[:], uint64(i)+1)
		return k
	}
	stay := key(0)
	if err := w.Authorize(stay, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.State(stay); err != nil {
		t.Fatal(err)
	}
	const n = 1000
	for i := 1; i <= n; i++ {
		k := key(i)
		if err := w.Authorize(k, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.State(k); err != nil {
			t.Fatal(err)
		}
		var err error
		switch i % 4 {
		case 3:
			w.ForgetKeys([]KeyID{k}) // a data center forgot the key
		case 0:
			err = w.LogOut(k)
		case 1:
			err = w.ResetAuthorizations(stay) // signs k out
		case 2:
			err = w.ResetAuthorization(stay, sessionHash(k))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if got := len(w.moves.handed); got != 1 {
		t.Errorf("states remembered for %d keys, want 1 (the key signed in)", got)
	}
	if got := len(w.moves.keys[a.ID]); got != 1 {
		t.Errorf("the account lists %d keys with states, want 1", got)
	}
	if w.moves.handed[stay] == nil {
		t.Error("the states of the key signed in went too")
	}
}
