package emit

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mtgo-labs/mtgo/tools/tlgen/internal/model"
)

// Encoders.
//
// Fields whose wire size does not depend on their value (the constructor id, flags words, int,
// long, double, int128, int256, Bool and vector headers) are written in runs: consecutive ones
// take one Buffer.Extend, one length check, and are stored at constant offsets into the
// extension, instead of one append each. A vector of such values joins the run before it
// (header and elements in the same extension) and ends it. Anything else (strings, objects,
// optional fields) ends the run and is written as before.
//
// A struct made of such fields only gets two short bodies, Encode and EncodeBare, each one run.
// Any other struct gets one body, encode(b, boxed), that both call: its first run starts with the
// constructor id when boxed (the id is stored at the start of the extension in both cases and,
// when bare, overwritten by the fields).

// Piece kinds besides the model's scalar kinds.
const (
	kWord          model.Kind = -1 - iota // a uint32 expression (a flags word)
	kID                                   // the constructor id (a uint32 constant)
	kVecHeader                            // a boxed vector's header; the expression is the slice
	kBareVecHeader                        // a bare vector's count; the expression is the slice
)

// fixedSize is the wire size of a value of kind k when that size is fixed, else 0.
func fixedSize(k model.Kind) int {
	switch k {
	case model.KInt, model.KBool, kWord, kID, kBareVecHeader:
		return 4
	case model.KLong, model.KDouble, kVecHeader:
		return 8
	case model.KInt128:
		return 16
	case model.KInt256:
		return 32
	}
	return 0
}

// piece is one fixed-size value of a run.
type piece struct {
	kind model.Kind
	v    string // Go expression
}

// idMode says whether a run starts with the constructor id.
type idMode int

const (
	noID    idMode = iota
	constID        // Encode of a fixed-size struct: always
	boxedID        // encode(b, boxed): when boxed
)

// run collects fixed-size pieces and prints them with one extension of the buffer.
type run struct {
	e      *emitter
	f      *file
	st     *model.Struct
	depth  int
	id     idMode
	pieces []piece
	tail   *model.Type // element type of a vector of fixed-size values that ends the run
	tailV  string      // that vector
}

func (r *run) add(k model.Kind, v string) { r.pieces = append(r.pieces, piece{k, v}) }

// addVector adds the header of vector v of type t. A vector of fixed-size values also ends the
// run with its elements; it reports whether it did.
func (r *run) addVector(t *model.Type, v string) bool {
	if t.Bare {
		r.add(kBareVecHeader, v)
	} else {
		r.add(kVecHeader, v)
	}
	if fixedSize(t.Elem.Kind) == 0 {
		return false
	}
	r.tail, r.tailV = t.Elem, v
	r.flush()
	return true
}

// flush prints the pieces collected so far and starts an empty run without the id.
func (r *run) flush() {
	f, ind := r.f, strings.Repeat("\t", r.depth+1)
	id, pieces, tail, tailV := r.id, r.pieces, r.tail, r.tailV
	r.id, r.pieces, r.tail, r.tailV = noID, nil, nil, ""
	if id == constID {
		pieces = append([]piece{{kID, r.st.IDConst()}}, pieces...)
	}
	size := 0
	for _, pc := range pieces {
		size += fixedSize(pc.kind)
	}
	if id == boxedID && len(pieces) == 0 {
		f.p("%sif boxed {\n%s\tb.PutID(%s)\n%s}", ind, ind, r.st.IDConst(), ind)
		return
	}
	if id != boxedID && tail == nil && len(pieces) <= 1 {
		// Nothing to gather: one append costs what one extension does.
		for _, pc := range pieces {
			r.put(ind, pc)
		}
		return
	}
	n := r.e.runs
	r.e.runs++
	p := fmt.Sprintf("p%d", n)
	// The run's size: its fixed part, each string's wire size, the tail's elements.
	var strs []string
	for _, pc := range pieces {
		if pc.kind == model.KString {
			sv := fmt.Sprintf("s%d_%d", n, len(strs))
			f.p("%s%s := tl.StringSize(len(%s))", ind, sv, pc.v)
			strs = append(strs, sv)
		}
	}
	terms := strs
	if size > 0 || len(strs) == 0 {
		terms = append([]string{strconv.Itoa(size)}, strs...)
	}
	total := strings.Join(terms, " + ")
	if tail != nil {
		total += fmt.Sprintf(" + %d*len(%s)", fixedSize(tail.Kind), tailV)
	}
	if id != boxedID && tail == nil && len(strs) == 0 {
		q := fmt.Sprintf("q%d", n)
		f.p("%s%s := (*[%d]byte)(b.Extend(%s))", ind, q, size, total)
		r.stores(ind, q, pieces)
		return
	}
	at := offset{} // where the next piece starts in p
	if id == boxedID {
		f.p("%sh := tl.IDLen(boxed)", ind)
		f.p("%s%s := b.Extend(h + %s)", ind, p, total)
		f.use("encoding/binary")
		f.p("%sbinary.LittleEndian.PutUint32(%s, %s)", ind, p, r.st.IDConst())
		at.vars = []string{"h"}
	} else {
		f.p("%s%s := b.Extend(%s)", ind, p, total)
	}
	// Fixed-size pieces between strings are stored through an array pointer each; a string
	// moves the offsets after it by its size.
	for i, g, si := 0, 0, 0; i < len(pieces); {
		if pieces[i].kind == model.KString {
			f.p("%sb.PutStringAt(%s, %s)", ind, at.slice(p), pieces[i].v)
			at.vars = append(at.vars, strs[si])
			si++
			i++
			continue
		}
		j, gsize := i, 0
		for ; j < len(pieces) && pieces[j].kind != model.KString; j++ {
			gsize += fixedSize(pieces[j].kind)
		}
		q := fmt.Sprintf("q%d", n)
		if g > 0 {
			q = fmt.Sprintf("q%d_%d", n, g)
		}
		g++
		f.p("%s%s := (*[%d]byte)(%s)", ind, q, gsize, at.slice(p))
		r.stores(ind, q, pieces[i:j])
		at.c += gsize
		i = j
	}
	if tail == nil {
		return
	}
	t, x := fmt.Sprintf("t%d", n), fmt.Sprintf("x%d", n)
	f.p("%s%s := %s", ind, t, at.slice(p))
	f.p("%sfor _, %s := range %s {", ind, x, tailV)
	r.store(ind+"\t", t, 0, piece{tail.Kind, x})
	f.p("%s\t%s = %s[%d:]", ind, t, t, fixedSize(tail.Kind))
	f.p("%s}", ind)
}

// offset is a position in a run's extension: the sum of variables (the id's length, strings'
// sizes) and a constant.
type offset struct {
	vars []string
	c    int
}

// slice is the Go expression for p from the offset on.
func (o offset) slice(p string) string {
	terms := o.vars
	if o.c > 0 || len(terms) == 0 {
		terms = append(terms[:len(terms):len(terms)], strconv.Itoa(o.c))
	}
	if len(terms) == 1 && terms[0] == "0" {
		return p
	}
	return p + "[" + strings.Join(terms, "+") + ":]"
}

// stores prints the fixed-size pieces stored one after the other from q[0:].
func (r *run) stores(ind, q string, pieces []piece) {
	off := 0
	for _, pc := range pieces {
		r.store(ind, q, off, pc)
		off += fixedSize(pc.kind)
	}
}

// put prints one piece as an append.
func (r *run) put(ind string, pc piece) {
	switch pc.kind {
	case kID:
		r.f.p("%sb.PutID(%s)", ind, pc.v)
	case kWord:
		r.f.p("%sb.PutUint32(%s)", ind, pc.v)
	case kVecHeader:
		r.f.p("%sb.PutVectorHeader(len(%s))", ind, pc.v)
	case kBareVecHeader:
		r.f.p("%sb.PutBareVectorHeader(len(%s))", ind, pc.v)
	default:
		r.e.encodeValue(r.f, r.st, nil, &model.Type{Kind: pc.kind}, pc.v, r.depth)
	}
}

// store prints one piece written at buf[off:], where buf is a byte slice or array pointer long
// enough.
func (r *run) store(ind, buf string, off int, pc piece) {
	r.f.use("encoding/binary")
	at := fmt.Sprintf("%s[%d:]", buf, off)
	if off == 0 {
		at = buf + "[:]"
	}
	put32 := func(v string) { r.f.p("%sbinary.LittleEndian.PutUint32(%s, %s)", ind, at, v) }
	switch pc.kind {
	case kID, kWord:
		put32(pc.v)
	case model.KInt:
		put32("uint32(" + pc.v + ")")
	case model.KBool:
		put32("tl.BoolID(" + pc.v + ")")
	case kBareVecHeader:
		put32("uint32(len(" + pc.v + "))")
	case kVecHeader:
		put32("tl.VectorID")
		r.f.p("%sbinary.LittleEndian.PutUint32(%s[%d:], uint32(len(%s)))", ind, buf, off+4, pc.v)
	case model.KLong:
		r.f.p("%sbinary.LittleEndian.PutUint64(%s, uint64(%s))", ind, at, pc.v)
	case model.KDouble:
		r.f.use("math")
		r.f.p("%sbinary.LittleEndian.PutUint64(%s, math.Float64bits(%s))", ind, at, pc.v)
	case model.KInt128:
		r.f.p("%s*(*tl.Int128)(%s) = %s", ind, at, pc.v)
	case model.KInt256:
		r.f.p("%s*(*tl.Int256)(%s) = %s", ind, at, pc.v)
	default:
		r.e.fail(fmt.Sprintf("emit: kind %d has no fixed size", pc.kind))
	}
}

// allFixed reports whether every field of st has a fixed size (no flags either).
func allFixed(st *model.Struct) bool {
	for _, fl := range st.Params {
		if fl.FlagsWord || fl.Optional() || fixedSize(fl.Type.Kind) == 0 {
			return false
		}
	}
	return true
}

// encoders prints Encode and EncodeBare of st.
func (e *emitter) encoders(f *file, st *model.Struct) {
	if allFixed(st) {
		for _, boxed := range []bool{true, false} {
			e.runs = 0
			r := &run{e: e, f: f, st: st}
			if boxed {
				r.id = constID
				f.p("// Encode writes the boxed value.")
				f.p("func (m *%s) Encode(b *tl.Buffer) error {", st.GoName)
			} else {
				f.p("// EncodeBare writes the fields without the constructor id.")
				f.p("func (m *%s) EncodeBare(b *tl.Buffer) error {", st.GoName)
			}
			nilGuard(f, "m", st.TLName)
			for _, fl := range st.Params {
				r.add(fl.Type.Kind, "m."+fl.GoName)
			}
			r.flush()
			f.p("\treturn nil")
			f.p("}\n")
		}
		return
	}
	f.p("// Encode writes the boxed value.")
	f.p("func (m *%s) Encode(b *tl.Buffer) error { return m.encode(b, true) }\n", st.GoName)
	f.p("// EncodeBare writes the fields without the constructor id.")
	f.p("func (m *%s) EncodeBare(b *tl.Buffer) error { return m.encode(b, false) }\n", st.GoName)
	f.p("// encode writes the fields, after the constructor id when boxed.")
	f.p("func (m *%s) encode(b *tl.Buffer, boxed bool) error {", st.GoName)
	nilGuard(f, "m", st.TLName)
	e.flagWords(f, st)
	e.runs = 0
	r := &run{e: e, f: f, st: st, id: boxedID}
	for _, fl := range st.Params {
		if fl.FlagsWord {
			r.add(kWord, flagVar(fl.FlagIdx))
			continue
		}
		if fl.Type.Kind == model.KTrue {
			continue
		}
		v := "m." + fl.GoName
		if !fl.Optional() {
			if fixedSize(fl.Type.Kind) > 0 || fl.Type.Kind == model.KString {
				r.add(fl.Type.Kind, v)
				continue
			}
			if fl.Type.Kind == model.KVector {
				if !r.addVector(fl.Type, v) {
					r.flush()
					e.encodeElems(f, st, fl, fl.Type, v, 0)
				}
				continue
			}
		}
		r.flush()
		if fl.Optional() {
			f.p("\tif %s {", present(fl))
			if fl.Type.Scalar() {
				v += ".Value"
			}
			e.encodeValue(f, st, fl, fl.Type, v, 1)
			f.p("\t}")
			continue
		}
		e.encodeValue(f, st, fl, fl.Type, v, 0)
	}
	r.flush()
	// Only strings and byte strings can fail to encode; a nested object reports its own.
	blobs := false
	for _, fl := range st.Params {
		blobs = blobs || hasBlob(fl.Type)
	}
	if blobs {
		f.p("\treturn b.WriteErr()")
	} else {
		f.p("\treturn nil")
	}
	f.p("}\n")
}

// flagWords prints the computation of st's flags words (f0, f1, ...) from the presence of the
// optional fields, and the checks that fields sharing a bit agree.
func (e *emitter) flagWords(f *file, st *model.Struct) {
	var words []*model.Field
	for _, fl := range st.Params {
		if fl.FlagsWord {
			words = append(words, fl)
		}
	}
	if len(words) == 0 {
		return
	}
	var names []string
	for i := range words {
		names = append(names, flagVar(i))
	}
	f.p("\tvar %s uint32", strings.Join(names, ", "))
	// Flag bits come from presence; fields sharing a bit must agree.
	type key struct{ w, bit int }
	groups := map[key][]*model.Field{}
	var order []key
	for _, fl := range st.Params {
		if fl.FlagsWord || !fl.Optional() {
			continue
		}
		k := key{fl.CondIdx, fl.Cond.Bit}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], fl)
	}
	for _, k := range order {
		// A bit shared with valued fields follows their presence: a true field there only
		// mirrors it (it must not be set alone), and all valued fields must agree.
		var valued, flagsOnly []*model.Field
		for _, fl := range groups[k] {
			if fl.Type.Kind == model.KTrue {
				flagsOnly = append(flagsOnly, fl)
			} else {
				valued = append(valued, fl)
			}
		}
		setters := valued
		if len(valued) == 0 {
			setters = flagsOnly
		}
		for _, fl := range setters {
			// Branch-free and independent per bit: an if per bit makes one long chain of
			// conditional moves.
			f.p("\t%s |= tl.Flag(%s, %d)", flagVar(k.w), present(fl), k.bit)
		}
		for _, fl := range valued[min(1, len(valued)):] {
			f.p("\tif (%s) != (%s) {\n\t\treturn tl.FlagGroupError(%q, %q)\n\t}", present(valued[0]), present(fl), st.TLName, fl.TLName)
		}
		if len(valued) > 0 {
			for _, fl := range flagsOnly {
				f.p("\tif %s && !(%s) {\n\t\treturn tl.FlagGroupError(%q, %q)\n\t}", present(fl), present(valued[0]), st.TLName, fl.TLName)
			}
		}
	}
}

// hasBlob reports whether encoding t writes a string or byte string itself (not through a
// nested object's encoder).
func hasBlob(t *model.Type) bool {
	for ; t != nil; t = t.Elem {
		if t.Kind == model.KString || t.Kind == model.KBytes {
			return true
		}
		if t.Kind != model.KVector {
			return false
		}
	}
	return false
}

// nilGuard prints the check that makes an encoder called on a nil pointer recv return an error
// naming typ instead of dereferencing it: one pointer compare on the success path.
func nilGuard(f *file, recv, typ string) {
	f.p("\tif %s == nil {\n\t\treturn tl.NilObjectError(%q)\n\t}", recv, typ)
}

// encodeValue prints the statements that encode expression v of type t. fl is the field it
// belongs to (for error messages; nil for a fixed-size value, which cannot fail).
func (e *emitter) encodeValue(f *file, st *model.Struct, fl *model.Field, t *model.Type, v string, depth int) {
	ind := strings.Repeat("\t", depth+1)
	switch t.Kind {
	case model.KInt:
		f.p("%sb.PutInt32(%s)", ind, v)
	case model.KLong:
		f.p("%sb.PutInt64(%s)", ind, v)
	case model.KDouble:
		f.p("%sb.PutDouble(%s)", ind, v)
	case model.KString:
		f.p("%sb.PutString(%s)", ind, v)
	case model.KBytes:
		f.p("%sb.PutBytes(%s)", ind, v)
	case model.KInt128:
		f.p("%sb.PutInt128(%s)", ind, v)
	case model.KInt256:
		f.p("%sb.PutInt256(%s)", ind, v)
	case model.KBool:
		f.p("%sb.PutBool(%s)", ind, v)
	case model.KStruct:
		// A nil pointer needs no check here: its EncodeBare reports it, and EncodeFieldErr
		// names this field.
		m := "Encode"
		if t.Bare {
			m = "EncodeBare"
		}
		f.p("%sif err := %s.%s(b); err != nil {\n%s\treturn tl.EncodeFieldErr(%q, %q, err)\n%s}", ind, v, m, ind, st.TLName, fl.TLName, ind)
	case model.KClass, model.KQuery, model.KObject:
		// A nil interface has no method to call; a typed nil inside one is reported by its
		// EncodeBare like a nil pointer field.
		if !fl.Optional() || depth > 1 {
			f.p("%sif %s == nil {\n%s\treturn tl.NilFieldError(%q, %q)\n%s}", ind, v, ind, st.TLName, fl.TLName, ind)
		}
		f.p("%sif err := %s.Encode(b); err != nil {\n%s\treturn tl.EncodeFieldErr(%q, %q, err)\n%s}", ind, v, ind, st.TLName, fl.TLName, ind)
	case model.KVector:
		r := &run{e: e, f: f, st: st, depth: depth}
		if !r.addVector(t, v) {
			r.flush()
			e.encodeElems(f, st, fl, t, v, depth)
		}
	default:
		e.fail(fmt.Sprintf("emit: cannot encode kind %d", t.Kind))
	}
}

// encodeElems prints the loop that encodes the elements of vector v of type t, whose header is
// written.
func (e *emitter) encodeElems(f *file, st *model.Struct, fl *model.Field, t *model.Type, v string, depth int) {
	ind := strings.Repeat("\t", depth+1)
	if t.Elem.Kind == model.KStruct {
		// Index bare structs in place rather than copy each one.
		iv := fmt.Sprintf("i%d", depth)
		f.p("%sfor %s := range %s {", ind, iv, v)
		e.encodeValue(f, st, fl, t.Elem, v+"["+iv+"]", depth+2)
	} else {
		// A copy of the element: the slice header is not reloaded and rechecked after
		// every call that writes to b.
		ev := fmt.Sprintf("e%d", depth)
		f.p("%sfor _, %s := range %s {", ind, ev, v)
		e.encodeValue(f, st, fl, t.Elem, ev, depth+2)
	}
	f.p("%s}", ind)
}
