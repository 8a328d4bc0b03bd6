package schema

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"bad char", "a#1 x:int = A;\n@", "s.tl:2:1: unexpected character '@'"},
		{"unterminated", "a#1 x:int = A", "s.tl:1:14: expected \";\" after the result type of a, found end of file"},
		{"no result", "a#1 x:int;", "s.tl:1:10: unexpected \";\" in declaration of a"},
		{"bad id", "a#xyz = A;", "s.tl:1:1: constructor id \"xyz\" is not hexadecimal"},
		{"long id", "a#123456789 = A;", "s.tl:1:1: constructor id \"123456789\" must be 1 to 8 hex digits"},
		{"bad section", "---foo---", "s.tl:1:1: unknown section ---foo---"},
		{"broken section", "---types", "s.tl:1:1: malformed section marker"},
		{"unknown flags word", "a#1 x:flags.0?int = A;", "s.tl:1:7: field x depends on \"flags\", which is not a flags field"},
		{"bit too big", "a#1 flags:# x:flags.32?int = A;", "s.tl:1:15: flag bit \"32\" of field x must be a number from 0 to 31"},
		{"no bit", "a#1 flags:# x:flags?int = A;", "s.tl:1:15: condition \"flags\" of field x must be flags.N"},
		{"duplicate field", "a#1 x:int x:long = A;", "s.tl:1:11: duplicate field \"x\" in a"},
		{"duplicate name", "a#1 = A;\na#2 = A;", "s.tl:2:1: a is already declared at line 1"},
		{"duplicate id", "a#1 = A;\nb#1 = A;", "s.tl:2:1: id 00000001 of b is already used by a (line 1)"},
		{"bang without param", "f#1 q:!X = A;", "s.tl:1:7: field q: !X must name a type parameter of f"},
		{"generic result", "f#1 {X:Type} q:!X = A;", "s.tl:1:1: result of generic f must be one of its type parameters"},
		{"generic kind", "f#1 {X:Int} q:!X = X;", "s.tl:1:8: type parameter X must have kind Type"},
		{"true field", "a#1 x:true = A;", "s.tl:1:7: field x has type true"},
		{"unclosed vector", "a#1 x:Vector<int = A;", "s.tl:1:18: expected \">\", found \"=\""},
		{"bare result", "a#1 = %A;", "s.tl:1:1: result type of a must be a boxed type"},
		{"bad name", "1a#1 = A;", "s.tl:1:1: invalid combinator name \"1a\""},
		{"empty namespace part", "a..b#1 = A;", "s.tl:1:1: invalid combinator name \"a..b\""},
		{"missing type", "a#1 x: = A;", "s.tl:1:8: expected a type name, found \"=\""},
		{"two errors", "a#1 x:int;\nb#2 y:long;", "s.tl:2:11"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("s.tl", tt.src)
			if err == nil {
				t.Fatalf("Parse(%q) succeeded", tt.src)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse(%q) error:\n%v\nwant it to contain %q", tt.src, err, tt.want)
			}
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not a *schema.Error", err)
			}
		})
	}
}

func TestParseConstructs(t *testing.T) {
	src := `// comment
int ? = Int;
vector {t:Type} # [ t ] = Vector t;
int128 4*[ int ] = Int128;
a.b#0000000a flags:# t:flags.3?true v:flags.31?Vector<%c> w:vector<long> = a.B;
---functions---
f#1 {X:Type} q:!X = X;
`
	s, err := Parse("s.tl", src)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, d := range s.Decls {
		if d.Builtin {
			got = append(got, "builtin "+d.Name)
			continue
		}
		got = append(got, d.Normalized())
	}
	want := []string{
		"builtin int", "builtin vector", "builtin int128",
		"a.b flags:# v:flags.31?Vector c w:vector long = a.B",
		"f X:Type q:!X = X",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	d := s.Decls[3]
	if !d.HasID || d.ID != 10 || d.Func || d.Params[1].Cond.Bit != 3 || !d.Params[2].Type.Arg.Bare {
		t.Fatalf("unexpected decl %+v", d)
	}
	if f := s.Decls[4]; !f.Func || len(f.Generic) != 1 || !f.Params[0].Type.Bang {
		t.Fatalf("unexpected function %+v", f)
	}
}

// TestCRC checks the id rule on real schemas: every api.tl id matches, mtproto.tl has exactly
// the two known mismatches, secret.tl the one of its layer-suffixed name.
func TestCRC(t *testing.T) {
	for _, tc := range []struct {
		file string
		bad  []string
	}{
		{"../../../../tl/schema/api.tl", nil},
		{"../../../../tl/schema/mtproto.tl", []string{"accessPointRule", "help.configSimple"}},
		{"../../../../tl/schema/secret.tl", []string{"decryptedMessageMediaDocument46"}},
		{"../../testdata/mini.tl", nil},
	} {
		src, err := os.ReadFile(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		s, err := Parse(tc.file, string(src))
		if err != nil {
			t.Fatal(err)
		}
		var bad []string
		for _, e := range s.CheckIDs() {
			msg := e.Error()
			_, rest, _ := strings.Cut(msg, "constructor id of ")
			name, _, _ := strings.Cut(rest, " ")
			bad = append(bad, name)
		}
		if diff := cmp.Diff(tc.bad, bad); diff != "" {
			t.Errorf("%s mismatches (-want +got):\n%s", tc.file, diff)
		}
	}
	d := &Decl{Name: "ping", Params: []*Param{{Name: "ping_id", Type: &Type{Name: "long"}}}, Result: &Type{Name: "Pong"}}
	if got := d.ComputedID(); got != 0x7abe77ec {
		t.Fatalf("crc of ping = %08x, want 7abe77ec", got)
	}
}

// FuzzParse: a malformed schema never panics, and errors always carry a position.
func FuzzParse(f *testing.F) {
	for _, p := range []string{"../../testdata/mini.tl", "../../../../tl/schema/mtproto.tl"} {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(src))
	}
	f.Add("a#1 flags:# x:flags.0?Vector<%b> = A;\n---functions---\nf {X:Type} q:!X = X;")
	f.Add("---types")
	f.Fuzz(func(t *testing.T, src string) {
		s, err := Parse("f.tl", src)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.tl:") {
				t.Fatalf("error without position: %v", err)
			}
			return
		}
		for _, d := range s.Decls {
			_ = d.Normalized()
		}
		_ = s.CheckIDs()
	})
}

func TestLayerComment(t *testing.T) {
	tests := []struct {
		src  string
		want int
	}{
		{"a#1 = A;\n// LAYER 228\n", 228},
		{"//LAYER 7\na#1 = A;", 7},
		{"a#1 = A;\n", 0},
		{"// LAYER x\n", 0},
		{"// LAYER -3\n", 0},
		{"// the LAYER 5 of it\n", 0},
	}
	for _, tt := range tests {
		s, err := Parse("t.tl", tt.src)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.src, err)
		}
		if s.Layer != tt.want {
			t.Errorf("Parse(%q).Layer = %d, want %d", tt.src, s.Layer, tt.want)
		}
	}
}
