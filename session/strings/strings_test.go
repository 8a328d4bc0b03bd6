package strings

import (
	"bufio"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	stdstrings "strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testKey mirrors key() in testdata/make_python.py and testdata/make_node.js.
func testKey(seed int) []byte {
	k := make([]byte, AuthKeySize)
	for i := range k {
		k[i] = byte((seed + i*37) % 256)
	}
	return k
}

// foreignCase is one line of testdata/*.jsonl: a string built by another language's code
// following the other library's exporter, and the Data it must import as.
type foreignCase struct {
	Name    string `json:"name"`
	Format  Format `json:"format"`
	String  string `json:"string"`
	DC      int    `json:"dc"`
	KeySeed int    `json:"key_seed"`
	Addr    string `json:"addr"`
	Test    bool   `json:"test"`
	UserID  int64  `json:"user_id"`
	Bot     bool   `json:"bot"`
	APIID   int32  `json:"api_id"`
}

func (c foreignCase) want() Data {
	return Data{DC: c.DC, Addr: c.Addr, TestMode: c.Test, AuthKey: testKey(c.KeySeed),
		UserID: c.UserID, Bot: c.Bot, APIID: c.APIID, Format: c.Format}
}

func loadForeign(t testing.TB) []foreignCase {
	t.Helper()
	files, err := filepath.Glob("testdata/*.jsonl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/*.jsonl: %v", err)
	}
	var cases []foreignCase
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<16)
		for sc.Scan() {
			var c foreignCase
			if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			cases = append(cases, c)
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	return cases
}

func TestImportForeign(t *testing.T) {
	seen := map[Format]int{}
	for _, c := range loadForeign(t) {
		t.Run(c.Name, func(t *testing.T) {
			seen[c.Format]++
			got, err := Import(c.String)
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			if diff := cmp.Diff(c.want(), got); diff != "" {
				t.Errorf("Import mismatch (-want +got):\n%s", diff)
			}
			got, err = ImportFormat(c.Format, "  "+c.String+"\n")
			if err != nil {
				t.Fatalf("ImportFormat: %v", err)
			}
			if diff := cmp.Diff(c.want(), got); diff != "" {
				t.Errorf("ImportFormat mismatch (-want +got):\n%s", diff)
			}
		})
	}
	for _, f := range []Format{FormatPyrogram, FormatTelethon, FormatGramJS, FormatMTCute} {
		if seen[f] < 2 {
			t.Errorf("only %d test strings for %s", seen[f], f)
		}
	}
}

func TestExportRoundTrip(t *testing.T) {
	for _, d := range []Data{
		{DC: 2, AuthKey: testKey(1)},
		{DC: 2, Addr: "149.154.167.50:443", AuthKey: testKey(2), UserID: 5000000001, APIID: 123456},
		{DC: 1, Addr: "[2001:b28:f23d:f001::a]:443", TestMode: true, Bot: true, AuthKey: testKey(3), UserID: -1, APIID: -7},
		{DC: 65535, Addr: "venus.web.telegram.org:80", AuthKey: testKey(4), UserID: 1 << 62},
		{DC: 4, Addr: stdstrings.Repeat("a.", 125) + "a:1", AuthKey: testKey(5)},
	} {
		s, err := Export(d)
		if err != nil {
			t.Fatalf("Export(%+v): %v", d, err)
		}
		if !stdstrings.HasPrefix(s, Prefix) {
			t.Errorf("Export = %q, want prefix %q", s, Prefix)
		}
		got, err := Import(s)
		if err != nil {
			t.Fatalf("Import(%q): %v", s, err)
		}
		d.Format = FormatMTGo
		if diff := cmp.Diff(d, got); diff != "" {
			t.Errorf("round trip mismatch (-want +got):\n%s", diff)
		}
	}
}

// TestExportLayout pins the byte layout documented in the package doc.
func TestExportLayout(t *testing.T) {
	s, err := Export(Data{DC: 0x0102, Addr: "h:7", TestMode: true, Bot: true, AuthKey: testKey(9),
		UserID: 0x1122334455667788, APIID: 0x0a0b0c0d})
	if err != nil {
		t.Fatal(err)
	}
	p, err := base64.RawURLEncoding.DecodeString(s[len(Prefix):])
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{1, 3, 0x01, 0x02, 0x0a, 0x0b, 0x0c, 0x0d, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 3, 'h', ':', '7'}
	want = append(want, testKey(9)...)
	want = binary.BigEndian.AppendUint32(want, crc32.Checksum(want, crc32.MakeTable(crc32.Castagnoli)))
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("payload mismatch (-want +got):\n%s", diff)
	}
}

func TestExportInvalid(t *testing.T) {
	good := Data{DC: 2, AuthKey: testKey(1)}
	for name, mod := range map[string]func(*Data){
		"dc zero":         func(d *Data) { d.DC = 0 },
		"dc too large":    func(d *Data) { d.DC = 65536 },
		"short key":       func(d *Data) { d.AuthKey = d.AuthKey[:255] },
		"no key":          func(d *Data) { d.AuthKey = nil },
		"no port":         func(d *Data) { d.Addr = "149.154.167.50" },
		"port zero":       func(d *Data) { d.Addr = "149.154.167.50:0" },
		"port too large":  func(d *Data) { d.Addr = "149.154.167.50:65536" },
		"empty host":      func(d *Data) { d.Addr = ":443" },
		"space in host":   func(d *Data) { d.Addr = "a b:443" },
		"address too big": func(d *Data) { d.Addr = stdstrings.Repeat("a", 254) + ":1" },
	} {
		d := good
		mod(&d)
		if s, err := Export(d); !errors.Is(err, ErrInvalidData) {
			t.Errorf("%s: Export = %q, %v; want ErrInvalidData", name, s, err)
		}
	}
}

// mtgoString builds an MTGo string from a raw payload, appending a correct checksum.
func mtgoString(p []byte) string {
	p = binary.BigEndian.AppendUint32(p, crc32.Checksum(p, crc32.MakeTable(crc32.Castagnoli)))
	return Prefix + base64.RawURLEncoding.EncodeToString(p)
}

// mtgoPayload is a valid version-1 payload without its checksum.
func mtgoPayload(addr string) []byte {
	p := []byte{1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, byte(len(addr))}
	p = append(p, addr...)
	return append(p, testKey(1)...)
}

func TestImportErrors(t *testing.T) {
	valid, err := Export(Data{DC: 2, Addr: "149.154.167.50:443", AuthKey: testKey(1)})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.RawURLEncoding.DecodeString(valid[len(Prefix):])
	if err != nil {
		t.Fatal(err)
	}
	truncated := Prefix + base64.RawURLEncoding.EncodeToString(raw[:len(raw)-3])
	withVersion := func(v byte) string { p := mtgoPayload(""); p[0] = v; return mtgoString(p) }
	withFlags := func(f byte) string { p := mtgoPayload(""); p[1] = f; return mtgoString(p) }
	withAddrLen := func(n byte) string { p := mtgoPayload("ab:1"); p[16] = n; return mtgoString(p) }
	pyro := func(n int) string {
		return base64.RawURLEncoding.EncodeToString(append([]byte{2}, make([]byte, n-1)...))
	}
	tele := func(p []byte) string { return "1" + base64.URLEncoding.EncodeToString(p) }
	mtcute := func(p ...[]byte) string { return base64.RawURLEncoding.EncodeToString(concat(p...)) }
	tlKey := concat([]byte{254, 0, 1, 0}, testKey(1))
	basic := []byte{11, 2, 2, 0, 3, 'a', '.', 'b', 187, 1, 0, 0} // TL bytes of a version-2 basic DC option

	for _, tc := range []struct {
		name string
		in   string
		want error
	}{
		{"empty", "", ErrEmpty},
		{"blank", " \n\t", ErrEmpty},
		{"too long", stdstrings.Repeat("A", maxText+1), ErrUnknownFormat},
		{"not base64", "AAAA!AAA", ErrEncoding},
		{"mixed alphabets", "1AB-+", ErrEncoding},
		{"unknown payload length", base64.RawURLEncoding.EncodeToString(make([]byte, 64)), ErrUnknownFormat},

		{"mtgo truncated to nothing", Prefix, ErrTruncated},
		{"mtgo truncated", truncated, ErrChecksum},
		{"mtgo bad trailing bits", valid[:len(valid)-1] + "B", ErrEncoding},
		{"mtgo corrupted", valid[:20] + flipChar(valid[20]) + valid[21:], ErrChecksum},
		{"mtgo version 0", withVersion(0), ErrVersion},
		{"mtgo version 2", withVersion(2), ErrVersion},
		{"mtgo short payload with valid checksum", mtgoString([]byte{1, 0, 0, 2}), ErrTruncated},
		{"mtgo unknown flags", withFlags(4), ErrMalformed},
		{"mtgo address length too long", withAddrLen(5), ErrMalformed},
		{"mtgo address length too short", withAddrLen(3), ErrMalformed},
		{"mtgo dc zero", mtgoString(func() []byte { p := mtgoPayload(""); p[3] = 0; return p }()), ErrMalformed},
		{"mtgo bad address", mtgoString(mtgoPayload("ab")), ErrMalformed},

		{"pyrogram dc zero", base64.RawURLEncoding.EncodeToString(make([]byte, 271)), ErrMalformed},
		{"pyrogram wrong size", pyro(275), ErrTruncated},

		{"telethon wrong size", tele(make([]byte, 270)), ErrTruncated},
		{"telethon port zero", tele(concat([]byte{2, 149, 154, 167, 51, 0, 0}, testKey(1))), ErrMalformed},
		{"telethon dc zero", tele(concat([]byte{0, 149, 154, 167, 51, 1, 187}, testKey(1))), ErrMalformed},
		{"gramjs too short", "1" + base64.StdEncoding.EncodeToString(make([]byte, 10)), ErrTruncated},

		{"mtcute version 4", mtcute([]byte{4, 0, 0, 0, 0}, basic, tlKey), ErrVersion},
		{"mtcute truncated key", mtcute([]byte{3, 0, 0, 0, 0}, basic, tlKey[:200]), ErrTruncated},
		{"mtcute short key", mtcute([]byte{3, 0, 0, 0, 0}, basic, []byte{4, 1, 2, 3, 4, 0, 0, 0}), ErrMalformed},
		{"mtcute trailing bytes", mtcute([]byte{3, 0, 0, 0, 0}, basic, tlKey, make([]byte, 4)), ErrMalformed},
		{"mtcute bad bool", mtcute([]byte{3, 1, 0, 0, 0}, basic, make([]byte, 12), tlKey), ErrMalformed},
		{"mtcute bad dc version", mtcute([]byte{3, 0, 0, 0, 0}, concat([]byte{11, 9}, basic[2:]), tlKey), ErrMalformed},
		{"mtcute bad dcOption constructor", mtcute([]byte{2, 0, 0, 0, 0}, make([]byte, 16), tlKey), ErrMalformed},
		{"mtcute bytes marker 0xff", mtcute([]byte{3, 0, 0, 0, 0}, []byte{255, 0, 0, 0}, tlKey), ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Import(tc.in)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Import error = %v, want %v", err, tc.want)
			}
			if diff := cmp.Diff(Data{}, d); diff != "" {
				t.Errorf("Import returned data on error:\n%s", diff)
			}
		})
	}
}

func TestImportFormatMismatch(t *testing.T) {
	valid, err := Export(Data{DC: 2, AuthKey: testKey(1)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		f    Format
		in   string
		want error
	}{
		{FormatMTGo, "AAAA", ErrMalformed},
		{FormatTelethon, valid, ErrVersion},
		{FormatGramJS, valid, ErrVersion},
		{FormatPyrogram, valid, ErrTruncated},
		{FormatMTCute, "BAAAAA", ErrVersion},
		{"tdlib", valid, ErrUnknownFormat},
		{FormatMTGo, " ", ErrEmpty},
		{FormatMTGo, Prefix + stdstrings.Repeat("A", maxText), ErrMalformed},
	} {
		if _, err := ImportFormat(tc.f, tc.in); !errors.Is(err, tc.want) {
			t.Errorf("ImportFormat(%s, %.20q) error = %v, want %v", tc.f, tc.in, err, tc.want)
		}
	}
}

// TestImportEveryCorruption changes each character of a valid MTGo string in turn: the checksum
// and the strict base64 decoder must reject every single change.
func TestImportEveryCorruption(t *testing.T) {
	s, err := Export(Data{DC: 2, Addr: "149.154.167.50:443", AuthKey: testKey(7), UserID: 42})
	if err != nil {
		t.Fatal(err)
	}
	for i := len(Prefix); i < len(s); i++ {
		bad := s[:i] + flipChar(s[i]) + s[i+1:]
		if _, err := Import(bad); err == nil {
			t.Errorf("changing character %d went unnoticed", i)
		}
	}
}

// TestImportPrefixes imports every strict prefix of every valid string. MTGo (checksum), mtcute
// and GramJS (self-delimiting) reject all of them under their own format. Pyrogram and Telethon
// carry neither a checksum nor a length, so a prefix that happens to have the size of another of
// their layouts decodes, in those libraries as here; Import may fall back to exactly those.
func TestImportPrefixes(t *testing.T) {
	ours, err := Export(Data{DC: 2, Addr: "149.154.167.50:443", AuthKey: testKey(7)})
	if err != nil {
		t.Fatal(err)
	}
	cases := append(loadForeign(t), foreignCase{Name: "mtgo", Format: FormatMTGo, String: ours})
	layouts := map[Format][]int{
		FormatPyrogram: {pyrogramCurrent, pyrogramLegacy64, pyrogramLegacy32},
		FormatTelethon: {telethonIPv4, telethonIPv6},
	}
	for _, c := range cases {
		full := stdstrings.TrimRight(c.String, "=")
		for n := 0; n < len(full); n++ {
			prefix := c.String[:n]
			if d, err := Import(prefix); err == nil && !hasLayout(prefix, layouts[d.Format]) {
				t.Errorf("%s: Import of a %d-character prefix decoded as %s", c.Name, n, d.Format)
			}
			if _, err := ImportFormat(c.Format, prefix); err == nil && !hasLayout(prefix, layouts[c.Format]) {
				t.Errorf("%s: ImportFormat of a %d-character prefix decoded", c.Name, n)
			}
		}
	}
}

// hasLayout reports whether the base64 text in s (after a leading '1', if any) decodes to one of
// the given payload sizes.
func hasLayout(s string, sizes []int) bool {
	s = stdstrings.TrimPrefix(stdstrings.TrimRight(s, "="), "1")
	for _, n := range sizes {
		if base64.RawURLEncoding.DecodedLen(len(s)) == n {
			return true
		}
	}
	return false
}

func FuzzImport(f *testing.F) {
	for _, c := range loadForeign(f) {
		f.Add(c.String)
	}
	for _, d := range []Data{
		{DC: 2, AuthKey: testKey(1)},
		{DC: 1, Addr: "[2001:b28:f23d:f001::a]:443", TestMode: true, Bot: true, AuthKey: testKey(3), UserID: 77},
	} {
		s, err := Export(d)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(s)
	}
	f.Add("1AAAA")
	f.Add("AwAAAAA")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Import(s)
		if err != nil {
			if diff := cmp.Diff(Data{}, d); diff != "" {
				t.Fatalf("data returned with error %v:\n%s", err, diff)
			}
			return
		}
		// Whatever imports must export again and survive the round trip unchanged.
		out, err := Export(d)
		if err != nil {
			t.Fatalf("imported %+v does not export: %v", d, err)
		}
		back, err := Import(out)
		if err != nil {
			t.Fatalf("re-import of %q: %v", out, err)
		}
		d.Format = FormatMTGo
		if diff := cmp.Diff(d, back); diff != "" {
			t.Fatalf("round trip mismatch (-want +got):\n%s", diff)
		}
	})
}

func concat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// flipChar returns a different character of the URL-safe base64 alphabet.
func flipChar(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}
