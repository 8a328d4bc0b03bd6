package strings

import (
	"encoding/base64"
	"slices"
	stdstrings "strings"
	"testing"

	"github.com/mtgo-labs/mtgo/crypto/redact"
)

// TestErrorsShowNoKey: whatever is wrong with a session string (cut short anywhere, any
// character changed), the error shows no part of the auth key. A cut MTGo string used to print
// its "stored checksum": four key bytes.
func TestErrorsShowNoKey(t *testing.T) {
	ours, err := Export(Data{DC: 2, Addr: "149.154.167.50:443", AuthKey: testKey(7), UserID: 42})
	if err != nil {
		t.Fatal(err)
	}
	cases := append(loadForeign(t), foreignCase{Name: "mtgo", Format: FormatMTGo, String: ours})
	seen := map[Format]bool{}
	for _, c := range cases {
		if seen[c.Format] {
			continue // one string per format keeps the test quick
		}
		seen[c.Format] = true
		d, err := ImportFormat(c.Format, c.String)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		check := func(what, s string) {
			for _, err := range []error{errOf(Import(s)), errOf(ImportFormat(c.Format, s))} {
				if err == nil {
					continue
				}
				if form, ok := redact.Leak(err.Error(), d.AuthKey); ok {
					t.Errorf("%s, %s: error shows the key (%s): %v", c.Name, what, form, err)
					return
				}
			}
		}
		for n := range len(c.String) {
			check("cut", c.String[:n])
			if c.Format == FormatMTGo {
				check("changed", c.String[:n]+flipChar(c.String[n])+c.String[n+1:])
			}
		}
	}
}

func errOf(_ Data, err error) error { return err }

// TestErrorsShowNoKeyAfterBitFlips damages each bit of each foreign payload in turn: a flag
// flipped on makes a reader take key bytes for the fields it announces (mtcute's user id and
// bool, a media DC), and no error may show them, in either byte order (TL is little-endian).
func TestErrorsShowNoKeyAfterBitFlips(t *testing.T) {
	for _, c := range loadForeign(t) {
		d, err := ImportFormat(c.Format, c.String)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		reversed := slices.Clone(d.AuthKey)
		slices.Reverse(reversed)
		lead, text := "", stdstrings.TrimRight(c.String, "=")
		if c.Format == FormatTelethon || c.Format == FormatGramJS {
			lead, text = "1", text[1:]
		}
		enc := base64.RawURLEncoding
		if stdstrings.ContainsAny(text, "+/") {
			enc = base64.RawStdEncoding
		}
		p, err := enc.DecodeString(text)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		seen := map[string]bool{} // many flips give the same message: look at each once
		for i := range p {
			for bit := range 8 {
				q := slices.Clone(p)
				q[i] ^= 1 << bit
				s := lead + enc.EncodeToString(q)
				for _, err := range []error{errOf(Import(s)), errOf(ImportFormat(c.Format, s))} {
					if err == nil || seen[err.Error()] {
						continue
					}
					seen[err.Error()] = true
					for _, key := range [][]byte{d.AuthKey, reversed} {
						if form, ok := redact.Leak(err.Error(), key); ok {
							t.Errorf("%s, byte %d bit %d flipped: error shows the key (%s): %v", c.Name, i, bit, form, err)
						}
					}
				}
			}
		}
	}
}

func TestDataRedacted(t *testing.T) {
	d := Data{DC: 2, Addr: "149.154.167.50:443", AuthKey: testKey(3), UserID: 42, Format: FormatMTGo}
	for _, v := range []any{d, &d, d.AuthKey} { // Check also prints each inside a struct
		if err := redact.Check(v, d.AuthKey); err != nil {
			t.Error(err)
		}
	}
}
