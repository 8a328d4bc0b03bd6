package crypto

import (
	"crypto/sha1"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ErrBindMessage is the single error DecryptBindMessage returns for a packet that fails any check.
var ErrBindMessage = errors.New("crypto: bind message decryption failed")

// EncryptBindMessage builds encrypted_message for auth.bindTempAuthKey: plaintext (random salt,
// random session_id, msg_id, seq_no 0, length, bind_auth_key_inner) encrypted with the permanent
// key in the MTProto 1.0 way:
//
//	msg_key = SHA1(plaintext)[4:20]
//	key, iv from the SHA-1 KDF with x = 0
//	result = perm_auth_key_id + msg_key + AES256_IGE(plaintext + 0..15 random bytes)
func EncryptBindMessage(perm *AuthKey, plaintext []byte, rnd io.Reader) ([]byte, error) {
	n := len(plaintext)
	if n < InnerHeaderSize || n%4 != 0 {
		return nil, fmt.Errorf("encrypt bind message: %w (got %d)", ErrPlaintext, n)
	}
	padded := (n + 15) &^ 15
	out := make([]byte, EnvelopeSize+padded)
	body := out[EnvelopeSize:]
	copy(body, plaintext)
	if _, err := io.ReadFull(rnd, body[n:]); err != nil {
		return nil, fmt.Errorf("encrypt bind message: read padding: %w", err)
	}
	sum := sha1.Sum(plaintext)
	msgKey := [16]byte(sum[4:20])
	key, iv := oldKeyIV(perm, Client, &msgKey)
	var k igeKey
	k.init(&key)
	k.encrypt(body, body, &iv)
	copy(out[:AuthKeyIDSize], perm.ID[:])
	copy(out[AuthKeyIDSize:EnvelopeSize], msgKey[:])
	return out, nil
}

// DecryptBindMessage reverses EncryptBindMessage for the server: it checks the permanent key's
// id, decrypts, and verifies the inner length and msg_key, returning the plaintext without
// padding. Every failure is ErrBindMessage.
func DecryptBindMessage(perm *AuthKey, packet []byte) ([]byte, error) {
	if len(packet) < EnvelopeSize+InnerHeaderSize || (len(packet)-EnvelopeSize)%16 != 0 ||
		[8]byte(packet[:AuthKeyIDSize]) != perm.ID {
		return nil, ErrBindMessage
	}
	msgKey := [16]byte(packet[AuthKeyIDSize:EnvelopeSize])
	key, iv := oldKeyIV(perm, Client, &msgKey)
	out := make([]byte, len(packet)-EnvelopeSize)
	var k igeKey
	k.init(&key)
	k.decrypt(out, packet[EnvelopeSize:], &iv)
	length := uint64(binary.LittleEndian.Uint32(out[28:32]))
	end := InnerHeaderSize + length
	if end > uint64(len(out)) || uint64(len(out))-end >= 16 || length%4 != 0 {
		return nil, ErrBindMessage
	}
	sum := sha1.Sum(out[:end])
	if subtle.ConstantTimeCompare(sum[4:20], msgKey[:]) != 1 {
		return nil, ErrBindMessage
	}
	return out[:end], nil
}
