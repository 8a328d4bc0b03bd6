package emit

import (
	"strings"

	"github.com/mtgo-labs/mtgo/tools/tlgen/internal/model"
)

// secretNames lists the TL names of the secret fields of st.
func secretNames(st *model.Struct) string {
	var names []string
	for _, fl := range st.Fields() {
		if fl.Secret != "" {
			names = append(names, fl.TLName)
		}
	}
	return strings.Join(names, ", ")
}

// secretSize is the expression of the size tl.Secret shows for a secret field: the length of a
// byte string, string or intN, -1 for anything else.
func secretSize(fl *model.Field) string {
	v := "m." + fl.GoName
	if fl.Optional() && fl.Type.Scalar() {
		v += ".Value"
	}
	switch fl.Type.Kind {
	case model.KBytes, model.KString, model.KInt128, model.KInt256:
		return "len(" + v + ")"
	}
	return "-1"
}

// prints reports whether st prints itself: it has fields on the redact list, or holds by value
// (alone or in a vector) a struct that prints itself. Under a verb a pointer does not take (%s,
// %d) fmt prints a struct it meets through a pointer without asking the methods of anything
// inside, so a value held by value is redacted only if its holder prints itself too.
func (e *emitter) prints(st *model.Struct) bool {
	if e.printers == nil {
		e.printers = map[*model.Struct]bool{}
		for changed := true; changed; {
			changed = false
			for _, s := range e.p.Structs {
				if !e.printers[s] && (s.HasSecret() || e.holdsPrinter(s)) {
					e.printers[s] = true
					changed = true
				}
			}
		}
	}
	return e.printers[st]
}

// holdsPrinter reports whether st holds by value a struct known to print itself.
func (e *emitter) holdsPrinter(st *model.Struct) bool {
	for _, fl := range st.Fields() {
		t := fl.Type
		for t.Kind == model.KVector {
			t = t.Elem
		}
		if t.Kind == model.KStruct && !t.Ptr && e.printers[t.Struct] {
			return true
		}
	}
	return false
}

// redactMethods prints, for a struct that prints itself (see prints), the methods that print it
// without its secret fields: Format (every fmt verb), LogValue (slog) and MarshalJSON
// (encoding/json, which slog's JSON handler uses for a struct holding the value), all through
// one list of fields; and UnmarshalJSON, which refuses what MarshalJSON wrote.
func (e *emitter) redactMethods(f *file, st *model.Struct) {
	if !e.prints(st) {
		return
	}
	f.use("fmt")
	f.use("log/slog")
	secret := secretNames(st)
	if secret == "" {
		secret = "the secret fields of the values it holds"
	}
	f.p("// redacted returns the fields of m for printing, %s redacted; nil for a nil m.", secret)
	f.p("func (m *%s) redacted() []slog.Attr {", st.GoName)
	f.p("\tif m == nil {\n\t\treturn nil\n\t}")
	f.p("\treturn []slog.Attr{")
	for _, fl := range st.Fields() {
		if fl.Secret == "" {
			f.p("\t\tslog.Any(%q, m.%s),", fl.GoName, fl.GoName)
			continue
		}
		f.p("\t\tslog.Any(%q, tl.Secret(%s)), // %s", fl.GoName, secretSize(fl), fl.Secret)
	}
	f.p("\t}\n}\n")
	// Format and MarshalJSON take the value, so a copy held by value prints redacted too (fmt
	// and encoding/json print a nil pointer themselves); LogValue takes the pointer, as slog
	// would call it on a nil one.
	f.p("// Format implements fmt.Formatter: every verb prints m with %s redacted.", secret)
	f.p("func (m %s) Format(s fmt.State, verb rune) {", st.GoName)
	f.p("\ttl.FormatRedacted(s, verb, %q, m.redacted())\n}\n", e.p.Name+"."+st.GoName)
	f.p("// LogValue implements slog.LogValuer: m's fields with %s redacted.", secret)
	f.p("func (m *%s) LogValue() slog.Value { return tl.LogRedacted(m.redacted()) }\n", st.GoName)
	f.p("// MarshalJSON implements json.Marshaler: m's fields with %s redacted.", secret)
	f.p("func (m %s) MarshalJSON() ([]byte, error) { return tl.MarshalRedacted(m.redacted()) }\n", st.GoName)
	// Reading the redacted form back would take a placeholder for the secret: refuse it.
	f.p("// UnmarshalJSON implements json.Unmarshaler: it fails with tl.ErrRedactedJSON, as what")
	f.p("// MarshalJSON writes holds placeholders for the secrets, not their values.")
	f.p("func (m *%s) UnmarshalJSON([]byte) error { return tl.UnmarshalRedacted(%q) }\n", st.GoName, e.p.Name+"."+st.GoName)
}

// redactCases prints the table of TestRedacted: for each struct with secret fields, a random
// value whose secret fields are drawn from the second, recording Rand.
func (e *emitter) redactCases(f *file, query *model.Struct) {
	var cases []*model.Struct
	for _, st := range e.p.Structs {
		if st.HasSecret() {
			cases = append(cases, st)
		}
	}
	if len(cases) == 0 {
		return
	}
	f.p("var redactCases = []tltest.RedactCase{")
	for _, st := range cases {
		f.p("\t{Name: %q, New: func(r, secret *tltest.Rand) any {", st.TLName)
		f.p("\t\tm := rand%s(r, 0)", st.GoName)
		f.p("\t\tfunc(r *tltest.Rand, d int) {")
		for _, fl := range st.Fields() {
			if fl.Secret == "" {
				continue
			}
			v := e.randExpr(f, fl.Type, query)
			if fl.Optional() && fl.Type.Scalar() {
				v = "tl.Some(" + v + ")"
			}
			f.p("\t\t\tm.%s = %s", fl.GoName, v)
		}
		f.p("\t\t}(secret, 0)")
		f.p("\t\treturn m")
		f.p("\t}},")
	}
	f.p("}\n")
	f.p("func TestRedacted(t *testing.T) {")
	f.p("\ttltest.Redacted(t, redactCases)")
	f.p("}\n")
}
