package mediatest

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// CDNFile is a file as a CDN data center serves it: the key, IV and token of its
// upload.fileCdnRedirect, the SHA-256 hashes of its 128 KiB blocks, and its parts encrypted
// with AES-256-CTR (counter = IV with its last word = offset/16), optionally corrupted or cut
// short. It is the one copy of these rules for the fakes: this package's Server and the CDN
// data center of the teletest module both serve files through it. It encrypts with its own
// few lines of AES-CTR rather than media.CDNCipher, so that a counter mistake in the client's
// cipher cannot be mirrored by the server the client is tested against. Window rules
// (media.CheckChunk) and locking are the caller's; a CDNFile is not safe for concurrent use.
type CDNFile struct {
	data     []byte
	key, iv  []byte
	token    []byte
	tampered map[int64]bool // block offsets served corrupted
	cut      int64          // parts end at this offset; -1: at the end of the file
}

// NewCDNFile prepares data (not copied) for a CDN, with a key, IV and token drawn from
// random.
func NewCDNFile(data []byte, random io.Reader) (*CDNFile, error) {
	f := &CDNFile{data: data, tampered: map[int64]bool{}, cut: -1}
	var err error
	if f.key, err = draw(random, 32); err != nil {
		return nil, err
	}
	if f.iv, err = draw(random, 16); err != nil {
		return nil, err
	}
	if err := f.NewToken(random); err != nil {
		return nil, err
	}
	return f, nil
}

func draw(random io.Reader, n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(random, b); err != nil {
		return nil, fmt.Errorf("mediatest: cdn: random: %w", err)
	}
	return b, nil
}

// Token returns the file token clients name the file with on the CDN.
func (f *CDNFile) Token() []byte { return f.token }

// NewToken replaces the file token, as when the old one expires.
func (f *CDNFile) NewToken(random io.Reader) error {
	tok, err := draw(random, 16)
	if err != nil {
		return err
	}
	f.token = tok
	return nil
}

// Redirect returns the upload.fileCdnRedirect to CDN data center dc, carrying the first
// hashes block hashes.
func (f *CDNFile) Redirect(dc, hashes int) *tg.UploadFileCdnRedirect {
	return &tg.UploadFileCdnRedirect{
		DCID: int32(dc), FileToken: bytes.Clone(f.token), EncryptionKey: bytes.Clone(f.key),
		EncryptionIv: bytes.Clone(f.iv), FileHashes: f.Hashes(0, hashes),
	}
}

// Hashes returns up to n block hashes from offset (rounded down to a block). They always
// cover the whole, good file.
func (f *CDNFile) Hashes(offset int64, n int) []tg.FileHash {
	out := []tg.FileHash{}
	for off := max(offset, 0) / HashBlock * HashBlock; off < int64(len(f.data)) && len(out) < n; off += HashBlock {
		sum := sha256.Sum256(window(f.data, off, HashBlock))
		out = append(out, tg.FileHash{Offset: off, Limit: HashBlock, Hash: sum[:]})
	}
	return out
}

// Tamper makes the block containing offset served corrupted; its hash stays that of the
// good data.
func (f *CDNFile) Tamper(offset int64) { f.tampered[offset/HashBlock*HashBlock] = true }

// Truncate makes parts end at offset, as if the CDN's copy of the file were cut there.
func (f *CDNFile) Truncate(offset int64) { f.cut = offset }

// Part returns the encrypted bytes of the window at offset of at most limit bytes (empty past
// the end). The window must already have passed the caller's window rules.
func (f *CDNFile) Part(offset int64, limit int32) ([]byte, error) {
	served := f.data
	if f.cut >= 0 {
		served = served[:min(f.cut, int64(len(served)))]
	}
	plain := window(served, offset, limit)
	block, err := aes.NewCipher(f.key)
	if err != nil {
		return nil, fmt.Errorf("mediatest: cdn: %w", err)
	}
	iv := bytes.Clone(f.iv)
	binary.BigEndian.PutUint32(iv[12:], uint32(offset/16))
	enc := make([]byte, len(plain))
	cipher.NewCTR(block, iv).XORKeyStream(enc, plain)
	for off := range f.tampered {
		if off >= offset && off < offset+int64(len(enc)) {
			enc[off-offset] ^= 0xff
		}
	}
	return enc, nil
}
