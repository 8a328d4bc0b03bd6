package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
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
//
// The fuzzer does not write whole files: it damages valid ones. An input picks one of a few
// small valid files (cut at their high water mark, 6 to 40 KiB), cuts bytes off its end and
// sets bytes in it (each 4 bytes of patches: a 24-bit offset, then the value), and with resum
// recomputes the meta pages' checksums, without which nearly every change to the first pages
// is rejected there and the pages behind them are never reached. Inputs of a few bytes keep
// each run and the minimizing of what the fuzzer finds cheap; raw files of tens of KiB made
// the engine spend its whole time minimizing and run little more than the seeds.
func FuzzCheckBolt(f *testing.F) {
	var bases [][]byte
	for _, n := range []int{0, 1, 3, 12} {
		bases = append(bases, usedPages(f, smallBoltFile(f, n)))
	}
	for i := range bases {
		f.Add(uint8(i), uint16(0), []byte(nil), false)
		f.Add(uint8(i), uint16(0), []byte{0x0a, 0x08, 0, 0xff}, true) // page 2's count
	}
	f.Add(uint8(0), uint16(1000), []byte{0x38, 0, 0, 0x07}, true) // meta 0's high water mark
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, base uint8, cut uint16, patches []byte, resum bool) {
		data := bytes.Clone(bases[int(base)%len(bases)])
		data = data[:len(data)-int(cut)%len(data)]
		for i := 0; i+3 < len(patches) && i < 4*64; i += 4 {
			off := int(patches[i]) | int(patches[i+1])<<8 | int(patches[i+2])<<16
			data[off%len(data)] = patches[i+3]
		}
		if resum {
			data = withMetaChecksums(data)
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

// usedPages cuts a valid file after its high water mark: the pages past it are unused.
func usedPages(t testing.TB, data []byte) []byte {
	t.Helper()
	c := boltChecker{r: bytes.NewReader(data), size: int64(len(data))}
	if err := c.run(); err != nil {
		t.Fatal(err)
	}
	return data[:int64(c.meta.hwm)*c.pageSize]
}

// withMetaChecksums gives data's two meta pages (at 0 and at the page size
// the first one gives, or 1 KiB) the checksum of their contents, and returns it.
func withMetaChecksums(data []byte) []byte {
	ps := boltMinPageSize
	if len(data) >= boltPageHeader+12 {
		if v := int(ne.Uint32(data[boltPageHeader+8:])); v >= boltMinPageSize && v <= boltMaxPageSize && v&(v-1) == 0 {
			ps = v
		}
	}
	for _, page := range []int{0, ps} {
		m := page + boltPageHeader
		if m+boltMetaSize > len(data) {
			continue
		}
		h := fnv.New64a()
		h.Write(data[m : m+boltMetaSummed])
		ne.PutUint64(data[m+boltMetaSummed:], h.Sum64())
	}
	return data
}

func TestWithMetaChecksums(t *testing.T) {
	good := usedPages(t, smallBoltFile(t, 3))
	damaged := bytes.Clone(good)
	damaged[boltPageHeader+48]++ // meta 0's transaction id
	damaged[1024+boltPageHeader+48]++
	if err := checkBolt(bytes.NewReader(damaged), int64(len(damaged))); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("both meta checksums broken: checkBolt = %v, want ErrCorrupt", err)
	}
	fixed := withMetaChecksums(bytes.Clone(damaged))
	if err := checkBolt(bytes.NewReader(fixed), int64(len(fixed))); err != nil {
		t.Fatalf("after withMetaChecksums: %v", err)
	}
	if !bytes.Equal(withMetaChecksums(bytes.Clone(good)), good) {
		t.Fatal("withMetaChecksums changed a valid file")
	}
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
