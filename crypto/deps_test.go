package crypto

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestDependenciesDocumented keeps go.mod and the README's dependency list in step: every
// required module must be explained there, and nothing explained may be missing from go.mod.
func TestDependenciesDocumented(t *testing.T) {
	mod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, deps, ok := strings.Cut(string(readme), "## Dependencies")
	if !ok {
		t.Fatal("README has no Dependencies section")
	}
	deps, _, _ = strings.Cut(deps, "\n## ")
	required := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\s*(?:require\s+)?([a-z0-9.-]+\.[a-z]+/[^\s]+) v`).FindAllStringSubmatch(string(mod), -1) {
		required[m[1]] = true
		if !strings.Contains(deps, "`"+m[1]+"`") {
			t.Errorf("go.mod requires %s but the README does not say why", m[1])
		}
	}
	for _, m := range regexp.MustCompile("`((?:github\\.com|golang\\.org|go\\.[a-z]+)/[^`]+)`").FindAllStringSubmatch(deps, -1) {
		if !required[m[1]] {
			t.Errorf("README lists %s, which go.mod does not require", m[1])
		}
	}
	if len(required) == 0 {
		t.Fatal("found no requirements in go.mod; the pattern is broken")
	}
}
