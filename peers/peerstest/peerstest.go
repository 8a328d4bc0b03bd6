// Package peerstest checks implementations of peers.Store against the contract the peer cache
// relies on. Storage backends run it from their own tests:
//
//	func TestPeerStore(t *testing.T) {
//		peerstest.Run(t, func(t *testing.T) peers.Store { return openMyStore(t) })
//	}
package peerstest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/peers"
)

// Run checks the store returned by open (a fresh, empty one per call).
func Run(t *testing.T, open func(t *testing.T) peers.Store) {
	t.Helper()
	ctx := context.Background()
	seen := time.Unix(1_700_000_000, 0)
	alice := peers.Peer{
		Key: peers.UserKey(10), AccessHash: -77, Usernames: []string{"Alice", "alice_2"},
		Phone: "15550100", Seen: seen,
	}
	bot := peers.Peer{Key: peers.UserKey(11), AccessHash: 5, Bot: true, Usernames: []string{"helper_bot"}, Seen: seen}
	group := peers.Peer{Key: peers.ChatKey(10), Seen: seen}
	channel := peers.Peer{Key: peers.ChannelKey(10), AccessHash: 99, Min: true, Usernames: []string{"news"}, Seen: seen}

	t.Run("missing", func(t *testing.T) {
		s := open(t)
		for _, k := range []peers.Key{peers.UserKey(1), peers.ChannelKey(1)} {
			if _, ok, err := s.LoadPeer(ctx, k); ok || err != nil {
				t.Errorf("LoadPeer(%v) on empty store = found %v, err %v", k, ok, err)
			}
		}
		if _, ok, err := s.PeerByUsername(ctx, "alice"); ok || err != nil {
			t.Errorf("PeerByUsername on empty store = found %v, err %v", ok, err)
		}
		if _, ok, err := s.PeerByPhone(ctx, "15550100"); ok || err != nil {
			t.Errorf("PeerByPhone on empty store = found %v, err %v", ok, err)
		}
	})

	t.Run("round trip and kinds apart", func(t *testing.T) {
		s := open(t)
		in := []peers.Peer{alice, bot, group, channel}
		if err := s.SavePeers(ctx, in); err != nil {
			t.Fatalf("SavePeers: %v", err)
		}
		for _, want := range in {
			got, ok, err := s.LoadPeer(ctx, want.Key)
			if err != nil || !ok {
				t.Fatalf("LoadPeer(%v) = found %v, err %v", want.Key, ok, err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("LoadPeer(%v) (-want +got):\n%s", want.Key, diff)
			}
		}
	})

	t.Run("indexes", func(t *testing.T) {
		s := open(t)
		if err := s.SavePeers(ctx, []peers.Peer{alice, channel}); err != nil {
			t.Fatalf("SavePeers: %v", err)
		}
		expectName(t, s, "alice", alice.Key)
		expectName(t, s, "alice_2", alice.Key)
		expectName(t, s, "news", channel.Key)
		expectPhone(t, s, "15550100", alice.Key)

		// alice drops "alice_2" and her phone; the index forgets both.
		renamed := alice
		renamed.Usernames, renamed.Phone = []string{"Alice"}, ""
		if err := s.SavePeers(ctx, []peers.Peer{renamed}); err != nil {
			t.Fatalf("SavePeers: %v", err)
		}
		expectName(t, s, "alice", alice.Key)
		expectName(t, s, "alice_2", peers.Key{})
		expectPhone(t, s, "15550100", peers.Key{})

		// Another peer takes "alice"; a later save of the old owner without it keeps the
		// new owner's entry.
		thief := peers.Peer{Key: peers.ChannelKey(20), AccessHash: 1, Usernames: []string{"ALICE"}, Seen: seen}
		if err := s.SavePeers(ctx, []peers.Peer{thief}); err != nil {
			t.Fatalf("SavePeers: %v", err)
		}
		expectName(t, s, "alice", thief.Key)
		renamed.Usernames = nil
		if err := s.SavePeers(ctx, []peers.Peer{renamed}); err != nil {
			t.Fatalf("SavePeers: %v", err)
		}
		expectName(t, s, "alice", thief.Key)
	})

	t.Run("no aliasing", func(t *testing.T) {
		s := open(t)
		in := alice
		in.Usernames = []string{"alice"}
		if err := s.SavePeers(ctx, []peers.Peer{in}); err != nil {
			t.Fatalf("SavePeers: %v", err)
		}
		in.Usernames[0] = "mallory"
		got, _, err := s.LoadPeer(ctx, alice.Key)
		if err != nil {
			t.Fatalf("LoadPeer: %v", err)
		}
		if got.Usernames[0] != "alice" {
			t.Fatalf("store kept the caller's slice: username %q", got.Usernames[0])
		}
		got.Usernames[0] = "eve"
		again, _, _ := s.LoadPeer(ctx, alice.Key)
		if again.Usernames[0] != "alice" {
			t.Fatalf("store returned its own slice: username %q", again.Usernames[0])
		}
	})
}

func expectName(t *testing.T, s peers.Store, name string, want peers.Key) {
	t.Helper()
	p, ok, err := s.PeerByUsername(context.Background(), name)
	if err != nil {
		t.Fatalf("PeerByUsername(%q): %v", name, err)
	}
	if got := p.Key; !ok && want.Valid() || ok && got != want {
		t.Errorf("PeerByUsername(%q) = %v (found %v), want %v", name, got, ok, want)
	}
}

func expectPhone(t *testing.T, s peers.Store, phone string, want peers.Key) {
	t.Helper()
	p, ok, err := s.PeerByPhone(context.Background(), phone)
	if err != nil {
		t.Fatalf("PeerByPhone(%q): %v", phone, err)
	}
	if got := p.Key; !ok && want.Valid() || ok && got != want {
		t.Errorf("PeerByPhone(%q) = %v (found %v), want %v", phone, got, ok, want)
	}
}
