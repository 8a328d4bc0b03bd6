package faketls

import (
	"fmt"
	"log/slog"

	"github.com/mtgo-labs/mtgo/crypto/redact"
)

// redacted is the printable form of c: the domain, the key by its length only.
func (c ClientConfig) redacted() redact.Fields {
	return redact.Of("faketls.ClientConfig", slog.String("Key", redact.Bytes(c.Key)), slog.String("Domain", c.Domain))
}

// String prints c without its key.
func (c ClientConfig) String() string { return c.redacted().String() }

// Format implements fmt.Formatter so that no verb, %#v included, prints the key.
func (c ClientConfig) Format(s fmt.State, verb rune) { c.redacted().Format(s, verb) }

// LogValue implements slog.LogValuer without the key.
func (c ClientConfig) LogValue() slog.Value { return c.redacted().LogValue() }

// redacted is the printable form of c: the domain and skew, the key by its length only.
func (c ServerConfig) redacted() redact.Fields {
	return redact.Of("faketls.ServerConfig", slog.String("Key", redact.Bytes(c.Key)),
		slog.String("Domain", c.Domain), slog.Duration("MaxSkew", c.MaxSkew))
}

// String prints c without its key.
func (c ServerConfig) String() string { return c.redacted().String() }

// Format implements fmt.Formatter so that no verb, %#v included, prints the key.
func (c ServerConfig) Format(s fmt.State, verb rune) { c.redacted().Format(s, verb) }

// LogValue implements slog.LogValuer without the key.
func (c ServerConfig) LogValue() slog.Value { return c.redacted().LogValue() }
