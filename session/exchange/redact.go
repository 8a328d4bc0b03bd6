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

// printable is what a Result shows: the key by its id (crypto.AuthKey redacts itself), the
// salt only as present, and the rest. Result needs its own Format: fmt prints a *Result held
// in a struct under %s with no method asked, the key's bytes included.
func (r Result) printable() redact.Fields {
	return redact.Of("exchange.Result", slog.Any("AuthKey", r.AuthKey), slog.String("ServerSalt", salt(r.ServerSalt)),
		slog.Duration("TimeOffset", r.TimeOffset), slog.Time("ExpiresAt", r.ExpiresAt), slog.Int("DC", r.DC))
}

// salt shows a server salt as present or not: it travels encrypted, and is not printed.
func salt(s int64) string {
	if s == 0 {
		return ""
	}
	return redact.Mark
}

// String prints r without its key or salt.
func (r Result) String() string { return r.printable().String() }

// Format implements fmt.Formatter: every verb prints String.
func (r Result) Format(s fmt.State, verb rune) { r.printable().Format(s, verb) }

// LogValue implements slog.LogValuer without the key or salt.
func (r Result) LogValue() slog.Value { return r.printable().LogValue() }

// MarshalJSON implements json.Marshaler without the key or salt.
func (r Result) MarshalJSON() ([]byte, error) { return r.printable().MarshalJSON() }
