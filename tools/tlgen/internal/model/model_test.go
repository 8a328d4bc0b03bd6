package model

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/tools/tlgen/internal/schema"
)

func TestGoName(t *testing.T) {
	tests := map[string]string{
		"user_id":                 "UserID",
		"messages.dialogs":        "MessagesDialogs",
		"messages.sendMessage":    "MessagesSendMessage",
		"p_q_inner_data":          "PQInnerData",
		"server_DH_params_ok":     "ServerDHParamsOk",
		"inputBotInlineMessageID": "InputBotInlineMessageID",
		"JSONValue":               "JSONValue",
		"ipPort":                  "IPPort",
		"ipv6":                    "IPv6",
		"dc_id":                   "DCID",
		"ttl_seconds":             "TTLSeconds",
		"url":                     "URL",
		"api_id":                  "APIID",
		"srp_id":                  "SRPID",
		"help.configSimple":       "HelpConfigSimple",
		"msg_ids":                 "MsgIDs",
		"new_nonce_hash1":         "NewNonceHash1",
	}
	for in, want := range tests {
		if got := GoName(in); got != want {
			t.Errorf("GoName(%q) = %q, want %q", in, got, want)
		}
	}
}

func build(t *testing.T, src string) (*Package, error) {
	t.Helper()
	s, err := schema.Parse("m.tl", src)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return Build("m", s, nil)
}

func TestBuildErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"unknown type", "a#1 x:Nope = A;", "m.tl:1:5: unknown type \"Nope\""},
		{"unknown bare", "a#1 x:%Nope = A;", "unknown bare type or constructor \"Nope\""},
		{"ambiguous bare", "b#1 = B;\nc#2 = B;\na#3 x:%B = A;", "bare %B is ambiguous"},
		{"vector without arg", "a#1 x:Vector = A;", "Vector needs an element type"},
		{"arg on plain type", "a#1 x:int<long> = A;", "type int takes no type argument"},
		{"field name clash", "a#1 user_id:int userID:int = A;", "both map to Go name UserID"},
		{"struct name clash", "fooBar#1 = A;\nfoo_bar#2 = B;", "collides with"},
		{"reserved name", "client#1 = Client;", "collides with a fixed package-level name"},
		{"nested vector result", "---functions---\nf#1 = Vector<Vector<int>>;", "nested vectors"},
		{"vector of true", "a#1 flags:# x:flags.0?Vector<true> = A;", "cannot be a vector element"},
		{"vector result clash", "intVector#1 = IntVector;\n---functions---\nf#2 = Vector<int>;", "m.tl:3:1: Go name IntVector of the result of f collides with intVector"},
		{"result box clash", "boolBox#1 = BoolBox;\n---functions---\nf#2 = Bool;", "m.tl:3:1: Go name BoolBox of the result of f collides with boolBox"},
		{"no finite value", "loop#1 self:Loop = Loop;", "m.tl:1:1: loop has no finite encoding"},
		{"no finite value through a class", "a#1 x:B = A;\nb#2 y:A = B;\nc#3 z:A = B;", "m.tl:1:1: a has no finite encoding"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := build(t, tt.src)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Build error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestBuildShapes(t *testing.T) {
	src := `
boolFalse#bc799737 = Bool;
boolTrue#997275b5 = Bool;
node#1 v:int = Node;
leaf#2 flags:# a:flags.0?Node b:flags.0?int c:flags.1?Bool = Leaf;
x#3 = X;
y#4 = X;
---functions---
f#5 = Vector<X>;
g#6 = Bool;
h#7 {X:Type} q:!X = X;
`
	p, err := build(t, src)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*Struct{}
	for _, st := range p.Structs {
		byName[st.TLName] = st
	}
	if f := byName["leaf"].Fields()[0]; !f.Type.Ptr || f.Type.Kind != KStruct {
		t.Error("optional struct field must be a pointer")
	}
	if byName["boolTrue"].Class != nil {
		t.Error("Bool constructors must not form a class")
	}
	var classes []string
	for _, c := range p.Classes {
		classes = append(classes, c.GoName)
	}
	if diff := cmp.Diff([]string{"XClass"}, classes); diff != "" {
		t.Errorf("classes (-want +got):\n%s", diff)
	}
	if len(p.Vectors) != 1 || VectorName(p.Vectors[0]) != "XClassVector" {
		t.Errorf("vector results: %v", p.Vectors)
	}
	if len(p.Boxes) != 1 || BoxName(p.Boxes[0]) != "BoolBox" {
		t.Errorf("boxes: %v", p.Boxes)
	}
	if h := byName["h"]; !h.Generic || h.Fields()[0].Type.Kind != KQuery {
		t.Error("generic function not modelled")
	}
}

// TestMinWire: the smallest wire size of each type, as vector decoders bound counts with it.
func TestMinWire(t *testing.T) {
	p, err := build(t, `
boolFalse#bc799737 = Bool;
boolTrue#997275b5 = Bool;
point#1 x:double y:double = Point;
empty#2 = Empty;
opt#3 flags:# a:flags.0?long b:flags.1?true s:string = Opt;
node#4 flags:# next:flags.0?Node v:int = Node;
big#5 p:Point q:%Point = Shape;
small#6 n:int = Shape;
list#7 xs:Vector<int> ys:vector<long> i:int128 j:int256 ok:Bool = List;
`)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*Struct{}
	for _, st := range p.Structs {
		byName[st.TLName] = st
	}
	want := map[string]int{
		"point": 4 + 16,
		"empty": 4,
		"opt":   4 + 4 + 4,   // id, flags, string; optional fields take nothing
		"node":  4 + 4 + 4,   // the recursion is optional
		"big":   4 + 20 + 16, // boxed and bare point
		"list":  4 + 8 + 4 + 16 + 32 + 4,
	}
	for name, w := range want {
		if got := MinWire(&Type{Kind: KStruct, Struct: byName[name]}); got != w {
			t.Errorf("MinWire(%s) = %d, want %d", name, got, w)
		}
	}
	if got := MinWire(&Type{Kind: KStruct, Bare: true, Struct: byName["point"]}); got != 16 {
		t.Errorf("MinWire(%%point) = %d, want 16", got)
	}
	for _, c := range p.Classes {
		if c.TLName == "Shape" {
			if got := MinWire(&Type{Kind: KClass, Class: c}); got != 8 {
				t.Errorf("MinWire(Shape) = %d, want 8 (its smallest constructor)", got)
			}
		}
	}
}

// TestRecursive: only the structs that reach themselves through values held by value (vector
// elements, required fields of the cycle's other structs) are Recursive; pointers and classes
// on the way bound the depth already.
func TestRecursive(t *testing.T) {
	p, err := build(t, `
tree#1 kids:Vector<Tree> = Tree;
forest#2 trees:Vector<Tree> = Forest;
a#3 bs:vector<%B> = A;
b#4 a:A = B;
opt#5 flags:# kids:flags.0?Vector<Opt> = Opt;
node#6 flags:# next:flags.0?Node = Node;
grid#8 rows:Vector<Vector<Grid>> = Grid;
shape#9 parts:Vector<Shape> = Shape;
dot#a = Shape;
`)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, st := range p.Structs {
		if st.Recursive {
			got[st.TLName] = true
		}
	}
	want := map[string]bool{"tree": true, "a": true, "b": true, "opt": true, "grid": true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Recursive structs (-want +got):\n%s", diff)
	}
}

func TestMarkIdempotent(t *testing.T) {
	p, err := build(t, "a#1 = A;\n---functions---\nf#2 = A;\ng#3 = A;\nwrap#4 {X:Type} n:int query:!X = X;")
	if err != nil {
		t.Fatal(err)
	}
	names, err := ParseMethodList("list.txt", "# reviewed\n\nf  # reads\n")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.MarkIdempotent("list.txt", names); err != nil {
		t.Fatal(err)
	}
	if len(p.Idempotent) != 1 || p.Idempotent[0].TLName != "f" {
		t.Fatalf("Idempotent = %v", p.Idempotent)
	}
	var wrappers []string
	for _, st := range p.Functions() {
		if q := st.WrapperQuery(); q != nil {
			wrappers = append(wrappers, st.TLName+"."+q.GoName)
		}
	}
	if diff := cmp.Diff([]string{"wrap.Query"}, wrappers); diff != "" {
		t.Errorf("wrappers (-want +got):\n%s", diff)
	}
	tests := []struct{ name, list, want string }{
		{"unknown", "f\nnope\n", `list.txt: "nope" is not a method of the schema`},
		{"constructor", "a\n", `"a" is not a method`},
		{"twice", "f\nf\n", `"f" is listed twice`},
		{"wrapper", "wrap\n", `"wrap" is a wrapper`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			names, err := ParseMethodList("list.txt", tt.list)
			if err != nil {
				t.Fatal(err)
			}
			p, _ := build(t, "a#1 = A;\n---functions---\nf#2 = A;\nwrap#4 {X:Type} query:!X = X;")
			if err := p.MarkIdempotent("list.txt", names); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("MarkIdempotent error = %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := ParseMethodList("list.txt", "f g\n"); err == nil || !strings.Contains(err.Error(), "list.txt:1:") {
		t.Fatalf("two names on a line: %v", err)
	}
}

// buildSeeds are one small schema per construct of mini.tl: short inputs keep each run in the
// tens of microseconds (mini.tl whole takes a few hundred), so the fuzzer mutates each
// construct often instead of mostly re-running one large file.
var buildSeeds = []string{
	"point#1a13f5b9 x:double y:double = Point;\npair#e1fea443 key:string value:bytes = Pair;",
	"e#1 = Shape;\nc#2 r:double = Shape;\ng#3 flags:# hidden:flags.0?true children:Vector<Shape> = Shape;",
	"item#1 flags:# p:flags.0?true id:long n:flags.1?int s:flags.2?string b:flags.4?int128 h:flags.4?int256 ok:flags.6?Bool flags2:# t:flags2.0?true = Item;",
	"pair#1 k:string = Pair;\npoint#2 x:int = Point;\nlisting#3 items:vector<pair> first:%Point nums:Vector<long> = Listing;",
	"store.node#1 flags:# value:int next:flags.0?store.Node = store.Node;",
	"node#1 next:Node v:int = Node;\nleaf#2 a:Leaf = Leaf;",
	"a#1 x:%b = A;\nb#2 y:Vector<%A> = B;",
	"a#1 = A;\nb#2 = A;\n---functions---\nf#3 ids:Vector<int> = Vector<A>;\ng#4 = Vector<long>;\nh#5 = Bool;\ns.get#6 v:int = A;",
	"a#1 = A;\n---functions---\nf#2 n:int = A;\nwrap#3 {X:Type} tag:string query:!X = X;",
}

// FuzzBuild: any schema that parses models without panicking, and a model that builds answers
// the questions the emitter asks of it (smallest wire sizes, wrappers, the idempotent list).
func FuzzBuild(f *testing.F) {
	for _, s := range buildSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4<<10 {
			return // larger inputs only repeat constructs and slow every run
		}
		s, err := schema.Parse("f.tl", src)
		if err != nil {
			return
		}
		p, err := Build("f", s, nil)
		if err != nil {
			return
		}
		var names []string
		for _, st := range p.Structs {
			if st.Func {
				if st.WrapperQuery() == nil {
					names = append(names, st.TLName)
				}
				continue
			}
			if n := MinWire(&Type{Kind: KStruct, Struct: st}); n < 4 || n > unbounded {
				t.Fatalf("MinWire(%s) = %d", st.TLName, n)
			}
		}
		if err := p.MarkIdempotent("list", names); err != nil {
			t.Fatalf("every function is a method of its schema: %v", err)
		}
	})
}

func TestMarkSecret(t *testing.T) {
	const src = "a#1 flags:# key:bytes on:flags.0?true code:flags.1?string = A;\n---functions---\nf#2 token:string = A;"
	p, err := build(t, src)
	if err != nil {
		t.Fatal(err)
	}
	list, err := ParseRedactList("r.txt", "# reviewed\n\na key  # signs in\nf token # a login token\na code#sent by SMS\n")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.MarkSecret("r.txt", list); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, st := range p.Structs {
		for _, f := range st.Params {
			if f.Secret != "" {
				got = append(got, st.TLName+"."+f.TLName+": "+f.Secret)
			}
		}
	}
	want := []string{"a.key: signs in", "a.code: sent by SMS", "f.token: a login token"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("secret fields (-want +got):\n%s", diff)
	}
	tests := []struct{ name, list, want string }{
		{"unknown struct", "b key # x\n", `r.txt:1: "b" is not a constructor or function`},
		{"unknown field", "a nope # x\n", `r.txt:1: a has no field "nope"`},
		{"flags word", "a flags # x\n", `a has no field "flags"`},
		{"flag", "\na on # x\n", `r.txt:2: a.on is a flag`},
		{"twice", "a key # x\na key # y\n", `r.txt:2: a.key is listed twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := ParseRedactList("r.txt", tt.list)
			if err != nil {
				t.Fatal(err)
			}
			p, _ := build(t, src)
			if err := p.MarkSecret("r.txt", list); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("MarkSecret error = %v, want %q", err, tt.want)
			}
		})
	}
	for list, want := range map[string]string{
		"a key\n":          "r.txt:1: a.key: say after '#' why",
		"a\n":              `r.txt:1: "a": want a constructor and a field name`,
		"\na key code # x": `r.txt:2: "a key code": want`,
	} {
		if _, err := ParseRedactList("r.txt", list); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseRedactList(%q) = %v, want %q", list, err, want)
		}
	}
}
