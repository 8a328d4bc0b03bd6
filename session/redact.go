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
