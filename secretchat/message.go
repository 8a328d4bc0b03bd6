package secretchat

import (
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/mtgo-labs/mtgo/crypto"
)

// Payload layout: key_fingerprint (8) || msg_key (16) || AES-256-IGE(length (4) || layer ||
// padding), the bytes of messages.sendEncrypted's data and of encryptedMessage.bytes.
const (
	// FingerprintSize is the length of key_fingerprint at the start of a payload.
	FingerprintSize = 8
	// HeaderSize is key_fingerprint plus msg_key, the payload before the ciphertext.
	HeaderSize = FingerprintSize + crypto.MsgKeySize
	// lengthSize is the plaintext's little-endian length prefix.
	lengthSize = 4
	// minCiphertext holds the length prefix and the smallest padding, rounded up to a block.
	minCiphertext = 16
)

var (
	// ErrRole reports a Role other than Originator or Responder.
	ErrRole = errors.New("secretchat: invalid role")
	// ErrShort reports a payload shorter than its header and one block of ciphertext.
	ErrShort = errors.New("secretchat: payload too short")
	// ErrFingerprint reports a payload under another key (key_fingerprint differs); the chat
	// may have been re-keyed.
	ErrFingerprint = errors.New("secretchat: key_fingerprint mismatch")
	// ErrAlignment reports a ciphertext whose length is not a multiple of 16.
	ErrAlignment = errors.New("secretchat: ciphertext length not a multiple of 16")
	// ErrMsgKey reports a msg_key that does not match the decrypted data: the payload was
	// altered, or it was sent by the other role or under another key.
	ErrMsgKey = errors.New("secretchat: msg_key mismatch")
	// ErrLength reports a length prefix larger than the decrypted data or not a multiple of 4.
	ErrLength = errors.New("secretchat: length prefix out of range")
	// ErrPadding reports padding outside 12..1024 bytes.
	ErrPadding = errors.New("secretchat: padding out of 12..1024 bytes")
)

// EncryptedSize returns the length of the payload Encrypt produces for a layer of n bytes.
func EncryptedSize(n int) int {
	return crypto.EncryptedSize(lengthSize+n) - crypto.EnvelopeSize + HeaderSize
}

// Encrypt appends the encrypted payload of layer (the TL bytes of a decryptedMessageLayer, a
// multiple of 4 bytes) sent by from to dst and returns the extended slice. 12..27 random
// padding bytes read from rnd bring the plaintext to a multiple of 16. The construction is
// MTProto 2.0's with auth_key_id replaced by key_fingerprint, which is the same 8 bytes, so this
// is crypto.EncryptMessage over length || layer. With EncryptedSize(len(layer)) spare capacity
// in dst nothing is allocated.
func Encrypt(dst []byte, key *crypto.AuthKey, from Role, layer []byte, rnd io.Reader) ([]byte, error) {
	if !from.valid() {
		return dst, fmt.Errorf("secretchat: encrypt: %w (%d)", ErrRole, from)
	}
	var length [lengthSize]byte
	binary.LittleEndian.PutUint32(length[:], uint32(len(layer)))
	segs := [2][]byte{length[:], layer}
	out, err := crypto.EncryptMessageSegments(dst, key, from.side(), segs[:], rnd)
	if err != nil {
		return dst, fmt.Errorf("secretchat: encrypt: %w", err)
	}
	return out, nil
}

// Decrypt checks and decrypts payload (key_fingerprint || msg_key || ciphertext) sent by from
// and appends the layer's TL bytes, without length prefix and padding, to dst. The checks, in
// order: size (ErrShort, ErrAlignment), key_fingerprint (ErrFingerprint), msg_key recomputed
// over the decrypted data and compared in constant time (ErrMsgKey), then, on authenticated
// data only, the length prefix (ErrLength) and the padding (ErrPadding). On any failure dst's
// contents up to len(dst) are unchanged and the decrypted bytes are cleared. dst may be
// payload[:HeaderSize] to decrypt in place (the payload is then consumed); other overlaps fail
// with crypto.ErrIGEOverlap. With len(payload)-HeaderSize spare capacity nothing is allocated.
// Time is linear in len(payload).
func Decrypt(dst []byte, key *crypto.AuthKey, from Role, payload []byte) ([]byte, error) {
	if !from.valid() {
		return dst, fmt.Errorf("secretchat: decrypt: %w (%d)", ErrRole, from)
	}
	if len(payload) < HeaderSize+minCiphertext {
		return dst, fmt.Errorf("secretchat: decrypt: %w (%d bytes)", ErrShort, len(payload))
	}
	if [FingerprintSize]byte(payload[:FingerprintSize]) != key.ID {
		return dst, fmt.Errorf("secretchat: decrypt: %w", ErrFingerprint)
	}
	ct := payload[HeaderSize:]
	if len(ct)%16 != 0 {
		return dst, fmt.Errorf("secretchat: decrypt: %w (%d bytes)", ErrAlignment, len(ct))
	}
	ret := slices.Grow(dst, len(ct))[:len(dst)+len(ct)]
	out := ret[len(dst):]
	msgKey := [crypto.MsgKeySize]byte(payload[FingerprintSize:HeaderSize])
	aesKey, iv := crypto.MessageKeyIV(key, from.side(), &msgKey)
	err := crypto.IGEDecrypt(out, ct, aesKey[:], iv[:])
	clear(aesKey[:])
	if err != nil {
		return dst, fmt.Errorf("secretchat: decrypt: %w", err)
	}
	want := crypto.MessageKey(key, from.side(), out)
	if subtle.ConstantTimeCompare(want[:], msgKey[:]) != 1 {
		clear(out)
		return dst, fmt.Errorf("secretchat: decrypt: %w", ErrMsgKey)
	}
	n := uint64(binary.LittleEndian.Uint32(out[:lengthSize]))
	room := uint64(len(out) - lengthSize)
	switch {
	case n > room || n%4 != 0:
		clear(out)
		return dst, fmt.Errorf("secretchat: decrypt: %w (%d of %d bytes)", ErrLength, n, room)
	case room-n < crypto.MinPadding || room-n > crypto.MaxPadding:
		clear(out)
		return dst, fmt.Errorf("secretchat: decrypt: %w (%d bytes)", ErrPadding, room-n)
	}
	copy(out, out[lengthSize:lengthSize+n])
	clear(out[n:])
	return ret[:len(dst)+int(n)], nil
}
