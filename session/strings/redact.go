package strings

import (
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
// fields raw.)
func (d Data) String() string { return d.redacted().String() }

// GoString is String, for %#v.
func (d Data) GoString() string { return d.redacted().String() }

// LogValue implements slog.LogValuer without the auth key.
func (d Data) LogValue() slog.Value { return d.redacted().LogValue() }
