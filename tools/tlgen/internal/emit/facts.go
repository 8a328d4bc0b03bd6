package emit

import (
	"sort"
	"strings"

	"github.com/mtgo-labs/mtgo/tools/tlgen/internal/model"
)

// vectorIdentity makes a Vector result type a tl.Object, so an answer decoded into it can be
// handed around like any other object.
func (e *emitter) vectorIdentity(f *file, name string) {
	f.p("// TypeID returns tl.VectorID: the value is a boxed vector.")
	f.p("func (*%s) TypeID() uint32 { return tl.VectorID }\n", name)
	f.p("// TypeName returns \"vector\".")
	f.p("func (*%s) TypeName() string { return \"vector\" }\n", name)
}

// caseList prints the Go types of sts as one comma-separated case list.
func (f *file) caseList(sts []*model.Struct) string {
	names := make([]string, len(sts))
	for i, st := range sts {
		names[i] = "*" + f.qual(st.Pkg, st.GoName)
	}
	return strings.Join(names, ", ")
}

// methods prints what callers of an RPC need to know about a method from the schema alone:
// which functions only wrap another query, what the result decodes into, and which methods
// may be sent again after a connection cut.
func (e *emitter) methods(f *file) {
	f.use(e.cfg.RuntimeImport)
	var wrappers []*model.Struct
	vectors := map[string][]*model.Struct{} // vector type (qualified) -> functions returning it
	for _, st := range e.p.Functions() {
		if st.WrapperQuery() != nil {
			wrappers = append(wrappers, st)
		}
		if !st.Generic && st.Result != nil && st.Result.Kind == model.KVector {
			n := f.qual(st.Pkg, model.VectorName(st.Result))
			vectors[n] = append(vectors[n], st)
		}
	}

	f.p("// UnwrapQuery returns the query inside the wrapper functions of the schema, the ones of the")
	f.p("// form `X {X:Type} ... query:!X = X` (invokeWithLayer, initConnection and the like), whose")
	f.p("// result is that of the query they carry. Anything else, and a wrapper without a query, is")
	f.p("// returned as it is.")
	if len(wrappers) == 0 {
		f.p("func UnwrapQuery(q tl.Encoder) tl.Encoder { return q }\n")
	} else {
		f.p("func UnwrapQuery(q tl.Encoder) tl.Encoder {")
		f.p("\tfor range tl.MaxDepth { // a wrapper holding itself cannot loop forever")
		f.p("\t\tvar inner tl.Encoder")
		f.p("\t\tswitch w := q.(type) {")
		for _, st := range wrappers {
			f.p("\t\tcase *%s:\n\t\t\tif w != nil {\n\t\t\t\tinner = w.%s\n\t\t\t}", f.qual(st.Pkg, st.GoName), st.WrapperQuery().GoName)
		}
		f.p("\t\t}")
		f.p("\t\tif inner == nil {\n\t\t\treturn q\n\t\t}")
		f.p("\t\tq = inner")
		f.p("\t}")
		f.p("\treturn q")
		f.p("}\n")
	}

	f.p("// ResultDecoder returns a fresh value that decodes the result of q (seen through")
	f.p("// UnwrapQuery): the Vector result type of a method that returns a vector, such as *IntVector,")
	f.p("// and an *AnyObject for every other method or an unknown q. ResultObject gives what it decoded.")
	f.p("func ResultDecoder(q tl.Encoder) tl.Decoder {")
	if len(vectors) > 0 {
		names := make([]string, 0, len(vectors))
		for n := range vectors {
			names = append(names, n)
		}
		sort.Strings(names)
		f.p("\tswitch UnwrapQuery(q).(type) {")
		for _, n := range names {
			f.p("\tcase %s:\n\t\treturn &%s{}", f.caseList(vectors[n]), n)
		}
		f.p("\t}")
	}
	f.p("\treturn &AnyObject{}")
	f.p("}\n")

	f.p("// ResultObject returns the value a decoder from ResultDecoder decoded: the object an")
	f.p("// *AnyObject holds, or the decoder itself for the Vector result types.")
	f.p("func ResultObject(d tl.Decoder) tl.Object {")
	f.p("\tswitch d := d.(type) {")
	f.p("\tcase *AnyObject:\n\t\treturn d.Object")
	f.p("\tcase tl.Object:\n\t\treturn d")
	f.p("\t}")
	f.p("\treturn nil")
	f.p("}\n")

	f.p("// IsIdempotent reports whether q (seen through UnwrapQuery) may be sent again after a")
	f.p("// connection cut without harm: true only for the read-only methods of the reviewed list kept")
	f.p("// next to the schema. A method not on the list is not resent.")
	if len(e.p.Idempotent) == 0 {
		f.p("func IsIdempotent(q tl.Encoder) bool { return false }\n")
	} else {
		f.p("func IsIdempotent(q tl.Encoder) bool {")
		f.p("\tswitch UnwrapQuery(q).(type) {")
		for _, st := range e.p.Idempotent {
			f.p("\tcase *%s:\n\t\treturn true", f.qual(st.Pkg, st.GoName))
		}
		f.p("\t}")
		f.p("\treturn false")
		f.p("}\n")
	}

	f.p("// AnyObject decodes any boxed object of the registry, or a vector of them as an *AnyVector;")
	f.p("// Object holds the result.")
	f.p("type AnyObject struct {\n\tObject tl.Object\n}\n")
	f.p("// Decode reads one boxed object or vector.")
	f.p("func (x *AnyObject) Decode(b *tl.Buffer) error {")
	f.p("\tid, err := b.PeekID()")
	f.p("\tif err != nil {\n\t\treturn b.DecodeErr(\"Object\", \"\", err)\n\t}")
	f.p("\tif id == tl.VectorID {")
	f.p("\t\tv := &AnyVector{}")
	f.p("\t\tif err := v.Decode(b); err != nil {\n\t\t\treturn err\n\t\t}")
	f.p("\t\tx.Object = v")
	f.p("\t\treturn nil")
	f.p("\t}")
	f.p("\tx.Object, err = DecodeObject(b)")
	f.p("\treturn err")
	f.p("}\n")
	f.p("// Encode writes the held object.")
	f.p("func (x *AnyObject) Encode(b *tl.Buffer) error {")
	nilGuard(f, "x", "Object")
	f.p("\tif x.Object == nil {\n\t\treturn tl.NilFieldError(\"Object\", \"\")\n\t}")
	f.p("\treturn x.Object.Encode(b)")
	f.p("}\n")
	objects := &model.Type{Kind: model.KVector, Elem: &model.Type{Kind: model.KObject}}
	fl := &model.Field{GoName: "Elems", Type: objects}
	pseudo := &model.Struct{TLName: "Vector"}
	f.p("// AnyVector is a vector of boxed objects of any type.")
	f.p("type AnyVector struct {\n\tElems []tl.Object\n}\n")
	e.vectorIdentity(f, "AnyVector")
	f.p("// Decode reads the vector.")
	f.p("func (x *AnyVector) Decode(b *tl.Buffer) (err error) {")
	e.decodeValue(f, pseudo, fl, objects, "x.Elems", 0)
	f.p("\treturn nil")
	f.p("}\n")
	f.p("// Encode writes the vector.")
	f.p("func (x *AnyVector) Encode(b *tl.Buffer) error {")
	nilGuard(f, "x", "Vector")
	e.encodeValue(f, pseudo, fl, objects, "x.Elems", 0)
	f.p("\treturn b.WriteErr()")
	f.p("}")
}

// entityField is a field that holds users or chats: a list of them or a single one.
type entityField struct {
	fl   *model.Field
	list bool
}

// entities prints Entities, which finds the users and chats an object carries with one type
// switch over every constructor that has User or Chat fields, their boxes and vector results.
func (e *emitter) entities(f *file) {
	user, chat := e.class("User"), e.class("Chat")
	carried := func(st *model.Struct) (users, chats []entityField) {
		for _, fl := range st.Fields() {
			t, list := fl.Type, false
			if t.Kind == model.KVector {
				t, list = t.Elem, true
			}
			if t.Kind != model.KClass {
				continue
			}
			switch t.Class {
			case user:
				users = append(users, entityField{fl, list})
			case chat:
				chats = append(chats, entityField{fl, list})
			}
		}
		return users, chats
	}
	carrier := map[*model.Struct]bool{}
	for _, c := range []*model.Class{user, chat} {
		for _, st := range c.Ctors {
			carrier[st] = true
		}
	}
	var holders []*model.Struct
	for _, st := range e.p.Structs {
		if st.Class == user || st.Class == chat {
			continue
		}
		if u, c := carried(st); len(u)+len(c) > 0 {
			holders = append(holders, st)
			carrier[st] = true
		}
	}

	f.p("// Entities returns the users and chats obj carries: the users and chats lists and single")
	f.p("// user or chat fields of every constructor of the schema that has them (results, updates,")
	f.p("// auth.authorization, chatInviteAlready, ...), the Box of their classes, Vector results of")
	f.p("// them, a single user or chat, and []%s or []%s. Anything else gives nil, nil.", user.GoName, chat.GoName)
	f.p("// The returned slices may alias obj's.")
	f.p("func Entities(obj any) (users []%s, chats []%s) {", user.GoName, chat.GoName)
	f.p("\tswitch x := obj.(type) {")
	f.p("\tcase []%s:\n\t\treturn x, nil", user.GoName)
	f.p("\tcase []%s:\n\t\treturn nil, x", chat.GoName)
	for _, st := range user.Ctors {
		f.p("\tcase *%s:\n\t\tif x != nil {\n\t\t\treturn []%s{x}, nil\n\t\t}", st.GoName, user.GoName)
	}
	for _, st := range chat.Ctors {
		f.p("\tcase *%s:\n\t\tif x != nil {\n\t\t\treturn nil, []%s{x}\n\t\t}", st.GoName, chat.GoName)
	}
	for _, st := range holders {
		u, c := carried(st)
		f.p("\tcase *%s:", st.GoName)
		f.p("\t\tif x != nil {")
		direct := func(fs []entityField) (string, bool) {
			switch {
			case len(fs) == 0:
				return "nil", true
			case len(fs) == 1 && fs[0].list:
				return "x." + fs[0].fl.GoName, true
			}
			return "", false
		}
		ue, uok := direct(u)
		ce, cok := direct(c)
		if !uok {
			collect(f, "users", u)
			ue = "users"
		}
		if !cok {
			collect(f, "chats", c)
			ce = "chats"
		}
		f.p("\t\t\treturn %s, %s", ue, ce)
		f.p("\t\t}")
	}
	for _, c := range e.p.Classes {
		for _, st := range c.Ctors {
			if carrier[st] {
				f.p("\tcase *%s:\n\t\tif x != nil {\n\t\t\treturn Entities(x.%s)\n\t\t}", c.BoxName(), c.Short)
				break
			}
		}
	}
	for _, v := range e.p.Vectors {
		name := model.VectorName(v)
		switch {
		case v.Elem.Kind == model.KClass && v.Elem.Class == user:
			f.p("\tcase *%s:\n\t\tif x != nil {\n\t\t\treturn x.Elems, nil\n\t\t}", name)
		case v.Elem.Kind == model.KClass && v.Elem.Class == chat:
			f.p("\tcase *%s:\n\t\tif x != nil {\n\t\t\treturn nil, x.Elems\n\t\t}", name)
		case v.Elem.Kind == model.KClass && carriesAny(v.Elem.Class.Ctors, carrier),
			v.Elem.Kind == model.KStruct && carrier[v.Elem.Struct]:
			f.p("\tcase *%s:", name)
			f.p("\t\tif x != nil {")
			f.p("\t\t\tfor i := range x.Elems {")
			el := "x.Elems[i]"
			if v.Elem.Kind == model.KStruct {
				el = "&" + el
			}
			f.p("\t\t\t\tu, c := Entities(%s)", el)
			f.p("\t\t\t\tusers, chats = append(users, u...), append(chats, c...)")
			f.p("\t\t\t}")
			f.p("\t\t\treturn users, chats")
			f.p("\t\t}")
		}
	}
	f.p("\t}")
	f.p("\treturn nil, nil")
	f.p("}")
}

func carriesAny(sts []*model.Struct, carrier map[*model.Struct]bool) bool {
	for _, st := range sts {
		if carrier[st] {
			return true
		}
	}
	return false
}

// collect prints the statements that gather several fields into the named result out, leaving
// out single fields that are nil.
func collect(f *file, out string, fs []entityField) {
	for _, ef := range fs {
		if ef.list {
			f.p("\t\t\t%s = append(%s, x.%s...)", out, out, ef.fl.GoName)
		} else {
			f.p("\t\t\tif x.%s != nil {\n\t\t\t\t%s = append(%s, x.%s)\n\t\t\t}", ef.fl.GoName, out, out, ef.fl.GoName)
		}
	}
}
