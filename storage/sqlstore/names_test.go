package sqlstore

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mtgo-labs/mtgo/peers"
)

// namesColumns are names columns namesColumn must write: JSON with only the escapes JSON
// requires (quote, backslash, bytes below 0x20), everything else as it is. encoding/json
// also escaped U+2028, U+2029, '<', '>' and '&', and NamesShape refused the first two.
var namesColumns = []struct {
	names []string
	want  string
	back  []string // what want decodes to, when not names
}{
	{names: nil, want: `[]`},
	{names: []string{"user_1"}, want: `["user_1"]`},
	{names: []string{"alpha", "beta_2", "gamma"}, want: `["alpha","beta_2","gamma"]`},
	{names: []string{`quo"te`, `back\slash`, "/"}, want: `["quo\"te","back\\slash","/"]`},
	{names: []string{"<a&b>"}, want: `["<a&b>"]`},
	{names: []string{"line\u2028sep\u2029end"}, want: "[\"line\u2028sep\u2029end\"]"},
	{names: []string{"ünï", "日本", "emoji😀", "sp ace"}, want: `["ünï","日本","emoji😀","sp ace"]`},
	{names: []string{"ctl\x01\x1f\x7f"}, want: `["ctl\u0001\u001f` + "\x7f" + `"]`},
	{names: []string{"\b\f\n\r\t"}, want: `["\b\f\n\r\t"]`},
	{names: []string{"nul\x00"}, want: `["nul\u0000"]`},
	{names: []string{"bad\xff\xfe"}, want: "[\"bad\ufffd\ufffd\"]", back: []string{"bad\ufffd\ufffd"}}, // as encoding/json wrote it
}

// TestNamesColumn: the names column is the JSON array of the normalized usernames, whatever
// they hold, written with the escapes JSON requires only.
func TestNamesColumn(t *testing.T) {
	for _, tt := range namesColumns {
		got := namesColumn(tt.names)
		if got != tt.want {
			t.Errorf("namesColumn(%q) = %s, want %s", tt.names, got, tt.want)
		}
		var back []string
		if err := json.Unmarshal([]byte(got), &back); err != nil {
			t.Fatalf("%q: %s is not JSON: %v", tt.names, got, err)
		}
		want := tt.names
		if tt.back != nil {
			want = tt.back
		}
		if !slices.Equal(want, back) && len(want)+len(back) > 0 {
			t.Errorf("%q: %s decodes to %q", tt.names, got, back)
		}
	}
	// Usernames are normalized first.
	if got := namesColumn(normalizedNames(peers.Peer{Usernames: []string{"@Alpha", "Beta_2"}})); got != `["alpha","beta_2"]` {
		t.Errorf("names column of @Alpha, Beta_2 = %s", got)
	}
}

// TestNamesShape: the columns namesColumn writes match NamesShape, so a save reads the old
// names from the row instead of searching the session's entries; damaged columns, and ones
// PostgreSQL's json_array_elements_text would refuse, do not. Go's regexp and PostgreSQL's
// agree on the syntax NamesShape uses (TestDamagedNames and TestUsernames in
// storage/postgres run it there).
func TestNamesShape(t *testing.T) {
	shape := regexp.MustCompile(NamesShape)
	// What PostgreSQL gets: its usernames in their stored forms (textKey).
	pg := Dialect{TextUTF8: true}
	for _, tt := range namesColumns {
		names := make([]string, len(tt.names))
		for i, n := range tt.names {
			names[i] = pg.textKey(n)
		}
		if col := namesColumn(names); !shape.MatchString(col) {
			t.Errorf("namesColumn(%q) = %s does not match NamesShape", names, col)
		}
	}
	for _, col := range []string{
		``, `[`, `["alice", `, `not json`, `{"alice": 1}`, `"alice"`, `["alice", 5]`, `[["alice"]]`,
		`["a" "b"]`, `["a",]`, `["\u0000"]`, `["\ud800"]`, `["\x"]`, "[\"a\x01\"]", `["a"] x`,
	} {
		if shape.MatchString(col) {
			t.Errorf("NamesShape matches the damaged column %s", col)
		}
	}
	for _, col := range []string{`[]`, ` [ "a" , "b\"c" ] `, `["\u0041\n"]`} {
		if !shape.MatchString(col) {
			t.Errorf("NamesShape does not match the valid column %s", col)
		}
	}
}

// FuzzNamesColumn: a names column reads back as the usernames encoding/json wrote would (bytes
// that are not UTF-8 as U+FFFD), and PostgreSQL's columns (usernames in their stored forms)
// match NamesShape.
func FuzzNamesColumn(f *testing.F) {
	for _, tt := range namesColumns {
		f.Add(strings.Join(tt.names, "\x00"), "")
	}
	f.Add("a\u2028b", "<&>")
	shape := regexp.MustCompile(NamesShape)
	pg := Dialect{TextUTF8: true}
	f.Fuzz(func(t *testing.T, a, b string) {
		names := []string{a, b}
		old, err := json.Marshal(names)
		if err != nil {
			t.Fatal(err)
		}
		var want, got []string
		if err := json.Unmarshal(old, &want); err != nil {
			t.Fatal(err)
		}
		col := namesColumn(names)
		if err := json.Unmarshal([]byte(col), &got); err != nil {
			t.Fatalf("namesColumn(%q) = %q is not JSON: %v", names, col, err)
		}
		if !slices.Equal(want, got) {
			t.Errorf("namesColumn(%q) = %q reads back as %q, want %q", names, col, got, want)
		}
		stored := namesColumn([]string{pg.textKey(a), pg.textKey(b)})
		if !shape.MatchString(stored) {
			t.Errorf("PostgreSQL's names column of %q, %q = %q does not match NamesShape", a, b, stored)
		}
	})
}
