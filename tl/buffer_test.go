package tl

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPrimitivesRoundTrip(t *testing.T) {
	var b Buffer
	i128 := Int128{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	var i256 Int256
	for i := range i256 {
		i256[i] = byte(255 - i)
	}
	long := strings.Repeat("x", 300)
	b.PutID(0xdeadbeef)
	b.PutInt32(-5)
	b.PutUint32(math.MaxUint32)
	b.PutInt64(math.MinInt64)
	b.PutDouble(-1.5)
	b.PutInt128(i128)
	b.PutInt256(i256)
	b.PutBool(true)
	b.PutBool(false)
	b.PutString("")
	b.PutString("abc")
	b.PutString(long)
	b.PutBytes([]byte{1, 2, 3, 4})
	b.PutBareVectorHeader(0)
	b.PutVectorHeader(2)
	b.PutInt64(0)
	if len(b.Buf)%4 != 0 {
		t.Fatalf("encoding not 4-byte aligned: %d", len(b.Buf))
	}

	type all struct {
		ID          uint32
		I32         int32
		U32         uint32
		I64         int64
		D           float64
		I128        Int128
		I256        Int256
		T, F        bool
		S0, S3, SL  string
		Bs          []byte
		Vec, BareV  int
		PeekOK      bool
		ExhaustedOK bool
	}
	var got all
	var err error
	step := func(e error) {
		if err == nil {
			err = e
		}
	}
	id, e := b.PeekID()
	step(e)
	got.PeekOK = id == 0xdeadbeef
	got.ID, e = b.ID()
	step(e)
	got.I32, e = b.Int32()
	step(e)
	got.U32, e = b.Uint32()
	step(e)
	got.I64, e = b.Int64()
	step(e)
	got.D, e = b.Double()
	step(e)
	got.I128, e = b.Int128()
	step(e)
	got.I256, e = b.Int256()
	step(e)
	got.T, e = b.Bool()
	step(e)
	got.F, e = b.Bool()
	step(e)
	got.S0, e = b.String()
	step(e)
	got.S3, e = b.String()
	step(e)
	got.SL, e = b.String()
	step(e)
	got.Bs, e = b.Bytes()
	step(e)
	got.BareV, e = b.BareVectorHeader()
	step(e)
	got.Vec, e = b.VectorHeader()
	step(e)
	step(b.Skip(8))
	got.ExhaustedOK = b.Len() == 0 && len(b.Raw()) == 0
	if err != nil {
		t.Fatal(err)
	}
	want := all{0xdeadbeef, -5, math.MaxUint32, math.MinInt64, -1.5, i128, i256, true, false,
		"", "abc", long, []byte{1, 2, 3, 4}, 2, 0, true, true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

func TestStringWireForm(t *testing.T) {
	tests := []struct {
		n    int
		head []byte
		size int
	}{
		{0, []byte{0}, 4},
		{3, []byte{3}, 4},
		{4, []byte{4}, 8},
		{253, []byte{253}, 256},
		{254, []byte{254, 254, 0, 0}, 260},
		{1000, []byte{254, 0xe8, 0x03, 0}, 1004},
	}
	for _, tt := range tests {
		var b Buffer
		b.PutString(strings.Repeat("a", tt.n))
		if len(b.Buf) != tt.size || !bytes.HasPrefix(b.Buf, tt.head) {
			t.Errorf("len %d: got %d bytes starting % x, want %d starting % x", tt.n, len(b.Buf), b.Buf[:min(4, len(b.Buf))], tt.size, tt.head)
		}
		for _, c := range b.Buf[len(tt.head)+tt.n:] {
			if c != 0 {
				t.Errorf("len %d: nonzero padding", tt.n)
			}
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		read func(b *Buffer) error
		want error
	}{
		{"short int", []byte{1, 2, 3}, func(b *Buffer) error { _, err := b.Int32(); return err }, ErrUnexpectedEOF},
		{"short long", []byte{1, 2, 3, 4}, func(b *Buffer) error { _, err := b.Int64(); return err }, ErrUnexpectedEOF},
		{"short int128", make([]byte, 15), func(b *Buffer) error { _, err := b.Int128(); return err }, ErrUnexpectedEOF},
		{"short int256", make([]byte, 31), func(b *Buffer) error { _, err := b.Int256(); return err }, ErrUnexpectedEOF},
		{"bad bool", []byte{1, 0, 0, 0}, func(b *Buffer) error { _, err := b.Bool(); return err }, ErrUnexpectedID},
		{"empty string", nil, func(b *Buffer) error { _, err := b.String(); return err }, ErrUnexpectedEOF},
		{"string past end", []byte{5, 'a', 'b', 'c'}, func(b *Buffer) error { _, err := b.String(); return err }, ErrTooLarge},
		{"long string past end", []byte{254, 0xff, 0xff, 0xff, 0}, func(b *Buffer) error { _, err := b.Bytes(); return err }, ErrTooLarge},
		{"long header cut", []byte{254, 1}, func(b *Buffer) error { _, err := b.String(); return err }, ErrUnexpectedEOF},
		{"0xff length", []byte{255, 0, 0, 0}, func(b *Buffer) error { _, err := b.String(); return err }, ErrInvalid},
		{"padding missing", []byte{1, 'a'}, func(b *Buffer) error { _, err := b.String(); return err }, ErrTooLarge},
		{"vector id", []byte{1, 0, 0, 0, 0, 0, 0, 0}, func(b *Buffer) error { _, err := b.VectorHeader(); return err }, ErrUnexpectedID},
		{"vector count", []byte{0x15, 0xc4, 0xb5, 0x1c, 2, 0, 0, 0, 1, 0, 0, 0}, func(b *Buffer) error { _, err := b.VectorHeader(); return err }, ErrTooLarge},
		{"count over element size", []byte{0x15, 0xc4, 0xb5, 0x1c, 2, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, func(b *Buffer) error { _, err := b.VectorHeaderOf(8); return err }, ErrTooLarge},
		{"bare count over element size", []byte{3, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8}, func(b *Buffer) error { _, err := b.BareVectorHeaderOf(4); return err }, ErrTooLarge},
		{"negative count", []byte{0xff, 0xff, 0xff, 0xff}, func(b *Buffer) error { _, err := b.BareVectorHeader(); return err }, ErrTooLarge},
		{"huge count", []byte{0xff, 0xff, 0xff, 0x7f}, func(b *Buffer) error { _, err := b.BareVectorHeader(); return err }, ErrTooLarge},
		{"consume id", []byte{1, 0, 0, 0}, func(b *Buffer) error { return b.ConsumeID(2) }, ErrUnexpectedID},
		{"skip past end", []byte{1}, func(b *Buffer) error { return b.Skip(2) }, ErrUnexpectedEOF},
		{"skip negative", []byte{1}, func(b *Buffer) error { return b.Skip(-1) }, ErrUnexpectedEOF},
		{"peek short", []byte{1}, func(b *Buffer) error { _, err := b.PeekID(); return err }, ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b Buffer
			b.ResetTo(tt.in)
			err := tt.read(&b)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if b.Offset() != 0 {
				t.Fatalf("failed read moved the cursor to %d", b.Offset())
			}
		})
	}
}

func TestStringViews(t *testing.T) {
	var b Buffer
	b.PutString("hello")
	b.PutString("world")
	src := append([]byte(nil), b.Buf...)
	b.ResetTo(src)
	s1, _ := b.String()
	s2, _ := b.String()
	for i := range src {
		src[i] = 'X' // the caller reuses its buffer: decoded strings must not change
	}
	if s1 != "hello" || s2 != "world" {
		t.Fatalf("strings alias the input: %q %q", s1, s2)
	}
	// Long strings get their own allocation; both forms survive later decodes.
	long := strings.Repeat("z", chunkMaxItem+1)
	var w Buffer
	w.PutString(long)
	w.PutString("abc")
	b.ResetTo(w.Buf)
	l, _ := b.String()
	s3, _ := b.String()
	b.ResetTo([]byte{3, 'x', 'y', 'z'})
	if s, _ := b.String(); s != "xyz" || l != long || s3 != "abc" || s1 != "hello" {
		t.Fatalf("strings changed after more decoding: %q %q", s, s3)
	}
}

func TestChunkGrowth(t *testing.T) {
	var w Buffer
	item := strings.Repeat("s", 100)
	for range 1000 {
		w.PutString(item)
	}
	var b Buffer
	b.ResetTo(w.Buf)
	var sizes []int // chunk size after each new chunk
	var got []string
	for range 1000 {
		s, err := b.String()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
		if n := len(b.arena.chunk); len(sizes) == 0 || sizes[len(sizes)-1] != n {
			sizes = append(sizes, n)
		}
	}
	want := []int{chunkMaxItem, 2 * chunkMaxItem, 4 * chunkMaxItem, 8 * chunkMaxItem, chunkSize}
	if diff := cmp.Diff(want, sizes); diff != "" {
		t.Fatalf("chunk sizes (-want +got):\n%s", diff)
	}
	for i, s := range got {
		if s != item {
			t.Fatalf("string %d changed: %q", i, s)
		}
	}
}

func TestBytesAreCopies(t *testing.T) {
	var b Buffer
	b.PutBytes([]byte{1, 2, 3})
	b.PutBytes([]byte{4, 5})
	b.PutBytes(nil)
	src := append([]byte(nil), b.Buf...)
	b.ResetTo(src)
	p1, _ := b.Bytes()
	p2, _ := b.Bytes()
	p3, _ := b.Bytes()
	p1 = append(p1, 9) // must not overwrite p2 even though both come from one chunk
	src[1] = 7
	if !bytes.Equal(p2, []byte{4, 5}) || p1[0] != 1 || p3 == nil || len(p3) != 0 {
		t.Fatalf("p1 %v p2 %v p3 %v", p1, p2, p3)
	}
}

func TestResetAndRaw(t *testing.T) {
	var b Buffer
	b.PutInt32(1)
	b.PutInt32(2)
	if _, err := b.Int32(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Raw(), []byte{2, 0, 0, 0}) || b.Len() != 4 {
		t.Fatalf("raw % x len %d", b.Raw(), b.Len())
	}
	if err := b.Skip(4); err != nil || b.Len() != 0 {
		t.Fatal(err)
	}
	b.Reset()
	if len(b.Buf) != 0 || b.Offset() != 0 || cap(b.Buf) == 0 {
		t.Fatal("Reset did not empty the buffer keeping capacity")
	}
}

func TestWriteErr(t *testing.T) {
	var b Buffer
	if b.WriteErr() != nil {
		t.Fatal("fresh buffer has an error")
	}
	b.PutString(strings.Repeat("a", MaxStringLen+1))
	err := b.WriteErr()
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("got %v", err)
	}
	var ee *EncodeError
	if !errors.As(err, &ee) {
		t.Fatalf("%T is not *EncodeError", err)
	}
	b.Reset()
	if b.WriteErr() != nil {
		t.Fatal("Reset kept the error")
	}
	b.PutBytes(make([]byte, MaxStringLen+1))
	if !errors.Is(b.WriteErr(), ErrTooLarge) {
		t.Fatal("oversized bytes not reported")
	}
}

func TestDecodeErr(t *testing.T) {
	var b Buffer
	b.ResetTo([]byte{1, 2, 3, 4, 5})
	_, _ = b.Int32()
	err := b.DecodeErr("user", "id", ErrUnexpectedEOF)
	var de *DecodeError
	if !errors.As(err, &de) || de.Type != "user" || de.Field != "id" || de.Offset != 4 || !errors.Is(err, ErrUnexpectedEOF) {
		t.Fatalf("got %#v", err)
	}
	if got := err.Error(); got != "tl: decode user.id at offset 4: tl: unexpected end of input" {
		t.Fatalf("message %q", got)
	}
	// The innermost location wins.
	if outer := b.DecodeErr("updates", "users", err); outer != err {
		t.Fatalf("outer wrap replaced the inner error: %v", outer)
	}
	uid := b.UnexpectedID("Peer", 0x1234)
	if !errors.Is(uid, ErrUnexpectedID) || !strings.Contains(uid.Error(), "Peer at offset 0") || !strings.Contains(uid.Error(), "0x00001234") {
		t.Fatalf("got %v", uid)
	}
	if NilFieldError("a", "b").Error() != "tl: encode a.b: tl: invalid value: required field is nil" {
		t.Fatal(NilFieldError("a", "b"))
	}
	if err := NilFieldError("a", "b"); !errors.Is(err, ErrNilObject) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("NilFieldError does not match ErrNilObject and ErrInvalid: %v", err)
	}
	nilObj := NilObjectError("user")
	if got := nilObj.Error(); got != "tl: encode: tl: invalid value: nil user" || !errors.Is(nilObj, ErrNilObject) {
		t.Fatalf("NilObjectError: %q", got)
	}
	// The innermost field that holds the nil object names it; outer ones keep it.
	if EncodeFieldErr("inner", "x", nilObj) != nilObj || EncodeFieldErr("outer", "y", nilObj) != nilObj {
		t.Fatal("EncodeFieldErr replaced the error")
	}
	if got := nilObj.Error(); got != "tl: encode inner.x: tl: invalid value: nil user" {
		t.Fatalf("located NilObjectError: %q", got)
	}
	flag := FlagGroupError("a", "b")
	if EncodeFieldErr("outer", "y", flag).Error() != flag.Error() || errors.Is(flag, ErrNilObject) {
		t.Fatalf("EncodeFieldErr relocated %v", flag)
	}
	if !errors.Is(FlagGroupError("a", "b"), ErrInvalid) {
		t.Fatal("FlagGroupError does not wrap ErrInvalid")
	}
}

func TestOpt(t *testing.T) {
	var o Opt[int32]
	if v, ok := o.Get(); ok || v != 0 || o.Or(7) != 7 {
		t.Fatal("zero Opt is not absent")
	}
	o = Some[int32](3)
	if v, ok := o.Get(); !ok || v != 3 || o.Or(7) != 3 {
		t.Fatal("Some is not present")
	}
}

func TestGzip(t *testing.T) {
	payload := bytes.Repeat([]byte("telegram "), 1000)
	z, err := Gzip([]byte("prefix"), payload)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(z, []byte("prefix")) {
		t.Fatal("Gzip did not append")
	}
	out, err := Gunzip(nil, z[len("prefix"):], len(payload))
	if err != nil || !bytes.Equal(out, payload) {
		t.Fatalf("round trip: %v", err)
	}
	if _, err := Gunzip(nil, z[len("prefix"):], len(payload)-1); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("cap not enforced: %v", err)
	}
	if _, err := Gunzip(nil, []byte("not gzip"), 100); err == nil {
		t.Fatal("garbage accepted")
	}
	if _, err := Gunzip(nil, z[len("prefix"):len(z)-10], 1<<20); err == nil {
		t.Fatal("truncated stream accepted")
	}
}

func TestNewSlabs(t *testing.T) {
	type obj struct{ A, B int64 }
	var b Buffer
	seen := map[*obj]bool{}
	for i := range 500 {
		p := New[obj](&b, 1)
		if *p != (obj{}) || seen[p] {
			t.Fatalf("object %d reused or dirty", i)
		}
		p.A = int64(i)
		seen[p] = true
	}
	type other struct{ C int32 }
	if b.arena.slabs == nil {
		t.Fatal("slabs never kicked in")
	}
	// A different type under the same id must not be handed a wrongly typed slab.
	if o := New[other](&b, 1); o == nil || o.C != 0 {
		t.Fatal("id clash broke New")
	}
}

func TestVectorHeaderOfFits(t *testing.T) {
	var b Buffer
	b.ResetTo([]byte{0x15, 0xc4, 0xb5, 0x1c, 2, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	if n, err := b.VectorHeaderOf(8); n != 2 || err != nil {
		t.Fatalf("VectorHeaderOf(8) = %d, %v; want 2", n, err)
	}
	b.ResetTo([]byte{5, 0, 0, 0, 1, 2, 3, 4, 5})
	if n, err := b.BareVectorHeaderOf(0); n != 5 || err != nil { // fieldless elements: one byte each
		t.Fatalf("BareVectorHeaderOf(0) = %d, %v; want 5", n, err)
	}
}

type fat struct{ a [32]int64 } // 256 bytes in memory

// TestMakeSliceUpTo: a count the bytes left could not fill with values of the Go size is
// allocated only up to twice the bytes left (or 64 KiB), and GrowSlice extends it keeping the
// elements.
func TestMakeSliceUpTo(t *testing.T) {
	var b Buffer
	b.ResetTo(make([]byte, 64<<10))
	s := MakeSliceUpTo[fat](&b, 1, 10000)
	if want := 2 * (64 << 10) / 256; len(s) != want {
		t.Fatalf("len = %d, want %d", len(s), want)
	}
	s[0].a[0] = 7
	for len(s) < 10000 {
		s = GrowSlice(s, 10000)
	}
	if len(s) != 10000 || s[0].a[0] != 7 || s[9999].a[0] != 0 {
		t.Fatalf("grown to %d elements, first %d", len(s), s[0].a[0])
	}
	if s := MakeSliceUpTo[fat](&b, 1, 100); len(s) != 100 {
		t.Fatalf("a count the bytes can fill: len %d", len(s))
	}
	b.ResetTo(nil)
	if s := MakeSliceUpTo[fat](&b, 1, 1000); len(s) != sliceUpToFree/256 {
		t.Fatalf("no bytes left: len %d, want what fits the free size, %d", len(s), sliceUpToFree/256)
	}
	if s := MakeSliceUpTo[fat](&b, 1, 200); len(s) != 200 {
		t.Fatalf("a vector within the free size: len %d", len(s))
	}
	if s := GrowSlice(make([]fat, 1), 3); len(s) != 3 {
		t.Fatalf("GrowSlice does not pass n: %d", len(s))
	}
}

func TestNextSlabLen(t *testing.T) {
	tests := []struct {
		name       string
		n, size    int
		want       int
		wantFilled bool // the slab fills slabBytes to within one element
	}{
		{name: "small type doubles", n: 4, size: 16, want: 8},
		{name: "doubling stops at slabMax", n: slabMax, size: 8, want: slabMax},
		{name: "message-sized type fills the class", n: 32, size: 472, want: slabBytes / 472, wantFilled: true},
		{name: "user-sized type fills the class", n: 32, size: 400, want: slabBytes / 400, wantFilled: true},
		{name: "doubling would overshoot", n: 16, size: 600, want: slabBytes / 600, wantFilled: true},
		{name: "type larger than a slab", n: 2, size: slabBytes + 1, want: 1},
		{name: "zero-sized type", n: 2, size: 0, want: slabMax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := nextSlabLen(tt.n, tt.size)
			if got != tt.want {
				t.Fatalf("nextSlabLen(%d, %d) = %d, want %d", tt.n, tt.size, got, tt.want)
			}
			if got*tt.size > slabBytes && got > 1 {
				t.Fatalf("slab of %d x %d bytes exceeds %d", got, tt.size, slabBytes)
			}
			if tt.wantFilled && slabBytes-got*tt.size >= tt.size {
				t.Fatalf("slab of %d x %d bytes leaves a whole element of %d free", got, tt.size, slabBytes)
			}
		})
	}
}

func FuzzGunzip(f *testing.F) {
	z, _ := Gzip(nil, []byte("hello hello hello"))
	f.Add(z)
	f.Add([]byte{0x1f, 0x8b})
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := Gunzip(nil, data, 1<<16)
		if err == nil && len(out) > 1<<16 {
			t.Fatalf("output %d above cap", len(out))
		}
	})
}

func TestDepth(t *testing.T) {
	var b Buffer
	for range MaxDepth {
		if err := b.Enter(); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Enter(); !errors.Is(err, ErrTooDeep) {
		t.Fatalf("got %v", err)
	}
	if d := b.Depth(); d != MaxDepth {
		t.Fatalf("a failed Enter left depth %d, want %d", d, MaxDepth)
	}
	b.ResetTo(nil)
	if err := b.Enter(); err != nil {
		t.Fatal("ResetTo kept the depth")
	}
	b.Leave()
}

// TestLeaveTooOften: a hand-written decoder that calls Leave more often than Enter leaves the
// depth below 0, where Depth shows the slip to the tests that check it is 0 after a decode
// (tltest.Prefixes, the decoders' own), and every Enter then fails with ErrTooDeep, naming the
// slip, until ResetTo: the Buffer no longer knows how deep it is, so it accepts no nesting at
// all rather than nesting past MaxDepth.
func TestLeaveTooOften(t *testing.T) {
	for _, entered := range []int{0, 1, MaxDepth} {
		for _, extra := range []int{1, 2} {
			var b Buffer
			for range entered {
				if err := b.Enter(); err != nil {
					t.Fatal(err)
				}
			}
			for range entered + extra {
				b.Leave()
			}
			if d := b.Depth(); d != -extra {
				t.Errorf("%d Enters and %d Leaves left depth %d, want %d", entered, entered+extra, d, -extra)
			}
			err := b.Enter()
			if !errors.Is(err, ErrTooDeep) || !strings.Contains(err.Error(), "Leave") {
				t.Errorf("%d Enters and %d Leaves, then Enter = %v, want ErrTooDeep naming Leave", entered, entered+extra, err)
			}
			if d := b.Depth(); d != -extra {
				t.Errorf("a refused Enter moved the depth to %d, want %d", d, -extra)
			}
			b.ResetTo(nil)
			n := 0
			for n <= MaxDepth && b.Enter() == nil {
				n++
			}
			if n != MaxDepth {
				t.Errorf("after ResetTo, %d Enters succeeded, want %d", n, MaxDepth)
			}
		}
	}
}

func TestExtend(t *testing.T) {
	for _, b := range []Buffer{{}, {Buf: []byte{1, 2, 3}}, {Buf: append(make([]byte, 0, 64), 1, 2, 3)}} {
		before := append([]byte(nil), b.Buf...)
		for _, n := range []int{0, 4, 13, 100} {
			l := len(b.Buf)
			p := b.Extend(n)
			if len(p) != n || cap(p) != n || len(b.Buf) != l+n {
				t.Fatalf("Extend(%d) on %d bytes: got len %d cap %d, Buf %d bytes", n, l, len(p), cap(p), len(b.Buf))
			}
			for i := range p {
				p[i] = byte(n)
			}
			if n > 0 && &p[0] != &b.Buf[l] {
				t.Fatalf("Extend(%d) returned bytes outside Buf", n)
			}
		}
		if !bytes.Equal(b.Buf[:len(before)], before) {
			t.Fatalf("Extend changed the bytes before it: % x", b.Buf[:len(before)])
		}
	}
}

func TestBoolIDAndIDLen(t *testing.T) {
	if BoolID(true) != BoolTrueID || BoolID(false) != BoolFalseID {
		t.Fatalf("BoolID: %#x %#x", BoolID(true), BoolID(false))
	}
	if IDLen(true) != 4 || IDLen(false) != 0 {
		t.Fatalf("IDLen: %d %d", IDLen(true), IDLen(false))
	}
}

func TestPutStringAt(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 4, 5, 252, 253, 254, 255, 256, 257, 1000, MaxStringLen + 1} {
		s := strings.Repeat("x", n)
		var want Buffer
		want.PutString(s)
		if got := StringSize(n); got != len(want.Buf) {
			t.Fatalf("StringSize(%d) = %d, PutString wrote %d bytes", n, got, len(want.Buf))
		}
		// Between two fixed words, in an extension whose bytes start out as garbage.
		b := Buffer{Buf: append(make([]byte, 0, 8+StringSize(n)+16), 0xaa)}
		p := b.Extend(8 + StringSize(n))
		for i := range p {
			p[i] = 0xee
		}
		copy(p, "head")
		b.PutStringAt(p[4:], s)
		copy(p[4+StringSize(n):], "tail")
		wantAll := append(append(append([]byte{0xaa}, "head"...), want.Buf...), "tail"...)
		if !bytes.Equal(b.Buf, wantAll) {
			t.Fatalf("PutStringAt of %d bytes wrote % x...", n, b.Buf[:min(len(b.Buf), 16)])
		}
		if tooLong := n > MaxStringLen; errors.Is(b.WriteErr(), ErrTooLarge) != tooLong {
			t.Fatalf("PutStringAt of %d bytes: WriteErr %v", n, b.WriteErr())
		}
	}
}
