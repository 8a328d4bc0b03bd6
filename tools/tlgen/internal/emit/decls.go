package emit

import (
	"strings"

	"github.com/mtgo-labs/mtgo/tools/tlgen/internal/model"
)

func ctorList(c *model.Class) string {
	var names []string
	for _, st := range c.Ctors {
		names = append(names, st.GoName)
	}
	return strings.Join(names, ", ")
}

func (e *emitter) classDecl(f *file, c *model.Class) {
	f.use(e.cfg.RuntimeImport)
	f.p("// %s is the abstract TL type %s. Implemented by %s.", c.GoName, c.TLName, ctorList(c))
	f.p("type %s interface {", c.GoName)
	f.p("\ttl.Object")
	f.p("\ttl.BareEncoder")
	f.p("\ttl.BareDecoder")
	f.p("\tis%s()", c.GoName)
	f.p("\tdecodeFields(b *tl.Buffer) error")
	f.p("}\n")
	f.p("// %s decodes a boxed %s, choosing the constructor by its id.", c.DecodeFunc(), c.TLName)
	f.p("func %s(b *tl.Buffer) (%s, error) {", c.DecodeFunc(), c.GoName)
	f.p("\tid, err := b.ID()")
	f.p("\tif err != nil {\n\t\treturn nil, b.DecodeErr(%q, \"\", err)\n\t}", c.TLName)
	f.p("\tif err := b.Enter(); err != nil {\n\t\treturn nil, b.DecodeErr(%q, \"\", err)\n\t}", c.TLName)
	// Each case calls its constructor's decodeFields directly: no dynamic dispatch, and small
	// ones inline.
	f.p("\tvar v %s", c.GoName)
	f.p("\tswitch id {")
	for _, st := range c.Ctors {
		f.p("\tcase %s:\n\t\tm := tl.New[%s](b, id)\n\t\terr, v = m.decodeFields(b), m", st.IDConst(), st.GoName)
	}
	// Leave on the error path too, so a failed decode leaves the depth as it found it.
	f.p("\tdefault:\n\t\terr = b.UnexpectedID(%q, id)\n\t}", c.TLName)
	f.p("\tb.Leave()")
	f.p("\tif err != nil {\n\t\treturn nil, err\n\t}")
	f.p("\treturn v, nil")
	f.p("}\n")
	f.p("// %s holds a %s; it implements tl.Encoder and tl.Decoder, e.g. as an RPC result.", c.BoxName(), c.TLName)
	f.p("type %s struct {", c.BoxName())
	f.p("\t%s %s", c.Short, c.GoName)
	f.p("}\n")
	f.p("// Decode reads a boxed %s.", c.TLName)
	f.p("func (x *%s) Decode(b *tl.Buffer) (err error) {", c.BoxName())
	f.p("\tx.%s, err = %s(b)", c.Short, c.DecodeFunc())
	f.p("\treturn err")
	f.p("}\n")
	f.p("// Encode writes the held value.")
	f.p("func (x *%s) Encode(b *tl.Buffer) error {", c.BoxName())
	nilGuard(f, "x", c.TLName)
	f.p("\tif x.%s == nil {\n\t\treturn tl.NilFieldError(%q, \"\")\n\t}", c.Short, c.TLName)
	f.p("\treturn x.%s.Encode(b)", c.Short)
	f.p("}\n")
}

// results prints decoder types for Vector results and boxes for scalar results.
func (e *emitter) results(f *file) {
	f.use(e.cfg.RuntimeImport)
	pseudo := &model.Struct{TLName: "Vector"}
	for _, v := range e.p.Vectors {
		name := model.VectorName(v)
		fl := &model.Field{TLName: "", GoName: "Elems", Type: v}
		f.p("// %s is a Vector<%s> result.", name, tlElem(v.Elem))
		f.p("type %s struct {", name)
		f.p("\tElems %s", f.goType(v))
		f.p("}\n")
		e.vectorIdentity(f, name)
		f.p("// Decode reads the vector.")
		f.p("func (x *%s) Decode(b *tl.Buffer) (err error) {", name)
		e.decodeValue(f, pseudo, fl, v, "x.Elems", 0)
		f.p("\treturn nil")
		f.p("}\n")
		f.p("// Encode writes the vector.")
		f.p("func (x *%s) Encode(b *tl.Buffer) error {", name)
		nilGuard(f, "x", "Vector")
		e.runs = 0
		e.encodeValue(f, pseudo, fl, v, "x.Elems", 0)
		f.p("\treturn b.WriteErr()")
		f.p("}\n")
	}
	for _, k := range e.p.Boxes {
		name := model.BoxName(k)
		t := &model.Type{Kind: k}
		fl := &model.Field{GoName: model.ScalarName(k), Type: t}
		f.p("// %s is a %s result.", name, model.ScalarName(k))
		f.p("type %s struct {", name)
		f.p("\t%s %s", fl.GoName, f.goType(t))
		f.p("}\n")
		f.p("// Decode reads the value.")
		f.p("func (x *%s) Decode(b *tl.Buffer) (err error) {", name)
		e.decodeValue(f, &model.Struct{TLName: model.ScalarName(k)}, fl, t, "x."+fl.GoName, 0)
		f.p("\treturn nil")
		f.p("}\n")
		f.p("// Encode writes the value.")
		f.p("func (x *%s) Encode(b *tl.Buffer) error {", name)
		nilGuard(f, "x", model.ScalarName(k))
		e.encodeValue(f, &model.Struct{TLName: model.ScalarName(k)}, fl, t, "x."+fl.GoName, 0)
		f.p("\treturn b.WriteErr()")
		f.p("}\n")
	}
}

func tlElem(t *model.Type) string {
	switch t.Kind {
	case model.KStruct:
		return t.Struct.TypeName
	case model.KClass:
		return t.Class.TLName
	}
	return strings.ToLower(model.ScalarName(t.Kind))
}

func (e *emitter) registry(f *file) {
	f.use(e.cfg.RuntimeImport)
	base := ""
	if e.p.Base != nil {
		f.use(e.cfg.BaseImport)
		base = e.p.Base.Name
	}
	if e.p.Layer > 0 {
		f.p("// Layer is the API layer of the schema this package was generated from.")
		f.p("const Layer = %d\n", e.p.Layer)
	}
	f.p("// TLObject is any TL constructor or function of this package.")
	f.p("type TLObject = tl.Object\n")
	f.p("// TypeName returns the TL name of the constructor or function with the given id, or \"\".")
	f.p("func TypeName(id uint32) string {")
	f.p("\tswitch id {")
	for _, st := range e.p.Structs {
		f.p("\tcase %s:\n\t\treturn %q", st.IDConst(), st.TLName)
	}
	f.p("\t}")
	if base != "" {
		f.p("\treturn %s.TypeName(id)", base)
	} else {
		f.p("\treturn \"\"")
	}
	f.p("}\n")
	f.p("// NewObject returns a new zero constructor or function value for id, or nil if unknown.")
	f.p("func NewObject(id uint32) tl.Object {")
	f.p("\tswitch id {")
	for _, st := range e.p.Structs {
		f.p("\tcase %s:\n\t\treturn &%s{}", st.IDConst(), st.GoName)
	}
	f.p("\t}")
	if base != "" {
		f.p("\treturn %s.NewObject(id)", base)
	} else {
		f.p("\treturn nil")
	}
	f.p("}\n")
	f.p("// DecodeObject decodes any boxed constructor or function known to this package.")
	f.p("func DecodeObject(b *tl.Buffer) (tl.Object, error) {")
	f.p("\tid, err := b.PeekID()")
	f.p("\tif err != nil {\n\t\treturn nil, b.DecodeErr(\"Object\", \"\", err)\n\t}")
	f.p("\tv := NewObject(id)")
	f.p("\tif v == nil {\n\t\t_ = b.Skip(4)\n\t\treturn nil, b.UnexpectedID(\"Object\", id)\n\t}")
	f.p("\tif err := b.Enter(); err != nil {\n\t\treturn nil, b.DecodeErr(\"Object\", \"\", err)\n\t}")
	f.p("\terr = v.Decode(b)")
	f.p("\tb.Leave()")
	f.p("\tif err != nil {\n\t\treturn nil, err\n\t}")
	f.p("\treturn v, nil")
	f.p("}")
}

func (e *emitter) client(f *file) {
	f.use("context")
	f.use(e.cfg.RuntimeImport)
	f.p("// Invoker sends one RPC request and decodes its result into out. The session layer")
	f.p("// implements it; the typed helpers of Client call it.")
	f.p("type Invoker interface {")
	f.p("\tInvoke(ctx context.Context, in tl.Encoder, out tl.Decoder) error")
	f.p("}\n")
	f.p("// Client has one typed method per RPC function; each sends the request through the Invoker.")
	f.p("type Client struct {\n\tinv Invoker\n}\n")
	f.p("// NewClient returns a Client that invokes through inv.")
	f.p("func NewClient(inv Invoker) *Client { return &Client{inv: inv} }\n")
	own := map[string]bool{}
	for _, st := range e.p.Structs {
		if st.Func {
			own[st.MethodName()] = true
			e.clientMethod(f, st)
		}
	}
	if e.p.Base != nil {
		for _, st := range e.p.Base.Structs {
			if st.Func && !own[st.MethodName()] {
				e.clientMethod(f, st)
			}
		}
	}
}

func (e *emitter) clientMethod(f *file, st *model.Struct) {
	req := f.qual(st.Pkg, st.GoName)
	m := st.MethodName()
	if st.Generic {
		f.p("// %s invokes %s, decoding the result of the wrapped query into out.", m, st.TLName)
		f.p("func (c *Client) %s(ctx context.Context, req *%s, out tl.Decoder) error {", m, req)
		f.p("\treturn c.inv.Invoke(ctx, req, out)")
		f.p("}\n")
		return
	}
	r := st.Result
	f.p("// %s invokes %s.", m, st.TLName)
	switch r.Kind {
	case model.KClass:
		f.p("func (c *Client) %s(ctx context.Context, req *%s) (%s, error) {", m, req, f.goType(r))
		f.p("\tvar res %s", f.qual(r.Class.Pkg, r.Class.BoxName()))
		f.p("\tif err := c.inv.Invoke(ctx, req, &res); err != nil {\n\t\treturn nil, err\n\t}")
		f.p("\treturn res.%s, nil", r.Class.Short)
	case model.KStruct:
		f.p("func (c *Client) %s(ctx context.Context, req *%s) (*%s, error) {", m, req, f.goType(r))
		f.p("\tvar res %s", f.goType(r))
		f.p("\tif err := c.inv.Invoke(ctx, req, &res); err != nil {\n\t\treturn nil, err\n\t}")
		f.p("\treturn &res, nil")
	case model.KVector:
		f.p("func (c *Client) %s(ctx context.Context, req *%s) (%s, error) {", m, req, f.goType(r))
		f.p("\tvar res %s", f.qual(st.Pkg, model.VectorName(r)))
		f.p("\tif err := c.inv.Invoke(ctx, req, &res); err != nil {\n\t\treturn nil, err\n\t}")
		f.p("\treturn res.Elems, nil")
	default:
		f.p("func (c *Client) %s(ctx context.Context, req *%s) (%s, error) {", m, req, f.goType(r))
		f.p("\tvar res %s", f.qual(st.Pkg, model.BoxName(r.Kind)))
		f.p("\tif err := c.inv.Invoke(ctx, req, &res); err != nil {\n\t\treturn res.%s, err\n\t}", model.ScalarName(r.Kind))
		f.p("\treturn res.%s, nil", model.ScalarName(r.Kind))
	}
	f.p("}\n")
}

// aliases re-exports every name of the base package that this package does not define itself.
func (e *emitter) aliases(f *file) {
	base := e.p.Base
	f.use(e.cfg.BaseImport)
	f.use(e.cfg.RuntimeImport)
	taken := map[string]bool{}
	for _, st := range e.p.Structs {
		taken[st.GoName] = true
		taken[st.IDConst()] = true
	}
	for _, c := range e.p.Classes {
		taken[c.GoName] = true
		taken[c.DecodeFunc()] = true
		taken[c.BoxName()] = true
	}
	for _, v := range e.p.Vectors {
		taken[model.VectorName(v)] = true
	}
	for _, k := range e.p.Boxes {
		taken[model.BoxName(k)] = true
	}
	q := base.Name + "."
	for _, st := range base.Structs {
		if !taken[st.GoName] {
			f.p("// %s is %s%s (%s, from the MTProto schema).", st.GoName, q, st.GoName, st.TLName)
			f.p("type %s = %s%s\n", st.GoName, q, st.GoName)
		}
		if !taken[st.IDConst()] {
			f.p("// %s is %s%s.", st.IDConst(), q, st.IDConst())
			f.p("const %s = %s%s\n", st.IDConst(), q, st.IDConst())
		}
	}
	for _, c := range base.Classes {
		if !taken[c.GoName] {
			f.p("// %s is %s%s.", c.GoName, q, c.GoName)
			f.p("type %s = %s%s\n", c.GoName, q, c.GoName)
		}
		if !taken[c.BoxName()] {
			f.p("// %s is %s%s.", c.BoxName(), q, c.BoxName())
			f.p("type %s = %s%s\n", c.BoxName(), q, c.BoxName())
		}
		if !taken[c.DecodeFunc()] {
			f.p("// %s decodes a boxed %s (see %s%s).", c.DecodeFunc(), c.TLName, q, c.DecodeFunc())
			f.p("func %s(b *tl.Buffer) (%s%s, error) { return %s%s(b) }\n", c.DecodeFunc(), q, c.GoName, q, c.DecodeFunc())
		}
	}
	for _, v := range base.Vectors {
		if n := model.VectorName(v); !taken[n] {
			f.p("// %s is %s%s.", n, q, n)
			f.p("type %s = %s%s\n", n, q, n)
		}
	}
	for _, k := range base.Boxes {
		if n := model.BoxName(k); !taken[n] {
			f.p("// %s is %s%s.", n, q, n)
			f.p("type %s = %s%s\n", n, q, n)
		}
	}
}

// updates prints the generated classifiers the updates engine uses instead of reflection.
func (e *emitter) updates(f *file) {
	upd := e.class("Update")
	has := func(st *model.Struct, name string, kind model.Kind, required bool) *model.Field {
		for _, fl := range st.Fields() {
			if fl.TLName == name && fl.Type.Kind == kind && (!required || !fl.Optional()) {
				return fl
			}
		}
		return nil
	}
	f.p("// UpdatePts returns the pts and pts_count of updates that carry both.")
	f.p("func UpdatePts(u %s) (pts, ptsCount int32, ok bool) {", upd.GoName)
	f.p("\tswitch u := u.(type) {")
	for _, st := range upd.Ctors {
		if has(st, "pts", model.KInt, true) != nil && has(st, "pts_count", model.KInt, true) != nil {
			f.p("\tcase *%s:\n\t\treturn u.Pts, u.PtsCount, true", st.GoName)
		}
	}
	f.p("\t}\n\treturn 0, 0, false\n}\n")
	f.p("// UpdateQts returns the qts of updates from the secondary (qts) sequence.")
	f.p("func UpdateQts(u %s) (qts int32, ok bool) {", upd.GoName)
	f.p("\tswitch u := u.(type) {")
	for _, st := range upd.Ctors {
		if has(st, "qts", model.KInt, true) != nil {
			f.p("\tcase *%s:\n\t\treturn u.Qts, true", st.GoName)
		}
	}
	f.p("\t}\n\treturn 0, false\n}\n")
	f.p("// UpdateChannelID returns the channel whose pts sequence an update belongs to. Channel")
	f.p("// message updates carry it in the message's peer_id.")
	f.p("func UpdateChannelID(u %s) (channelID int64, ok bool) {", upd.GoName)
	f.p("\tswitch u := u.(type) {")
	viaMessage := false
	for _, st := range upd.Ctors {
		hasPts := has(st, "pts", model.KInt, false) != nil
		if !hasPts {
			continue
		}
		if has(st, "channel_id", model.KLong, true) != nil {
			f.p("\tcase *%s:\n\t\treturn u.ChannelID, true", st.GoName)
		} else if msg := has(st, "message", model.KClass, true); msg != nil && strings.Contains(st.TLName, "Channel") {
			f.p("\tcase *%s:\n\t\treturn messageChannelID(u.Message)", st.GoName)
			viaMessage = true
		}
	}
	f.p("\t}\n\treturn 0, false\n}\n")
	if !viaMessage {
		return
	}
	msg, peer := e.class("Message"), e.class("Peer")
	var peerChannel *model.Struct
	for _, st := range peer.Ctors {
		if st.TLName == "peerChannel" {
			peerChannel = st
		}
	}
	f.p("// messageChannelID returns the channel id from a message's peer_id.")
	f.p("func messageChannelID(m %s) (int64, bool) {", msg.GoName)
	f.p("\tvar p %s", peer.GoName)
	f.p("\tswitch m := m.(type) {")
	for _, st := range msg.Ctors {
		if has(st, "peer_id", model.KClass, false) != nil {
			f.p("\tcase *%s:\n\t\tp = m.PeerID", st.GoName)
		}
	}
	f.p("\t}")
	f.p("\tif c, ok := p.(*%s); ok {\n\t\treturn c.ChannelID, true\n\t}", peerChannel.GoName)
	f.p("\treturn 0, false\n}")

}
