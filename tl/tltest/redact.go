package tltest

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"github.com/mtgo-labs/mtgo/tl"
)

// letters fills p with random letters from G to Z and records a copy as a drawn secret. They
// are no hex digits, so no printed pointer or hex dump of other fields can contain them, and
// the runs leak looks for are long enough that random bytes of other fields never match.
func (r *Rand) letters(p []byte) []byte {
	for i := range p {
		p[i] = 'G' + byte(r.r.UintN(20))
	}
	r.drawn = append(r.drawn, append([]byte(nil), p...))
	return p
}

// RedactCase is a type with fields on its schema's redact list, or one that holds such a type:
// New returns a random value whose secret fields are drawn from secret.
type RedactCase struct {
	Name string
	New  func(r, secret *Rand) any
}

// run is the length of the runs of a secret that leak looks for (secrets are 12 bytes or more).
const run = 8

// leak returns how text shows a run of secret, "" if it does not: raw, as hex (either case), as
// base64 (standard or URL alphabet, any alignment) or as a list of byte values (fmt's []byte,
// encoding/json's [N]byte).
func leak(text string, secret []byte) string {
	for i := 0; i+run <= len(secret); i++ {
		p := secret[i : i+run]
		h := hex.EncodeToString(p)
		list := strings.Trim(fmt.Sprint(p), "[]")
		switch {
		case strings.Contains(text, string(p)):
			return "raw"
		case strings.Contains(text, h), strings.Contains(text, strings.ToUpper(h)):
			return "hex"
		case strings.Contains(text, list), strings.Contains(text, strings.ReplaceAll(list, " ", ",")):
			return "a list of bytes"
		}
	}
	for k := range 3 { // base64 maps 3 bytes to 4 characters: try each alignment
		for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
			s := enc.EncodeToString(secret[k:])
			for j := 0; j+run <= len(s); j += 4 {
				if strings.Contains(text, s[j:j+run]) {
					return "base64"
				}
			}
		}
	}
	return ""
}

// renderings prints v every way a program might: under each fmt verb, held in a struct, with
// slog's text and JSON handlers (alone and in a struct) and with encoding/json; and so the
// value a pointer v points to, which a program may copy.
func renderings(v any) map[string]string {
	out := map[string]string{}
	forms := map[string]any{"": v}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && !rv.IsNil() {
		forms["a copy, "] = rv.Elem().Interface()
	}
	for form, v := range forms {
		held := struct{ Held any }{v}
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			out[form+verb] = fmt.Sprintf(verb, v)
			out[form+"held, "+verb] = fmt.Sprintf(verb, held)
		}
		var text, js strings.Builder
		for _, l := range []*slog.Logger{slog.New(slog.NewTextHandler(&text, nil)), slog.New(slog.NewJSONHandler(&js, nil))} {
			l.Info("msg", "v", v)
			l.Info("msg", "held", held)
		}
		out[form+"slog text"], out[form+"slog JSON"] = text.String(), js.String()
		for name, x := range map[string]any{"encoding/json": v, "held, encoding/json": held} {
			b, err := json.Marshal(x)
			if err != nil {
				b = []byte(err.Error())
			}
			out[form+name] = string(b)
		}
	}
	return out
}

// Redacted checks, for every case and several seeds, that no rendering of the value (see
// renderings) shows any secret drawn for it. A value whose type prints itself (a type with
// secret fields) must mark a redaction in each rendering not held in a struct; one that only
// holds such a type in at least one rendering (fmt prints a pointer nested two deep as its
// address, so some show neither secret nor mark).
func Redacted(t *testing.T, cases []RedactCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			drawn := 0
			for i := range Seeds {
				seed := seedFor(c.Name, i)
				secret := &Rand{r: NewRand(^seed).r, secret: true}
				v := c.New(NewRand(seed), secret)
				drawn += len(secret.drawn)
				_, itself := v.(fmt.Formatter)
				marked := 0
				for how, text := range renderings(v) {
					switch {
					case strings.Contains(text, "[redacted"):
						marked++
					case itself && !strings.Contains(how, "held, "):
						t.Errorf("seed %d: printed with %s, no field shows as redacted: %.200q", seed, how, text)
					}
					for k, s := range secret.drawn {
						if form := leak(text, s); form != "" {
							t.Errorf("seed %d: printed with %s, secret %d (%s) shows %s", seed, how, k, s, form)
						}
					}
				}
				if marked == 0 {
					t.Errorf("seed %d: no rendering shows a redacted field", seed)
				}
			}
			if drawn == 0 {
				t.Fatal("no secret drawn: nothing was checked")
			}
			v := c.New(NewRand(seedFor(c.Name, 0)), NewRand(1))
			readBack(t, v)
			nilPrints(t, v)
		})
	}
}

// readBack checks that encoding/json refuses to read back what it wrote for v, if v's type
// writes itself: the redacted form holds placeholders, not the secrets, and reading one as the
// value (a string field would take "[redacted 6 bytes]") loses it silently.
func readBack(t *testing.T, v any) {
	t.Helper()
	typ := reflect.TypeOf(v)
	if typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if _, ok := reflect.New(typ).Interface().(json.Marshaler); !ok {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encoding/json: %v", err)
	}
	if err := json.Unmarshal(b, reflect.New(typ).Interface()); !errors.Is(err, tl.ErrRedactedJSON) {
		t.Errorf("encoding/json read back its redacted form %.200s: got error %v, want tl.ErrRedactedJSON", b, err)
	}
}

// nilPrints checks that a nil pointer of v's type prints every way without a panic, as <nil>
// (or null, or nothing) where it prints alone.
func nilPrints(t *testing.T, v any) {
	t.Helper()
	typ := reflect.TypeOf(v)
	if typ.Kind() != reflect.Pointer {
		typ = reflect.PointerTo(typ)
	}
	for how, text := range renderings(reflect.Zero(typ).Interface()) {
		if strings.Contains(text, "PANIC") {
			t.Errorf("a nil %v printed with %s: %s", typ, how, text)
		}
	}
	if got := fmt.Sprintf("%v", reflect.Zero(typ).Interface()); got != "<nil>" {
		t.Errorf("a nil %v prints %q, want <nil>", typ, got)
	}
}
