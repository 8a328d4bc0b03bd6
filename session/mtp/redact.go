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
