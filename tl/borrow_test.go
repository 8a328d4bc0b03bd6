package tl

import (
	"bytes"
	"context"
	"testing"
)

// encodeParts writes an int, three byte strings (one short, two long) and an int.
func encodeParts(b *Buffer, long1, long2 []byte) {
	b.PutInt32(7)
	b.PutBytes([]byte("short"))
	b.PutBytes(long1)
	b.PutInt64(-1)
	b.PutBytes(long2)
	b.PutInt32(9)
}

func TestBorrowReassemblesTheEncoding(t *testing.T) {
	long1 := bytes.Repeat([]byte{1, 2, 3}, 400) // 1200 bytes
	long2 := bytes.Repeat([]byte{4}, 301)       // padded to 4
	var want Buffer
	encodeParts(&want, long1, long2)

	tests := []struct {
		name  string
		min   int
		segs  int
		saved int
	}{
		{"above both", 300, 2, 1200 + 301},
		{"above one", 1000, 1, 1200},
		{"above none", 5000, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b Buffer
			b.Borrow(tt.min)
			encodeParts(&b, long1, long2)
			segs := b.Borrowed()
			if len(segs) != tt.segs {
				t.Fatalf("%d borrowed strings, want %d", len(segs), tt.segs)
			}
			if got := len(want.Buf) - len(b.Buf); got != tt.saved {
				t.Errorf("Buf is %d bytes shorter, want %d", got, tt.saved)
			}
			if n := BorrowedLen(b.Buf, segs); n != len(want.Buf) {
				t.Errorf("BorrowedLen = %d, want %d", n, len(want.Buf))
			}
			if got := AppendBorrowed([]byte("x"), b.Buf, segs); !bytes.Equal(got[1:], want.Buf) || got[0] != 'x' {
				t.Error("AppendBorrowed differs from the plain encoding")
			}
		})
	}
}

func TestResetEndsBorrowing(t *testing.T) {
	long := make([]byte, 1000)
	var b Buffer
	b.Borrow(256)
	b.PutBytes(long)
	b.Reset()
	if b.Borrowed() != nil {
		t.Fatal("Borrowed after Reset")
	}
	b.PutBytes(long)
	if len(b.Buf) != 1004 {
		t.Errorf("after Reset PutBytes wrote %d bytes, want 1004 (a copy)", len(b.Buf))
	}
}

func TestBorrowedEncodeAllocatesNothing(t *testing.T) {
	long := make([]byte, 512<<10)
	var b Buffer
	run := func() {
		b.Reset()
		b.Borrow(1024)
		b.PutInt32(1)
		b.PutBytes(long)
	}
	run()
	if n := testing.AllocsPerRun(100, run); n != 0 {
		t.Errorf("%.0f allocations per borrowed encode, want 0", n)
	}
}

func TestWithBorrowedBytes(t *testing.T) {
	if BytesBorrowed(context.Background()) {
		t.Error("a plain context is marked")
	}
	if !BytesBorrowed(WithBorrowedBytes(context.Background())) {
		t.Error("the marked context is not")
	}
}

func TestAliasDecodesLongBytesInPlace(t *testing.T) {
	long := bytes.Repeat([]byte{7}, 5000)
	var enc Buffer
	enc.PutBytes([]byte("short"))
	enc.PutBytes(long)
	wire := enc.Buf // "short" takes 8 bytes, the long value starts after its 4-byte length

	var b Buffer
	b.ResetTo(wire)
	if b.Aliases(len(long)) {
		t.Error("Aliases before Alias")
	}
	b.Alias(4096)
	if b.Aliases(4095) || !b.Aliases(4096) {
		t.Error("Aliases disagrees with the threshold")
	}
	short, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, long) || !bytes.Equal(short, []byte("short")) {
		t.Fatal("decoded values differ")
	}
	if &got[0] != &wire[12] || cap(got) != len(long) {
		t.Error("the long value is not a capacity-limited slice of Buf")
	}
	if &short[0] == &wire[1] {
		t.Error("the short value aliases Buf")
	}
	b.ResetTo(wire) // ends aliasing
	_, _ = b.Bytes()
	if again, _ := b.Bytes(); &again[0] == &wire[12] {
		t.Error("aliasing survived ResetTo")
	}
}
