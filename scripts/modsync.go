//go:build ignore

// Command modsync keeps the go.mod files of the module set in step with the imports: every
// module requires the sibling modules it imports, at the set's version (the client's Version
// constant), and replaces every sibling it reaches, directly or through another sibling, with
// the sibling's directory, so each module builds alone (GOWORK=off) and inside go.work.
//
// Run it from the repository root (scripts/modsync.sh does):
//
//	go run scripts/modsync.go          # rewrite the sibling requires and replaces
//	go run scripts/modsync.go -tidy    # then GOWORK=off go mod tidy in every module
//	go run scripts/modsync.go -check   # change nothing; fail if any go.mod disagrees
//	go run scripts/modsync.go -tags    # print the release tags <dir>/vX.Y.Z, one a line
//
// -check also holds every module's README.md to its go.mod: each direct requirement from
// outside the set is named
// // there in backquotes (in the "## Dependencies" section when the README has one, and then
// nothing named there may be unused), so a new dependency always comes with its reason.
//
// Imports are read from every .go file of a module (build tags ignored, tests included,
// testdata and nested modules skipped), so a file built only for arm64 or purego counts too.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// setPrefix is the repository's module path prefix: module <dir> is setPrefix + dir.
const setPrefix = "github.com/mtgo-labs/mtgo/"

// modFile is what modsync reads of a go.mod (go mod edit -json).
type modFile struct {
	Module  struct{ Path string }
	Require []struct {
		Path     string
		Version  string
		Indirect bool
	}
	Replace []struct {
		Old struct{ Path, Version string }
		New struct{ Path, Version string }
	}
}

// readModFile parses dir's go.mod.
func readModFile(dir string) (modFile, error) {
	var mf modFile
	err := goJSON(dir, &mf, "mod", "edit", "-json")
	return mf, err
}

// module is one module of the set.
type module struct {
	dir    string  // relative to the root, slash-separated ("session", "integration/bench")
	mod    modFile // its go.mod as loaded, before any edit
	path   string  // module path
	direct map[string]bool
	reach  map[string]bool // every sibling reached through imports, direct ones included
}

func main() {
	check := flag.Bool("check", false, "change nothing; report every go.mod that disagrees")
	tidy := flag.Bool("tidy", false, "run GOWORK=off go mod tidy in every module after the edit")
	tags := flag.Bool("tags", false, "print the release tag of every module")
	flag.Parse()
	if err := run(*check, *tidy, *tags); err != nil {
		fmt.Fprintln(os.Stderr, "modsync:", err)
		os.Exit(1)
	}
}

func run(check, tidy, tags bool) error {
	version, err := setVersion()
	if err != nil {
		return err
	}
	mods, err := loadModules()
	if err != nil {
		return err
	}
	if tags {
		for _, m := range mods {
			if m.path != setPrefix+m.dir {
				// Only a module whose path is the repository path plus its directory can be
				// fetched by tag (integration/bench borrows gotd's path on purpose).
				fmt.Fprintf(os.Stderr, "modsync: no tag for %s: module path %s is not %s%s\n", m.dir, m.path, setPrefix, m.dir)
				continue
			}
			fmt.Printf("%s/%s\n", m.dir, version)
		}
		return nil
	}
	byPath := map[string]*module{}
	for _, m := range mods {
		byPath[m.path] = m
	}
	for _, m := range mods {
		if err := scanImports(m, mods); err != nil {
			return err
		}
	}
	for _, m := range mods {
		m.reach = map[string]bool{}
		var visit func(p string)
		visit = func(p string) {
			for d := range byPath[p].direct {
				if !m.reach[d] {
					m.reach[d] = true
					visit(d)
				}
			}
		}
		visit(m.path)
		if m.reach[m.path] {
			return fmt.Errorf("module cycle: %s reaches itself through its sibling imports", m.dir)
		}
	}
	var problems []string
	for _, m := range mods {
		p, err := syncModule(m, byPath, version, check)
		if err != nil {
			return err
		}
		problems = append(problems, p...)
		if check {
			problems = append(problems, checkReadmeDeps(m)...)
		}
	}
	if check {
		if len(problems) > 0 {
			return fmt.Errorf("go.mod files disagree with the imports or the set version %s:\n  %s", version, strings.Join(problems, "\n  "))
		}
		fmt.Printf("modsync: %d modules agree on %s\n", len(mods), version)
		return nil
	}
	for _, m := range mods {
		if err := groupReplaces(m.dir); err != nil {
			return err
		}
	}
	if tidy {
		for _, m := range mods {
			fmt.Printf("modsync: tidy %s\n", m.dir)
			cmd := exec.Command("go", "mod", "tidy")
			cmd.Dir = m.dir
			cmd.Env = append(os.Environ(), "GOWORK=off")
			cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("go mod tidy in %s: %w", m.dir, err)
			}
		}
	}
	return nil
}

// setVersion reads the set's version from the client's Version constant.
func setVersion() (string, error) {
	src, err := os.ReadFile("client/config.go")
	if err != nil {
		return "", fmt.Errorf("read the set version: %w", err)
	}
	m := regexp.MustCompile(`(?m)^const Version = "([0-9]+\.[0-9]+\.[0-9]+)"`).FindSubmatch(src)
	if m == nil {
		return "", errors.New(`client/config.go has no const Version = "X.Y.Z"`)
	}
	return "v" + string(m[1]), nil
}

// loadModules lists the modules of go.work with their paths.
func loadModules() ([]*module, error) {
	var work struct{ Use []struct{ DiskPath string } }
	if err := goJSON(".", &work, "work", "edit", "-json"); err != nil {
		return nil, err
	}
	var mods []*module
	for _, u := range work.Use {
		dir := filepath.ToSlash(filepath.Clean(u.DiskPath))
		mf, err := readModFile(dir)
		if err != nil {
			return nil, err
		}
		mods = append(mods, &module{dir: dir, mod: mf, path: mf.Module.Path, direct: map[string]bool{}})
	}
	return mods, nil
}

func goJSON(dir string, v any, args ...string) error {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("go %s in %s: %w", strings.Join(args, " "), dir, err)
	}
	if err := json.Unmarshal(out, v); err != nil {
		return fmt.Errorf("go %s in %s: %w", strings.Join(args, " "), dir, err)
	}
	return nil
}

// scanImports records the siblings whose packages m's files import.
func scanImports(m *module, mods []*module) error {
	fset := token.NewFileSet()
	return filepath.WalkDir(m.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if p != m.dir && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			if p != m.dir {
				if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
					return filepath.SkipDir // a nested module scans itself
				}
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly)
		if err != nil {
			return fmt.Errorf("read imports: %w", err)
		}
		for _, imp := range f.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				continue
			}
			if owner := ownerOf(path, mods); owner != "" && owner != m.path {
				m.direct[owner] = true
			}
		}
		return nil
	})
}

// ownerOf returns the module of the set that holds package path (the longest module path
// that is path or a prefix of it), "" if none.
func ownerOf(path string, mods []*module) string {
	best := ""
	for _, m := range mods {
		if (path == m.path || strings.HasPrefix(path, m.path+"/")) && len(m.path) > len(best) {
			best = m.path
		}
	}
	return best
}

// syncModule brings m's sibling requires and replaces in line, or only reports the
// differences when check is set.
func syncModule(m *module, byPath map[string]*module, version string, check bool) ([]string, error) {
	mf := m.mod
	var problems, edits []string
	have := map[string]string{}
	for _, r := range mf.Require {
		sib, ok := byPath[r.Path]
		if !ok {
			continue
		}
		have[r.Path] = r.Version
		switch {
		case !m.reach[r.Path]:
			problems = append(problems, fmt.Sprintf("%s: requires %s, which it does not import", m.dir, sib.dir))
			edits = append(edits, "-droprequire="+r.Path)
		case r.Version != version:
			problems = append(problems, fmt.Sprintf("%s: requires %s %s, want %s", m.dir, sib.dir, r.Version, version))
			edits = append(edits, "-require="+r.Path+"@"+version)
		}
	}
	for _, p := range sortedKeys(m.direct) {
		if _, ok := have[p]; !ok {
			problems = append(problems, fmt.Sprintf("%s: imports %s without requiring it", m.dir, byPath[p].dir))
			edits = append(edits, "-require="+p+"@"+version)
		}
	}
	replaced := map[string]bool{}
	for _, r := range mf.Replace {
		sib, ok := byPath[r.Old.Path]
		if !ok {
			continue
		}
		replaced[r.Old.Path] = true
		want := relDir(m.dir, sib.dir)
		switch {
		case !m.reach[r.Old.Path]:
			problems = append(problems, fmt.Sprintf("%s: replaces %s, which it does not reach", m.dir, sib.dir))
			edits = append(edits, "-dropreplace="+r.Old.Path)
		case r.Old.Version != "" || r.New.Path != want:
			problems = append(problems, fmt.Sprintf("%s: replaces %s with %s, want %s", m.dir, sib.dir, r.New.Path, want))
			edits = append(edits, "-dropreplace="+r.Old.Path, "-replace="+r.Old.Path+"="+want)
		}
	}
	for _, p := range sortedKeys(m.reach) {
		if !replaced[p] {
			problems = append(problems, fmt.Sprintf("%s: no replace for %s", m.dir, byPath[p].dir))
			edits = append(edits, "-replace="+p+"="+relDir(m.dir, byPath[p].dir))
		}
	}
	if check || len(edits) == 0 {
		return problems, nil
	}
	fmt.Printf("modsync: %s: %s\n", m.dir, strings.Join(edits, " "))
	cmd := exec.Command("go", append([]string{"mod", "edit"}, edits...)...)
	cmd.Dir = m.dir
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go mod edit in %s: %w", m.dir, err)
	}
	return nil, nil
}

// groupReplaces rewrites the sibling replace directives of dir's go.mod as one sorted block
// at the end of the file (go mod edit adds each as a line of its own), so the file reads as a
// list.
func groupReplaces(dir string) error {
	mf, err := readModFile(dir) // after syncModule's edits
	if err != nil {
		return err
	}
	var lines, drops []string
	for _, r := range mf.Replace {
		if strings.HasPrefix(r.Old.Path, setPrefix) && r.Old.Version == "" && r.New.Version == "" {
			lines = append(lines, r.Old.Path+" => "+r.New.Path)
			drops = append(drops, "-dropreplace="+r.Old.Path)
		}
	}
	if len(lines) < 2 {
		return nil
	}
	slices.Sort(lines)
	edit := exec.Command("go", append([]string{"mod", "edit"}, drops...)...)
	edit.Dir = dir
	edit.Stderr = os.Stderr
	if err := edit.Run(); err != nil {
		return fmt.Errorf("go mod edit in %s: %w", dir, err)
	}
	name := filepath.Join(dir, "go.mod")
	src, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	out := strings.TrimRight(string(src), "\n") + "\n\nreplace (\n\t" + strings.Join(lines, "\n\t") + "\n)\n"
	if err := os.WriteFile(name, []byte(out), 0o644); err != nil {
		return err
	}
	fmtCmd := exec.Command("go", "mod", "edit", "-fmt")
	fmtCmd.Dir = dir
	fmtCmd.Stderr = os.Stderr
	if err := fmtCmd.Run(); err != nil {
		return fmt.Errorf("go mod edit -fmt in %s: %w", dir, err)
	}
	return nil
}

// relDir is the path of dir relative to from, as a replace directive wants it ("../session").
func relDir(from, dir string) string {
	rel, err := filepath.Rel(from, dir)
	if err != nil {
		return dir
	}
	rel = filepath.ToSlash(rel)
	if !strings.HasPrefix(rel, ".") {
		rel = "./" + rel
	}
	return rel
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// readmeModule matches a module path written in backquotes in a README.
var readmeModule = regexp.MustCompile("`((?:github\\.com|golang\\.org|go\\.[a-z]+|gopkg\\.in|modernc\\.org|nhooyr\\.io)/[^`\\s]+)`")

// checkReadmeDeps reports the direct requirements of m that its README.md does not name, and,
// when the README has a Dependencies section, the modules named there that m does not require.
func checkReadmeDeps(m *module) []string {
	readme, err := os.ReadFile(filepath.Join(m.dir, "README.md"))
	if err != nil {
		return []string{fmt.Sprintf("%s: README.md: %v", m.dir, err)}
	}
	text := string(readme)
	_, section, scoped := strings.Cut(text, "## Dependencies")
	if scoped {
		section, _, _ = strings.Cut(section, "\n## ")
		text = section
	}
	var problems []string
	required := map[string]bool{}
	for _, r := range m.mod.Require {
		required[r.Path] = true
		if r.Indirect || strings.HasPrefix(r.Path, setPrefix) {
			continue // siblings are the set's own layers; only outside code needs a reason
		}
		if !strings.Contains(text, "`"+r.Path+"`") {
			problems = append(problems, fmt.Sprintf("%s: go.mod requires %s but README.md does not say why", m.dir, r.Path))
		}
	}
	if scoped {
		for _, sm := range readmeModule.FindAllStringSubmatch(text, -1) {
			if !required[sm[1]] && !strings.HasPrefix(sm[1], setPrefix) {
				problems = append(problems, fmt.Sprintf("%s: README.md lists %s, which go.mod does not require", m.dir, sm[1]))
			}
		}
	}
	return problems
}
