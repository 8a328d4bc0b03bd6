package main

import (
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestREADMEListsDependencies keeps the README's dependency table equal to the direct
// requirements of go.mod.
func TestREADMEListsDependencies(t *testing.T) {
	mod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var required, documented []string
	for _, m := range regexp.MustCompile(`(?m)^(?:require\s+|\t)(\S+\.\S+/\S+) v\S+$`).FindAllStringSubmatch(string(mod), -1) {
		required = append(required, m[1])
	}
	_, section, _ := strings.Cut(string(readme), "\n## Dependencies\n")
	section, _, _ = strings.Cut(section, "\n## ")
	for _, m := range regexp.MustCompile("(?m)^\\| `([^`]+)` \\|").FindAllStringSubmatch(section, -1) {
		documented = append(documented, m[1])
	}
	sort.Strings(required)
	sort.Strings(documented)
	if len(required) == 0 {
		t.Fatal("no requirements found in go.mod")
	}
	if diff := cmp.Diff(required, documented); diff != "" {
		t.Fatalf("README dependency table differs from go.mod (-go.mod +README):\n%s", diff)
	}
}
