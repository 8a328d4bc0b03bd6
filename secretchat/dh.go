package secretchat

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/crypto/redact"
)

// RandomSize is the length of the random exponent and of messages.dhConfig's random.
const RandomSize = 256

var (
	// ErrRandom reports random bytes of the wrong length.
	ErrRandom = errors.New("secretchat: random must be 256 bytes")
	// ErrPublicSize reports a peer's g_a or g_b longer than 256 bytes or empty.
	ErrPublicSize = errors.New("secretchat: DH public value must be 1..256 bytes")
	// ErrCleared reports a DH whose exponent was cleared (DH.Clear).
	ErrCleared = errors.New("secretchat: DH exponent cleared")
)

// DHParams are the fields of messages.dhConfig the key exchange needs.
type DHParams struct {
	// G is the generator (2..7).
	G int32
	// P is the 2048-bit safe prime, big-endian.
	P []byte
	// Random is the server's 256 random bytes; when set they are XORed into the caller's
	// random, as the docs ask. Nil leaves the caller's random as it is.
	Random []byte
}

// DH is one party's half of the secret chat key exchange: a random exponent a (or b) and its
// public value g^a mod p. The originator sends Public() as g_a in messages.requestEncryption and
// calls Key with the g_b it gets back; the responder calls Key with the g_a it received and
// sends Public() as g_b in messages.acceptEncryption. A DH is used by one goroutine at a time.
type DH struct {
	g      int32
	p      *big.Int
	a      *big.Int
	public [256]byte
}

// NewDH checks params exactly as Telegram's guidelines require (p a 2048-bit safe prime, or the
// published prime; g in 2..7 generating the subgroup of order (p-1)/2) with crypto's checks,
// takes the exponent from random (256 bytes, XORed with params.Random when set) and computes
// g^a mod p, which must itself pass the range checks (1 < g^a < p-1 and at least 2^(2048-64)
// from both ends); a failure there means bad randomness, so retry with fresh bytes.
func NewDH(params DHParams, random []byte) (*DH, error) {
	if len(random) != RandomSize || (params.Random != nil && len(params.Random) != RandomSize) {
		return nil, fmt.Errorf("secretchat: new dh: %w", ErrRandom)
	}
	p := new(big.Int).SetBytes(params.P)
	if err := crypto.CheckDHPrime(p); err != nil {
		return nil, fmt.Errorf("secretchat: new dh: %w", err)
	}
	if err := crypto.CheckDHGroup(int(params.G), p); err != nil {
		return nil, fmt.Errorf("secretchat: new dh: %w", err)
	}
	var exp [RandomSize]byte
	copy(exp[:], random)
	for i := range params.Random {
		exp[i] ^= params.Random[i]
	}
	d := &DH{g: params.G, p: p, a: new(big.Int).SetBytes(exp[:])}
	clear(exp[:])
	ga := new(big.Int).Exp(big.NewInt(int64(params.G)), d.a, p)
	if err := crypto.CheckDHPublic(ga, p); err != nil {
		return nil, fmt.Errorf("secretchat: new dh: own public value: %w", err)
	}
	ga.FillBytes(d.public[:])
	return d, nil
}

// Public returns g^a mod p as 256 big-endian bytes: g_a for the originator, g_b for the
// responder.
func (d *DH) Public() []byte {
	out := d.public
	return out[:]
}

// Key checks the peer's public value (1 < x < p-1, at least 2^(2048-64) from 0 and p) and
// returns the chat key x^a mod p. Its fingerprint (Fingerprint) goes into
// messages.acceptEncryption and must match the key_fingerprint of encryptedChat.
func (d *DH) Key(peer []byte) (crypto.AuthKey, error) {
	if d.a == nil {
		return crypto.AuthKey{}, fmt.Errorf("secretchat: dh key: %w", ErrCleared)
	}
	if len(peer) == 0 || len(peer) > 256 {
		return crypto.AuthKey{}, fmt.Errorf("secretchat: dh key: %w (got %d)", ErrPublicSize, len(peer))
	}
	x := new(big.Int).SetBytes(peer)
	if err := crypto.CheckDHPublic(x, d.p); err != nil {
		return crypto.AuthKey{}, fmt.Errorf("secretchat: dh key: peer public value: %w", err)
	}
	key, err := crypto.NewAuthKeyFromInt(new(big.Int).Exp(x, d.a, d.p))
	if err != nil {
		return crypto.AuthKey{}, fmt.Errorf("secretchat: dh key: %w", err)
	}
	return key, nil
}

// Clear overwrites the exponent in memory (as far as Go allows: math/big may have copied it
// during a computation) and leaves a DH that refuses to compute a key. Call it once the key
// is made or the exchange is abandoned.
func (d *DH) Clear() {
	if d == nil || d.a == nil {
		return
	}
	clear(d.a.Bits())
	d.a = nil
}

// DHState is what a restart needs of a DH whose exchange is unfinished: the group and the
// exponent. The exponent is as secret as the key it will make: store a DHState as secretly as
// an auth key, Clear it after use. It prints with the exponent redacted under every verb.
type DHState struct {
	// G is the generator, P the 2048-bit prime (big-endian).
	G int32
	P [256]byte
	// Exponent is a (or b), big-endian.
	Exponent [RandomSize]byte
}

// State returns what to persist of d; the zero DHState for a cleared DH.
func (d *DH) State() DHState {
	var st DHState
	if d == nil || d.a == nil {
		return st
	}
	st.G = d.g
	d.p.FillBytes(st.P[:])
	d.a.FillBytes(st.Exponent[:])
	return st
}

// RestoreDH makes the DH st describes, with every check NewDH runs (the group, and the public
// value the exponent gives): a stored state is input like any other.
func RestoreDH(st DHState) (*DH, error) {
	d, err := NewDH(DHParams{G: st.G, P: st.P[:]}, st.Exponent[:])
	if err != nil {
		return nil, fmt.Errorf("secretchat: restore dh: %w", err)
	}
	return d, nil
}

// Clear overwrites the exponent.
func (st *DHState) Clear() { clear(st.Exponent[:]) }

func (st DHState) printable() redact.Fields {
	return redact.Of("secretchat.DHState", slog.Int("G", int(st.G)), slog.String("Exponent", redact.Mark))
}

// String describes st without its exponent.
func (st DHState) String() string { return st.printable().String() }

// Format implements fmt.Formatter: every verb, %#v and %x included, prints String.
func (st DHState) Format(s fmt.State, verb rune) { st.printable().Format(s, verb) }

// LogValue implements slog.LogValuer without the exponent.
func (st DHState) LogValue() slog.Value { return st.printable().LogValue() }

// MarshalJSON implements json.Marshaler without the exponent, for a DHState inside a logged
// value (slog's JSON handler marshals those with encoding/json). Store a DHState by its fields.
func (st DHState) MarshalJSON() ([]byte, error) { return st.printable().MarshalJSON() }

// String hides the exponent: a DH prints as its type name only.
func (d *DH) String() string { return "secretchat.DH{[REDACTED]}" }

// GoString hides the exponent from %#v.
func (d *DH) GoString() string { return d.String() }

// Format implements fmt.Formatter: every verb, %d and %x included, prints String.
func (d *DH) Format(s fmt.State, _ rune) { _, _ = io.WriteString(s, d.String()) }

// Fingerprint returns key_fingerprint: the last 8 bytes of SHA1(key) read as a little-endian
// int64 (the same bytes as the key's auth_key_id).
func Fingerprint(key *crypto.AuthKey) int64 {
	return int64(binary.LittleEndian.Uint64(key.ID[:]))
}
