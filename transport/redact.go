package transport

import (
	"fmt"
	"log/slog"

	"github.com/mtgo-labs/mtgo/crypto/redact"
)

// redacted is the printable form of o: the MTProxy secret by its length only.
func (o ClientOptions) redacted() redact.Fields {
	return redact.Of("transport.ClientOptions",
		slog.String("Codec", o.Codec.String()), slog.Bool("Obfuscated", o.Obfuscated),
		slog.Int("DC", int(o.DC)), slog.String("Secret", redact.Bytes(o.Secret)), slog.Int("MaxPacket", o.MaxPacket))
}

// String prints o without its secret.
func (o ClientOptions) String() string { return o.redacted().String() }

// Format implements fmt.Formatter so that no verb, %#v included, prints the secret.
func (o ClientOptions) Format(s fmt.State, verb rune) { o.redacted().Format(s, verb) }

// LogValue implements slog.LogValuer without the secret.
func (o ClientOptions) LogValue() slog.Value { return o.redacted().LogValue() }

// redacted is the printable form of o: the MTProxy key by its length only.
func (o ServerOptions) redacted() redact.Fields {
	return redact.Of("transport.ServerOptions",
		slog.Int("MaxPacket", o.MaxPacket), slog.String("Secret", redact.Bytes(o.Secret)),
		slog.Bool("RequireObfuscation", o.RequireObfuscation))
}

// String prints o without its secret.
func (o ServerOptions) String() string { return o.redacted().String() }

// Format implements fmt.Formatter so that no verb, %#v included, prints the secret.
func (o ServerOptions) Format(s fmt.State, verb rune) { o.redacted().Format(s, verb) }

// LogValue implements slog.LogValuer without the secret.
func (o ServerOptions) LogValue() slog.Value { return o.redacted().LogValue() }
