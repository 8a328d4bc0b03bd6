package sqlstore

import (
	"encoding/json"
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
