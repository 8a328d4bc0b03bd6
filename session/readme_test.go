package session_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestReadmeDependencies checks that README.md explains exactly the external modules go.mod
// requires.
func TestReadmeDependencies(t *testing.T) {
	mod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var required []string
	for _, m := range regexp.MustCompile(`(?m)^\s+(\S+) v\S+`).FindAllStringSubmatch(string(mod), -1) {
		if !strings.HasPrefix(m[1], "github.com/mtgo-labs/mtgo/") { // siblings: scripts/modsync.go
			required = append(required, m[1])
		}
	}
	section := string(readme)
	if i := strings.Index(section, "## Dependencies"); i >= 0 {
		section = section[i:]
	}
	if i := strings.Index(section[3:], "\n## "); i >= 0 {
		section = section[:i+3]
	}
	var listed []string
	for _, m := range regexp.MustCompile("(?m)^- `([^`]+)`").FindAllStringSubmatch(section, -1) {
		listed = append(listed, m[1])
	}
	slices.Sort(required)
	slices.Sort(listed)
	if diff := cmp.Diff(required, listed); diff != "" {
		t.Errorf("README dependencies vs go.mod (-go.mod +README):\n%s", diff)
	}
}
