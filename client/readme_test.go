package mtgo_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeDependencies checks that the README's Dependencies section names every module
// go.mod requires and every workspace module the sources import, so the list cannot rot.
func TestReadmeDependencies(t *testing.T) {
	mod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "## Dependencies")
	if !ok {
		t.Fatal("README.md has no Dependencies section")
	}
	section, _, _ = strings.Cut(section, "\n## ")

	need := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\s*(?:require\s+)?([a-z0-9.-]+\.[a-z]+/\S+) v`).FindAllStringSubmatch(string(mod), -1) {
		if !strings.HasPrefix(m[1], "github.com/mtgo-labs/mtgo/") { // siblings: checked below, kept by scripts/modsync.go
			need[m[1]] = true
		}
	}
	if len(need) == 0 {
		t.Fatal("no requirement found in go.mod: the pattern is out of date")
	}
	const ws = "github.com/mtgo-labs/mtgo/"
	workspace := map[string]bool{}
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p := strings.Trim(imp.Path.Value, `"`)
			if rest, ok := strings.CutPrefix(p, ws); ok {
				mod, _, _ := strings.Cut(rest, "/")
				if mod != "client" {
					workspace[mod] = true
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for dep := range need {
		if !strings.Contains(section, "`"+dep+"`") {
			t.Errorf("go.mod requires %s but the README does not explain it", dep)
		}
	}
	for m := range workspace {
		if !strings.Contains(section, m) {
			t.Errorf("the sources import workspace module %s but the README does not explain it", m)
		}
	}
}
