package sqlstore

import (
	"encoding/json"
	"regexp"
	"slices"
	"testing"

	"github.com/mtgo-labs/mtgo/peers"
)

// TestNamesColumn: the names column is the JSON array of the normalized usernames, whatever
// they hold.
func TestNamesColumn(t *testing.T) {
	for _, names := range [][]string{
		nil,
		{"User_1"},
		{"@Alpha", "beta_2"},
		{"quo\"te", "back\\slash", "nul\x00", "ünï", "sp ace"},
	} {
		got := namesColumn(normalizedNames(peers.Peer{Key: peers.UserKey(1), Usernames: names}))
		var back []string
		if err := json.Unmarshal([]byte(got), &back); err != nil {
			t.Fatalf("%q: %s is not JSON: %v", names, got, err)
		}
		want := normalizedNames(peers.Peer{Usernames: names})
		if !slices.Equal(want, back) {
			t.Errorf("%q: %s decodes to %q, want %q", names, got, back, want)
		}
	}
}

// TestNamesShape: the columns namesColumn writes match namesShape, so a save reads the old
// names from the row instead of searching the session's entries; damaged columns, and ones
// PostgreSQL's json_array_elements_text would refuse, do not. Go's regexp and PostgreSQL's
// agree on the syntax namesShape uses (TestDamagedNames in storage/postgres runs it there).
func TestNamesShape(t *testing.T) {
	shape := regexp.MustCompile(namesShape)
	for _, names := range [][]string{
		nil,
		{"user_1"},
		{"alpha", "beta_2", "gamma"},
		{"quo\"te", "back\\slash", "tab\t", "ctl\x01", "<&>", "ünï", "sp ace", "/"},
	} {
		if col := namesColumn(names); !shape.MatchString(col) {
			t.Errorf("namesColumn(%q) = %s does not match namesShape", names, col)
		}
	}
	for _, col := range []string{
		``, `[`, `["alice", `, `not json`, `{"alice": 1}`, `"alice"`, `["alice", 5]`, `[["alice"]]`,
		`["a" "b"]`, `["a",]`, `["\u0000"]`, `["\ud800"]`, `["\x"]`, "[\"a\x01\"]", `["a"] x`,
	} {
		if shape.MatchString(col) {
			t.Errorf("namesShape matches the damaged column %s", col)
		}
	}
	for _, col := range []string{`[]`, ` [ "a" , "b\"c" ] `, `["\u0041\n"]`} {
		if !shape.MatchString(col) {
			t.Errorf("namesShape does not match the valid column %s", col)
		}
	}
}
