package emit

import (
	"errors"
	"strings"
	"testing"

	"github.com/mtgo-labs/mtgo/tools/tlgen/internal/model"
	"github.com/mtgo-labs/mtgo/tools/tlgen/internal/schema"
)

type memWriter map[string]string

func (w memWriter) WriteFile(name string, src []byte) error {
	w[name] = string(src)
	return nil
}

type failWriter struct{}

func (failWriter) WriteFile(string, []byte) error { return errors.New("disk full") }

var cfg = Config{RuntimeImport: "example.com/tl", BaseImport: "example.com/base", Generator: "tlgen"}

// buildSrc parses and models src, marking the functions named idempotent.
func buildSrc(t *testing.T, src string, idempotent ...string) *model.Package {
	t.Helper()
	s, err := schema.Parse("e.tl", src)
	if err != nil {
		t.Fatal(err)
	}
	p, err := model.Build("e", s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.MarkIdempotent("list", idempotent); err != nil {
		t.Fatal(err)
	}
	return p
}

func emitSrc(t *testing.T, src string, w Writer) error {
	t.Helper()
	return Emit(buildSrc(t, src), cfg, w)
}

func TestEmitShapes(t *testing.T) {
	w := memWriter{}
	src := "a#1 flags:# x:flags.0?int y:flags.0?string t:flags.0?true = A;\nb#2 = B;\nc#3 = B;\n---functions---\nf#4 v:int = B;\nns.g#5 = A;"
	if err := emitSrc(t, src, w); err != nil {
		t.Fatal(err)
	}
	checks := map[string][]string{
		"tl_types_gen.go":     {"type A struct", "X tl.Opt[int32]", "tl.FlagGroupError(\"a\", \"y\")", "tl.FlagGroupError(\"a\", \"t\")", "const ATypeID = 0x00000001"},
		"classes_gen.go":      {"type BClass interface", "func DecodeBClass(b *tl.Buffer) (BClass, error)", "type BClassBox struct"},
		"tl_functions_gen.go": {"type FRequest struct"},
		"tl_ns_gen.go":        {"type NsGRequest struct"},
		"client_gen.go":       {"func (c *Client) F(ctx context.Context, req *FRequest) (BClass, error)", "func (c *Client) NsG(ctx context.Context, req *NsGRequest) (*A, error)"},
		"registry_gen.go":     {"func NewObject(id uint32) tl.Object", "case FRequestTypeID:"},
	}
	for file, wants := range checks {
		got, ok := w[file]
		if !ok {
			t.Fatalf("no %s; have %v", file, keys(w))
		}
		for _, want := range wants {
			if !strings.Contains(got, want) {
				t.Errorf("%s lacks %q", file, want)
			}
		}
	}
	if _, ok := w["updates_gen.go"]; ok {
		t.Error("updates_gen.go emitted for a schema without Update")
	}
	if _, ok := w["entities_gen.go"]; ok {
		t.Error("entities_gen.go emitted for a schema without User and Chat")
	}
}

// TestEmitFacts: wrappers, vector results, the idempotent list and the users and chats
// carriers of a schema become UnwrapQuery, ResultDecoder, IsIdempotent and Entities.
func TestEmitFacts(t *testing.T) {
	src := `user#1 id:long = User;
userEmpty#2 = User;
chat#3 id:long = Chat;
channel#4 id:long = Chat;
found#5 users:Vector<User> chats:Vector<Chat> = Found;
both#6 flags:# user:User extra:flags.0?User users:Vector<User> founds:Vector<Found> = Both;
---functions---
getUsers#7 = Vector<User>;
getIDs#8 n:int = Vector<int>;
find#9 = Found;
wrap#a {X:Type} layer:int query:!X = X;
`
	w := memWriter{}
	if err := Emit(buildSrc(t, src, "getUsers", "find"), cfg, w); err != nil {
		t.Fatal(err)
	}
	checks := map[string][]string{
		"methods_gen.go": {
			"case *WrapRequest:\n\t\t\tif w != nil {\n\t\t\t\tinner = w.Query",
			"case *GetIDsRequest:\n\t\treturn &IntVector{}",
			"case *GetUsersRequest:\n\t\treturn &UserClassVector{}",
			"case *GetUsersRequest:\n\t\treturn true\n\tcase *FindRequest:\n\t\treturn true",
			"func (*AnyVector) TypeID() uint32 { return tl.VectorID }",
		},
		"results_gen.go": {
			"func (*IntVector) TypeName() string { return \"vector\" }",
			"n0, err := b.VectorHeaderOf(4)",
			"func (*UserClassVector) TypeID() uint32 { return tl.VectorID }",
		},
		"tl_types_gen.go": {
			// Users are interfaces: the slice is allocated at once. Found is a struct held by
			// value in Both: allocated as far as the bytes allow, then grown.
			"m.Users = tl.MakeSlice[UserClass](b,",
			"n0, err := b.VectorHeaderOf(20)", // found: id and two empty vectors
			"m.Founds = tl.MakeSliceUpTo[Found](b,",
			"if i0 == len(m.Founds) {\n\t\t\t\tm.Founds = tl.GrowSlice(m.Founds, n0)",
		},
		"entities_gen.go": {
			"case *Found:\n\t\tif x != nil {\n\t\t\treturn x.Users, x.Chats",
			"if x.Extra != nil {\n\t\t\t\tusers = append(users, x.Extra)",
			"users = append(users, x.Users...)",
			"case *UserEmpty:\n\t\tif x != nil {\n\t\t\treturn []UserClass{x}, nil",
			"case *ChatClassBox:",
			"case *UserClassVector:\n\t\tif x != nil {\n\t\t\treturn x.Elems, nil",
		},
	}
	for file, wants := range checks {
		for _, want := range wants {
			if !strings.Contains(w[file], want) {
				t.Errorf("%s lacks %q", file, want)
			}
		}
	}
}

func keys(m memWriter) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestEmitErrors(t *testing.T) {
	if err := emitSrc(t, "a#1 = A;", failWriter{}); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("writer error not reported: %v", err)
	}
	// A generic function needs some scalar-only function to act as the query in round trips.
	err := emitSrc(t, "a#1 = A;\n---functions---\nf#2 {X:Type} q:!X = X;", memWriter{})
	if err == nil || !strings.Contains(err.Error(), "no function usable as a query") {
		t.Fatalf("got %v", err)
	}
}

// FuzzEmit: whatever parses and models also emits (or reports an error) without panicking,
// and the output is valid Go (Emit formats it).
func FuzzEmit(f *testing.F) {
	f.Add("a#1 flags:# x:flags.0?int = A;\nb#2 v:Vector<A> = B;\nc#3 = B;\n---functions---\nf#4 v:int = B;\ng#5 {X:Type} q:!X = X;")
	f.Add("a#1 x:vector<%b> = A;\nb#2 y:int128 z:int256 d:double s:bytes = B;")
	f.Fuzz(func(t *testing.T, src string) {
		s, err := schema.Parse("f.tl", src)
		if err != nil {
			return
		}
		p, err := model.Build("f", s, nil)
		if err != nil {
			return
		}
		_ = Emit(p, cfg, memWriter{})
	})
}
