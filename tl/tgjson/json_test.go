package tgjson

import (
	"bytes"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// gen fills Go values of the table with random data, every field under a flag set or not at
// random, so that encoding a value and its JSON round trip covers every field of every type.
type gen struct {
	r     *rand.Rand
	impls map[reflect.Type][]*info // interface -> table types implementing it
}

func newGen(seed uint64) *gen {
	load()
	return &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), impls: map[reflect.Type][]*info{}}
}

// deep is the depth past which optional fields stay unset and vectors empty.
const deep = 3

func (g *gen) implementations(t reflect.Type) []*info {
	if l, ok := g.impls[t]; ok {
		return l
	}
	var l []*info
	for i := range table {
		in := byName[table[i].name]
		if reflect.PointerTo(byTypeOf(in)).AssignableTo(t) {
			l = append(l, in)
		}
	}
	g.impls[t] = l
	return l
}

func byTypeOf(in *info) reflect.Type { return reflect.TypeOf(in.decl.new()).Elem() }

// weight counts the required nested objects of a constructor: deep in the tree the generator
// picks the lightest one so the value stays finite.
func weight(in *info) int {
	t := byTypeOf(in)
	n := 0
	for i, f := range in.fields {
		if f.opt {
			continue
		}
		switch t.Field(i).Type.Kind() {
		case reflect.Interface, reflect.Pointer, reflect.Struct:
			n++
		}
	}
	return n
}

func (g *gen) object(v reflect.Value, in *info, depth int) {
	set := map[string]bool{} // flag conditions chosen: fields sharing a bit go together
	for i, f := range in.fields {
		if f.opt {
			on, seen := set[f.cond]
			if !seen {
				on = depth < deep && g.r.IntN(2) == 0
				set[f.cond] = on
			}
			if !on {
				continue
			}
		}
		g.value(v.Field(i), depth+1)
	}
}

func (g *gen) value(v reflect.Value, depth int) {
	t := v.Type()
	switch t.Kind() {
	case reflect.Interface:
		l := g.implementations(t)
		in := l[g.r.IntN(len(l))]
		if depth >= deep {
			for _, c := range l {
				if weight(c) < weight(in) {
					in = c
				}
			}
		}
		p := reflect.New(byTypeOf(in))
		g.object(p.Elem(), in, depth)
		v.Set(p)
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		g.value(p.Elem(), depth)
		v.Set(p)
	case reflect.Struct:
		if isOpt(t) {
			g.value(v.Field(0), depth)
			v.Field(1).SetBool(true)
			return
		}
		g.object(v, byType[t], depth)
	case reflect.Array:
		for i := range v.Len() {
			v.Index(i).SetUint(uint64(g.r.IntN(256)))
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			b := make([]byte, g.r.IntN(12))
			for i := range b {
				b[i] = byte(g.r.IntN(256))
			}
			v.SetBytes(b)
			return
		}
		n := 0
		if depth < deep {
			n = g.r.IntN(3)
		}
		s := reflect.MakeSlice(t, n, n)
		for i := range n {
			g.value(s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Int32:
		v.SetInt(int64(int32(g.r.Uint32())))
	case reflect.Int64:
		v.SetInt(int64(g.r.Uint64()))
	case reflect.Float64:
		v.SetFloat(g.r.NormFloat64() * 1e6)
	case reflect.String:
		v.SetString([]string{"", "hi", "Привет, мир", "a\"b\\c\n\x00", "🙂 é"}[g.r.IntN(5)])
	case reflect.Bool:
		v.SetBool(g.r.IntN(2) == 0)
	}
}

func wire(t *testing.T, o tl.Object) []byte {
	t.Helper()
	var b tl.Buffer
	if err := o.Encode(&b); err != nil {
		t.Fatalf("encode %s: %v", o.TypeName(), err)
	}
	return append([]byte(nil), b.Raw()...)
}

// TestRoundTripEveryConstructor builds random values of every constructor and function of the
// table and checks that JSON and back gives the same wire bytes and the same JSON.
func TestRoundTripEveryConstructor(t *testing.T) {
	g := newGen(1)
	for i := range table {
		d := &table[i]
		for n := range 4 {
			obj := d.new()
			g.object(reflect.ValueOf(obj).Elem(), byName[d.name], 0)
			want := wire(t, obj)
			js, err := Marshal(obj)
			if err != nil {
				t.Fatalf("%s #%d: marshal: %v", d.name, n, err)
			}
			back, err := Unmarshal(js)
			if err != nil {
				t.Fatalf("%s #%d: unmarshal %s: %v", d.name, n, js, err)
			}
			if got := wire(t, back); !bytes.Equal(got, want) {
				t.Fatalf("%s #%d: wire bytes differ after JSON round trip\n%s", d.name, n, js)
			}
			js2, err := Marshal(back)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(js, js2) {
				t.Fatalf("%s #%d: JSON differs after a round trip:\n%s", d.name, n, cmp.Diff(string(js), string(js2)))
			}
		}
	}
}

func TestShape(t *testing.T) {
	req := &tg.MessagesSendMessageRequest{
		Silent:       true,
		Peer:         &tg.InputPeerUser{UserID: 42, AccessHash: -9007199254740993},
		Message:      "hi",
		RandomID:     7,
		ScheduleDate: tl.Some[int32](100),
		Entities:     []tg.MessageEntityClass{},
	}
	got, err := Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"_":"messages.sendMessage","silent":true,"peer":{"_":"inputPeerUser","user_id":"42","access_hash":"-9007199254740993"},"message":"hi","random_id":"7","entities":[],"schedule_date":100}`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Fatalf("(-want +got)\n%s", diff)
	}
	// long also as a JSON number, "_" optional in Method.
	m, err := Method("messages.sendMessage", []byte(`{"peer":{"_":"inputPeerSelf"},"message":"x","random_id":5}`))
	if err != nil {
		t.Fatal(err)
	}
	if r := m.(*tg.MessagesSendMessageRequest); r.RandomID != 5 || r.Message != "x" {
		t.Fatalf("got %+v", r)
	}
	f, err := Marshal(&tg.Photo{ID: 1, FileReference: []byte{1, 2, 3}, Sizes: []tg.PhotoSizeClass{}, DCID: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(f), `"file_reference":"AQID"`) {
		t.Fatalf("bytes not base64: %s", f)
	}
	v, err := Marshal(&tg.IntVector{Elems: []int32{1, 2}})
	if err != nil || string(v) != "[1,2]" {
		t.Fatalf("vector result: %s, %v", v, err)
	}
	nan, err := Marshal(&tg.Error{Code: 1})
	if err != nil || string(nan) != `{"_":"error","code":1,"text":""}` {
		t.Fatalf("%s %v", nan, err)
	}
}

func TestFloats(t *testing.T) {
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0.5} {
		obj := &tg.JSONNumber{Value: f}
		js, err := Marshal(obj)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Unmarshal(js)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(wire(t, obj), wire(t, back)) {
			t.Fatalf("%v: %s", f, js)
		}
	}
}

func TestErrors(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"not json", `{`, "unexpected EOF"},
		{"no name", `{"a":1}`, `"_"`},
		{"unknown ctor", `{"_":"nope"}`, `unknown constructor "nope"`},
		{"unknown field", `{"_":"inputPeerUser","x":1}`, `no field "x"`},
		{"wrong class", `{"_":"messages.sendMessage","peer":{"_":"inputUserSelf"}}`, "does not fit"},
		{"int range", `{"_":"inputPeerChat","chat_id":"99999999999999999999"}`, "64-bit"},
		{"int32 range", `{"_":"error","code":4294967296}`, "32-bit"},
		{"bad base64", `{"_":"photo","file_reference":"!!"}`, "base64"},
		{"int128 len", `{"_":"resPQ","nonce":"AQID"}`, "want 16 bytes"},
		{"wrong kind", `{"_":"error","text":1}`, "want a string"},
		{"trailing", `{"_":"true"} 1`, "trailing"},
		{"trailing bracket", `{"_":"true"}]`, "trailing"},
		{"trailing brace", `{"_":"true"}}`, "trailing"},
		{"deep", strings.Repeat(`{"_":"textBold","text":`, 200) + `{"_":"textEmpty"}` + strings.Repeat(`}`, 200), "nested deeper"},
		// encoding/json keeps the last of duplicate keys; a reader that keeps the first would
		// see another request in the same bytes.
		{"duplicate key", `{"_":"inputPeerUser","user_id":"1","user_id":"2","access_hash":"3"}`, `duplicate key "user_id"`},
		{"duplicate name", `{"_":"inputPeerSelf","_":"inputPeerEmpty"}`, `duplicate key "_"`},
		{"duplicate in nested", `{"_":"messages.sendMessage","peer":{"_":"inputPeerSelf","_":"inputPeerSelf"}}`, `duplicate key "_"`},
		{"deep arrays", strings.Repeat(`[`, 20000) + strings.Repeat(`]`, 20000), "nested deeper"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Unmarshal([]byte(c.in))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
	if _, err := Unmarshal([]byte("{\"_\":\"true\"}\n\t ")); err != nil {
		t.Fatalf("trailing white space: %v", err)
	}
	if _, err := Method("inputPeerSelf", nil); err == nil {
		t.Fatal("a constructor accepted as a method")
	}
	if _, err := Method("help.getConfig", []byte("[1]")); err == nil {
		t.Fatal("array accepted as parameters")
	}
	if _, err := Method("messages.getHistory", []byte(`{"limit":1,"limit":100}`)); err == nil || !strings.Contains(err.Error(), "duplicate") {
		t.Fatalf("duplicate parameter: %v", err)
	}
}

func TestLookupAndNames(t *testing.T) {
	in, ok := Lookup("messages.sendMessage")
	if !ok || !in.Func || in.Type != "Updates" || in.Fields[0] != "no_webpage:flags.1" {
		t.Fatalf("got %+v", in)
	}
	if _, ok := Lookup("nope"); ok {
		t.Fatal("unknown name found")
	}
	fns := Names(true)
	if len(fns) < 500 || fns[0] > fns[1] {
		t.Fatalf("%d functions, unsorted or too few", len(fns))
	}
	if o, ok := New("resPQ"); !ok || o.TypeName() != "resPQ" {
		t.Fatal("mt constructors missing from the table")
	}
}

// FuzzUnmarshal: arbitrary input never panics, and what decodes re-encodes to a fixed point.
func FuzzUnmarshal(f *testing.F) {
	f.Add([]byte(`{"_":"messages.sendMessage","peer":{"_":"inputPeerSelf"},"message":"hi","random_id":"1"}`))
	f.Add([]byte(`{"_":"photo","file_reference":"AQID","sizes":[{"_":"photoSizeEmpty","type":"s"}]}`))
	f.Add([]byte(`{"_":"jsonNumber","value":"NaN"}`))
	f.Add([]byte(`{"_":"invokeWithLayer","layer":1,"query":{"_":"help.getConfig"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		obj, err := Unmarshal(data)
		if err != nil {
			return
		}
		js, err := Marshal(obj)
		if err != nil {
			t.Fatalf("marshal of a decoded value: %v", err)
		}
		back, err := Unmarshal(js)
		if err != nil {
			t.Fatalf("re-decode %s: %v", js, err)
		}
		js2, err := Marshal(back)
		if err != nil || !bytes.Equal(js, js2) {
			t.Fatalf("not a fixed point:\n%s\n%s", js, js2)
		}
		var b tl.Buffer
		_ = obj.Encode(&b) // may fail on a missing field, must not panic
	})
}

// FuzzWire decodes arbitrary TL bytes; whatever decodes maps to JSON and back to the same wire
// bytes. Seeds are random values of every hundredth row of the table.
func FuzzWire(f *testing.F) {
	g := newGen(2)
	for i := 0; i < len(table); i += 100 {
		obj := table[i].new()
		g.object(reflect.ValueOf(obj).Elem(), byName[table[i].name], 0)
		var b tl.Buffer
		if err := obj.Encode(&b); err == nil {
			f.Add(append([]byte(nil), b.Raw()...))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var b tl.Buffer
		b.ResetTo(data)
		var any tg.AnyObject
		if err := any.Decode(&b); err != nil || any.Object == nil {
			return
		}
		var want tl.Buffer
		if err := any.Object.Encode(&want); err != nil {
			return
		}
		js, err := Marshal(any.Object)
		if err != nil {
			t.Fatalf("marshal %s: %v", any.Object.TypeName(), err)
		}
		if _, ok := byType[reflect.TypeOf(any.Object).Elem()]; !ok {
			return // a vector: its JSON is an array without a constructor name
		}
		back, err := Unmarshal(js)
		if err != nil {
			t.Fatalf("unmarshal %s: %v", js, err)
		}
		var got tl.Buffer
		if err := back.Encode(&got); err != nil {
			t.Fatalf("encode after JSON: %v", err)
		}
		if !bytes.Equal(got.Raw(), want.Raw()) && lossless(js) {
			t.Fatalf("%s: wire bytes differ after JSON", any.Object.TypeName())
		}
	})
}

// lossless reports whether the JSON holds neither a string whose invalid UTF-8 was replaced
// nor a NaN (whose payload bits JSON does not keep): those cannot come back byte for byte.
func lossless(js []byte) bool {
	return !bytes.Contains(js, []byte("\uFFFD")) && !bytes.Contains(js, []byte(`"NaN"`))
}
