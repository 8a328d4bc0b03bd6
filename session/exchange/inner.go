package exchange

import (
	"crypto/sha1"
	"crypto/subtle"
	"fmt"
	"io"
	"log/slog"
	"math/big"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/tl"
)

// This file holds what both sides share: TL encoding of one message, the SHA-1-prefixed
// AES-IGE envelope of server_DH_inner_data and client_DH_inner_data, and the DH arithmetic.

// discard is the logger used when none is configured.
var discard = slog.New(slog.DiscardHandler)

// encode returns the TL encoding of v.
func encode(v tl.Encoder) ([]byte, error) {
	var b tl.Buffer
	if err := v.Encode(&b); err != nil {
		return nil, fmt.Errorf("exchange: encoding: %w", err)
	}
	return b.Buf, nil
}

// decodeExact decodes body into v and rejects trailing bytes.
func decodeExact(body []byte, v tl.Decoder) error {
	var b tl.Buffer
	b.ResetTo(body)
	if err := v.Decode(&b); err != nil {
		return fmt.Errorf("%w: %w", ErrUnexpectedMessage, err)
	}
	if b.Len() != 0 {
		return fmt.Errorf("%w: %d trailing bytes", ErrUnexpectedMessage, b.Len())
	}
	return nil
}

// peekID returns the constructor id of body.
func peekID(body []byte) (uint32, error) {
	var b tl.Buffer
	b.ResetTo(body)
	id, err := b.PeekID()
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrUnexpectedMessage, err)
	}
	return id, nil
}

// innerPadding is the number of random bytes that bring SHA-1 (20 bytes) + n bytes of data to a
// multiple of 16.
func innerPadding(n int) int { return (16 - (sha1.Size+n)%16) % 16 }

// sealInner builds encrypted_answer / encrypted_data from TL data: AES-256-IGE, under the key and
// iv derived from the nonces, of SHA1(data) + data + padding. padding must hold at least
// innerPadding(len(data)) bytes; the rest is ignored.
func sealInner(data []byte, newNonce tl.Int256, serverNonce tl.Int128, padding []byte) ([]byte, error) {
	n := innerPadding(len(data))
	if len(padding) < n {
		return nil, fmt.Errorf("exchange: %d padding bytes, need %d", len(padding), n)
	}
	sum := sha1.Sum(data)
	plain := make([]byte, 0, sha1.Size+len(data)+n)
	plain = append(plain, sum[:]...)
	plain = append(plain, data...)
	plain = append(plain, padding[:n]...)
	key, iv := crypto.TmpAESKeyIV(newNonce, serverNonce)
	if err := crypto.IGEEncrypt(plain, plain, key[:], iv[:]); err != nil {
		return nil, fmt.Errorf("exchange: encrypting inner data: %w", err)
	}
	return plain, nil
}

// openInner reverses sealInner: it decrypts enc, decodes the TL object after the hash into v and
// checks the SHA-1 of exactly the decoded bytes and that at most 15 padding bytes follow.
func openInner(enc []byte, newNonce tl.Int256, serverNonce tl.Int128, v tl.Decoder) error {
	if len(enc) == 0 || len(enc)%16 != 0 {
		return fmt.Errorf("%w: %d bytes", ErrEncryptedLength, len(enc))
	}
	if len(enc) < sha1.Size+4 {
		return fmt.Errorf("%w: %d bytes cannot hold a hash and a message", ErrEncryptedLength, len(enc))
	}
	plain := make([]byte, len(enc))
	key, iv := crypto.TmpAESKeyIV(newNonce, serverNonce)
	if err := crypto.IGEDecrypt(plain, enc, key[:], iv[:]); err != nil {
		return fmt.Errorf("%w: %w", ErrEncryptedLength, err)
	}
	var b tl.Buffer
	b.ResetTo(plain[sha1.Size:])
	if err := v.Decode(&b); err != nil {
		// Garbage after a wrong key fails here as often as at the hash; both mean the same.
		return fmt.Errorf("%w: contents do not decode: %w", ErrAnswerHash, err)
	}
	data := plain[sha1.Size : sha1.Size+b.Offset()]
	if pad := b.Len(); pad >= 16 {
		return fmt.Errorf("%w: %d padding bytes", ErrAnswerHash, pad)
	}
	sum := sha1.Sum(data)
	if subtle.ConstantTimeCompare(sum[:], plain[:sha1.Size]) != 1 {
		return fmt.Errorf("%w", ErrAnswerHash)
	}
	return nil
}

// dhSecretSize is the size of the DH exponents a and b.
const dhSecretSize = 256

// dhPublic returns g^secret mod p, checked against the safe range (errRange wraps the crypto
// error).
func dhPublic(g int, p *big.Int, secret []byte, errRange error) (*big.Int, error) {
	x := new(big.Int).Exp(big.NewInt(int64(g)), new(big.Int).SetBytes(secret), p)
	if err := crypto.CheckDHPublic(x, p); err != nil {
		return nil, fmt.Errorf("%w: %w", errRange, err)
	}
	return x, nil
}

// dhShared returns the auth key peer^secret mod p.
func dhShared(peer *big.Int, secret []byte, p *big.Int) (crypto.AuthKey, error) {
	x := new(big.Int).Exp(peer, new(big.Int).SetBytes(secret), p)
	k, err := crypto.NewAuthKeyFromInt(x)
	if err != nil {
		return crypto.AuthKey{}, fmt.Errorf("exchange: shared secret: %w", err)
	}
	return k, nil
}

// readRandom fills p from r.
func readRandom(r io.Reader, p []byte) error {
	if _, err := io.ReadFull(r, p); err != nil {
		return fmt.Errorf("%w: %w", ErrRandom, err)
	}
	return nil
}

// nonceHash returns the low 128 bits of SHA1(new_nonce), the new_nonce_hash of
// server_DH_params_fail.
func nonceHash(newNonce tl.Int256) tl.Int128 {
	sum := sha1.Sum(newNonce[:])
	return tl.Int128(sum[4:20])
}

// equal128 compares two 128-bit values in constant time.
func equal128(a, b tl.Int128) bool { return subtle.ConstantTimeCompare(a[:], b[:]) == 1 }

// nonces are the two values every message after resPQ must echo.
type nonces struct {
	nonce       tl.Int128
	serverNonce tl.Int128
}

// check compares a message's nonce and server_nonce with the exchange's.
func (n *nonces) check(nonce, serverNonce tl.Int128) error {
	if !equal128(nonce, n.nonce) {
		return ErrNonce
	}
	if !equal128(serverNonce, n.serverNonce) {
		return ErrServerNonce
	}
	return nil
}
