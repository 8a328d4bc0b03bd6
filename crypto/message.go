package crypto

import (
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unsafe"
)

// Message layout constants (MTProto 2.0).
const (
	// AuthKeyIDSize is the length of auth_key_id at the start of an encrypted packet.
	AuthKeyIDSize = 8
	// MsgKeySize is the length of msg_key after auth_key_id.
	MsgKeySize = 16
	// EnvelopeSize is the encrypted packet's prefix before the ciphertext.
	EnvelopeSize = AuthKeyIDSize + MsgKeySize
	// InnerHeaderSize is salt(8) + session_id(8) + msg_id(8) + seq_no(4) + length(4), the
	// plaintext before the message body.
	InnerHeaderSize = 32
	// MinPadding is the smallest random padding after the body.
	MinPadding = 12
	// MaxPadding is the largest padding MTProto 2.0 allows.
	MaxPadding = 1024
)

var (
	// ErrDecrypt is the only error DecryptMessage returns for a packet under the right key that
	// fails any check (msg_key, inner length, padding, alignment, size): it does not say which.
	ErrDecrypt = errors.New("crypto: message decryption failed")
	// ErrAuthKeyID reports a packet whose auth_key_id is not the key's. It is not secret; the
	// caller usually drops the connection.
	ErrAuthKeyID = errors.New("crypto: message auth_key_id mismatch")
	// ErrPlaintext reports a plaintext EncryptMessage refuses: shorter than the inner header or
	// not a multiple of 4 bytes.
	ErrPlaintext = errors.New("crypto: message plaintext must be >= 32 bytes and a multiple of 4")
)

// paddingFor returns the padding that brings n plaintext bytes to a multiple of 16 with at least
// MinPadding bytes (12..27).
func paddingFor(n int) int {
	return MinPadding + (16-(n+MinPadding)%16)%16
}

// EncryptedSize returns the length of the packet EncryptMessage produces for n plaintext bytes.
func EncryptedSize(n int) int {
	return EnvelopeSize + n + paddingFor(n)
}

// EncryptMessage appends auth_key_id || msg_key || AES-256-IGE(plaintext || padding) to dst and
// returns the extended slice. plaintext is the inner message (salt, session_id, msg_id, seq_no,
// length, body); from is the sending side. 12..27 random padding bytes, read from rnd, bring it
// to a multiple of 16.
//
// plaintext may live inside dst's spare capacity; placing it at dst[len(dst)+EnvelopeSize:]
// encrypts in place without a copy. With enough capacity in dst nothing is allocated.
func EncryptMessage(dst []byte, key *AuthKey, from Side, plaintext []byte, rnd io.Reader) ([]byte, error) {
	n := len(plaintext)
	if n < InnerHeaderSize || n%4 != 0 {
		return dst, fmt.Errorf("encrypt message: %w (got %d)", ErrPlaintext, n)
	}
	total := n + paddingFor(n)
	ret, out := sliceForAppend(dst, EnvelopeSize+total)
	body := out[EnvelopeSize:]
	copy(body, plaintext)
	if _, err := io.ReadFull(rnd, body[n:]); err != nil {
		return dst, fmt.Errorf("encrypt message: read padding: %w", err)
	}
	msgKey := messageKey(key, from, body)
	aesKey, iv := messageKeyIV(key, from, &msgKey)
	var k igeKey
	k.init(&aesKey)
	k.encrypt(body, body, &iv)
	putEnvelope(out, key, &msgKey)
	return ret, nil
}

// DecryptMessage decrypts packet (auth_key_id || msg_key || ciphertext) sent by from and appends
// the plaintext without padding (salt, session_id, msg_id, seq_no, length, body) to dst.
//
// It checks auth_key_id (ErrAuthKeyID), then msg_key in constant time, the inner length, the
// padding (12..1024 bytes) and the length alignment; any of those failing returns ErrDecrypt and
// leaves dst's contents unchanged up to len(dst). dst may be packet[:0] to decrypt in place. With
// enough capacity in dst nothing is allocated.
func DecryptMessage(dst []byte, key *AuthKey, from Side, packet []byte) ([]byte, error) {
	if len(packet) < AuthKeyIDSize {
		return dst, ErrDecrypt
	}
	if [8]byte(packet[:AuthKeyIDSize]) != key.ID {
		return dst, ErrAuthKeyID
	}
	total := len(packet) - EnvelopeSize
	if total < InnerHeaderSize+MinPadding || total%16 != 0 {
		return dst, ErrDecrypt
	}
	msgKey := [16]byte(packet[AuthKeyIDSize:EnvelopeSize])
	ct := packet[EnvelopeSize:]
	ret, out := sliceForAppend(dst, total)
	if anyOverlap(out, ct) && uintptr(unsafe.Pointer(&out[0])) > uintptr(unsafe.Pointer(&ct[0])) {
		// Writing ahead of the ciphertext would destroy blocks before they are read.
		return dst, fmt.Errorf("decrypt message: %w", ErrIGEOverlap)
	}
	aesKey, iv := messageKeyIV(key, from, &msgKey)
	var k igeKey
	k.init(&aesKey)
	want := decryptMessageKey(&k, key, from, out, ct, &iv)
	ok := subtle.ConstantTimeCompare(want[:], msgKey[:])
	// Branch-free checks: InnerHeaderSize+MinPadding <= total <= len(packet), so every operand
	// below is far from 2^63 and ctLessOrEq is exact.
	length := uint64(binary.LittleEndian.Uint32(out[28:32]))
	t := uint64(total)
	ok &= ctLessOrEq(length, t-InnerHeaderSize-MinPadding) & // padding >= 12
		ctLessOrEq(t-InnerHeaderSize, length+MaxPadding) & // padding <= 1024
		subtle.ConstantTimeByteEq(uint8(length&3), 0)
	if ok != 1 {
		clear(out)
		return dst, ErrDecrypt
	}
	return ret[:len(dst)+InnerHeaderSize+int(length)], nil
}

// sliceForAppend extends in by n bytes, reusing its capacity when it can, and returns the whole
// slice and the new tail.
func sliceForAppend(in []byte, n int) (head, tail []byte) {
	if total := len(in) + n; cap(in) >= total {
		head = in[:total]
	} else {
		head = make([]byte, total)
		copy(head, in)
	}
	tail = head[len(in):]
	return head, tail
}

// ctLessOrEq returns 1 if a <= b and 0 otherwise, without branching; a and b must be below 2^62.
func ctLessOrEq(a, b uint64) int {
	return int((b-a)>>63) ^ 1
}
