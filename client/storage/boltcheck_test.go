package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/updates"
)

// smallBoltFile builds a session file with 1 KiB pages (to keep fuzz inputs small) holding n
// rounds of writes, and returns its bytes.
func smallBoltFile(t testing.TB, n int) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "seed.session")
	db, err := bolt.Open(path, 0o600, &bolt.Options{PageSize: 1024})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(initBuckets); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := range n {
		key := bytes.Repeat([]byte{byte(i)}, session.AuthKeySize)
		if err := f.SaveSession(ctx, session.Session{DC: i%5 + 1, AuthKey: key}); err != nil {
			t.Fatal(err)
		}
		ps := make([]peers.Peer, 10)
		for j := range ps {
			ps[j] = peers.Peer{Key: peers.UserKey(int64(i*10 + j + 1)), AccessHash: int64(i), Usernames: []string{fmt.Sprintf("user_%d_%d", i, j)}}
		}
		if err := f.SavePeers(ctx, ps); err != nil {
			t.Fatal(err)
		}
		if err := f.CommitUpdates(ctx, updates.Commit{HasState: true, State: updates.State{Pts: int32(i)},
			Channels: []updates.ChannelPts{{ChannelID: int64(i), Pts: 1}}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestCheckBoltAcceptsValidFiles(t *testing.T) {
	for _, n := range []int{0, 1, 5, 40} {
		data := smallBoltFile(t, n)
		if err := checkBolt(bytes.NewReader(data), int64(len(data))); err != nil {
			t.Errorf("%d rounds (%d bytes): %v", n, len(data), err)
		}
	}
}

func TestCheckBoltRejects(t *testing.T) {
	good := smallBoltFile(t, 5)
	tests := map[string][]byte{
		"empty":       nil,
		"short":       good[:100],
		"one page":    good[:1024],
		"noise":       bytes.Repeat([]byte{0x5a}, 8192),
		"no pages":    good[:2048],
		"zeroed tail": append(append([]byte(nil), good[:2048]...), make([]byte, len(good)-2048)...),
	}
	for name, data := range tests {
		if err := checkBolt(bytes.NewReader(data), int64(len(data))); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: checkBolt = %v, want ErrCorrupt", name, err)
		}
	}
}

// FuzzCheckBolt feeds damaged files to the structure check. It must never panic or loop, and
// any file it accepts must be readable by bbolt from end to end without a fault.
func FuzzCheckBolt(f *testing.F) {
	for _, n := range []int{0, 3, 12} {
		f.Add(smallBoltFile(f, n))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 {
			return
		}
		if checkBolt(bytes.NewReader(data), int64(len(data))) != nil {
			return
		}
		path := filepath.Join(dir, "fuzz.session")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
		if err != nil {
			return // bbolt refused it cleanly, which is fine
		}
		defer db.Close()
		_ = db.View(func(tx *bolt.Tx) error { return readAll(tx.Cursor(), 0) })
	})
}

// readAll touches every key and value under c.
func readAll(c *bolt.Cursor, depth int) error {
	b := c.Bucket()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		_ = bytes.Count(k, []byte{0}) + bytes.Count(v, []byte{0})
		if v == nil && depth < maxBucketDepth {
			if nb := b.Bucket(k); nb != nil {
				_ = readAll(nb.Cursor(), depth+1)
			}
		}
	}
	return nil
}
