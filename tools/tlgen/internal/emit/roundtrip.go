package emit

import (
	"fmt"
	"math"
	"strings"

	"github.com/mtgo-labs/mtgo/tools/tlgen/internal/model"
)

// roundTrip prints roundtrip_gen_test.go: a random-value generator per struct and class and one
// table with a case per constructor and function, run through tltest.RoundTrip, then the table
// of TestRedacted when the package has secret fields.
func (e *emitter) roundTrip(f *file) {
	f.use("testing")
	f.use(e.cfg.RuntimeImport)
	f.use(e.cfg.RuntimeImport + "/tltest")
	h := heights(e.p)
	query := e.queryStruct()
	for _, st := range e.p.Structs {
		e.randStruct(f, st, query)
	}
	for _, c := range e.p.Classes {
		leaf := 0
		for i, st := range c.Ctors {
			if h[st] < h[c.Ctors[leaf]] {
				leaf = i
			}
		}
		f.p("func rand%s(r *tltest.Rand, d int) %s {", c.GoName, c.GoName)
		f.p("\tn := %d", leaf)
		f.p("\tif d <= tltest.MaxDepth {\n\t\tn = r.Intn(%d)\n\t}", len(c.Ctors))
		f.p("\tswitch n {")
		for i, st := range c.Ctors {
			f.p("\tcase %d:\n\t\treturn rand%s(r, d+1)", i, st.GoName)
		}
		f.p("\t}\n\treturn nil\n}\n")
	}
	f.p("var roundTripCases = []tltest.Case{")
	for _, st := range e.p.Structs {
		f.p("\t{Name: %q, New: func(r *tltest.Rand) tl.Object { return rand%s(r, 0) }},", st.TLName, st.GoName)
	}
	f.p("}\n")
	f.p("var testRegistry = tltest.Registry{Decode: DecodeObject, NewObject: NewObject}\n")
	f.p("func TestRoundTrip(t *testing.T) {")
	f.p("\ttltest.RoundTrip(t, roundTripCases, testRegistry)")
	f.p("}\n")
	e.redactCases(f, query)
}

// queryStruct picks a function whose fields are all scalars, used as the query of generic
// requests in round-trip tests.
func (e *emitter) queryStruct() *model.Struct {
	for _, st := range e.p.Structs {
		if !st.Func || st.Generic || len(st.Params) == 0 {
			continue
		}
		ok := true
		for _, fl := range st.Params {
			if fl.FlagsWord || !fl.Type.Scalar() {
				ok = false
			}
		}
		if ok {
			return st
		}
	}
	return nil
}

func (e *emitter) randStruct(f *file, st *model.Struct, query *model.Struct) {
	f.p("func rand%s(r *tltest.Rand, d int) *%s {", st.GoName, st.GoName)
	fields := st.Fields()
	if len(fields) == 0 {
		f.p("\treturn &%s{}\n}\n", st.GoName)
		return
	}
	f.p("\tm := &%s{}", st.GoName)
	type key struct{ w, bit int }
	groupVar := map[key]string{}
	for _, fl := range fields {
		if !fl.Optional() {
			f.p("\tm.%s = %s", fl.GoName, e.randExpr(f, fl.Type, query))
			continue
		}
		k := key{fl.CondIdx, fl.Cond.Bit}
		pv, ok := groupVar[k]
		if !ok {
			pv = fmt.Sprintf("p%d_%d", k.w, k.bit)
			groupVar[k] = pv
			f.p("\t%s := r.Present(d)", pv)
		}
		switch {
		case fl.Type.Kind == model.KTrue:
			f.p("\tm.%s = %s", fl.GoName, pv)
		case fl.Type.Scalar():
			f.p("\tif %s {\n\t\tm.%s = tl.Some(%s)\n\t}", pv, fl.GoName, e.randExpr(f, fl.Type, query))
		default:
			f.p("\tif %s {\n\t\tm.%s = %s\n\t}", pv, fl.GoName, e.randExpr(f, fl.Type, query))
		}
	}
	f.p("\treturn m\n}\n")
}

func (e *emitter) randExpr(f *file, t *model.Type, query *model.Struct) string {
	switch t.Kind {
	case model.KInt:
		return "r.Int32()"
	case model.KLong:
		return "r.Int64()"
	case model.KDouble:
		return "r.Float64()"
	case model.KString:
		return "r.String()"
	case model.KBytes:
		return "r.Bytes()"
	case model.KInt128:
		return "r.Int128()"
	case model.KInt256:
		return "r.Int256()"
	case model.KBool:
		return "r.Bool()"
	case model.KStruct:
		call := fmt.Sprintf("rand%s(r, d+1)", t.Struct.GoName)
		if t.Struct.Pkg != e.p {
			e.fail("emit: round-trip of a base-package struct")
		}
		if t.Ptr {
			return call
		}
		return "*" + call
	case model.KClass:
		return fmt.Sprintf("rand%s(r, d+1)", t.Class.GoName)
	case model.KQuery, model.KObject:
		if query == nil {
			e.fail("emit: no function usable as a query in round-trip tests")
			return "nil"
		}
		return fmt.Sprintf("rand%s(r, d+1)", query.GoName)
	case model.KVector:
		var sb strings.Builder
		fmt.Fprintf(&sb, "func() %s {\n\t\ts := make(%s, r.Len(d))\n\t\tfor i := range s {\n\t\t\ts[i] = %s\n\t\t}\n\t\treturn s\n\t}()",
			f.goType(t), f.goType(t), e.randExpr(f, t.Elem, query))
		return sb.String()
	}
	e.fail(fmt.Sprintf("emit: no random value for kind %d", t.Kind))
	return "nil"
}

// heights computes, per struct, how deep the chain of required nested values must be; random
// generators past MaxDepth pick the constructor with the smallest height so recursion ends.
func heights(p *model.Package) map[*model.Struct]int {
	h := map[*model.Struct]int{}
	for _, st := range p.Structs {
		h[st] = math.MaxInt32
	}
	classH := func(c *model.Class) int {
		m := math.MaxInt32
		for _, st := range c.Ctors {
			m = min(m, h[st])
		}
		return m
	}
	for changed := true; changed; {
		changed = false
		for _, st := range p.Structs {
			v := 1
			for _, fl := range st.Fields() {
				if fl.Optional() {
					continue
				}
				switch fl.Type.Kind {
				case model.KStruct:
					v = max(v, sat(h[fl.Type.Struct]))
				case model.KClass:
					v = max(v, sat(classH(fl.Type.Class)))
				}
			}
			if v < h[st] {
				h[st] = v
				changed = true
			}
		}
	}
	return h
}

func sat(v int) int {
	if v >= math.MaxInt32-1 {
		return math.MaxInt32
	}
	return v + 1
}
