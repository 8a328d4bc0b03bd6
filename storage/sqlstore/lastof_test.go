package sqlstore

import (
	"testing"

	"github.com/mtgo-labs/mtgo/peers"
)

func TestLastOf(t *testing.T) {
	a1 := peers.Peer{Key: peers.UserKey(1), AccessHash: 1, Usernames: []string{"x"}}
	b := peers.Peer{Key: peers.UserKey(2), Usernames: []string{"x", "y"}}
	a2 := peers.Peer{Key: peers.UserKey(1), AccessHash: 2}
	got := lastPerKey([]peers.Peer{a1, {}, b, a2})
	if len(got) != 2 || got[0].AccessHash != 2 || got[1].Key != b.Key {
		t.Fatalf("lastPerKey = %+v, want a2 then b (invalid dropped)", got)
	}
	names, _ := indexes([]peers.Peer{a1, b}, peerCols{usernames: [][]string{a1.Usernames, b.Usernames}})
	want := map[string]peers.Key{"x": b.Key, "y": b.Key}
	if len(names) != len(want) {
		t.Fatalf("index entries %+v", names)
	}
	for _, e := range names {
		if want[e.value] != e.key {
			t.Errorf("%q -> %v, want %v (the last peer naming it)", e.value, e.key, want[e.value])
		}
	}
}
