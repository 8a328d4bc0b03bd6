package mtgo

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestKindOfMatchesGeneratedClient reads tl/tg's generated client and checks that kindOf names
// exactly the requests whose typed helper returns []int32 or []int64, so a schema update that
// adds one cannot go unnoticed.
func TestKindOfMatchesGeneratedClient(t *testing.T) {
	dir := filepath.Join("..", "tl", "tg")
	fset := token.NewFileSet()
	ids := map[string]uint32{} // "XRequest" -> type id
	files, err := filepath.Glob(filepath.Join(dir, "tl_*_gen.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("generated files: %v %v", files, err)
	}
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if !strings.HasSuffix(n.Name, "RequestTypeID") || i >= len(vs.Values) {
						continue
					}
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok {
						continue
					}
					v, err := strconv.ParseUint(lit.Value, 0, 32)
					if err != nil {
						t.Fatal(err)
					}
					ids[strings.TrimSuffix(n.Name, "TypeID")] = uint32(v)
				}
			}
		}
	}
	f, err := parser.ParseFile(fset, filepath.Join(dir, "client_gen.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]resultKind{}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv == nil || fn.Type.Results == nil || len(fn.Type.Params.List) < 2 {
			continue
		}
		arr, ok := fn.Type.Results.List[0].Type.(*ast.ArrayType)
		if !ok {
			continue
		}
		star, ok := fn.Type.Params.List[1].Type.(*ast.StarExpr)
		if !ok {
			continue
		}
		req, ok := star.X.(*ast.Ident)
		if !ok {
			continue
		}
		switch elt := arr.Elt.(*ast.Ident); {
		case elt != nil && elt.Name == "int32":
			want[req.Name] = resultInts
		case elt != nil && elt.Name == "int64":
			want[req.Name] = resultLongs
		}
	}
	if len(want) == 0 {
		t.Fatal("found no requests returning vectors of numbers: the parser is out of date")
	}
	got := map[string]resultKind{}
	for name, id := range ids {
		obj := tg.NewObject(id)
		if obj == nil {
			t.Fatalf("%s (%#x) unknown to tg.NewObject", name, id)
		}
		if k := kindOf(obj); k != resultBoxed {
			got[name] = k
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("kindOf disagrees with the generated client (-want +got):\n%s", diff)
	}
	// Wrappers are looked through.
	wrapped := &tg.InvokeWithLayerRequest{Layer: Layer, Query: &tg.InitConnectionRequest{Query: &tg.InvokeWithoutUpdatesRequest{Query: &tg.PhotosDeletePhotosRequest{}}}}
	if k := kindOf(wrapped); k != resultLongs {
		t.Fatalf("kindOf(wrapped photos.deletePhotos) = %d", k)
	}
}

func TestResultDecode(t *testing.T) {
	encode := func(e tl.Encoder) []byte {
		var b tl.Buffer
		if err := e.Encode(&b); err != nil {
			t.Fatal(err)
		}
		return b.Buf
	}
	tests := []struct {
		name  string
		query tl.Encoder
		body  []byte
		want  tl.Object
	}{
		{"boxed", &tg.HelpGetNearestDCRequest{}, encode(&tg.NearestDC{Country: "NL", ThisDC: 2, NearestDC: 2}), &tg.NearestDC{Country: "NL", ThisDC: 2, NearestDC: 2}},
		{"bool", &tg.AuthLogOutRequest{}, encode(&tg.BoolTrue{}), &tg.BoolTrue{}},
		{"mtproto pong", &tg.PingRequest{}, encode(&tg.Pong{MsgID: 1, PingID: 2}), &tg.Pong{MsgID: 1, PingID: 2}},
		{"vector of objects", &tg.UsersGetUsersRequest{}, encode(&Vector{Elems: []tg.TLObject{&tg.UserEmpty{ID: 5}}}), &Vector{Elems: []tg.TLObject{&tg.UserEmpty{ID: 5}}}},
		{"vector of ints", &tg.ContactsGetContactIDsRequest{}, encode(&IntVector{Elems: []int32{1, 2}}), &IntVector{Elems: []int32{1, 2}}},
		{"vector of longs", &tg.MessagesReceivedQueueRequest{}, encode(&LongVector{Elems: []int64{1 << 40}}), &LongVector{Elems: []int64{1 << 40}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := resultFor(tt.query)
			var b tl.Buffer
			b.ResetTo(tt.body)
			if err := r.Decode(&b); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, r.obj); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzResultDecode feeds arbitrary answers to every result kind: errors, never panics.
func FuzzResultDecode(f *testing.F) {
	var b tl.Buffer
	_ = (&Vector{Elems: []tg.TLObject{&tg.UserEmpty{ID: 5}}}).Encode(&b)
	f.Add(b.Buf, uint8(0))
	b.Reset()
	_ = (&IntVector{Elems: []int32{1, 2}}).Encode(&b)
	f.Add(b.Buf, uint8(1))
	b.Reset()
	_ = (&LongVector{Elems: []int64{1}}).Encode(&b)
	f.Add(b.Buf, uint8(2))
	b.Reset()
	_ = (&tg.NearestDC{Country: "NL"}).Encode(&b)
	f.Add(b.Buf, uint8(0))
	f.Add([]byte{0x15, 0xc4, 0xb5, 0x1c, 0xff, 0xff, 0xff, 0x7f}, uint8(2))
	f.Fuzz(func(t *testing.T, body []byte, kind uint8) {
		r := &result{kind: resultKind(kind % 3)}
		var b tl.Buffer
		b.ResetTo(body)
		_ = r.Decode(&b)
	})
}
