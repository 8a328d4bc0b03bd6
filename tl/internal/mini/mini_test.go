package mini

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tltest"
)

func fullItem() *Item {
	return &Item{
		Pinned: true, ID: 7,
		Count: tl.Some[int32](0), Label: tl.Some(""), Data: tl.Some([]byte{1}),
		Big: tl.Some(tl.Int128{1}), Huge: tl.Some(tl.Int256{2}), Ratio: tl.Some(0.5), Ok: tl.Some(false),
		Shape: &ShapeGroup{Name: tl.Some("g"), Children: []ShapeClass{&ShapeEmpty{}, &ShapeCircle{Radius: 1}}},
		Where: &Point{X: 1, Y: 2}, Tags: []string{}, Starred: true, Hint: tl.Some("h"),
	}
}

// TestEncodeIsReadOnly: one value encoded by several goroutines at once (run under -race) gives
// identical bytes and stays unchanged.
func TestEncodeIsReadOnly(t *testing.T) {
	v := fullItem()
	var want tl.Buffer
	if err := v.Encode(&want); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			var b tl.Buffer
			for range 50 {
				b.Reset()
				if err := v.Encode(&b); err != nil || !bytes.Equal(b.Buf, want.Buf) {
					t.Errorf("concurrent encode differs (err %v)", err)
					return
				}
			}
		})
	}
	wg.Wait()
	if diff := cmp.Diff(fullItem(), v); diff != "" {
		t.Fatalf("encode changed the value:\n%s", diff)
	}
}

// TestFlagsFromPresence: present zero values are encoded, absent ones are not, and decoding into
// a used struct clears what the wire does not carry.
func TestFlagsFromPresence(t *testing.T) {
	var b tl.Buffer
	if err := fullItem().Encode(&b); err != nil {
		t.Fatal(err)
	}
	full := len(b.Buf)
	bare := &Item{ID: 7}
	b.Reset()
	if err := bare.Encode(&b); err != nil {
		t.Fatal(err)
	}
	// id + flags + long + flags2
	if len(b.Buf) != 4+4+8+4 {
		t.Fatalf("minimal item is %d bytes", len(b.Buf))
	}
	got := fullItem()
	if err := got.Decode(&b); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(bare, got); diff != "" {
		t.Fatalf("stale fields survived decoding (-want +got):\n%s", diff)
	}
	if full <= len(b.Buf) {
		t.Fatal("full item not larger than minimal")
	}
	// Big and Huge share flags.4: one without the other cannot be encoded.
	err := (&Item{Big: tl.Some(tl.Int128{})}).Encode(&b)
	if !errors.Is(err, tl.ErrInvalid) {
		t.Fatalf("half a flag group encoded: %v", err)
	}
}

func TestBareForms(t *testing.T) {
	l := &Listing{Items: []Pair{{Key: "k", Value: []byte{1, 2}}}, First: Point{X: 3}, Nums: []int64{1}, Ints: []int32{}}
	var b tl.Buffer
	if err := l.Encode(&b); err != nil {
		t.Fatal(err)
	}
	// listing id, bare vector count 1, bare pair (no id), bare point (no id), boxed vectors.
	want := 4 + 4 + (4 + 4) + 16 + (8 + 8) + 8
	if len(b.Buf) != want {
		t.Fatalf("listing is %d bytes, want %d", len(b.Buf), want)
	}
	var got Listing
	if err := got.Decode(&b); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(l, &got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

type echo struct{ answer tl.Encoder }

func (e echo) Invoke(_ context.Context, in tl.Encoder, out tl.Decoder) error {
	var b tl.Buffer
	if err := e.answer.Encode(&b); err != nil {
		return err
	}
	return out.Decode(&b)
}

func TestClientResults(t *testing.T) {
	ctx := context.Background()
	shapes := []ShapeClass{&ShapeEmpty{}, &ShapeCircle{Center: Point{X: 1}}}
	got, err := NewClient(echo{&ShapeClassVector{Elems: shapes}}).GetShapes(ctx, &GetShapesRequest{IDs: []int32{1}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(shapes, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	ids, err := NewClient(echo{&LongVector{Elems: []int64{5, 6}}}).GetIDs(ctx, &GetIDsRequest{})
	if err != nil || !cmp.Equal(ids, []int64{5, 6}) {
		t.Fatalf("%v %v", ids, err)
	}
	ok, err := NewClient(echo{&BoolBox{Bool: true}}).SetPoint(ctx, &SetPointRequest{})
	if err != nil || !ok {
		t.Fatalf("%v %v", ok, err)
	}
	node, err := NewClient(echo{&StoreNode{Value: 1, Next: &StoreNode{Value: 2}}}).StoreGetNode(ctx, &StoreGetNodeRequest{})
	if err != nil || node.Next.Value != 2 {
		t.Fatalf("%v %v", node, err)
	}
	var item Item
	if err := NewClient(echo{fullItem()}).InvokeWithTag(ctx, &InvokeWithTagRequest{Tag: "t", Query: &GetItemRequest{ID: 7}}, &item); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fullItem(), &item); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	if _, err := NewClient(echo{&BoolBox{}}).GetShapes(ctx, &GetShapesRequest{}); !errors.Is(err, tl.ErrUnexpectedID) {
		t.Fatalf("wrong result type: %v", err)
	}
	var box ShapeClassBox
	if err := box.Encode(&tl.Buffer{}); !errors.Is(err, tl.ErrInvalid) {
		t.Fatalf("empty box encoded: %v", err)
	}
}

// TestDecodeAllocs bounds the allocations of decoding a batch of objects with one Buffer:
// structs and vectors come from slabs, strings from shared chunks.
func TestDecodeAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip()
	}
	var group ShapeGroup
	for i := range 200 {
		group.Children = append(group.Children, &ShapeGroup{Name: tl.Some("child"), Children: []ShapeClass{&ShapeCircle{Radius: float64(i)}}})
	}
	var b tl.Buffer
	if err := group.Encode(&b); err != nil {
		t.Fatal(err)
	}
	wire := b.Buf
	var d tl.Buffer
	allocs := testing.AllocsPerRun(20, func() {
		d.ResetTo(wire)
		if _, err := DecodeShapeClass(&d); err != nil {
			t.Fatal(err)
		}
	})
	// 601 objects and 201 vectors; allocating each would be ~800 allocations.
	if !raceEnabled && allocs > 60 {
		t.Fatalf("decoding 800 values took %.0f allocations", allocs)
	}
}

// nestings returns, for every way values nest (classes, self-referencing pointers, generic
// queries, structs held by value in vectors of themselves), a function that builds n levels of
// it around a leaf, and the encoding of a valid leaf.
func nestings() []struct {
	name string
	deep func(n int, leaf []byte) []byte
	leaf []byte
} {
	// Every wrapper only prefixes its inner value, so n levels are n copies of the prefix.
	deep := func(wrap func(b *tl.Buffer)) func(n int, leaf []byte) []byte {
		var b tl.Buffer
		wrap(&b)
		return func(n int, leaf []byte) []byte { return append(bytes.Repeat(b.Buf, n), leaf...) }
	}
	leaf := func(v tl.Object) []byte {
		var b tl.Buffer
		_ = v.Encode(&b)
		return b.Buf
	}
	return []struct {
		name string
		deep func(n int, leaf []byte) []byte
		leaf []byte
	}{
		{"class", deep(func(b *tl.Buffer) {
			b.PutID(ShapeGroupTypeID)
			b.PutUint32(0)
			b.PutVectorHeader(1)
		}), leaf(&ShapeEmpty{})},
		{"pointer", deep(func(b *tl.Buffer) {
			b.PutID(StoreNodeTypeID)
			b.PutUint32(1)
			b.PutInt32(0)
		}), leaf(&StoreNode{})},
		{"query", deep(func(b *tl.Buffer) {
			b.PutID(InvokeWithTagRequestTypeID)
			b.PutString("")
		}), leaf(&GetIDsRequest{})},
		{"value in a vector", deep(func(b *tl.Buffer) { // a tree whose one kid holds the rest
			b.PutID(TreeTypeID)
			b.PutInt32(0)
			b.PutVectorHeader(1)
		}), leaf(&Tree{Kids: []Tree{}})},
	}
}

// TestDepthLimit: hostile nesting fails with ErrTooDeep instead of exhausting the stack, through
// classes, self-referencing pointers, generic queries and structs held by value in vectors of
// themselves alike.
func TestDepthLimit(t *testing.T) {
	for _, tt := range nestings() {
		t.Run(tt.name, func(t *testing.T) {
			var b tl.Buffer
			b.ResetTo(tt.deep(tl.MaxDepth/2, tt.leaf))
			if _, err := DecodeObject(&b); err != nil {
				t.Fatalf("moderate nesting rejected: %v", err)
			}
			b.ResetTo(tt.deep(100000, tt.leaf))
			if _, err := DecodeObject(&b); !errors.Is(err, tl.ErrTooDeep) {
				t.Fatalf("got %v, want ErrTooDeep", err)
			}
		})
	}
}

// TestFailedDecodeKeepsDepth: a decode that fails deep inside nested values (an unknown id at
// the bottom, or nesting past tl.MaxDepth) leaves the Buffer's depth where it found it, so a
// Buffer read on without Reset or ResetTo still decodes nesting up to the limit.
func TestFailedDecodeKeepsDepth(t *testing.T) {
	badLeaf := append([]byte{0xff, 0xff, 0xff, 0xff}, make([]byte, 12)...) // no constructor has this id
	for _, tt := range nestings() {
		t.Run(tt.name, func(t *testing.T) {
			var b tl.Buffer
			next := func(p []byte) (tl.Object, error) { // decode p after what was read before
				_ = b.Skip(b.Len())
				b.Buf = append(b.Buf, p...)
				return DecodeObject(&b)
			}
			for range 20 {
				if _, err := next(tt.deep(10, badLeaf)); !errors.Is(err, tl.ErrUnexpectedID) {
					t.Fatalf("bad leaf: got %v, want ErrUnexpectedID", err)
				}
				if _, err := next(tt.deep(tl.MaxDepth+10, tt.leaf)); !errors.Is(err, tl.ErrTooDeep) {
					t.Fatalf("too deep: got %v, want ErrTooDeep", err)
				}
			}
			if _, err := next(tt.deep(tl.MaxDepth/2, tt.leaf)); err != nil {
				t.Fatalf("after failed decodes, moderate nesting rejected: %v", err)
			}
			if d := b.Depth(); d != 0 {
				t.Fatalf("depth %d after the decodes, want 0", d)
			}
		})
	}
}

// FuzzDecodeObject feeds arbitrary bytes to the registry decoder of the schema that uses every
// construct tlgen supports (recursion through classes, optional pointers and vectors of
// structs held by value, bare vectors, generic queries): no panic, allocation bounded by the
// input, and whatever decodes re-encodes and decodes equal. Seeds: one random value of each
// constructor and function.
func FuzzDecodeObject(f *testing.F) {
	f.Add([]byte{})
	r := tltest.NewRand(1)
	for _, c := range roundTripCases {
		var b tl.Buffer
		if err := c.New(r).Encode(&b); err == nil {
			f.Add(b.Buf)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tltest.CheckDecode(t, data, testRegistry)
	})
}

// TestRedactedShape: a type with fields on the redact list prints like fmt prints a struct, each
// secret as its size, under fmt, slog and encoding/json; a nil one prints as nil.
func TestRedactedShape(t *testing.T) {
	p := &Pair{Key: "k", Value: []byte("QWERTYUIOP")}
	var text, js strings.Builder
	slog.New(slog.NewTextHandler(&text, &slog.HandlerOptions{ReplaceAttr: dropTime})).Info("m", "p", p, "nil", (*Pair)(nil))
	slog.New(slog.NewJSONHandler(&js, &slog.HandlerOptions{ReplaceAttr: dropTime})).Info("m", "p", p)
	b, err := json.Marshal(struct{ P, Nil *Pair }{P: p})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{
		"%v": fmt.Sprintf("%v", p), "%+v": fmt.Sprintf("%+v", p), "%#v": fmt.Sprintf("%#v", p),
		"%x": fmt.Sprintf("%x", p), "value %+v": fmt.Sprintf("%+v", *p), "nil %v": fmt.Sprintf("%v", (*Pair)(nil)),
		"slog text": text.String(), "slog JSON": js.String(), "encoding/json": string(b),
	}
	want := map[string]string{
		"%v":            "{k [redacted 10 bytes]}",
		"%+v":           "{Key:k Value:[redacted 10 bytes]}",
		"%#v":           `mini.Pair{Key:"k", Value:[redacted 10 bytes]}`,
		"%x":            "{6b [redacted 10 bytes]}",
		"value %+v":     "{Key:k Value:[redacted 10 bytes]}",
		"nil %v":        "<nil>",
		"slog text":     `level=INFO msg=m p.Key=k p.Value="[redacted 10 bytes]" nil=<nil>` + "\n",
		"slog JSON":     `{"level":"INFO","msg":"m","p":{"Key":"k","Value":"[redacted 10 bytes]"}}` + "\n",
		"encoding/json": `{"P":{"Key":"k","Value":"[redacted 10 bytes]"},"Nil":null}`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("printed forms (-want +got):\n%s", diff)
	}
}

func dropTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}
