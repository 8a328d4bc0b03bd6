package session

import (
	"encoding/hex"
	"fmt"
	"log/slog"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/crypto/redact"
)

// redacted is the printable form of s: everything but the auth key, which shows by its id (sent
// in clear in every packet) when it has the right length.
func (s Session) redacted() redact.Fields {
	key := redact.Bytes(s.AuthKey)
	if len(s.AuthKey) == AuthKeySize {
		k := crypto.NewAuthKey([AuthKeySize]byte(s.AuthKey))
		key = "id " + hex.EncodeToString(k.ID[:]) + ", " + redact.Mark
	}
	return redact.Of("session.Session", slog.Int("DC", s.DC), slog.String("Addr", s.Addr), slog.Bool("TestMode", s.TestMode),
		slog.String("AuthKey", key), slog.Int64("Salt", s.Salt), slog.Duration("TimeOffset", s.TimeOffset),
		slog.Int64("UserID", s.UserID), slog.Bool("Bot", s.Bot))
}

// String prints s without its auth key.
func (s Session) String() string { return s.redacted().String() }

// Format implements fmt.Formatter so that no verb, %#v included, prints the auth key.
func (s Session) Format(st fmt.State, verb rune) { s.redacted().Format(st, verb) }

// LogValue implements slog.LogValuer without the auth key.
func (s Session) LogValue() slog.Value { return s.redacted().LogValue() }

// MarshalJSON implements json.Marshaler without the auth key: slog's JSON handler writes a
// Session held in a logged struct with encoding/json, which would print the key in base64.
// Storage encodes a Session field by field (client/storage.MarshalSession), never as JSON.
func (s Session) MarshalJSON() ([]byte, error) { return s.redacted().MarshalJSON() }

// redacted is the printable form of c: the data center it serves. fmt would print the session
// and its auth key raw, through unexported fields.
func (c *Conn) redacted() redact.Fields {
	var dc int
	var addr string
	if c != nil {
		dc, addr = c.opts.Session.DC, c.opts.Session.Addr
	}
	return redact.Of("session.Conn", slog.Int("DC", dc), slog.String("Addr", addr))
}

// String prints c's data center, nothing of its key.
func (c *Conn) String() string { return c.redacted().String() }

// Format implements fmt.Formatter: every verb prints String.
func (c *Conn) Format(s fmt.State, verb rune) { c.redacted().Format(s, verb) }

// LogValue implements slog.LogValuer without the key.
func (c *Conn) LogValue() slog.Value { return c.redacted().LogValue() }

// printable is what Options show: the session (redacted by Session) and the data center
// settings; the rest are dependencies. Options need their own Format: fmt prints *Options held
// in a struct under %s with no method asked, the session's key included.
func (o Options) printable() redact.Fields {
	return redact.Of("session.Options", slog.Any("Session", o.Session), slog.Int("PublicKeys", len(o.PublicKeys)),
		slog.Int("MaxInFlight", o.MaxInFlight), slog.Duration("TempKeyTTL", o.TempKeyTTL), slog.Bool("Media", o.Media))
}

// String prints o without the session's key.
func (o Options) String() string { return o.printable().String() }

// Format implements fmt.Formatter: every verb prints String.
func (o Options) Format(s fmt.State, verb rune) { o.printable().Format(s, verb) }

// LogValue implements slog.LogValuer without the session's key.
func (o Options) LogValue() slog.Value { return o.printable().LogValue() }

// MarshalJSON implements json.Marshaler without the session's key.
func (o Options) MarshalJSON() ([]byte, error) { return o.printable().MarshalJSON() }
