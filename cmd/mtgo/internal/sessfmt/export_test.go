package sessfmt

import (
	"bufio"
	"encoding/json"
	"errors"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	sessionstrings "github.com/mtgo-labs/mtgo/session/strings"
)

// fixtures are the foreign strings of session/strings, built by the other libraries' own code.
func fixtures(t *testing.T) []struct{ Name, Format, String string } {
	t.Helper()
	files, err := filepath.Glob("../../../../session/strings/testdata/*.jsonl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	var out []struct{ Name, Format, String string }
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var c struct{ Name, Format, String string }
			if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
				t.Fatal(err)
			}
			out = append(out, c)
		}
		fh.Close()
	}
	return out
}

// TestRoundTripFixtures: every fixture imports, exports in its own format and in every other
// format that can hold it, and imports back to the same data. Strings of the current layout
// of a format come back byte for byte.
func TestRoundTripFixtures(t *testing.T) {
	exact := map[string]bool{}
	for _, c := range fixtures(t) {
		t.Run(c.Name, func(t *testing.T) {
			d, err := sessionstrings.Import(c.String)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range Formats {
				s, err := Export(f, d)
				if errors.Is(err, ErrCannotHold) {
					continue
				}
				if err != nil {
					t.Fatalf("export %s: %v", f, err)
				}
				back, err := sessionstrings.ImportFormat(f, s)
				if err != nil {
					t.Fatalf("import %s: %v", f, err)
				}
				want := carried(f, d)
				if diff := cmp.Diff(want, carried(f, back)); diff != "" {
					t.Errorf("%s: (-want +got)\n%s", f, diff)
				}
				if string(f) == c.Format && s == c.String {
					exact[c.Format] = true
				}
			}
		})
	}
	for _, f := range []string{"pyrogram", "telethon", "gramjs"} {
		if !exact[f] {
			t.Errorf("no %s fixture came back byte for byte", f)
		}
	}
}

// carried keeps the fields format f stores.
func carried(f sessionstrings.Format, d sessionstrings.Data) sessionstrings.Data {
	out := sessionstrings.Data{DC: d.DC, AuthKey: d.AuthKey}
	switch f {
	case sessionstrings.FormatMTGo:
		out.Addr, out.TestMode, out.UserID, out.Bot, out.APIID = d.Addr, d.TestMode, d.UserID, d.Bot, d.APIID
	case sessionstrings.FormatPyrogram:
		out.TestMode, out.UserID, out.Bot, out.APIID = d.TestMode, d.UserID, d.Bot, d.APIID
	case sessionstrings.FormatTelethon, sessionstrings.FormatGramJS:
		out.Addr = d.Addr
	case sessionstrings.FormatMTCute:
		out.Addr, out.TestMode, out.UserID = d.Addr, d.TestMode, d.UserID
		if d.UserID != 0 {
			out.Bot = d.Bot
		}
	}
	if h, p, err := net.SplitHostPort(out.Addr); err == nil {
		if ip, err := netip.ParseAddr(h); err == nil {
			out.Addr = net.JoinHostPort(ip.String(), p) // IPv6 text forms differ
		}
	}
	return out
}

func TestCannotHold(t *testing.T) {
	key := make([]byte, 256)
	for _, c := range []struct {
		f sessionstrings.Format
		d sessionstrings.Data
	}{
		{sessionstrings.FormatTelethon, sessionstrings.Data{DC: 2, AuthKey: key}},
		{sessionstrings.FormatTelethon, sessionstrings.Data{DC: 2, Addr: "example.com:443", AuthKey: key}},
		{sessionstrings.FormatGramJS, sessionstrings.Data{DC: 2, AuthKey: key}},
		{sessionstrings.FormatMTCute, sessionstrings.Data{DC: 2, AuthKey: key}},
		{sessionstrings.FormatPyrogram, sessionstrings.Data{DC: 300, AuthKey: key}},
	} {
		if _, err := Export(c.f, c.d); !errors.Is(err, ErrCannotHold) {
			t.Errorf("%s %v: got %v, want ErrCannotHold", c.f, c.d, err)
		}
	}
	if _, err := Export("nope", sessionstrings.Data{DC: 1, AuthKey: key}); err == nil {
		t.Error("unknown format accepted")
	}
	if _, err := Export(sessionstrings.FormatPyrogram, sessionstrings.Data{DC: 1}); err == nil {
		t.Error("missing key accepted")
	}
}

func TestLongTLBytes(t *testing.T) {
	b := appendTLBytes(nil, make([]byte, 300))
	if len(b)%4 != 0 || b[0] != 254 || b[1] != 300&0xff || b[2] != 1 {
		t.Fatalf("header % x, length %d", b[:4], len(b))
	}
}

// FuzzExport: any data a format accepts comes back from its importer with the fields the
// format carries; nothing panics.
func FuzzExport(f *testing.F) {
	f.Add(2, "149.154.167.50", uint16(443), int64(777), true, true, int32(5))
	f.Add(4, "2001:67c:4e8:f002::a", uint16(443), int64(0), false, false, int32(0))
	f.Add(300, "example.com", uint16(80), int64(-1), false, true, int32(-1))
	key := make([]byte, sessionstrings.AuthKeySize)
	for i := range key {
		key[i] = byte(i * 7)
	}
	f.Fuzz(func(t *testing.T, dc int, host string, port uint16, user int64, bot, test bool, api int32) {
		d := sessionstrings.Data{DC: dc, AuthKey: key, UserID: user, Bot: bot, TestMode: test, APIID: api}
		if port != 0 {
			d.Addr = net.JoinHostPort(host, strconv.Itoa(int(port)))
		}
		for _, f := range Formats {
			s, err := Export(f, d)
			if err != nil {
				continue
			}
			back, err := sessionstrings.ImportFormat(f, s)
			if err != nil {
				continue // e.g. a host name the importer's checks refuse
			}
			if diff := cmp.Diff(carried(f, d), carried(f, back)); diff != "" {
				t.Fatalf("%s: (-want +got)\n%s", f, diff)
			}
		}
	})
}
