package redis

import (
	"testing"

	"github.com/mtgo-labs/mtgo/client/storage/storagetest"
	"github.com/mtgo-labs/mtgo/peers"
)

// TestWrongNames: a username or phone resolves only to a peer whose data carries it,
// whatever the peer_index field and the index entries say (sqlstoretest.WrongNames on the
// SQL stores). A save finds the entries to drop through the peer's peer_index field, so a
// field listing wrong names (another peer's username, another number) left the peer's old
// usernames and phone indexed to it, and a lookup followed an entry to the peer without
// reading its data: a username the peer gave up resolved to it; so did an entry damaged
// to name the wrong peer.
func TestWrongNames(t *testing.T) {
	rdb := server(t)
	name := storagetest.Name(t)
	t.Cleanup(func() { _ = rdb.Del(t.Context(), keysOf(name)...).Err() })
	ctx := t.Context()
	st, err := Open(ctx, rdb, name, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	alice := peers.Peer{Key: peers.UserKey(5), AccessHash: 55, Usernames: []string{"alice", "alice_two"}, Phone: "15550"}
	bob := peers.Peer{Key: peers.UserKey(6), AccessHash: 66, Usernames: []string{"bob"}, Phone: "15560"}
	if err := st.SavePeers(ctx, []peers.Peer{alice, bob}); err != nil {
		t.Fatal(err)
	}
	hset := func(hash, field, value string) {
		t.Helper()
		if err := rdb.HSet(ctx, st.k(hash), field, value).Err(); err != nil {
			t.Fatal(err)
		}
	}
	// alice's peer_index field lists bob's username and another phone, both readable.
	hset("peer_index", "1:5", "u:bob\np:15551\n")
	renamed := alice
	renamed.Usernames, renamed.Phone, renamed.AccessHash = []string{"alice_three"}, "15552", 56
	if err := st.SavePeers(ctx, []peers.Peer{renamed}); err != nil {
		t.Fatalf("SavePeers over the wrong peer_index field: %v", err)
	}
	// Index entries naming alice for what she never carried: a username and a phone of
	// their own, and bob's.
	hset("usernames", "mallory", "1:5")
	hset("phones", "15570", "1:5")
	hset("usernames", "bob", "1:5")
	hset("phones", "15560", "1:5")

	for _, tt := range []struct {
		by, value string
		want      peers.Key // zero: not found
	}{
		{"username", "alice", peers.Key{}},
		{"username", "alice_two", peers.Key{}},
		{"username", "@Alice_Three", alice.Key},
		{"username", "mallory", peers.Key{}},
		{"username", "bob", peers.Key{}},
		{"phone", "15550", peers.Key{}},
		{"phone", "15551", peers.Key{}},
		{"phone", "15552", alice.Key},
		{"phone", "15570", peers.Key{}},
		{"phone", "15560", peers.Key{}},
	} {
		find := st.PeerByUsername
		if tt.by == "phone" {
			find = st.PeerByPhone
		}
		p, ok, err := find(ctx, tt.value)
		if err != nil {
			t.Errorf("peer by %s %q = %v", tt.by, tt.value, err)
			continue
		}
		var got peers.Key
		if ok {
			got = p.Key
		}
		if got != tt.want {
			t.Errorf("peer by %s %q = %v (found %v), want %v", tt.by, tt.value, got, ok, tt.want)
		}
	}
	// Saving bob again indexes his username and phone to him again.
	if err := st.SavePeers(ctx, []peers.Peer{bob}); err != nil {
		t.Fatal(err)
	}
	if p, ok, err := st.PeerByUsername(ctx, "bob"); err != nil || !ok || p.Key != bob.Key {
		t.Errorf("bob by username after his save = %v, %v, %v; want found", p.Key, ok, err)
	}
	if p, ok, err := st.PeerByPhone(ctx, "15560"); err != nil || !ok || p.Key != bob.Key {
		t.Errorf("bob by phone after his save = %v, %v, %v; want found", p.Key, ok, err)
	}
}
