package websocket

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/mtgo-labs/mtgo/crypto/redact"
)

// redacted is the printable form of d: the upgrade headers by name only (Authorization,
// Cookie and the like carry credentials), the forward dialer in its own printable form and
// whether a TLS configuration is set.
func (d Dialer) redacted() redact.Fields {
	names := make([]string, 0, len(d.Header))
	for name := range d.Header {
		names = append(names, name)
	}
	slices.Sort(names)
	return redact.Of("websocket.Dialer", slog.Bool("Secure", d.Secure), slog.String("Path", d.Path),
		slog.Bool("TLSConfig", d.TLSConfig != nil), slog.Any("Forward", d.Forward),
		slog.String("Header", strings.Join(names, ",")), slog.Int64("MaxMessage", d.MaxMessage))
}

// String prints d without header values.
func (d Dialer) String() string { return d.redacted().String() }

// Format implements fmt.Formatter so that no verb, %#v included, prints a header value.
func (d Dialer) Format(s fmt.State, verb rune) { d.redacted().Format(s, verb) }

// LogValue implements slog.LogValuer without header values.
func (d Dialer) LogValue() slog.Value { return d.redacted().LogValue() }

// MarshalJSON implements json.Marshaler without header values, for a Dialer held in a logged struct
// (slog's JSON handler writes those with encoding/json).
func (d Dialer) MarshalJSON() ([]byte, error) { return d.redacted().MarshalJSON() }
