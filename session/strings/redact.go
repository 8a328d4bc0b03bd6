package strings

import (
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/mtgo-labs/mtgo/crypto/redact"
)

// redacted is the printable form of d: everything but the auth key, which shows by its length.
func (d Data) redacted() redact.Fields {
	return redact.Of("strings.Data", slog.Int("DC", d.DC), slog.String("Addr", d.Addr), slog.Bool("TestMode", d.TestMode),
		slog.String("AuthKey", redact.Bytes(d.AuthKey)), slog.Int64("UserID", d.UserID), slog.Bool("Bot", d.Bot),
		slog.Int("APIID", int(d.APIID)), slog.String("Format", string(d.Format)))
}

// String prints d without its auth key; fmt uses it for %v, %+v, %s, %q and %x. (Data cannot
// implement fmt.Formatter, having a field named Format: a numeric verb such as %d prints the
// fields one by one, and its AuthKey, a Key, prints redacted itself.)
func (d Data) String() string { return d.redacted().String() }

// GoString is String, for %#v.
func (d Data) GoString() string { return d.redacted().String() }

// LogValue implements slog.LogValuer without the auth key.
func (d Data) LogValue() slog.Value { return d.redacted().LogValue() }

// Key is an auth key as a byte string. It converts to and from []byte freely; it only prints
// differently: every fmt verb, slog and encoding/json show its length, never its bytes, so
// that a Data printed field by field (%d, or JSON inside a logged struct) shows no key.
type Key []byte

// String describes k by its length.
func (k Key) String() string { return redact.Bytes(k) }

// Format implements fmt.Formatter: every verb prints String.
func (k Key) Format(s fmt.State, _ rune) { _, _ = fmt.Fprint(s, k.String()) }

// LogValue implements slog.LogValuer: the length only.
func (k Key) LogValue() slog.Value { return slog.StringValue(k.String()) }

// MarshalJSON implements json.Marshaler: a JSON string of the length only. Export gives the
// portable form of a session; nothing stores a Data as JSON.
func (k Key) MarshalJSON() ([]byte, error) { return json.Marshal(k.String()) }
