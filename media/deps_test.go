package media

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// Every module go.mod requires is explained in README.md's dependency table.
func TestDependenciesDocumented(t *testing.T) {
	mod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	req := regexp.MustCompile(`(?m)^\s*(?:require\s+)?([a-z0-9.\-]+\.[a-z]+/[^\s]+)\s+v[^\s]+`)
	found := 0
	for _, m := range req.FindAllStringSubmatch(string(mod), -1) {
		found++
		if !strings.Contains(string(readme), "`"+m[1]+"`") {
			t.Errorf("go.mod requires %s but README.md's dependency table does not name it", m[1])
		}
	}
	if found == 0 {
		t.Fatal("no requirements parsed from go.mod")
	}
}
