package crypto

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"unsafe"

	"github.com/mtgo-labs/mtgo/crypto/redact"
)

// IGE errors. Each names the argument that was wrong.
var (
	// ErrIGEKeySize reports a key that is not 32 bytes long.
	ErrIGEKeySize = errors.New("crypto: IGE key must be 32 bytes")
	// ErrIGEIVSize reports an IV that is not 32 bytes long.
	ErrIGEIVSize = errors.New("crypto: IGE iv must be 32 bytes")
	// ErrIGELength reports input that is not a whole number of 16-byte blocks.
	ErrIGELength = errors.New("crypto: IGE input is not a multiple of 16 bytes")
	// ErrIGEShortDst reports an output buffer shorter than the input.
	ErrIGEShortDst = errors.New("crypto: IGE output shorter than input")
	// ErrIGEOverlap reports output that overlaps the input other than exactly.
	ErrIGEOverlap = errors.New("crypto: IGE output overlaps input inexactly")
	// ErrIGENoKey reports use of an IGE whose Init was never called or failed.
	ErrIGENoKey = errors.New("crypto: IGE used without a key")
)

// IGE is AES-256 in Infinite Garble Extension mode with a fixed key. The expanded key lives
// inside the value, so a reused IGE (or one on the stack) costs no setup and no allocation
// per call on platforms with assembly. The zero value has no key (its methods return ErrIGENoKey); call Init.
//
// The 32-byte IV is c0 || p0: the first half plays the previous ciphertext block and the second
// half the previous plaintext block. An IGE is safe for concurrent use once initialised.
type IGE struct {
	k     igeKey
	ready bool
}

// NewIGE returns an IGE cipher for the 32-byte key.
func NewIGE(key []byte) (*IGE, error) {
	c := new(IGE)
	if err := c.Init(key); err != nil {
		return nil, err
	}
	return c, nil
}

// Init sets the 32-byte key.
func (c *IGE) Init(key []byte) error {
	if len(key) != 32 {
		return fmt.Errorf("ige init: %w (got %d)", ErrIGEKeySize, len(key))
	}
	c.k.init((*[32]byte)(key))
	c.ready = true
	return nil
}

// Encrypt encrypts src into dst with the 32-byte iv. dst may be src itself; other overlaps are
// rejected. len(src) must be a multiple of 16.
func (c *IGE) Encrypt(dst, src, iv []byte) error {
	if err := c.check(dst, src, iv); err != nil {
		return fmt.Errorf("ige encrypt: %w", err)
	}
	chain := [32]byte(iv) // the loop advances its iv; the caller's stays untouched
	c.k.encrypt(dst[:len(src)], src, &chain)
	return nil
}

// Decrypt decrypts src into dst with the 32-byte iv. dst may be src itself; other overlaps are
// rejected. len(src) must be a multiple of 16.
func (c *IGE) Decrypt(dst, src, iv []byte) error {
	if err := c.check(dst, src, iv); err != nil {
		return fmt.Errorf("ige decrypt: %w", err)
	}
	chain := [32]byte(iv)
	c.k.decrypt(dst[:len(src)], src, &chain)
	return nil
}

// IGEEncrypt encrypts src into dst with AES-256-IGE. key and iv are 32 bytes each (iv = c0 || p0);
// dst may equal src; len(src) must be a multiple of 16.
func IGEEncrypt(dst, src []byte, key, iv []byte) error {
	var c IGE
	if err := c.Init(key); err != nil {
		return err
	}
	return c.Encrypt(dst, src, iv)
}

// IGEDecrypt decrypts src into dst with AES-256-IGE. key and iv are 32 bytes each (iv = c0 || p0);
// dst may equal src; len(src) must be a multiple of 16.
func IGEDecrypt(dst, src []byte, key, iv []byte) error {
	var c IGE
	if err := c.Init(key); err != nil {
		return err
	}
	return c.Decrypt(dst, src, iv)
}

func (c *IGE) check(dst, src, iv []byte) error {
	switch {
	case !c.ready:
		return ErrIGENoKey
	case len(iv) != 32:
		return ErrIGEIVSize
	case len(src)%16 != 0:
		return ErrIGELength
	case len(dst) < len(src):
		return ErrIGEShortDst
	case inexactOverlap(dst[:len(src)], src):
		return ErrIGEOverlap
	}
	return nil
}

// anyOverlap reports whether x and y share memory.
func anyOverlap(x, y []byte) bool {
	return len(x) > 0 && len(y) > 0 &&
		uintptr(unsafe.Pointer(&x[0])) <= uintptr(unsafe.Pointer(&y[len(y)-1])) &&
		uintptr(unsafe.Pointer(&y[0])) <= uintptr(unsafe.Pointer(&x[len(x)-1]))
}

// inexactOverlap reports whether x and y share memory without starting at the same address.
func inexactOverlap(x, y []byte) bool {
	if len(x) == 0 || len(y) == 0 || &x[0] == &y[0] {
		return false
	}
	return anyOverlap(x, y)
}

// genericKey is the portable IGE implementation over crypto/aes. It is compiled on every
// platform so the assembly can be checked against it.
type genericKey struct {
	b cipher.Block
}

func (k *genericKey) init(key *[32]byte) {
	// aes.NewCipher only fails on a bad key length, which the caller has ruled out.
	b, err := aes.NewCipher(key[:])
	if err != nil {
		panic("crypto: aes.NewCipher rejected a 32-byte key: " + err.Error())
	}
	k.b = b
}

// encrypt computes c_i = E(p_i ^ c_{i-1}) ^ p_{i-1}. Each block is read before its output is
// written, so dst may equal src (and may start before src, which message decryption relies on).
// On return iv holds the chain state (last c || last p), so a later call continues the stream;
// every implementation of igeKey follows the same contract.
func (k *genericKey) encrypt(dst, src []byte, iv *[32]byte) {
	le := binary.LittleEndian
	c0, c1 := le.Uint64(iv[0:]), le.Uint64(iv[8:])
	p0, p1 := le.Uint64(iv[16:]), le.Uint64(iv[24:])
	var t [16]byte
	for i := 0; i+16 <= len(src); i += 16 {
		x0, x1 := le.Uint64(src[i:]), le.Uint64(src[i+8:])
		le.PutUint64(t[0:], x0^c0)
		le.PutUint64(t[8:], x1^c1)
		k.b.Encrypt(t[:], t[:])
		c0, c1 = le.Uint64(t[0:])^p0, le.Uint64(t[8:])^p1
		p0, p1 = x0, x1
		le.PutUint64(dst[i:], c0)
		le.PutUint64(dst[i+8:], c1)
	}
	storeChain(iv, c0, c1, p0, p1)
}

func storeChain(iv *[32]byte, c0, c1, p0, p1 uint64) {
	le := binary.LittleEndian
	le.PutUint64(iv[0:], c0)
	le.PutUint64(iv[8:], c1)
	le.PutUint64(iv[16:], p0)
	le.PutUint64(iv[24:], p1)
}

// decrypt computes p_i = D(c_i ^ p_{i-1}) ^ c_{i-1}, reading each block before writing it, and
// leaves the chain state in iv like encrypt.
func (k *genericKey) decrypt(dst, src []byte, iv *[32]byte) {
	le := binary.LittleEndian
	c0, c1 := le.Uint64(iv[0:]), le.Uint64(iv[8:])
	p0, p1 := le.Uint64(iv[16:]), le.Uint64(iv[24:])
	var t [16]byte
	for i := 0; i+16 <= len(src); i += 16 {
		x0, x1 := le.Uint64(src[i:]), le.Uint64(src[i+8:])
		le.PutUint64(t[0:], x0^p0)
		le.PutUint64(t[8:], x1^p1)
		k.b.Decrypt(t[:], t[:])
		p0, p1 = le.Uint64(t[0:])^c0, le.Uint64(t[8:])^c1
		c0, c1 = x0, x1
		le.PutUint64(dst[i:], p0)
		le.PutUint64(dst[i+8:], p1)
	}
	storeChain(iv, c0, c1, p0, p1)
}

// String prints nothing of the key schedule.
func (c *IGE) String() string {
	return redact.Of("crypto.IGE", slog.Bool("ready", c != nil && c.ready)).String()
}

// Format implements fmt.Formatter: fmt would otherwise print the expanded key raw.
func (c *IGE) Format(s fmt.State, _ rune) { _, _ = io.WriteString(s, c.String()) }

// LogValue implements slog.LogValuer without the key schedule.
func (c *IGE) LogValue() slog.Value { return slog.StringValue(c.String()) }
