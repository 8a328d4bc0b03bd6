// Package redact prints values that hold secrets (auth keys, proxy secrets, passwords, session
// data) without the secrets. A type builds a Fields of what may be shown, with each secret
// replaced by Bytes or Text, and implements fmt.Stringer, fmt.Formatter (which covers every verb,
// %#v included) and slog.LogValuer through it, so no verb of fmt and no slog handler reaches the
// raw fields.
// Leak is the matching check for tests.
package redact

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"strings"
)

// Mark stands for a secret in printed output.
const Mark = "[redacted]"

// Bytes describes a secret byte string by its length only: "" when empty (so a missing key
// shows as missing), "[redacted N bytes]" otherwise.
func Bytes(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return fmt.Sprintf("[redacted %d bytes]", len(b))
}

// Text describes a secret string: "" when empty, Mark otherwise.
func Text(s string) string {
	if s == "" {
		return ""
	}
	return Mark
}

// Fields is the printable form of a value: its type name and its fields, secrets already
// replaced.
type Fields struct {
	Type  string
	Attrs []slog.Attr
}

// Of returns the printable form of a value of type typ.
func Of(typ string, attrs ...slog.Attr) Fields { return Fields{Type: typ, Attrs: attrs} }

// String returns "Type{Key:value Key:value}".
func (f Fields) String() string {
	var b strings.Builder
	b.WriteString(f.Type)
	b.WriteByte('{')
	for i, a := range f.Attrs {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(a.Key)
		b.WriteByte(':')
		b.WriteString(a.Value.String())
	}
	b.WriteByte('}')
	return b.String()
}

// Format implements fmt.Formatter: every verb, %#v and %x included, prints String.
func (f Fields) Format(s fmt.State, _ rune) { _, _ = io.WriteString(s, f.String()) }

// LogValue implements slog.LogValuer: a group of the fields.
func (f Fields) LogValue() slog.Value { return slog.GroupValue(f.Attrs...) }

// MarshalJSON implements json.Marshaler: an object of the fields. slog resolves LogValue only
// for the value logged itself; its JSON handler writes a value nested in a struct with
// encoding/json, so a type printed through Fields marshals through it too.
func (f Fields) MarshalJSON() ([]byte, error) { return appendObject(nil, f.Attrs) }

// appendObject appends attrs as a JSON object; a group (a nested redacted value's LogValue)
// becomes an object too, where encoding/json would write slog's Attr structs.
func appendObject(b []byte, attrs []slog.Attr) ([]byte, error) {
	b = append(b, '{')
	for i, a := range attrs {
		if i > 0 {
			b = append(b, ',')
		}
		k, err := json.Marshal(a.Key)
		if err != nil {
			return nil, err
		}
		b = append(append(b, k...), ':')
		if v := a.Value.Resolve(); v.Kind() == slog.KindGroup {
			b, err = appendObject(b, v.Group())
		} else {
			var e []byte
			e, err = json.Marshal(v.Any())
			b = append(b, e...)
		}
		if err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

// window is the length of the runs of a secret Leak looks for: long enough that a match is no
// accident, short enough that a partial print is caught.
const window = 4

// Leak reports whether text holds a run of window bytes of secret (all of it when shorter), and
// in which form: raw, hex (either case), base64 (standard or URL alphabet, any alignment) or a
// decimal byte list as fmt prints a []byte or encoding/json an array of bytes ([N]byte).
func Leak(text string, secret []byte) (form string, leaked bool) {
	w := min(window, len(secret))
	if w == 0 {
		return "", false
	}
	for i := 0; i+w <= len(secret); i++ {
		run := secret[i : i+w]
		h := hex.EncodeToString(run)
		switch {
		case strings.Contains(text, string(run)):
			return "raw", true
		case strings.Contains(text, h), strings.Contains(text, strings.ToUpper(h)):
			return "hex", true
		case strings.Contains(text, strings.Trim(fmt.Sprint(run), "[]")),
			strings.Contains(text, strings.ReplaceAll(strings.Trim(fmt.Sprint(run), "[]"), " ", ",")):
			return "decimal", true // as fmt prints a []byte, or encoding/json an array of bytes
		}
	}
	// Base64 turns 3 aligned bytes into 4 characters: look for 8 characters (6 bytes) of the
	// encoding at each of the 3 alignments.
	for k := range min(3, len(secret)) {
		for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
			s := enc.EncodeToString(secret[k:])
			if len(s) <= 8 {
				if strings.Contains(text, s) {
					return "base64", true
				}
				continue
			}
			for j := 0; j+8 <= len(s); j += 4 {
				if strings.Contains(text, s[j:j+8]) {
					return "base64", true
				}
			}
		}
	}
	return "", false
}

// Renderings returns v as fmt prints it with %v, %+v, %#v, %s, %q, %x and %d, as the slog
// text and JSON handlers log it, and as encoding/json marshals it, keyed by how it was printed.
func Renderings(v any) map[string]string {
	out := make(map[string]string)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		out[verb] = fmt.Sprintf(verb, v)
	}
	// Without the time: its digits would match a secret's digits by chance now and then.
	opts := &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}
	var text, js strings.Builder
	slog.New(slog.NewTextHandler(&text, opts)).Info("msg", "v", v)
	slog.New(slog.NewJSONHandler(&js, opts)).Info("msg", "v", v)
	out["slog text"], out["slog JSON"] = text.String(), js.String()
	b, err := json.Marshal(v)
	if err != nil {
		out["encoding/json"] = err.Error()
	} else {
		out["encoding/json"] = string(b)
	}
	return out
}

// Check prints v every way Renderings does, and so a pointer to v and a struct with v as its
// field, and reports the first rendering that leaks one of secrets (see Leak). The holder
// matters: fmt and slog ask a logged value itself (String, Format, LogValue), but slog's JSON
// handler writes a struct's fields with encoding/json, so a type that prints redacted must
// marshal redacted too. (fmt prints a pointer held in a struct under a verb pointers do not
// take, such as %s, with no method asked below it: a type that holds secrets needs its own
// Format even when each of its fields redacts itself, and no type can protect a caller's
// struct around it.) The error names the rendering and the form, never the secret.
func Check(v any, secrets ...[]byte) error {
	if v == nil {
		return check("", v, secrets)
	}
	t := reflect.TypeOf(v)
	p := reflect.New(t)
	p.Elem().Set(reflect.ValueOf(v))
	h := reflect.New(reflect.StructOf([]reflect.StructField{{Name: "Held", Type: t}})).Elem()
	h.Field(0).Set(reflect.ValueOf(v))
	for _, c := range []struct {
		in string
		v  any
	}{{"", v}, {"a pointer: ", p.Interface()}, {"a struct field: ", h.Interface()}} {
		if c.in == "a pointer: " && t.Kind() == reflect.Pointer {
			continue // a pointer to a pointer prints as an address, which may hold any 4 hex digits
		}
		if err := check(c.in, c.v, secrets); err != nil {
			return err
		}
	}
	return nil
}

func check(in string, v any, secrets [][]byte) error {
	for how, text := range Renderings(v) {
		for i, s := range secrets {
			if form, ok := Leak(text, s); ok {
				return fmt.Errorf("redact: %s%T printed with %s shows secret %d in %s form", in, v, how, i, form)
			}
		}
	}
	return nil
}
