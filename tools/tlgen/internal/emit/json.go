package emit

import (
	"bytes"
	"fmt"
	"go/format"
	"strings"

	"github.com/mtgo-labs/mtgo/tools/tlgen/internal/model"
)

// JSONConfig tells EmitJSON where the generated types live and what to call the table package.
type JSONConfig struct {
	Package       string // Go package name of the table ("tgjson")
	RuntimeImport string // import path of the tl runtime
	TypesImport   string // import path of the package generated from the model ("…/tl/tg")
	BaseImport    string // import path of Package.Base ("…/tl/mt"), when the model has a base
	Generator     string // the command named in the generated-code header
}

// JSONFile is the name of the one file EmitJSON writes.
const JSONFile = "table_gen.go"

// EmitJSON writes the JSON table of p and of its base: one row per constructor and function with
// its TL name, id, result type, a constructor of the Go value and its fields in Go order.
//
// The table is data, not code: a hand-written walker in the table's package maps Go values to
// JSON through it, so the generated file stays one literal that compiles in well under a second
// where a pair of methods per type would add tens of thousands of lines to build.
func EmitJSON(p *model.Package, cfg JSONConfig, w Writer) error {
	if cfg.Package == "" || cfg.TypesImport == "" {
		return fmt.Errorf("emit json: package name and types import are required")
	}
	var out bytes.Buffer
	fmt.Fprintf(&out, header, cfg.Generator)
	fmt.Fprintf(&out, "package %s\n\n", cfg.Package)
	typesName := cfg.TypesImport[strings.LastIndexByte(cfg.TypesImport, '/')+1:]
	imports := []string{cfg.RuntimeImport, cfg.TypesImport}
	seen := map[string]bool{}
	var rows []*model.Struct
	for _, st := range p.Structs {
		seen[st.TLName] = true
		rows = append(rows, st)
	}
	baseName := ""
	if p.Base != nil {
		if cfg.BaseImport == "" {
			return fmt.Errorf("emit json: the model has a base package but no base import was given")
		}
		baseName = cfg.BaseImport[strings.LastIndexByte(cfg.BaseImport, '/')+1:]
		used := false
		for _, st := range p.Base.Structs {
			if !seen[st.TLName] {
				seen[st.TLName] = true
				rows = append(rows, st)
				used = true
			}
		}
		if used {
			imports = append(imports, cfg.BaseImport)
		}
	}
	out.WriteString("import (\n")
	for _, imp := range imports {
		fmt.Fprintf(&out, "\t%q\n", imp)
	}
	out.WriteString(")\n\n")
	if p.Layer > 0 {
		fmt.Fprintf(&out, "// Layer is the API layer of the schema the table was generated from.\nconst Layer = %d\n\n", p.Layer)
	}
	out.WriteString("// table lists every constructor and function of the schema (and of its base).\n")
	out.WriteString("// Fields name the Go fields in order; a field under a flag carries its condition (name:flags.N).\n")
	out.WriteString("var table = [...]decl{\n")
	for _, st := range rows {
		pkg := typesName
		if st.Pkg != p {
			pkg = baseName
		}
		var fields []string
		for _, fl := range st.Fields() {
			name := fl.TLName
			if fl.Optional() {
				name += fmt.Sprintf(":%s.%d", fl.Cond.Field, fl.Cond.Bit)
			}
			fields = append(fields, name)
		}
		fmt.Fprintf(&out, "\t{%q, 0x%08x, %t, %q, func() tl.Object { return new(%s.%s) }, %q},\n",
			st.TLName, st.ID, st.Func, st.TypeName, pkg, st.GoName, strings.Join(fields, " "))
	}
	out.WriteString("}\n")
	src, err := format.Source(out.Bytes())
	if err != nil {
		return fmt.Errorf("emit json: format: %w", err)
	}
	if err := w.WriteFile(JSONFile, src); err != nil {
		return fmt.Errorf("emit json: write %s: %w", JSONFile, err)
	}
	return nil
}
