package exchange

import (
	"fmt"
	"log/slog"

	"github.com/mtgo-labs/mtgo/crypto/redact"
)

// redacted, embedded in the steps that hold new_nonce, a DH exponent or a key, gives them
// String, Format and LogValue methods that print nothing of that: fmt would print their
// unexported fields raw, never asking the key to redact itself.
type redacted struct{}

func (redacted) fields() redact.Fields {
	return redact.Of("exchange step", slog.String("state", redact.Mark))
}

// String prints no state.
func (r redacted) String() string { return r.fields().String() }

// Format implements fmt.Formatter: every verb prints String.
func (r redacted) Format(s fmt.State, verb rune) { r.fields().Format(s, verb) }

// LogValue implements slog.LogValuer without the state.
func (r redacted) LogValue() slog.Value { return r.fields().LogValue() }
