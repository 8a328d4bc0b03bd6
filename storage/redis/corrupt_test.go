package redis

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/client/storage/storagetest"
	"github.com/mtgo-labs/mtgo/peers"
)

// TestCorruptValueNotInError: an error about a damaged value names the hash and field and
// what is wrong, never the value: values can be megabytes (an error line that size) and
// hold secrets (auth keys, session data). HomeDC quoted the whole value, LoadUpdates a
// channel's field and pts, Identity the value in hex, and a peer found through an index
// the field the index named.
func TestCorruptValueNotInError(t *testing.T) {
	rdb := server(t)
	ctx := t.Context()
	secret := strings.Repeat("auth-key-0123456789abcdef", 40_000) // 1 MB
	const maxErr = 300
	for _, tt := range []struct {
		name        string
		hash, field string
		value       string
		read        func(*Store) error
	}{
		{"home dc", "meta", "home_dc", secret, func(s *Store) error { _, err := s.HomeDC(ctx); return err }},
		{"identity", "meta", "identity", secret, func(s *Store) error { _, err := s.Identity(ctx); return err }},
		{"update state", "meta", "state", secret, func(s *Store) error { _, _, err := s.LoadUpdates(ctx); return err }},
		{"channel pts", "channels", "100", secret, func(s *Store) error { _, _, err := s.LoadUpdates(ctx); return err }},
		{"channel field", "channels", secret, "5", func(s *Store) error { _, _, err := s.LoadUpdates(ctx); return err }},
		{"channel pts named", "channels", "100", "6/" + secret, func(s *Store) error { _, _, err := s.LoadUpdates(ctx); return err }},
		{"session", "sessions", "2", secret, func(s *Store) error { _, err := s.LoadSession(ctx, 2); return err }},
		{"peer", "peers", "1:5", secret, func(s *Store) error { _, _, err := s.LoadPeer(ctx, peers.UserKey(5)); return err }},
		{"username index", "usernames", "alice", secret, func(s *Store) error { _, _, err := s.PeerByUsername(ctx, "alice"); return err }},
		{"peer field", "peers", secret, "", func(s *Store) error { _, err := s.ListPeers(ctx); return err }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			name := storagetest.Name(t)
			t.Cleanup(func() { _ = rdb.Del(ctx, keysOf(name)...).Err() })
			st, err := Open(ctx, rdb, name, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			alice, _ := storagetest.SaveMisplaceable(t, st)
			value := tt.value
			if tt.hash == "usernames" || tt.name == "peer field" {
				// The index names a field holding alice's peer, or a field of its own
				// holds it: the field is the damaged value.
				data, err := rdb.HGet(ctx, st.k("peers"), peerField(alice.Key)).Result()
				if err != nil {
					t.Fatal(err)
				}
				if err := rdb.HSet(ctx, st.k("peers"), secret, data).Err(); err != nil {
					t.Fatal(err)
				}
				if tt.name == "peer field" {
					value = data
				}
			}
			if err := rdb.HSet(ctx, st.k(tt.hash), tt.field, value).Err(); err != nil {
				t.Fatal(err)
			}
			err = tt.read(st)
			if !errorsIs(err, storage.ErrCorrupt) {
				t.Fatalf("read of a damaged %s = %.200v, want ErrCorrupt", tt.name, err)
			}
			msg := err.Error()
			if len(msg) > maxErr || strings.Contains(msg, secret[:16]) || bytes.Contains([]byte(msg), []byte("617574682d6b6579")) {
				t.Errorf("error of %d bytes quotes the value: %.200s", len(msg), msg)
			}
		})
	}
}
