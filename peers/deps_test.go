package peers

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

// TestReadmeDependencies keeps README.md's Dependencies section honest: every requirement of
// go.mod and every workspace module imported here is explained there, and everything
// explained there is used.
func TestReadmeDependencies(t *testing.T) {
	mod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Dependencies")
	if !ok {
		t.Fatal("README.md has no Dependencies section")
	}
	section, _, _ = strings.Cut(section, "\n## ")

	uses := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\s*(?:require\s+)?(\S+\.\S+/\S+) v\S+`).FindAllStringSubmatch(string(mod), -1) {
		uses[m[1]] = true
	}
	if len(uses) == 0 {
		t.Fatal("no requirements found in go.mod")
	}
	const ws = "github.com/mtgo-labs/mtgo/"
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
				if mod, _, _ := strings.Cut(rest, "/"); mod != "peers" {
					uses[ws+mod] = true
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for dep := range uses {
		if !strings.Contains(section, "`"+dep+"`") {
			t.Errorf("peers uses %s; README.md does not say why", dep)
		}
	}
	for _, m := range regexp.MustCompile("`((?:github\\.com|go\\.[a-z]+|golang\\.org)/[^`]+)`").FindAllStringSubmatch(section, -1) {
		if !uses[m[1]] {
			t.Errorf("README.md explains %s, which peers does not use", m[1])
		}
	}
}
