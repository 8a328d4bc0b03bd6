// Package mtproxy reaches Telegram through an MTProxy and implements the
// proxy side of the handshake for tests and the integration server.
//
// Secrets come in three forms: 16 bytes (plain obfuscated2 keyed by the
// secret), 0xdd plus 16 bytes (padded intermediate forced) and 0xee plus 16
// bytes plus a domain (fake TLS first: see package transport/faketls). Dial
// connects as a client; Server validates a client's hello as a real proxy
// does and rejects wrong secrets and replays.
package mtproxy

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/mtgo-labs/mtgo/transport"
)

// ErrMTProxySecretRequired is returned when an MTProxy is configured without
// a secret.
var ErrMTProxySecretRequired = errors.New("mtproxy: secret required")

// ErrSecret is returned for a secret that is neither valid hex nor base64,
// or has the wrong length for its kind.
var ErrSecret = errors.New("mtproxy: invalid secret")

// Kind is the form of a secret.
type Kind uint8

// Secret forms.
const (
	// Plain is a bare 16-byte secret.
	Plain Kind = iota
	// Padded is a 0xdd secret: padded intermediate framing.
	Padded
	// FakeTLS is a 0xee secret: a fake TLS handshake with Domain as SNI.
	FakeTLS
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case Plain:
		return "plain"
	case Padded:
		return "dd"
	case FakeTLS:
		return "ee"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Secret is a parsed MTProxy secret.
type Secret struct {
	Kind Kind
	// Key is the 16-byte key that obfuscation and fake TLS derive from.
	Key [16]byte
	// Domain is the fake-TLS domain (FakeTLS only).
	Domain string
}

// ParseSecret reads a secret in hex (as in tg:// links and proxy configs)
// or base64 (URL or standard alphabet, padded or not).
func ParseSecret(s string) (Secret, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Secret{}, ErrMTProxySecretRequired
	}
	raw, err := hex.DecodeString(s)
	if err != nil {
		raw, err = decodeBase64(s)
		if err != nil {
			return Secret{}, fmt.Errorf("mtproxy: secret of %d characters is neither hex nor base64: %w", len(s), ErrSecret)
		}
	}
	return SecretFromBytes(raw)
}

func decodeBase64(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.RawURLEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.StdEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, ErrSecret
}

// SecretFromBytes interprets a raw secret.
func SecretFromBytes(raw []byte) (Secret, error) {
	var s Secret
	switch {
	case len(raw) == 0:
		return s, ErrMTProxySecretRequired
	case len(raw) == 16:
		s.Kind = Plain
		copy(s.Key[:], raw)
	case len(raw) == 17 && raw[0] == 0xdd:
		s.Kind = Padded
		copy(s.Key[:], raw[1:])
	case len(raw) > 17 && raw[0] == 0xee:
		s.Kind = FakeTLS
		copy(s.Key[:], raw[1:17])
		s.Domain = string(raw[17:])
		if err := transport.CheckHost(s.Domain); err != nil {
			return Secret{}, fmt.Errorf("mtproxy: fake-tls domain: %w: %w", ErrSecret, err)
		}
	default:
		return Secret{}, fmt.Errorf("mtproxy: secret of %d bytes: %w", len(raw), ErrSecret)
	}
	return s, nil
}

// Bytes returns the raw secret: the key, prefixed by 0xdd, or by 0xee and
// followed by the domain. It is what transport.ClientOptions.Secret takes.
func (s Secret) Bytes() []byte {
	switch s.Kind {
	case Padded:
		return append([]byte{0xdd}, s.Key[:]...)
	case FakeTLS:
		b := append([]byte{0xee}, s.Key[:]...)
		return append(b, s.Domain...)
	}
	return append([]byte(nil), s.Key[:]...)
}

// Hex returns the secret in hex, the form proxy links use. Keep it out of logs.
func (s Secret) Hex() string { return hex.EncodeToString(s.Bytes()) }
