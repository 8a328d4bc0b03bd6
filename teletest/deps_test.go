package teletest

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// TestDependenciesDocumented compares the direct requirements in go.mod with the dependency
// table of the module README: every dependency must say why it is there.
func TestDependenciesDocumented(t *testing.T) {
	mod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var required []string
	inBlock := false
	for line := range strings.Lines(string(mod)) {
		line = strings.TrimSpace(line)
		switch {
		case line == "require (":
			inBlock = true
			continue
		case inBlock && line == ")":
			inBlock = false
			continue
		case strings.HasPrefix(line, "require "):
			line = strings.TrimPrefix(line, "require ")
		case !inBlock:
			continue
		}
		if line == "" || strings.Contains(line, "// indirect") || strings.HasPrefix(line, "github.com/mtgo-labs/mtgo/") {
			continue // siblings are kept by scripts/modsync.go and listed in the README's prose
		}
		required = append(required, strings.Fields(line)[0])
	}
	_, table, ok := strings.Cut(string(readme), "## Dependencies")
	if !ok {
		t.Fatal("README has no Dependencies section")
	}
	table, _, _ = strings.Cut(table, "\n## ")
	var documented []string
	for line := range strings.Lines(table) {
		if f := strings.Split(line, "`"); strings.HasPrefix(line, "| `") && len(f) > 1 {
			documented = append(documented, f[1])
		}
	}
	slices.Sort(required)
	slices.Sort(documented)
	if !slices.Equal(required, documented) {
		t.Fatalf("go.mod requires %q, README documents %q", required, documented)
	}
}
