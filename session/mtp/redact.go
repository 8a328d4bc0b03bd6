package mtp

import (
	"fmt"
	"log/slog"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/crypto/redact"
)

// redacted is the printable form of e: its side only. fmt would print the configuration's auth
// key raw, through the unexported field that holds it.
func (e *Engine) redacted() redact.Fields {
	side := "client"
	if e != nil && e.side == crypto.Server {
		side = "server"
	}
	return redact.Of("mtp.Engine", slog.String("side", side))
}

// String prints nothing of the key or the session state.
func (e *Engine) String() string { return e.redacted().String() }

// Format implements fmt.Formatter: every verb prints String.
func (e *Engine) Format(s fmt.State, verb rune) { e.redacted().Format(s, verb) }

// LogValue implements slog.LogValuer without the key.
func (e *Engine) LogValue() slog.Value { return e.redacted().LogValue() }

// printable is what a Config shows: the side, the key by its id (crypto.AuthKey redacts
// itself) and the session id; the salt only as present. Config needs its own Format: fmt
// prints a *Config held in a struct under %s with no method asked, the key's bytes included.
func (c Config) printable() redact.Fields {
	side, salt := "client", ""
	if c.Side == crypto.Server {
		side = "server"
	}
	if c.Salt != 0 {
		salt = redact.Mark
	}
	return redact.Of("mtp.Config", slog.String("Side", side), slog.Any("AuthKey", c.AuthKey),
		slog.Int64("SessionID", c.SessionID), slog.String("Salt", salt), slog.Duration("TimeOffset", c.TimeOffset))
}

// String prints c without its key or salt.
func (c Config) String() string { return c.printable().String() }

// Format implements fmt.Formatter: every verb prints String.
func (c Config) Format(s fmt.State, verb rune) { c.printable().Format(s, verb) }

// LogValue implements slog.LogValuer without the key or salt.
func (c Config) LogValue() slog.Value { return c.printable().LogValue() }

// MarshalJSON implements json.Marshaler without the key or salt.
func (c Config) MarshalJSON() ([]byte, error) { return c.printable().MarshalJSON() }
