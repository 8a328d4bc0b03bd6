package crypto

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/big"

	"github.com/mtgo-labs/mtgo/crypto/redact"
)

// AuthKey is a 2048-bit MTProto authorization key together with its identifier.
type AuthKey struct {
	// Value is the key itself, big-endian, left padded with zeros to 256 bytes.
	Value [256]byte
	// ID is auth_key_id: the low 64 bits of SHA-1(Value), i.e. digest bytes 12..20, in wire
	// order.
	ID [8]byte
}

// ErrAuthKeyValue reports a shared DH secret that does not fit an auth key.
var ErrAuthKeyValue = errors.New("crypto: auth key value out of range")

// NewAuthKey returns the auth key with value v and its computed ID.
func NewAuthKey(v [256]byte) AuthKey {
	k := AuthKey{Value: v}
	sum := sha1.Sum(v[:])
	copy(k.ID[:], sum[12:20])
	return k
}

// NewAuthKeyFromInt returns the auth key for the shared DH secret g^ab mod p, left padding its
// big-endian bytes to 256.
func NewAuthKeyFromInt(x *big.Int) (AuthKey, error) {
	if x == nil || x.Sign() <= 0 || x.BitLen() > 2048 {
		return AuthKey{}, fmt.Errorf("new auth key: %w", ErrAuthKeyValue)
	}
	var v [256]byte
	x.FillBytes(v[:])
	return NewAuthKey(v), nil
}

// IsZero reports whether k holds no key.
func (k *AuthKey) IsZero() bool {
	return k.Value == [256]byte{}
}

// AuxHash returns auth_key_aux_hash: the first 64 bits of SHA-1(auth key).
func AuxHash(authKey *AuthKey) [8]byte {
	sum := sha1.Sum(authKey.Value[:])
	var out [8]byte
	copy(out[:], sum[:8])
	return out
}

// redacted is the printable form of k: its id (sent in clear in every packet), never its value.
func (k AuthKey) redacted() redact.Fields {
	value := redact.Mark
	if k.IsZero() {
		value = "zero"
	}
	return redact.Of("crypto.AuthKey", slog.String("ID", hex.EncodeToString(k.ID[:])), slog.String("Value", value))
}

// String describes k by its id; the key itself is never printed.
func (k AuthKey) String() string { return k.redacted().String() }

// Format implements fmt.Formatter so that no verb, %#v included, prints the key.
func (k AuthKey) Format(s fmt.State, verb rune) { k.redacted().Format(s, verb) }

// LogValue implements slog.LogValuer: the id, the key redacted.
func (k AuthKey) LogValue() slog.Value { return k.redacted().LogValue() }

// MarshalJSON implements json.Marshaler as LogValue does: slog's JSON handler marshals a key
// held in a logged struct with encoding/json, which would otherwise write Value byte by byte.
func (k AuthKey) MarshalJSON() ([]byte, error) { return k.redacted().MarshalJSON() }
