package media

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"sort"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// CDNCipher decrypts parts served by a CDN data center: AES-256-CTR with the key of
// upload.fileCdnRedirect and a counter block made of its IV whose last four bytes are replaced
// by offset/16, big-endian. It holds the expanded key so a download expands it once.
type CDNCipher struct {
	block cipher.Block
	iv    [aes.BlockSize]byte
}

// NewCDNCipher checks the key (32 bytes) and IV (16 bytes) of a redirect.
func NewCDNCipher(key, iv []byte) (*CDNCipher, error) {
	if len(key) != 32 || len(iv) != aes.BlockSize {
		return nil, fmt.Errorf("%w: key %d bytes, iv %d bytes", ErrCDNKey, len(key), len(iv))
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCDNKey, err)
	}
	c := &CDNCipher{block: b}
	copy(c.iv[:], iv)
	return c, nil
}

// XOR decrypts (or encrypts: CTR is symmetric) src, the file bytes starting at offset, into
// dst, which may be src itself. offset must be a multiple of 16 (CDN requests always are) and
// len(dst) >= len(src).
func (c *CDNCipher) XOR(dst, src []byte, offset int64) error {
	if offset < 0 || offset%aes.BlockSize != 0 || offset/aes.BlockSize > 0xffffffff {
		return fmt.Errorf("%w: cdn offset %d is not a 16-byte block the counter can reach", ErrBadRange, offset)
	}
	if len(dst) < len(src) {
		return fmt.Errorf("%w: destination of %d bytes for %d", ErrBadRange, len(dst), len(src))
	}
	iv := c.iv
	binary.BigEndian.PutUint32(iv[12:], uint32(offset/aes.BlockSize))
	cipher.NewCTR(c.block, iv[:]).XORKeyStream(dst[:len(src)], src)
	return nil
}

// CDNHashes collects the SHA-256 hashes of a CDN file's blocks, from the redirect,
// upload.getCdnFileHashes and upload.reuploadCdnFile, and checks decrypted parts against them.
// It is a core: no I/O; the caller fetches what Missing reports. Not safe for concurrent use.
type CDNHashes struct {
	byOffset map[int64]tg.FileHash
}

// Add records hashes; a later hash for the same offset replaces the earlier one. Hashes with a
// non-positive limit or a hash of the wrong length are ignored: they could never verify.
func (h *CDNHashes) Add(hashes []tg.FileHash) {
	if h.byOffset == nil {
		h.byOffset = make(map[int64]tg.FileHash, len(hashes))
	}
	for _, fh := range hashes {
		if fh.Limit <= 0 || fh.Offset < 0 || len(fh.Hash) != sha256.Size {
			continue
		}
		h.byOffset[fh.Offset] = fh
	}
}

// Len returns the number of hashes held.
func (h *CDNHashes) Len() int { return len(h.byOffset) }

// Missing returns the offset of the first block of the n bytes at offset that has no hash,
// and whether there is one. Blocks are walked by the limits of the hashes found, so a part is
// covered only by a chain of hashes starting exactly at offset.
func (h *CDNHashes) Missing(offset int64, n int) (int64, bool) {
	pos, end := offset, offset+int64(n)
	for pos < end {
		fh, ok := h.byOffset[pos]
		if !ok {
			return pos, true
		}
		pos += int64(fh.Limit)
	}
	return 0, false
}

// blockEnd reports whether a block of the hashes held starts at offset+n, following the
// chain of blocks from offset: true when n bytes from offset end exactly where a block ends
// (n = 0 included), false when they end inside the last block or the chain breaks.
func (h *CDNHashes) blockEnd(offset int64, n int) bool {
	pos, end := offset, offset+int64(n)
	for pos < end {
		fh, ok := h.byOffset[pos]
		if !ok {
			return false
		}
		pos += int64(fh.Limit)
	}
	return pos == end
}

// has reports whether a hash starts at offset: the file goes on there.
func (h *CDNHashes) has(offset int64) bool {
	_, ok := h.byOffset[offset]
	return ok
}

// Verify checks the decrypted bytes data, which start at file offset offset, block by block.
// A block without a hash fails with ErrCDNHashMissing, a differing one with a
// *HashMismatchError. A hash spanning past data fails as a mismatch, except when final says
// data ends the file: the last hash then covers the rest of data.
func (h *CDNHashes) Verify(offset int64, data []byte, final bool) error {
	pos := 0
	for pos < len(data) {
		at := offset + int64(pos)
		fh, ok := h.byOffset[at]
		if !ok {
			return fmt.Errorf("%w: block at offset %d", ErrCDNHashMissing, at)
		}
		end := pos + int(fh.Limit)
		if end > len(data) {
			if !final {
				return &HashMismatchError{Offset: at, Limit: fh.Limit}
			}
			end = len(data)
		}
		sum := sha256.Sum256(data[pos:end])
		if !bytes.Equal(sum[:], fh.Hash) {
			return &HashMismatchError{Offset: at, Limit: fh.Limit}
		}
		pos = end
	}
	return nil
}

// Offsets returns the offsets of the hashes held, sorted (for tests and logs).
func (h *CDNHashes) Offsets() []int64 {
	out := make([]int64, 0, len(h.byOffset))
	for off := range h.byOffset {
		out = append(out, off)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
