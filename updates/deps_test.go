package updates

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

// TestDependenciesDocumented keeps the README's Dependencies section in step with what the
// module uses: every module go.mod requires and every workspace module the package sources
// import must be explained there, and nothing explained may be unused.
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

	used := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\s*(?:require\s+)?([a-z0-9.-]+\.[a-z]+/\S+) v`).FindAllStringSubmatch(string(mod), -1) {
		used[m[1]] = true
	}
	if len(used) == 0 {
		t.Fatal("found no requirements in go.mod; the pattern is broken")
	}
	const workspace = "github.com/mtgo-labs/mtgo/"
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
			if !strings.HasPrefix(p, workspace) || strings.HasPrefix(p, workspace+"updates") {
				continue
			}
			rest := strings.TrimPrefix(p, workspace)
			module, _, _ := strings.Cut(rest, "/")
			used[workspace+module] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for dep := range used {
		if !strings.Contains(deps, "`"+dep+"`") {
			t.Errorf("the module uses %s but the README does not say why", dep)
		}
	}
	for _, m := range regexp.MustCompile("`((?:github\\.com|golang\\.org|go\\.[a-z]+)/[^`]+)`").FindAllStringSubmatch(deps, -1) {
		if !used[m[1]] {
			t.Errorf("README lists %s, which the module does not use", m[1])
		}
	}
}
