package crypto

import (
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	_ "embed"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"sync"
)

// RSA key errors.
var (
	// ErrNoKeys reports PEM input without any public key block.
	ErrNoKeys = errors.New("crypto: no RSA public key in PEM data")
	// ErrKeyType reports a PEM block or PKIX key that is not an RSA public key.
	ErrKeyType = errors.New("crypto: not an RSA public key")
	// ErrKeySize reports an RSA modulus that is not 2048 bits, the only size MTProto uses.
	ErrKeySize = errors.New("crypto: RSA modulus must be 2048 bits")
)

// PublicKey is a server RSA key with its Telegram fingerprint.
type PublicKey struct {
	*rsa.PublicKey
	// Fingerprint is the key's Telegram fingerprint, as listed in resPQ.
	Fingerprint int64
}

// NewPublicKey wraps k, checking its size and computing its fingerprint.
func NewPublicKey(k *rsa.PublicKey) (PublicKey, error) {
	if k == nil || k.N == nil || k.N.BitLen() != 2048 {
		return PublicKey{}, ErrKeySize
	}
	if k.E < 3 {
		return PublicKey{}, fmt.Errorf("%w: bad exponent", ErrKeyType)
	}
	return PublicKey{PublicKey: k, Fingerprint: Fingerprint(k)}, nil
}

// ParsePublicKeys parses every RSA public key in PEM data, accepting PKCS#1 ("RSA PUBLIC KEY")
// and PKIX ("PUBLIC KEY") blocks. Text outside blocks is ignored; any other block type, a
// malformed key or a modulus other than 2048 bits is an error.
func ParsePublicKeys(data []byte) ([]PublicKey, error) {
	var keys []PublicKey
	for n := 1; ; n++ {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		var k *rsa.PublicKey
		switch block.Type {
		case "RSA PUBLIC KEY":
			pk, err := x509.ParsePKCS1PublicKey(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("parse public keys: block %d: %w", n, err)
			}
			k = pk
		case "PUBLIC KEY":
			pk, err := x509.ParsePKIXPublicKey(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("parse public keys: block %d: %w", n, err)
			}
			rk, ok := pk.(*rsa.PublicKey)
			if !ok {
				return nil, fmt.Errorf("parse public keys: block %d: %w (%T)", n, ErrKeyType, pk)
			}
			k = rk
		default:
			return nil, fmt.Errorf("parse public keys: block %d: %w (%q)", n, ErrKeyType, block.Type)
		}
		pub, err := NewPublicKey(k)
		if err != nil {
			return nil, fmt.Errorf("parse public keys: block %d: %w", n, err)
		}
		keys = append(keys, pub)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("parse public keys: %w", ErrNoKeys)
	}
	return keys, nil
}

// Fingerprint returns Telegram's fingerprint of k: the low 64 bits of SHA-1 over the TL
// serialisation of n and e as byte strings (big-endian numbers), read as a little-endian int64.
func Fingerprint(k *rsa.PublicKey) int64 {
	var buf []byte
	buf = appendTLBytes(buf, k.N.Bytes())
	var e [8]byte
	binary.BigEndian.PutUint64(e[:], uint64(k.E))
	i := 0
	for i < 7 && e[i] == 0 {
		i++
	}
	buf = appendTLBytes(buf, e[i:])
	sum := sha1.Sum(buf)
	return int64(binary.LittleEndian.Uint64(sum[12:20]))
}

// appendTLBytes appends b as a TL "bytes" value: a 1-byte length (or 0xfe and a 3-byte length),
// the data, and zero padding to a multiple of 4.
func appendTLBytes(dst, b []byte) []byte {
	n := len(b)
	if n < 254 {
		dst = append(dst, byte(n))
		n++
	} else {
		dst = append(dst, 0xfe, byte(n), byte(n>>8), byte(n>>16))
		n += 4
	}
	dst = append(dst, b...)
	for ; n%4 != 0; n++ {
		dst = append(dst, 0)
	}
	return dst
}

//go:embed telegram_keys.pem
var telegramKeysPEM []byte

var telegramKeys = sync.OnceValues(func() ([]PublicKey, error) {
	return ParsePublicKeys(telegramKeysPEM)
})

// TelegramKeys returns Telegram's published server keys: the production key (fingerprint
// 0xd09d1d85de64fd85) and the test-server key (0xb25898df208d2603). The slice is a fresh copy;
// callers may append their own keys (for example a test server's) to it.
func TelegramKeys() []PublicKey {
	keys, err := telegramKeys()
	if err != nil {
		// The embedded file is fixed at build time and covered by tests.
		panic("crypto: embedded Telegram keys do not parse: " + err.Error())
	}
	return append([]PublicKey(nil), keys...)
}

// FindKey returns the key in keys whose fingerprint is one of fingerprints, in the order of
// keys, and whether one was found.
func FindKey(keys []PublicKey, fingerprints []int64) (PublicKey, bool) {
	for _, k := range keys {
		for _, f := range fingerprints {
			if k.Fingerprint == f {
				return k, true
			}
		}
	}
	return PublicKey{}, false
}
