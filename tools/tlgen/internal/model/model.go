// Package model turns a parsed TL schema into the Go shapes the emitter prints: struct and field
// names, Go types of fields, abstract types (classes) and their constructors, result decoders.
// It is pure: no I/O, deterministic output for a given input.
package model

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/mtgo-labs/mtgo/tools/tlgen/internal/schema"
)

// Kind classifies a field type.
type Kind int

// Field type kinds.
const (
	KInt    Kind = iota // int -> int32
	KLong               // long -> int64
	KDouble             // double -> float64
	KString             // string -> string
	KBytes              // bytes -> []byte
	KInt128             // int128 -> tl.Int128
	KInt256             // int256 -> tl.Int256
	KBool               // Bool -> bool (boxed boolTrue/boolFalse)
	KTrue               // flags.N?true -> bool, no payload
	KVector             // Vector<T> (boxed) or vector<T> (bare) -> []T
	KStruct             // a type with one constructor, or a bare constructor -> struct (or *struct)
	KClass              // a type with several constructors -> interface
	KQuery              // !X -> tl.Encoder
	KObject             // Object -> tl.Object
)

// Type is the Go view of a TL type expression.
type Type struct {
	Kind   Kind
	Bare   bool    // Struct: no constructor id on the wire; KVector: no vector id
	Elem   *Type   // Vector element
	Struct *Struct // Struct
	Class  *Class  // Class
	Ptr    bool    // Struct held by pointer (optional field)
}

// Scalar reports whether the type is a plain value wrapped in tl.Opt when optional.
func (t *Type) Scalar() bool {
	switch t.Kind {
	case KInt, KLong, KDouble, KString, KBytes, KInt128, KInt256, KBool:
		return true
	}
	return false
}

// Package is one generated Go package.
type Package struct {
	Name    string
	Structs []*Struct // constructors then functions, in schema order
	Classes []*Class  // abstract types with several constructors, sorted by TL name
	Vectors []*Type   // Vector result types that need a decoder type
	Boxes   []Kind    // scalar result kinds that need a box type (KBool)
	Base    *Package  // package re-exported through aliases (mt for tg), may be nil
	Layer   int       // API layer of the schema, 0 when it declares none
	Warns   []error   // constructor id mismatches

	// Idempotent are the functions (of this package or its base) that may be sent again after
	// a connection cut: read-only methods from a reviewed list, see MarkIdempotent.
	Idempotent []*Struct
}

// Class is an abstract TL type with several constructors; Go interface GoName.
type Class struct {
	TLName string    // "messages.Dialogs"
	GoName string    // "MessagesDialogsClass"
	Short  string    // "MessagesDialogs": the box field name
	Ctors  []*Struct // in schema order
	Pkg    *Package

	minWire int // fewest bytes of a boxed value: id plus the smallest constructor's fields
}

// DecodeFunc returns the name of the class decoder function.
func (c *Class) DecodeFunc() string { return "Decode" + c.GoName }

// BoxName returns the name of the box type usable as an RPC result.
func (c *Class) BoxName() string { return c.GoName + "Box" }

// Struct is a constructor or a function.
type Struct struct {
	TLName   string // "messages.dialogs"
	GoName   string // "MessagesDialogs", "MessagesSendMessageRequest"
	ID       uint32
	Func     bool
	Params   []*Field // every parameter including flags words, in wire order
	Class    *Class   // for constructors of a class; nil for single-constructor types
	TypeName string   // TL result type name ("Updates")
	Result   *Type    // functions: result type; nil for generic functions
	Generic  bool     // function with a {X:Type} parameter whose result is X
	Pkg      *Package
	Pos      schema.Pos

	// Recursive: a value of the struct can hold another one by value, through vectors of it
	// held by value (tree kids:Vector<Tree> = Tree). No pointer or class lies on that path to
	// bound the nesting, so decoders bound it at each such value (tl.Buffer.Enter).
	Recursive bool

	minBare int // fewest bytes of the fields: see MinWire
}

// IDConst returns the name of the type id constant.
func (s *Struct) IDConst() string { return s.GoName + "TypeID" }

// MethodName returns the RPC helper method name of a function.
func (s *Struct) MethodName() string { return strings.TrimSuffix(s.GoName, "Request") }

// HasSecret reports whether a field of the struct is on the redact list.
func (s *Struct) HasSecret() bool {
	for _, f := range s.Params {
		if f.Secret != "" {
			return true
		}
	}
	return false
}

// Fields returns the data fields (everything but flags words).
func (s *Struct) Fields() []*Field {
	var out []*Field
	for _, f := range s.Params {
		if !f.FlagsWord {
			out = append(out, f)
		}
	}
	return out
}

// Field is one parameter.
type Field struct {
	TLName    string
	GoName    string
	FlagsWord bool // name:# (not a Go field)
	FlagIdx   int  // for flags words: index among the struct's flags words
	Type      *Type
	Cond      *schema.Cond
	CondIdx   int // index of the flags word the condition refers to
	Pos       schema.Pos

	// Secret is why the field must not be printed, from the schema's redact list (see
	// MarkSecret); "" for an ordinary field.
	Secret string
}

// Optional reports whether the field is conditional.
func (f *Field) Optional() bool { return f.Cond != nil }

// Build models one schema. base, when non-nil, is the package whose names are re-exported
// (tg re-exports mt).
func Build(pkg string, s *schema.Schema, base *Package) (*Package, error) {
	b := &builder{file: s.File, pkg: &Package{Name: pkg, Base: base}, types: map[string][]*schema.Decl{}, ctors: map[string]*Struct{}}
	return b.build(s)
}

type builder struct {
	file    string
	pkg     *Package
	types   map[string][]*schema.Decl // TL type name -> its constructors
	ctors   map[string]*Struct        // constructor TL name -> struct
	classes map[string]*Class
	single  map[string]*Struct // TL type name -> the only constructor
	errs    []error

	resultOf map[string]*Struct // vector result or box type name -> the first function returning it
}

func (b *builder) errf(pos schema.Pos, format string, args ...any) {
	b.errs = append(b.errs, &schema.Error{File: b.file, Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// builtin type names that are not backed by constructors in the schema.
var builtinKinds = map[string]Kind{
	"int": KInt, "long": KLong, "double": KDouble, "string": KString, "bytes": KBytes,
	"int128": KInt128, "int256": KInt256, "Bool": KBool, "true": KTrue, "Object": KObject,
}

func (b *builder) build(s *schema.Schema) (*Package, error) {
	p := b.pkg
	p.Layer = s.Layer
	p.Warns = append(p.Warns, s.CheckIDs()...)
	var decls []*schema.Decl
	for _, d := range s.Decls {
		if d.Builtin {
			continue
		}
		decls = append(decls, d)
		if !d.Func {
			b.types[d.Result.Name] = append(b.types[d.Result.Name], d)
		}
	}
	// Structs first, so field types can point at them.
	for _, d := range decls {
		st := &Struct{TLName: d.Name, GoName: GoName(d.Name), ID: d.EffectiveID(), Func: d.Func, Pkg: p, Pos: d.Pos, TypeName: d.Result.Name}
		if d.Func {
			st.GoName += "Request"
		} else {
			b.ctors[d.Name] = st
		}
		p.Structs = append(p.Structs, st)
	}
	// Constructors before functions.
	sort.SliceStable(p.Structs, func(i, j int) bool { return !p.Structs[i].Func && p.Structs[j].Func })
	b.classes = map[string]*Class{}
	b.single = map[string]*Struct{}
	var names []string
	for name := range b.types {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		ds := b.types[name]
		if _, ok := builtinKinds[name]; ok {
			continue // KBool, True...: constructors exist but fields use Go scalars
		}
		if len(ds) == 1 {
			b.single[name] = b.ctors[ds[0].Name]
			continue
		}
		c := &Class{TLName: name, Short: GoName(name), Pkg: p}
		c.GoName = c.Short + "Class"
		for _, d := range ds {
			st := b.ctors[d.Name]
			st.Class = c
			c.Ctors = append(c.Ctors, st)
		}
		b.classes[name] = c
		p.Classes = append(p.Classes, c)
	}
	byName := map[string]*schema.Decl{}
	for _, d := range decls {
		byName[d.Name] = d
	}
	for _, st := range p.Structs {
		d := byName[st.TLName]
		b.fields(st, d)
		if st.Func {
			if len(d.Generic) > 0 {
				st.Generic = true
			} else {
				st.Result = b.resolve(d.Result, d.Pos, d.Generic)
			}
		}
	}
	b.markRecursive()
	b.minSizes()
	b.checkFinite()
	b.collectResults()
	b.checkNames()
	if len(b.errs) > 0 {
		return nil, errors.Join(b.errs...)
	}
	return p, nil
}

func (b *builder) fields(st *Struct, d *schema.Decl) {
	flagIdx := map[string]int{}
	used := map[string]string{}
	for _, prm := range d.Params {
		f := &Field{TLName: prm.Name, GoName: GoName(prm.Name), Pos: prm.Pos}
		if prm.Flags {
			f.FlagsWord = true
			f.FlagIdx = len(flagIdx)
			flagIdx[prm.Name] = f.FlagIdx
			st.Params = append(st.Params, f)
			continue
		}
		switch f.GoName {
		case "TypeID", "TypeName", "Encode", "Decode", "EncodeBare", "DecodeBare":
			f.GoName += "Field"
		}
		if prev, ok := used[f.GoName]; ok {
			b.errf(prm.Pos, "fields %s and %s of %s both map to Go name %s", prev, prm.Name, d.Name, f.GoName)
		}
		used[f.GoName] = prm.Name
		if prm.Cond != nil {
			f.Cond = prm.Cond
			f.CondIdx = flagIdx[prm.Cond.Field]
		}
		f.Type = b.resolve(prm.Type, prm.Pos, d.Generic)
		if f.Type == nil {
			continue
		}
		if f.Type.Kind == KStruct && prm.Cond != nil {
			f.Type = &Type{Kind: KStruct, Bare: f.Type.Bare, Struct: f.Type.Struct, Ptr: true}
		}
		st.Params = append(st.Params, f)
	}
}

// resolve maps a TL type expression to a Go type.
func (b *builder) resolve(t *schema.Type, pos schema.Pos, generic []string) *Type {
	if t.Bang {
		return &Type{Kind: KQuery}
	}
	for _, g := range generic {
		if t.Name == g {
			b.errf(pos, "type parameter %s can only be used as !%s", g, g)
			return nil
		}
	}
	if t.Name == "Vector" || t.Name == "vector" {
		if t.Arg == nil {
			b.errf(pos, "%s needs an element type: %s<T>", t.Name, t.Name)
			return nil
		}
		elem := b.resolve(t.Arg, pos, generic)
		if elem == nil {
			return nil
		}
		if elem.Kind == KTrue || elem.Kind == KQuery {
			b.errf(pos, "%s cannot be a vector element", t.Arg)
			return nil
		}
		return &Type{Kind: KVector, Bare: t.Name == "vector", Elem: elem}
	}
	if t.Arg != nil {
		b.errf(pos, "type %s takes no type argument", t.Name)
		return nil
	}
	if k, ok := builtinKinds[t.Name]; ok {
		return &Type{Kind: k}
	}
	if t.Bare {
		if st, ok := b.ctors[t.Name]; ok {
			return &Type{Kind: KStruct, Bare: true, Struct: st}
		}
		if st, ok := b.single[t.Name]; ok { // %Type
			return &Type{Kind: KStruct, Bare: true, Struct: st}
		}
		if _, ok := b.classes[t.Name]; ok {
			b.errf(pos, "bare %%%s is ambiguous: %s has several constructors", t.Name, t.Name)
			return nil
		}
		b.errf(pos, "unknown bare type or constructor %q", t.Name)
		return nil
	}
	if st, ok := b.single[t.Name]; ok {
		return &Type{Kind: KStruct, Struct: st}
	}
	if c, ok := b.classes[t.Name]; ok {
		return &Type{Kind: KClass, Class: c}
	}
	b.errf(pos, "unknown type %q", t.Name)
	return nil
}

// markRecursive sets Recursive on the structs that reach themselves through values held by
// value: required struct fields and vector elements. Pointers (optional fields), classes and
// objects are left out: their decoders bound the depth already. A cycle of required struct
// fields alone has no finite encoding (checkFinite rejects it), so every such path goes through
// a vector.
func (b *builder) markRecursive() {
	next := func(st *Struct) []*Struct {
		var out []*Struct
		for _, f := range st.Params {
			t := f.Type
			for t != nil && t.Kind == KVector {
				t = t.Elem
			}
			if t != nil && t.Kind == KStruct && !t.Ptr && t.Struct.Pkg == b.pkg {
				out = append(out, t.Struct)
			}
		}
		return out
	}
	for _, st := range b.pkg.Structs {
		seen := map[*Struct]bool{}
		stack := next(st)
		for len(stack) > 0 && !st.Recursive {
			s := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if s == st {
				st.Recursive = true
			} else if !seen[s] {
				seen[s] = true
				stack = append(stack, next(s)...)
			}
		}
	}
}

// collectResults records the vector and scalar result types that need decoder types.
func (b *builder) collectResults() {
	b.resultOf = map[string]*Struct{}
	seenV := map[string]bool{}
	seenB := map[Kind]bool{}
	for _, st := range b.pkg.Structs {
		if !st.Func || st.Result == nil {
			continue
		}
		r := st.Result
		switch {
		case r.Kind == KVector:
			if r.Elem.Kind == KVector {
				b.errf(st.Pos, "result %s of %s: nested vectors are not supported as results", st.TLName, st.TLName)
				continue
			}
			if n := VectorName(r); !seenV[n] {
				seenV[n] = true
				b.pkg.Vectors = append(b.pkg.Vectors, r)
				b.resultOf[n] = st
			}
		case r.Scalar():
			if !seenB[r.Kind] {
				seenB[r.Kind] = true
				b.pkg.Boxes = append(b.pkg.Boxes, r.Kind)
				b.resultOf[BoxName(r.Kind)] = st
			}
		case r.Kind == KClass || r.Kind == KStruct:
		default:
			b.errf(st.Pos, "unsupported result type of %s", st.TLName)
		}
	}
	sort.Slice(b.pkg.Vectors, func(i, j int) bool { return VectorName(b.pkg.Vectors[i]) < VectorName(b.pkg.Vectors[j]) })
	sort.Slice(b.pkg.Boxes, func(i, j int) bool { return b.pkg.Boxes[i] < b.pkg.Boxes[j] })
}

// ScalarName is the Go-facing name of a scalar kind used in generated type names.
func ScalarName(k Kind) string {
	return [...]string{KInt: "Int", KLong: "Long", KDouble: "Double", KString: "String", KBytes: "Bytes",
		KInt128: "Int128", KInt256: "Int256", KBool: "Bool", KTrue: "True", KObject: "Object"}[k]
}

// VectorName is the name of the decoder type of a Vector result.
func VectorName(t *Type) string {
	e := t.Elem
	switch e.Kind {
	case KStruct:
		return e.Struct.GoName + "Vector"
	case KClass:
		return e.Class.GoName + "Vector"
	}
	return ScalarName(e.Kind) + "Vector"
}

// BoxName is the name of the box type of a scalar result.
func BoxName(k Kind) string { return ScalarName(k) + "Box" }

// checkNames reports package-level Go names declared twice.
func (b *builder) checkNames() {
	seen := map[string]string{}
	add := func(name, what string, pos schema.Pos) {
		if prev, ok := seen[name]; ok {
			b.errf(pos, "Go name %s of %s collides with %s", name, what, prev)
			return
		}
		seen[name] = what
	}
	p := b.pkg
	for _, n := range reserved {
		add(n, "a fixed package-level name", schema.Pos{})
	}
	for _, st := range p.Structs {
		add(st.GoName, st.TLName, st.Pos)
		add(st.IDConst(), st.TLName+" id", st.Pos)
	}
	for _, c := range p.Classes {
		pos := c.Ctors[0].Pos
		add(c.GoName, "type "+c.TLName, pos)
		add(c.DecodeFunc(), "decoder of "+c.TLName, pos)
		add(c.BoxName(), "box of "+c.TLName, pos)
	}
	// A result type is named after the first function returning it.
	result := func(name string) {
		fn := b.resultOf[name]
		add(name, "the result of "+fn.TLName, fn.Pos)
	}
	for _, v := range p.Vectors {
		result(VectorName(v))
	}
	for _, k := range p.Boxes {
		result(BoxName(k))
	}
}

// reserved are the hand-picked package-level names every generated package declares.
var reserved = []string{"TLObject", "TypeName", "NewObject", "DecodeObject", "Invoker", "Client", "NewClient",
	"UpdatePts", "UpdateQts", "UpdateChannelID", "UnwrapQuery", "ResultDecoder", "ResultObject", "IsIdempotent",
	"AnyObject", "AnyVector", "Entities"}
