package redact

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

var secret = []byte{0x9c, 0x41, 0xe7, 0x03, 0x5a, 0xb2, 0x6d, 0xf0, 0x18, 0xc5}

func TestLeak(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{name: "clean", text: "key [redacted 10 bytes]"},
		{name: "raw", text: "x" + string(secret[3:7]) + "y", want: "raw"},
		{name: "hex", text: "key=" + hex.EncodeToString(secret[2:8]), want: "hex"},
		{name: "upper hex", text: strings.ToUpper(hex.EncodeToString(secret)), want: "hex"},
		{name: "decimal", text: fmt.Sprint(secret), want: "decimal"},
		{name: "JSON array", text: `{"Key":[156,65,231,3,90,178]}`, want: "decimal"}, // a [N]byte
		{name: "base64", text: base64.StdEncoding.EncodeToString(secret), want: "base64"},
		{name: "base64 shifted", text: base64.URLEncoding.EncodeToString(secret[1:]), want: "base64"},
		{name: "base64 shifted twice", text: base64.RawStdEncoding.EncodeToString(secret[2:]), want: "base64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form, ok := Leak(tt.text, secret)
			if form != tt.want || ok != (tt.want != "") {
				t.Errorf("Leak = %q, %v; want %q", form, ok, tt.want)
			}
		})
	}
}

type holder struct {
	Name string
	Key  []byte
}

func (h holder) redacted() Fields {
	return Of("redact.holder", slog.String("Name", h.Name), slog.String("Key", Bytes(h.Key)))
}
func (h holder) String() string                { return h.redacted().String() }
func (h holder) Format(s fmt.State, verb rune) { h.redacted().Format(s, verb) }
func (h holder) LogValue() slog.Value          { return h.redacted().LogValue() }
func (h holder) MarshalJSON() ([]byte, error)  { return h.redacted().MarshalJSON() }

type plain struct{ Key []byte }

// printsOnly redacts every fmt verb and slog's LogValue, not encoding/json.
type printsOnly struct{ Key []byte }

func (p printsOnly) Format(s fmt.State, _ rune) { fmt.Fprint(s, "printsOnly") }
func (p printsOnly) LogValue() slog.Value       { return slog.StringValue("printsOnly") }

// TestFieldsMarshalJSON: a redacted value inside Fields marshals as an object of its own
// redacted fields, not as slog's Attr structs.
func TestFieldsMarshalJSON(t *testing.T) {
	f := Of("outer", slog.Int("N", 1), slog.Any("H", holder{Name: "n", Key: secret}), slog.Any("Nil", nil))
	b, err := f.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"N":1,"H":{"Name":"n","Key":"[redacted 10 bytes]"},"Nil":null}`; got != want {
		t.Errorf("MarshalJSON = %s, want %s", got, want)
	}
}

func TestCheck(t *testing.T) {
	h := holder{Name: "n", Key: secret}
	if err := Check(h, secret); err != nil {
		t.Error(err)
	}
	if err := Check(&h, secret); err != nil {
		t.Error(err)
	}
	if got, want := h.String(), "redact.holder{Name:n Key:[redacted 10 bytes]}"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	// slog resolves LogValuer only at the top: the JSON handler marshals a value nested in
	// a struct with encoding/json, so a redacted type must marshal redacted too.
	type outer struct{ H holder }
	if err := Check(outer{h}, secret); err != nil {
		t.Error(err)
	}
	// A type that prints redacted but marshals raw (slog JSON shows it inside a struct).
	if err := Check(printsOnly{Key: secret}, secret); err == nil {
		t.Error("a type that marshals its secret passed")
	}
	err := Check(plain{Key: secret}, secret)
	if err == nil {
		t.Fatal("a struct without redaction passed")
	}
	if _, ok := Leak(err.Error(), secret); ok {
		t.Errorf("Check's error leaks the secret: %v", err)
	}
}

// TestRenderingsHaveNoTime: the slog renderings leave the time out, so a secret made of
// digits is never found in a timestamp (Check failed now and then on a phone number).
func TestRenderingsHaveNoTime(t *testing.T) {
	for how, text := range Renderings(plain{}) {
		if strings.Contains(text, "time=") || strings.Contains(text, `"time"`) {
			t.Errorf("%s rendering has the time: %s", how, text)
		}
	}
}
