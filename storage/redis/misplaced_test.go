package redis

import (
	"errors"
	"testing"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/client/storage/storagetest"
	"github.com/mtgo-labs/mtgo/peers"
)

// TestMisplacedFields: a field holding another field's data is damaged. A peer found through
// an index (PeerByUsername, PeerByPhone) was returned whatever peer its field held, so a
// message for user 5 would have gone to user 6 with 6's access hash; LoadPeer and ListPeers
// checked it already. A session field of dc 2 holding dc 4's session was returned by
// LoadSession(2).
func TestMisplacedFields(t *testing.T) {
	rdb := server(t)
	name := storagetest.Name(t)
	t.Cleanup(func() { _ = rdb.Del(t.Context(), keysOf(name)...).Err() })
	st, err := Open(t.Context(), rdb, name, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := t.Context()
	alice, bob := storagetest.SaveMisplaceable(t, st)
	for hash, fields := range map[string][2]string{"peers": {"1:5", "1:6"}, "sessions": {"2", "4"}} {
		v, err := rdb.HGet(ctx, st.k(hash), fields[1]).Result()
		if err == nil {
			err = rdb.HSet(ctx, st.k(hash), fields[0], v).Err()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for read, err := range map[string]error{
		"PeerByUsername": peerErr(st.PeerByUsername(ctx, "alice")),
		"PeerByPhone":    peerErr(st.PeerByPhone(ctx, "15550")),
		"LoadPeer":       peerErr(st.LoadPeer(ctx, alice.Key)),
		"LoadSession": func() error {
			ss, err := st.LoadSession(ctx, 2)
			if err == nil && ss.DC != 2 {
				t.Errorf("LoadSession(2) returned dc %d's session", ss.DC)
			}
			return err
		}(),
	} {
		if !errorsIs(err, storage.ErrCorrupt) {
			t.Errorf("%s of a misplaced field = %v, want ErrCorrupt", read, err)
		}
	}
	if p, ok, err := st.PeerByUsername(ctx, "bob"); err != nil || !ok || p.Key != bob.Key {
		t.Errorf("PeerByUsername of the field left alone = %v, %v, %v", p.Key, ok, err)
	}
}

// peerErr is the error of a peer read for user 5, or errAnotherPeer when it found another.
func peerErr(p peers.Peer, ok bool, err error) error {
	if err == nil && ok && p.Key != peers.UserKey(5) {
		return errAnotherPeer
	}
	return err
}

var errAnotherPeer = errors.New("another peer")
