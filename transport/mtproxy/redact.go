package mtproxy

import (
	"fmt"
	"log/slog"

	"github.com/mtgo-labs/mtgo/crypto/redact"
)

// redacted is the printable form of s: its kind and fake-TLS domain (sent in clear as SNI),
// never its key.
func (s Secret) redacted() redact.Fields {
	key := redact.Mark
	if s.Key == [16]byte{} {
		key = "zero"
	}
	return redact.Of("mtproxy.Secret", slog.String("Kind", s.Kind.String()), slog.String("Key", key), slog.String("Domain", s.Domain))
}

// String describes s by its kind and domain; the key is never printed (Hex gives the link form).
func (s Secret) String() string { return s.redacted().String() }

// Format implements fmt.Formatter so that no verb, %#v included, prints the key.
func (s Secret) Format(st fmt.State, verb rune) { s.redacted().Format(st, verb) }

// LogValue implements slog.LogValuer without the key.
func (s Secret) LogValue() slog.Value { return s.redacted().LogValue() }

// MarshalJSON implements json.Marshaler without the key: slog's JSON handler writes a Secret
// held in a logged struct with encoding/json, which would print Key as a decimal array.
func (s Secret) MarshalJSON() ([]byte, error) { return s.redacted().MarshalJSON() }

// redacted is the printable form of c: the secret by its length only.
func (c Config) redacted() redact.Fields {
	return redact.Of("mtproxy.Config", slog.String("Addr", c.Addr), slog.String("Secret", redact.Bytes(c.Secret)),
		slog.Int("DC", int(c.DC)), slog.String("Codec", c.Codec.String()), slog.Int("MaxPacket", c.MaxPacket))
}

// String prints c without its secret.
func (c Config) String() string { return c.redacted().String() }

// Format implements fmt.Formatter so that no verb, %#v included, prints the secret.
func (c Config) Format(s fmt.State, verb rune) { c.redacted().Format(s, verb) }

// LogValue implements slog.LogValuer without the secret.
func (c Config) LogValue() slog.Value { return c.redacted().LogValue() }

// MarshalJSON implements json.Marshaler without the secret, for a Config inside a logged struct.
func (c Config) MarshalJSON() ([]byte, error) { return c.redacted().MarshalJSON() }

// redacted is the printable form of s: its secret, itself redacted.
func (s *Server) redacted() redact.Fields {
	return redact.Of("mtproxy.Server", slog.Any("Secret", s.cfg.Secret))
}

// String prints s without its secret.
func (s *Server) String() string { return s.redacted().String() }

// Format implements fmt.Formatter so that no verb, %#v included, prints the secret, which fmt
// would otherwise print raw from the unexported configuration.
func (s *Server) Format(st fmt.State, verb rune) { s.redacted().Format(st, verb) }

// LogValue implements slog.LogValuer without the secret.
func (s *Server) LogValue() slog.Value { return s.redacted().LogValue() }

// redacted is the printable form of c: its secret, itself redacted. ServerConfig needs its own
// Format: fmt prints a *ServerConfig held in a struct under %s with no method asked below it.
func (c ServerConfig) redacted() redact.Fields {
	return redact.Of("mtproxy.ServerConfig", slog.Any("Secret", c.Secret), slog.Duration("MaxSkew", c.MaxSkew),
		slog.Int("ReplayCapacity", c.ReplayCapacity), slog.Int("MaxPacket", c.MaxPacket))
}

// String prints c without its secret.
func (c ServerConfig) String() string { return c.redacted().String() }

// Format implements fmt.Formatter so that no verb prints the secret.
func (c ServerConfig) Format(s fmt.State, verb rune) { c.redacted().Format(s, verb) }

// LogValue implements slog.LogValuer without the secret.
func (c ServerConfig) LogValue() slog.Value { return c.redacted().LogValue() }

// MarshalJSON implements json.Marshaler without the secret.
func (c ServerConfig) MarshalJSON() ([]byte, error) { return c.redacted().MarshalJSON() }
