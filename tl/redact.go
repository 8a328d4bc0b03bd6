package tl

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
)

// Secret stands, in printed output, for the value of a field that the schema's redact list
// marks secret (a login token, a password hash, an auth key nonce): its size in bytes, or -1
// for a value without one (an object). Generated types with such fields print through
// FormatRedacted, LogRedacted and MarshalRedacted with a Secret in place of each of them.
type Secret int

// String returns "[redacted N bytes]", or "[redacted]" for a negative size.
func (s Secret) String() string {
	if s < 0 {
		return "[redacted]"
	}
	return "[redacted " + strconv.Itoa(int(s)) + " bytes]"
}

// Format implements fmt.Formatter: every verb prints String.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }

// LogValue implements slog.LogValuer: String as a string.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalJSON implements json.Marshaler: String as a JSON string.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// FormatRedacted is the Format method of a generated type with secret fields: fields are the
// value's fields (a Secret in place of each secret one), nil for a nil pointer. It prints what
// fmt prints for a struct, {a b} for %v, {A:a B:b} for %+v and goType{A:a, B:b} for %#v, every
// field under the same verb and flags (a Secret prints itself under any).
func FormatRedacted(s fmt.State, verb rune, goType string, fields []slog.Attr) {
	if fields == nil {
		_, _ = io.WriteString(s, "<nil>")
		return
	}
	directive := fmt.FormatString(s, verb)
	names, sep := s.Flag('+'), " "
	if s.Flag('#') {
		_, _ = io.WriteString(s, goType)
		names, sep = true, ", "
	}
	_, _ = io.WriteString(s, "{")
	for i, a := range fields {
		if i > 0 {
			_, _ = io.WriteString(s, sep)
		}
		if names {
			_, _ = io.WriteString(s, a.Key+":")
		}
		fmt.Fprintf(s, directive, a.Value.Any())
	}
	_, _ = io.WriteString(s, "}")
}

// LogRedacted is the LogValue method of a generated type with secret fields: a group of the
// fields (see FormatRedacted), or nil for a nil pointer.
func LogRedacted(fields []slog.Attr) slog.Value {
	if fields == nil {
		return slog.AnyValue(nil)
	}
	return slog.GroupValue(fields...)
}

// MarshalRedacted is the MarshalJSON method of a generated type with secret fields: an object
// of the fields (see FormatRedacted). slog's JSON handler asks LogValue only of the value
// logged itself and writes a struct holding one with encoding/json, which this covers.
func MarshalRedacted(fields []slog.Attr) ([]byte, error) {
	if fields == nil {
		return []byte("null"), nil
	}
	out := []byte{'{'}
	for i, a := range fields {
		if i > 0 {
			out = append(out, ',')
		}
		out = strconv.AppendQuote(out, a.Key) // Go field names: ASCII letters and digits
		v, err := json.Marshal(a.Value.Any())
		if err != nil {
			return nil, fmt.Errorf("tl: marshal field %s: %w", a.Key, err)
		}
		out = append(append(out, ':'), v...)
	}
	return append(out, '}'), nil
}

// ErrRedactedJSON is the error of UnmarshalJSON on a generated type with secret fields: its
// MarshalJSON writes a placeholder for each of them, which must not be read back as the value.
// tgjson writes and reads every field.
var ErrRedactedJSON = errors.New("the encoding/json form has the secret fields redacted and does not decode (tgjson has them)")

// UnmarshalRedacted is the UnmarshalJSON method of a generated type with secret fields (see
// ErrRedactedJSON): goType is the type's name, as "tg.AuthSignInRequest".
func UnmarshalRedacted(goType string) error {
	return fmt.Errorf("tl: decode %s from JSON: %w", goType, ErrRedactedJSON)
}
