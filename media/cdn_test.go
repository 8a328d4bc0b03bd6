package media

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The counter block of a part at offset is the IV with its last word replaced by offset/16, so
// decrypting any 16-byte aligned part equals decrypting the whole file with one CTR stream from
// the IV with its last word zeroed, as the CDN encrypts it.
func TestCDNCipherMatchesOneStream(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	iv, _ := hex.DecodeString("00112233445566778899aabbccddeeff")
	plain := make([]byte, 300<<10)
	for i := range plain {
		plain[i] = byte(i*31 + i>>8)
	}
	block, _ := aes.NewCipher(key)
	start := bytes.Clone(iv)
	copy(start[12:], []byte{0, 0, 0, 0})
	enc := make([]byte, len(plain))
	cipher.NewCTR(block, start).XORKeyStream(enc, plain)

	c, err := NewCDNCipher(key, iv)
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range [][2]int{{0, 4096}, {128 << 10, 128 << 10}, {16, 32}, {256 << 10, 44 << 10}} {
		off, n := part[0], part[1]
		buf := bytes.Clone(enc[off : off+n])
		if err := c.XOR(buf, buf, int64(off)); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf, plain[off:off+n]) {
			t.Fatalf("part at %d decrypts wrong", off)
		}
	}
	if err := c.XOR(make([]byte, 16), make([]byte, 16), 8); !errors.Is(err, ErrBadRange) {
		t.Fatalf("unaligned offset: %v", err)
	}
	if err := c.XOR(make([]byte, 1), make([]byte, 16), 0); !errors.Is(err, ErrBadRange) {
		t.Fatalf("short dst: %v", err)
	}
}

func TestNewCDNCipherRejectsBadKeys(t *testing.T) {
	for _, kv := range [][2]int{{16, 16}, {32, 8}, {0, 0}, {33, 16}} {
		if _, err := NewCDNCipher(make([]byte, kv[0]), make([]byte, kv[1])); !errors.Is(err, ErrCDNKey) {
			t.Errorf("key %d iv %d: %v", kv[0], kv[1], err)
		}
	}
}

func hashesOf(data []byte, block int) []tg.FileHash {
	var out []tg.FileHash
	for off := 0; off < len(data); off += block {
		end := min(off+block, len(data))
		s := sha256.Sum256(data[off:end])
		out = append(out, tg.FileHash{Offset: int64(off), Limit: int32(block), Hash: s[:]})
	}
	return out
}

func TestCDNHashes(t *testing.T) {
	data := make([]byte, 5*CDNHashSize+1000)
	for i := range data {
		data[i] = byte(i ^ i>>9)
	}
	all := hashesOf(data, CDNHashSize)
	var h CDNHashes
	h.Add(all[:2])
	if at, ok := h.Missing(0, 4*CDNHashSize); !ok || at != 2*CDNHashSize {
		t.Fatalf("missing = %d %v", at, ok)
	}
	if err := h.Verify(0, data[:4*CDNHashSize], false); !errors.Is(err, ErrCDNHashMissing) {
		t.Fatalf("verify without hashes: %v", err)
	}
	h.Add(all[2:])
	h.Add([]tg.FileHash{{Offset: 99, Limit: 0, Hash: make([]byte, 32)}, {Offset: 1, Limit: 5, Hash: []byte{1}}})
	if d := cmp.Diff([]int64{0, 1 << 17, 2 << 17, 3 << 17, 4 << 17, 5 << 17}, h.Offsets()); d != "" {
		t.Fatal(d)
	}
	if _, ok := h.Missing(0, len(data)); ok {
		t.Fatal("still missing")
	}
	if err := h.Verify(CDNHashSize, data[CDNHashSize:4*CDNHashSize], false); err != nil {
		t.Fatal(err)
	}
	// The last block is shorter than its hash span: fine at the end of the file only.
	last := data[4*CDNHashSize:]
	if err := h.Verify(4*CDNHashSize, last, true); err != nil {
		t.Fatalf("final block: %v", err)
	}
	if err := h.Verify(4*CDNHashSize, last[:CDNHashSize/2], false); !errors.Is(err, ErrCDNHashMismatch) {
		t.Fatalf("part shorter than its hash: %v", err)
	}
	bad := bytes.Clone(data[:2*CDNHashSize])
	bad[CDNHashSize+5] ^= 1
	err := h.Verify(0, bad, false)
	var hm *HashMismatchError
	if !errors.As(err, &hm) || hm.Offset != CDNHashSize || !errors.Is(err, ErrCDNHashMismatch) {
		t.Fatalf("tampered: %v", err)
	}
}
