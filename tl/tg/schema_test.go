package tg

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// schemaDecl is one declaration of api.tl as its text says, read without the generator, so the
// tests below compare the generated tables with the schema itself.
type schemaDecl struct {
	name   string
	id     uint32
	fn     bool
	params []string // "name:Type" words between the id and '='
	result string
}

var declRE = regexp.MustCompile(`^([A-Za-z_][\w.]*)#([0-9a-f]{1,8})\s*(.*?)\s*=\s*(.+)$`)

// apiSchema returns every declaration with an explicit id of tl/schema/api.tl.
func apiSchema(t *testing.T) []schemaDecl {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "schema", "api.tl"))
	if err != nil {
		t.Fatal(err)
	}
	var out []schemaDecl
	fn := false
	var text strings.Builder
	for line := range strings.SplitSeq(string(src), "\n") {
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		switch strings.TrimSpace(line) {
		case "---functions---":
			fn = true
			continue
		case "---types---":
			fn = false
			continue
		}
		text.WriteString(line + " ")
		for {
			s := text.String()
			end := strings.IndexByte(s, ';')
			if end < 0 {
				break
			}
			text.Reset()
			text.WriteString(s[end+1:])
			m := declRE.FindStringSubmatch(strings.TrimSpace(s[:end]))
			if m == nil {
				continue
			}
			id, err := strconv.ParseUint(m[2], 16, 32)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, schemaDecl{name: m[1], id: uint32(id), fn: fn, params: strings.Fields(m[3]), result: m[4]})
		}
	}
	if len(out) < 1000 {
		t.Fatalf("read only %d declarations from api.tl", len(out))
	}
	return out
}

// paramType returns the type of a "name:Type" word without its flags condition.
func paramType(p string) string {
	_, typ, _ := strings.Cut(p, ":")
	if i := strings.IndexByte(typ, '?'); i >= 0 {
		typ = typ[i+1:]
	}
	return typ
}
